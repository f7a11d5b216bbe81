#!/usr/bin/env bash
# Live-data benchmark (issue 12) on 1,000,000 enterprises and 10,000,000 supply edges: the
# server with default threads; (a) write-to-visible latency of one indicator write, (b) list
# and chain read latency with no writes and with 50 writes/s, (c) the longest read stall
# during a CLI import of 10,000 indicator rows, (d) the frame's full build (server start to
# listening) and the server's peak RSS. Each figure is printed beside its no-write baseline.
#   bench/live.sh [ENTERPRISES] [EDGES]        (defaults 1000000 and 10000000)
# REPEAT=5 runs the measurements five times against the same server, for medians and spread;
# the build is run RUNS times (default 5) with bench_frame, alternating with PREV_BUILD's
# bench_frame when PREV_BUILD names the build folder of an earlier commit.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
EDGES=${2:-10000000}
B=${BUILD:-build}
W=${BENCH_DIR:-/tmp/cc-bench-live-$N}
. bench/supply_db.sh
prepare_supply_db "$N" "$EDGES" "$W" "$B"
CC=$(realpath "$B/chainchief")
for u in writer reader stream; do
  "$CC" --db "$W/db" user add "bench_$u" --role analyst --password "bench-$u-pass-1" \
    >/dev/null 2>&1 || true
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export CC_NO_ACCESS_LOG=1
t0=$(date +%s.%N)
"$CC" --db "$W/db" serve --listen "127.0.0.1:$PORT" 2>"$W/serve.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null || true' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json"; do
  kill -0 $SPID || { cat "$W/serve.err"; exit 1; }
  sleep 0.1
done
t1=$(date +%s.%N)
rss_start=$(awk '/VmRSS/ {print $2}' /proc/$SPID/status)
echo
echo "(d) server start to listening (match index check + full frame build): $(echo "$t1 - $t0" | bc -l | cut -c1-6) s; RSS then $((rss_start / 1024)) MB"
grep '^frame:' "$W/serve.err" || true
for r in $(seq 1 "${REPEAT:-1}"); do
  echo "-- run $r"
  PORT=$PORT DB="$W/db" CC="$CC" WORK="$W" python3 bench/live.py
done
echo "    server peak RSS over the run: $(($(awk '/VmHWM/ {print $2}' /proc/$SPID/status) / 1024)) MB"
kill $SPID; wait $SPID 2>/dev/null || true
trap - EXIT
grep '^frame follower' "$W/serve.err" || true
echo
echo "(d) full build, bench_frame (server stopped), ${RUNS:-5} runs$([ -n "${PREV_BUILD:-}" ] && echo ", alternating with $PREV_BUILD/bench_frame"):"
# PREV_BUILD=DIR: a build folder of an earlier commit (its bench_frame) as the peer.
peer=()
[ -n "${PREV_BUILD:-}" ] && peer=(-- before "$PREV_BUILD/bench_frame $W/db")
bench/alternate.py --runs "${RUNS:-5}" \
  --metric frame_seconds:"full build, seconds" --metric frame_mb:"frame as built, MB" \
  --metric frame_all_mb:"frame with every derived metric made, MB" --metric rss:"peak RSS, MB" \
  -- now "$B/bench_frame $W/db" "${peer[@]}"
