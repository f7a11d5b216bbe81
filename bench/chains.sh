#!/usr/bin/env bash
# Chain-map benchmark (issue 4): all 33 chains' node metrics, gaps and targets on 1,000,000
# enterprises and 10,000,000 supply edges, from the frame (bench_chain) against the same
# aggregation in SQL (bench/chains.sql run by sqlite3), in one run: wall time and peak RSS.
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
/usr/bin/time -f "%e %M" -o "$W/t.ours" $B/bench_chain "$W/db" chongqing | tee "$W/ours.txt"
read -r osecs okb < "$W/t.ours"
/usr/bin/time -f "%e %M" -o "$W/t.sql" sqlite3 "$W/db" < bench/chains.sql > "$W/sql.txt"
read -r ssecs skb < "$W/t.sql"
ours=$(sed -n 's/.*chains_seconds=\([0-9.]*\).*/\1/p' "$W/ours.txt")
echo
printf "%-44s %10s %12s\n" "" "seconds" "peak RSS MB"
printf "%-44s %10.3f %12.0f\n" "chainchief, 33 chains from the frame" "$ours" "$(echo "$okb/1024" | bc -l)"
printf "%-44s %10s %12s\n" "  (frame build, once per data generation)" "$(sed -n 's/.*frame_seconds=\([0-9.]*\).*/\1/p' "$W/ours.txt")" ""
printf "%-44s %10.3f %12.0f\n" "sqlite3, the same aggregation in SQL" "$ssecs" "$(echo "$skb/1024" | bc -l)"
echo "speed-up: $(echo "$ssecs / $ours" | bc -l | cut -c1-6)x"
