#!/usr/bin/env bash
# Import benchmark (issue 2): our validating, indexed import of 1,000,000 enterprises and
# 4,000,000 indicator rows against `sqlite3 .import --csv` of the same files into plain tables,
# alternately RUNS times (default 5): medians and spread of wall time and peak RSS.
#   bench/import.sh [ENTERPRISES] [YEARS]      (defaults 1000000 and 4)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
Y=${2:-4}
CC=${CC:-build/chainchief}
W=${BENCH_DIR:-/tmp/cc-bench-import}
rm -rf "$W"; mkdir -p "$W"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
echo "generating $N enterprises x $Y years ..."
$CC demo --enterprises "$N" --years "$Y" --months 0 --csv-out "$W/csv" --no-load --no-accounts
ls -la "$W/csv"/enterprises.csv "$W/csv"/indicators.csv

sync
# Each run imports into a new database (the removal of the old one is inside the timed
# command: a few milliseconds). Alternately RUNS times (default 5). ours: chainchief import
# (validating, indexed, change-logged); sqlite3: .import --csv into plain tables.
bench/alternate.py --runs "${RUNS:-5}" \
  --metric wall:"import wall time, seconds" --metric rss:"peak RSS, MB" \
  -- ours "rm -f $W/ours.db $W/ours.db-wal $W/ours.db-shm && $CC --db $W/ours.db import $W/csv/enterprises.csv $W/csv/indicators.csv --no-progress" \
  -- sqlite3 "rm -f $W/peer.db && sqlite3 $W/peer.db '.import --csv $W/csv/enterprises.csv enterprises' '.import --csv $W/csv/indicators.csv indicators'"
echo
echo "rows: ours $(sqlite3 "$W/ours.db" 'select count(*) from enterprises') enterprises, $(sqlite3 "$W/ours.db" 'select count(*) from indicators') indicator rows;" \
     "sqlite3 $(sqlite3 "$W/peer.db" 'select count(*) from enterprises') / $(sqlite3 "$W/peer.db" 'select count(*) from indicators')"
ls -la "$W/ours.db" "$W/peer.db" | awk '{print $5, $9}'
