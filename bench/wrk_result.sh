#!/usr/bin/env bash
# One wrk run as a RESULT line for bench/alternate.py: requests per second and latency
# percentiles in milliseconds, and the count of non-2xx answers.
#   bench/wrk_result.sh URL [COOKIE] [SECONDS] [CONNECTIONS] [LUA_SCRIPT]
set -euo pipefail
url=$1 cookie=${2:-} d=${3:-5} c=${4:-32} lua=${5:-}
t=$(( c < 2 ? c : 2 ))
out=$(wrk -t"$t" -c"$c" -d"${d}s" --latency ${cookie:+-H "Cookie: $cookie"} ${lua:+-s "$lua"} "$url" 2>&1)
ms() { # wrk's "1.23ms" / "850.00us" / "1.02s" as milliseconds
  awk -v x="$1" 'BEGIN { v = x + 0; if (x ~ /us$/) v /= 1000; else if (x ~ /ms$/) v += 0; else if (x ~ /s$/) v *= 1000; printf "%.3f", v }'
}
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p50=$(echo "$out" | awk '$1=="50%" {print $2}')
p99=$(echo "$out" | awk '$1=="99%" {print $2}')
non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
[ -n "$rps" ] || { echo "$out" >&2; exit 1; }
echo "RESULT rps=$rps p50_ms=$(ms "$p50") p99_ms=$(ms "$p99") non2xx=${non2xx:-0}"
