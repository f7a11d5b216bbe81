#!/usr/bin/env bash
# Resilience benchmark (issue 7): on 1,000,000 enterprises and 10,000,000 supply edges, the
# supply network built from the store, single points of failure (dominators) for all 33
# chains, articulation points and one region-wide disruption (bench_risk), against
# python-igraph doing the dominator and articulation work on the same graph
# (bench/risk_igraph.py), in one run: seconds and peak RSS.
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
# Ours: timed inside bench_risk (build from the store + spof + articulation + disruption); it
# then writes the peer's inputs (untimed). Peak RSS from /usr/bin/time covers each process.
/usr/bin/time -f "%e %M" -o "$W/t.risk" $B/bench_risk "$W/db" "$REGION" "$W/risk" | tee "$W/risk-ours.txt"
read -r _ okb < "$W/t.risk"
if [ ! -s "$W/risk/edges_named.txt" ]; then
  echo "exporting the supply edges for igraph (not timed) ..."
  sqlite3 -separator ' ' "$W/db" "SELECT e.uscc, s.supplier FROM supply_edges s JOIN enterprises e ON e.id = s.buyer_id" > "$W/risk/edges_named.txt"
fi
echo
/usr/bin/time -f "%e %M" -o "$W/t.igraph" /usr/bin/python3 bench/risk_igraph.py "$W/risk" named | tee "$W/risk-igraph.txt"
read -r _ ikb < "$W/t.igraph"
/usr/bin/time -f "%e %M" -o "$W/t.igraph2" /usr/bin/python3 bench/risk_igraph.py "$W/risk" ids | tee "$W/risk-igraph2.txt"
read -r _ i2kb < "$W/t.igraph2"
get() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2"; }
echo
printf "%-44s %10s %12s %8s %14s %8s\n" "" "chainchief" "igraph" "ratio" "igraph(ids)" "ratio"
row() {
  o=$(get "$1" "$W/risk-ours.txt"); i=$(get "$1" "$W/risk-igraph.txt"); j=$(get "$1" "$W/risk-igraph2.txt")
  printf "%-44s %10.3f %12.3f %7.1fx %14.3f %7.1fx\n" "$2" "$o" "$i" "$(echo "$i / $o" | bc -l)" "$j" "$(echo "$j / $o" | bc -l)"
}
row build_seconds "graph build, seconds"
row spof_seconds "dominators of 33 chains, seconds"
row articulation_seconds "articulation points, seconds"
printf "%-44s %10.3f %12s\n" "disruption of region $REGION, seconds" "$(get disrupt_seconds "$W/risk-ours.txt")" "(ours only)"
row total_seconds "end to end, seconds (ours incl. disruption)"
printf "%-44s %10.0f %12.0f %8s %14.0f\n" "peak RSS, MB" "$(echo "$okb/1024" | bc -l)" "$(echo "$ikb/1024" | bc -l)" "" "$(echo "$i2kb/1024" | bc -l)"
echo "igraph: builds from the same 10M edge records (codes, exported with sqlite3 beforehand);"
echo "igraph(ids): given chainchief's merged integer graph, so its build is only reading integers."
