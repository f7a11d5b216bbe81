#!/usr/bin/env bash
# Resilience benchmark (issue 7): on 1,000,000 enterprises and 10,000,000 supply edges, the
# supply network built from the store, single points of failure (dominators) for all 33
# chains, articulation points and one region-wide disruption (bench_risk), against
# python-igraph doing the dominator and articulation work on the same graph
# (bench/risk_igraph.py), alternately RUNS times (default 5): medians and spread of seconds
# and peak RSS.
#   bench/risk.sh [ENTERPRISES] [EDGES] [REGION]    (defaults 1000000, 10000000 and 51)
# The database is bench/chains.sh's (same folder, reused when present).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
EDGES=${2:-10000000}
REGION=${3:-51}
B=${BUILD:-build}
W=${BENCH_DIR:-/tmp/cc-bench-chains-$N}
mkdir -p "$W/risk"
. bench/supply_db.sh
prepare_supply_db "$N" "$EDGES" "$W" "$B"
echo
if [ ! -s "$W/risk/edges_named.txt" ]; then
  # The peer's inputs: bench_risk writes the integer graph, sqlite3 the named edges (untimed).
  $B/bench_risk "$W/db" "$REGION" "$W/risk" > /dev/null
  echo "exporting the supply edges for igraph (not timed) ..."
  sqlite3 -separator ' ' "$W/db" "SELECT e.uscc, s.supplier FROM supply_edges s JOIN enterprises e ON e.id = s.buyer_id" > "$W/risk/edges_named.txt"
fi
# Ours (timed inside bench_risk: build from the store + spof + articulation + disruption), igraph
# on the named edges and igraph on our integer graph, alternately RUNS times (default 5).
bench/alternate.py --runs "${RUNS:-5}" --keep "$W/keep" \
  --metric build_seconds:"graph build, seconds" \
  --metric spof_seconds:"dominators of 33 chains, seconds" \
  --metric articulation_seconds:"articulation points, seconds" \
  --metric total_seconds:"end to end, seconds (ours incl. a disruption)" \
  --metric rss:"peak RSS, MB" \
  -- ours "$B/bench_risk $W/db $REGION $W/risk" \
  -- ours-frame "CC_RISK_FROM_FRAME=1 $B/bench_risk $W/db $REGION" \
  -- igraph "/usr/bin/python3 bench/risk_igraph.py $W/risk named" \
  -- igraph-ids "/usr/bin/python3 bench/risk_igraph.py $W/risk ids"
echo
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$B/CMakeCache.txt" | cut -d= -f2) ($B, as make builds it)"
echo "disruption of region $REGION (ours only): $(sed -n 's/.*disrupt_seconds=\([0-9.]*\).*/\1/p' "$W/keep/ours.txt") s in the last run"
echo "ours-frame: the network from a frame built first and not timed, as the server has it;"
echo "igraph: builds from the same 10M edge records (codes, exported with sqlite3 beforehand);"
echo "igraph-ids: given chainchief's merged integer graph, so its build is only reading integers."
