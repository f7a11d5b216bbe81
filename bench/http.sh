#!/usr/bin/env bash
# HTTP benchmark (issue 3), wrk on loopback, each line RUNS times (default 5), alternating:
#   GET /api/v1/enterprises?limit=50 with a filter and a sort, an enterprise profile, and a
#   static file served by chainchief and by nginx (the same bytes).
#   bench/http.sh [ENTERPRISES] [SECONDS]     (defaults 20000 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
D=${2:-10}
CC=${CC:-build/chainchief}
W=${BENCH_DIR:-/tmp/cc-bench-http-$N}
PORT=18181
NGPORT=18182
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "needs nginx (apt-get install nginx-light)"; exit 1; }
mkdir -p "$W"
if [ ! -f "$W/db" ]; then
  $CC --db "$W/db" demo --enterprises "$N" --no-accounts >/dev/null 2>&1
fi
$CC --db "$W/db" user add bench --role analyst --password load-test-pass-1 >/dev/null 2>&1 || true
CC_NO_ACCESS_LOG=1 $CC --db "$W/db" serve --listen 127.0.0.1:$PORT --threads 2 2>"$W/serve.log" &
SPID=$!
trap 'kill $SPID 2>/dev/null; [ -f "$W/nginx.pid" ] && kill $(cat "$W/nginx.pid") 2>/dev/null; true' EXIT
# The first frame is built before the server listens (a minute at 1M enterprises).
for i in $(seq 1 900); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/session" && break; sleep 0.2; done
cookie=$(curl -s -i -H 'Content-Type: application/json' -d '{"username":"bench","password":"load-test-pass-1"}' \
  "http://127.0.0.1:$PORT/api/v1/login" | tr -d '\r' | sed -n 's/^Set-Cookie: \(cc_session=[0-9a-f]*\).*/\1/p')
uscc=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/api/v1/enterprises?limit=1&sort=revenue" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["uscc"])')

# nginx with the same static file.
mkdir -p "$W/www/vendor" "$W/nginx"
curl -s "http://127.0.0.1:$PORT/vendor/echarts.min.js" > "$W/www/vendor/echarts.min.js"
curl -s "http://127.0.0.1:$PORT/web/index.html" > "$W/www/index.html"
cat > "$W/nginx/nginx.conf" <<NG
worker_processes 2;
pid $W/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  types { text/html html; text/javascript js; }
  server { listen 127.0.0.1:$NGPORT; root $W/www; }
}
NG
/usr/sbin/nginx -c "$W/nginx/nginx.conf" -p "$W/nginx"
sleep 0.5

# Each line alternately RUNS times (default 5) with bench/wrk_result.sh: medians and spread.
R=${RUNS:-5}
P="http://127.0.0.1:$PORT"
wr="bench/wrk_result.sh"
echo "chainchief on $N enterprises, wrk -t2 -c32 -d${D}s on loopback (2 cores shared by client and server), $R runs each"
echo
echo "== the API (no peer: the same routes, alternating)"
bench/alternate.py --runs "$R" --no-ratio \
  --metric rps:"requests per second":higher --metric p50_ms:"p50, ms" --metric p99_ms:"p99, ms" \
  -- "list region sort=revenue" "$wr '$P/api/v1/enterprises?limit=50&region=500000&sort=revenue' $cookie $D" \
  -- "list chain cert sort=rd_intensity" "$wr '$P/api/v1/enterprises?limit=50&chain=nev&cert=hightech&sort=rd_intensity' $cookie $D" \
  -- "list q=科技 sort=revenue" "$wr '$P/api/v1/enterprises?limit=50&q=%E7%A7%91%E6%8A%80&sort=revenue' $cookie $D" \
  -- "profile" "$wr '$P/api/v1/enterprises/$uscc' $cookie $D"
echo
echo "== static files, chainchief against nginx (the same bytes)"
bench/alternate.py --runs "$R" \
  --metric rps:"index.html, requests per second":higher --metric p99_ms:"index.html, p99, ms" \
  -- chainchief "$wr $P/web/index.html '' $D" -- nginx "$wr http://127.0.0.1:$NGPORT/index.html '' $D"
bench/alternate.py --runs "$R" \
  --metric rps:"echarts.min.js 1 MB, requests per second":higher --metric p99_ms:"echarts.min.js, p99, ms" \
  -- chainchief "$wr $P/vendor/echarts.min.js '' $D" -- nginx "$wr http://127.0.0.1:$NGPORT/vendor/echarts.min.js '' $D"
echo
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$(dirname "$CC")/CMakeCache.txt" 2>/dev/null | cut -d= -f2) ($CC)"
