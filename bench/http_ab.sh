#!/usr/bin/env bash
# A/B of one API route between two chainchief binaries (say, before and after a change):
# each binary gets its own demo database (their schemas may differ), then the route is
# loaded with wrk alternately, ROUNDS times, and the median and spread of each are printed.
#   bench/http_ab.sh OLD_BINARY NEW_BINARY [ENTERPRISES] [SECONDS] [ROUNDS] [PATH]
# Defaults: 20000 enterprises, 5 s, 5 rounds, the enterprise list of bench/http.sh.
set -euo pipefail
A=$1 B=$2
N=${3:-20000} D=${4:-5} R=${5:-5}
URL=${6:-/api/v1/enterprises?limit=50&region=500000&sort=revenue}
PORT=18191
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
W=${BENCH_DIR:-/tmp/cc-bench-ab-$N}
mkdir -p "$W"
i=0
for bin in "$A" "$B"; do
  i=$((i + 1))
  [ -f "$W/db$i" ] || "$bin" --db "$W/db$i" demo --enterprises "$N" --no-accounts >/dev/null 2>&1
  "$bin" --db "$W/db$i" user add loadtest --role analyst --password load-test-pass-1 >/dev/null 2>&1 || true
done
run() { # binary db -> "req/s p99"
  CC_NO_ACCESS_LOG=1 "$1" --db "$2" serve --listen 127.0.0.1:$PORT --threads 2 2>/dev/null &
  local pid=$!
  for _ in $(seq 1 600); do curl -s -o /dev/null http://127.0.0.1:$PORT/api/v1/session && break; sleep 0.1; done
  local cookie
  cookie=$(curl -s -i -H 'Content-Type: application/json' -d '{"username":"loadtest","password":"load-test-pass-1"}' \
    http://127.0.0.1:$PORT/api/v1/login | tr -d '\r' | sed -n 's/^Set-Cookie: \(cc_session=[0-9a-f]*\).*/\1/p')
  local out
  out=$(wrk -t2 -c32 -d"${D}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$URL")
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1=="99%" {print $2}')"
  kill $pid; wait $pid 2>/dev/null || true
}
: > "$W/a.txt"; : > "$W/b.txt"
for r in $(seq 1 "$R"); do
  run "$A" "$W/db1" | tee -a "$W/a.txt" | sed "s/^/round $r A: /"
  run "$B" "$W/db2" | tee -a "$W/b.txt" | sed "s/^/round $r B: /"
done
summary() { sort -n "$1" | awk -v who="$2" '{v[NR]=$1; p[NR]=$2} END {m=int((NR+1)/2); printf "%s median %.0f req/s [%.0f-%.0f], p99 of the median run %s\n", who, v[m], v[1], v[NR], p[m]}'; }
echo "$URL, wrk -t2 -c32 -d${D}s, $N enterprises, $R rounds alternating"
summary "$W/a.txt" "A $A"
summary "$W/b.txt" "B $B"
