# Sourced by bench/chains.sh and bench/risk.sh: makes (once) the database of N enterprises
# with EDGES supply edges in folder W with the binaries of B — the demo data, its edges copied
# under new product names until there are EDGES — and prints what it holds.
prepare_supply_db() {
  local N=$1 EDGES=$2 W=$3 B=$4
  mkdir -p "$W"
  if [ ! -f "$W/db" ]; then
    echo "preparing $N enterprises (5 years, annual) ..."
    $B/chainchief --db "$W/db" demo --enterprises "$N" --years 5 --months 0 --no-accounts >/dev/null
    local have k=2
    have=$(sqlite3 "$W/db" 'select count(*) from supply_edges')
    echo "demo wrote $have supply edges; copying edges under new product names up to $EDGES ..."
    while [ "$have" -lt "$EDGES" ]; do
      # One transaction logged as one "everything changed" row (as a bulk import does), not
      # a change-log row per copied edge.
      sqlite3 "$W/db" "BEGIN; INSERT INTO changes(kind, entity) VALUES(9, 0); INSERT OR REPLACE INTO meta(key, value) VALUES('log_bulk', '1'); INSERT INTO supply_edges SELECT supplier, buyer_id, product || '#$k', chain, node, annual_value, share FROM supply_edges WHERE rowid <= $EDGES - $have AND product NOT LIKE '%#%'; DELETE FROM meta WHERE key = 'log_bulk'; UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'; COMMIT;"
      have=$(sqlite3 "$W/db" 'select count(*) from supply_edges')
      k=$((k + 1))
    done
  fi
  echo "$(sqlite3 "$W/db" 'select count(*) from enterprises') enterprises, $(sqlite3 "$W/db" 'select count(*) from supply_edges') supply edges"
}
