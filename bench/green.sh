#!/usr/bin/env bash
# Industry benchmarking benchmark (issue 16): the percentile rank of an intensity within its
# GB/T 4754 class for N enterprises x 5 years, chainchief's green_rank (bench_green) against
# SQLite's PERCENT_RANK() OVER (PARTITION BY year, industry ORDER BY v) and pandas'
# groupby().rank() (numpy when Debian's python3-pandas is not installed), on the same file, in
# one run: time of the ranking alone (loading untimed for every side), checksums that must agree.
#   bench/green.sh [N]          (default 1000000; the issue's target is >= 10x the faster peer)
# RUNS=N runs each N times, alternating (default 5). Ours also runs with the 4/3/2-digit
# fallback (min_group 5), which the peers do not do, for its own cost.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
B=${BUILD:-build}
W=${BENCH_DIR:-/tmp/cc-bench-green-$N}
mkdir -p "$W"
[ -x "$B/bench_green" ] || { echo "build first: $B/bench_green is missing"; exit 1; }
if [ ! -f "$W/data.csv" ]; then
  echo "writing $N enterprises x 5 years ..."
  "$B/bench_green" gen "$W/data.csv" "$N" 5
fi
if /usr/bin/python3 -c "import pandas" 2>/dev/null; then PEER=pandas; else PEER=numpy; fi
echo "loading SQLite (untimed) ..."
/usr/bin/python3 bench/green_peers.py sqlite "$W/data.csv" "$W/data.db" > /dev/null
bench/alternate.py --runs "${RUNS:-5}" --keep "$W" \
  --metric seconds:seconds:lower --metric cpu:"CPU seconds":lower --metric rss:"peak RSS MB (whole process, loading included)":lower \
  -- ours "$B/bench_green run $W/data.csv 1" \
  -- sqlite "/usr/bin/python3 bench/green_peers.py sqlite $W/data.csv $W/data.db" \
  -- $PEER "/usr/bin/python3 bench/green_peers.py $PEER $W/data.csv"
echo
echo "ours with the fallback to 3 and 2 digits (min_group 5), once:"
"$B/bench_green" run "$W/data.csv" 5
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$B/CMakeCache.txt" | cut -d= -f2) ($B); $N x 5 rows"
echo "checksums (sum of percentiles) of the last run of each:"
grep -h RESULT "$W/ours.txt" "$W/sqlite.txt" "$W/$PEER.txt"
/usr/bin/python3 - "$W/ours.txt" "$W/sqlite.txt" "$W/$PEER.txt" <<'PY'
import sys
def parse(p):
    line = [l for l in open(p) if l.startswith("RESULT")][0]
    return dict(kv.split("=") for kv in line.split()[1:])
r = [parse(p) for p in sys.argv[1:]]
ok = all(abs(float(x["checksum"]) - float(r[0]["checksum"])) <= 1e-6 * max(1, float(r[0]["checksum"])) and x["ranked"] == r[0]["ranked"] for x in r)
print("checksums and counts:", "agree" if ok else "DIFFER")
sys.exit(0 if ok else 1)
PY
