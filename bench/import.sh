#!/usr/bin/env bash
# Import benchmark (issue 2): our validating, indexed import of 1,000,000 enterprises and
# 4,000,000 indicator rows against `sqlite3 .import --csv` of the same files into plain tables,
# in one run: wall time and peak RSS of each.
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

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time.$label" "$@" > "$W/out.$label" 2>&1 || { cat "$W/out.$label"; exit 1; }
  read -r secs kb < "$W/time.$label"
  printf "%-34s %8.2f s %8.1f MB\n" "$label" "$secs" "$(echo "$kb/1024" | bc -l)"
}
sync
echo
printf "%-34s %10s %11s\n" "" "wall" "peak RSS"
measure "chainchief import (validating)" $CC --db "$W/ours.db" import "$W/csv/enterprises.csv" "$W/csv/indicators.csv" --no-progress
measure "sqlite3 .import --csv (plain)" sqlite3 "$W/peer.db" ".import --csv $W/csv/enterprises.csv enterprises" ".import --csv $W/csv/indicators.csv indicators"
echo
echo "rows: ours $(sqlite3 "$W/ours.db" 'select count(*) from enterprises') enterprises, $(sqlite3 "$W/ours.db" 'select count(*) from indicators') indicator rows;" \
     "sqlite3 $(sqlite3 "$W/peer.db" 'select count(*) from enterprises') / $(sqlite3 "$W/peer.db" 'select count(*) from indicators')"
ls -la "$W/ours.db" "$W/peer.db" | awk '{print $5, $9}'
