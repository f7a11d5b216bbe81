#!/usr/bin/env bash
# Patents benchmark (issue 17): (1) our validating import of N patent rows (default 5,000,000:
# application-number check character, IPC syntax, dates, holder in the registry; upsert keyed
# by number) against `sqlite3 .import --csv` of the same file into a plain table; (2) the
# patent stock of every node of the 33 chains for Chongqing's holders at the end of 2024
# (bench_patents, timed apart from its one-pass snapshot load) against the same GROUP BY in
# SQL (bench/patents.sql: a range scan of an IPC index per node prefix). Alternately RUNS
# times (default 5): medians and spread. The two stock outputs are compared line by line.
#   bench/patents.sh [PATENTS] [ENTERPRISES]     (defaults 5000000 and 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
E=${2:-100000}
B=${BUILD:-build}
CC=${CC:-$B/chainchief}
W=${BENCH_DIR:-/tmp/cc-bench-patents-$N}
rm -rf "$W"; mkdir -p "$W"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
echo "generating $E enterprises and $N patents ..."
$CC demo --enterprises "$E" --csv-out "$W/csv" --no-load --no-accounts > /dev/null
$CC --db "$W/reg.db" import "$W/csv/enterprises.csv" --no-progress > /dev/null
bench/patents_gen.py "$N" "$W/csv/enterprises.csv" data/innovation/ipc_nodes.csv "$W/patents.csv"
ls -la "$W/patents.csv" | awk '{print $5, $9}'
sync
# (1) Import. Ours starts from a copy of the registry (the copy, a few MB, is inside the timed
# command); sqlite3 loads a plain table with no key, no check.
bench/alternate.py --runs "${RUNS:-5}" \
  --metric wall:"import of $N patents, seconds" --metric rss:"peak RSS, MB" \
  -- ours "cp $W/reg.db $W/ours.db && $CC --db $W/ours.db import $W/patents.csv --no-progress" \
  -- sqlite3 "rm -f $W/peer.db && sqlite3 $W/peer.db '.import --csv $W/patents.csv patents'"
echo "rows: ours $(sqlite3 "$W/ours.db" 'select count(*) from patents'), sqlite3 $(sqlite3 "$W/peer.db" 'select count(*) from patents')"
echo
# (2) Node stock. The SQL side gets its index and prefix table first (not timed).
/usr/bin/python3 - "$W/ours.db" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TABLE IF EXISTS ipc_map")
db.execute("CREATE TABLE ipc_map(chain TEXT, node TEXT, prefix TEXT)")
for r in csv.DictReader(open("data/innovation/ipc_nodes.csv", encoding="utf-8")):
    for p in (x.strip() for x in r["ipc"].split(";")):
        if not p:
            continue
        # innov.h's rule: a main group holds its subgroups ("H01M 10" -> "H01M 10/").
        if " " in p and "/" not in p:
            p += "/"
        db.execute("INSERT INTO ipc_map VALUES(?,?,?)", (r["chain"], r["node"], p))
db.execute("CREATE INDEX IF NOT EXISTS patents_ipc ON patents(ipc)")
db.execute("ANALYZE")
db.commit()
PY
bench/alternate.py --runs "${RUNS:-5}" --keep "$W/keep" \
  --metric stock_seconds=wall:"node patent stock, 33 chains, seconds" \
  -- ours "$B/bench_patents $W/ours.db 2024 chongqing $W/ours_stock.txt" \
  -- sqlite3 "sqlite3 $W/ours.db < bench/patents.sql > $W/sql_stock.txt"
echo "snapshot load (once per data generation) in the last run: $(sed -n 's/.*load_seconds=\([0-9.]*\).*/\1/p' "$W/keep/ours.txt") s"
if diff <(sort "$W/ours_stock.txt") <(sort "$W/sql_stock.txt") > /dev/null; then
  echo "stock: the same $(wc -l < "$W/ours_stock.txt") node figures from both"
else
  echo "stock: DIFFERENT node figures (see $W/ours_stock.txt and $W/sql_stock.txt)"; exit 1
fi
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$B/CMakeCache.txt" | cut -d= -f2) ($B)"
