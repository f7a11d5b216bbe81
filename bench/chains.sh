#!/usr/bin/env bash
# Chain-map benchmark (issue 4): all 33 chains' node metrics, gaps and targets on 1,000,000
# enterprises and 10,000,000 supply edges, from the frame (bench_chain) against the same
# aggregation in SQL (bench/chains.sql run by sqlite3), alternately RUNS times (default 5):
# medians and spread of the time and peak RSS.
#   bench/chains.sh [ENTERPRISES] [EDGES]       (defaults 1000000 and 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
EDGES=${2:-10000000}
B=${BUILD:-build}
W=${BENCH_DIR:-/tmp/cc-bench-chains-$N}
. bench/supply_db.sh
prepare_supply_db "$N" "$EDGES" "$W" "$B"
echo
# Ours (bench_chain: the 33 chains from the frame, timed inside; the frame build apart) and
# sqlite3 running the same aggregation, alternately RUNS times (default 5).
bench/alternate.py --runs "${RUNS:-5}" --keep "$W/keep" \
  --metric chains_seconds=wall:"33 chains' metrics, gaps and targets, seconds" \
  --metric rss:"peak RSS, MB" \
  -- ours "$B/bench_chain $W/db chongqing" \
  -- sqlite3 "sqlite3 $W/db < bench/chains.sql > $W/sql.txt"
echo
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$B/CMakeCache.txt" | cut -d= -f2) ($B, as make builds it)"
echo "frame build (once per data generation) in the last run: $(sed -n 's/.*frame_seconds=\([0-9.]*\).*/\1/p' "$W/keep/ours.txt") s"
