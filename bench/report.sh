#!/usr/bin/env bash
# Reporting benchmark (issue 15): a reporting period submitted over the API while officials
# read. A demo of ENTERPRISES firms; the server with its default threads on loopback; each run
# creates an annual plan over every firm, opens its period and submits SUBMIT reports from
# WRITERS analyst sessions while the completion page and the district totals are read READ_RATE
# times a second each; then one report is accepted and the district total polled until it
# holds the new value (bench/report.py). The peer is the floor the store allows: the same rows
# written straight into SQLite by Python's sqlite3, one transaction per report, no HTTP and no
# rules. RUNS rounds (default 5) alternate the two (bench/alternate.py).
#   bench/report.sh [ENTERPRISES] [SUBMIT]        (defaults 100000 and 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
S=${2:-20000}
B=${BUILD:-build}
CC=$(realpath "$B/chainchief")
W=${BENCH_DIR:-/tmp/cc-bench-report-$N}
mkdir -p "$W"
if [ ! -f "$W/db" ]; then
  "$CC" --db "$W/db" demo --enterprises "$N" --no-accounts >/dev/null 2>&1
fi
for u in w0 w1 w2 w3 w4 w5 w6 w7 r0 r1; do
  "$CC" --db "$W/db" user add "bench_$u" --role analyst --password bench-report-pass-1 \
    >/dev/null 2>&1 || true
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export CC_NO_ACCESS_LOG=1
"$CC" --db "$W/db" serve --listen "127.0.0.1:$PORT" 2>"$W/serve.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null || true' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json"; do
  kill -0 $SPID || { cat "$W/serve.err"; exit 1; }
  sleep 0.2
done
echo "reporting: $N enterprises, $S submissions a run, ${WRITERS:-8} writers, reads ${READ_RATE:-2}/s each of completion and district totals"
export PORT DB="$W/db" SUBMIT="$S"
bench/alternate.py --runs "${RUNS:-5}" \
  --metric subs_per_s:"submissions per second":higher \
  --metric submit_p50:"submission p50, ms" --metric submit_p99:"submission p99, ms" \
  --metric completion_p99:"completion page p99 under load, ms" \
  --metric areas_p99:"district totals p99 under load, ms" \
  --metric accept_ms:"accept, ms" --metric visible_ms:"accept to district total, ms" \
  -- ours "python3 bench/report.py api" -- sqlite3 "python3 bench/report.py sqlite"
echo "    server peak RSS: $(($(awk '/VmHWM/ {print $2}' /proc/$SPID/status) / 1024)) MB"
