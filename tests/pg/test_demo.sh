#!/usr/bin/env bash
# The CLI on PostgreSQL against SQLite: the same demo loaded into both, then commands whose
# output must be identical (JSON, time stamps masked), check clean on both, a re-import that
# changes nothing, and copy back to a file giving the same exports. Needs CC (the binary) and
# CC_TEST_PG (a throw-away database: its public schema is dropped); scripts/test.sh runs it
# on the server of scripts/pg_tmp.sh.
set -uo pipefail
CC=${CC:?CC is the chainchief binary}
PG=${CC_TEST_PG:?CC_TEST_PG is the URL of a throw-away PostgreSQL database}
T=$(mktemp -d /tmp/cc-pgdemo-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
mask() { sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z/STAMP/g'; }

psql -X -q "$PG" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public" \
  || { bad "empty the PostgreSQL database"; exit 1; }
"$CC" --db "$T/s.db" demo --enterprises 300 --no-accounts > "$T/s.log" 2>&1 && ok "demo on SQLite" || bad "demo on SQLite"
"$CC" --db "$PG" demo --enterprises 300 --no-accounts > "$T/p.log" 2>&1 && ok "demo on PostgreSQL" \
  || { bad "demo on PostgreSQL: $(tail -3 "$T/p.log")"; }

"$CC" --db "$PG" demo --enterprises 10 --force > "$T/again.log" 2>&1
[ $? -eq 2 ] && grep -q "has data" "$T/again.log" && ok "demo refuses a PostgreSQL database with data" \
  || bad "demo on a database with data: $(cat "$T/again.log")"

same() { # command words...
  local a b
  a=$("$CC" --db "$T/s.db" --format json "$@" 2>&1 | mask)
  b=$("$CC" --db "$PG" --format json "$@" 2>&1 | mask)
  if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "same on both: $*"; else
    bad "differs: $*"; diff <(echo "$a") <(echo "$b") | head -6; fi
}
same summary
same check
same chain list
same chain show power_battery
same enterprise list
same risk spof
same risk concentration
same innov stock
same green laggards
same case list
same case departments
same match search 电池箱
same match stats
same listing funnel
same digital summary
same export enterprises -
same export indicators -
same export supply -
same export postings -
same green summary
same green bench
same report list
same report plans
same retrofit list
same listing reserve
same listing stalled
same match deals
same innov map
same risk articulation
same list create L1 --model leader
same list show L1

n0=$(psql -X -At "$PG" -c "SELECT count(*) FROM changes")
"$CC" --db "$PG" export indicators "$T/ind.csv" > /dev/null
"$CC" --db "$PG" import "$T/ind.csv" > "$T/imp.log" 2>&1 && grep -q "0 rejected" "$T/imp.log" \
  && ok "re-import of the indicators on PostgreSQL" || bad "re-import: $(cat "$T/imp.log")"
n1=$(psql -X -At "$PG" -c "SELECT count(*) FROM changes")
[ -n "$n0" ] && [ "$n1" = "$n0" ] \
  && ok "the re-import changed nothing (no change logged)" || bad "the re-import logged changes ($n0 -> $n1)"

"$CC" copy --from "$PG" --to "$T/c.db" > "$T/copy.log" 2>&1 && ok "copy PostgreSQL -> SQLite" || bad "copy: $(tail -2 "$T/copy.log")"
for k in enterprises indicators supply postings; do
  # Both exports must succeed with rows (two failures would print the same nothing).
  if "$CC" --db "$T/c.db" export $k - > "$T/c_$k" && "$CC" --db "$PG" export $k - > "$T/p_$k" \
     && [ "$(wc -l < "$T/p_$k")" -gt 1 ] && cmp -s "$T/c_$k" "$T/p_$k"; then
    ok "copy: the same $k"
  else
    bad "copy: $k differ ($(wc -l < "$T/c_$k") / $(wc -l < "$T/p_$k") lines)"
  fi
done
"$CC" --db "$T/c.db" check > /dev/null && ok "check on the copy" || bad "check on the copy"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
