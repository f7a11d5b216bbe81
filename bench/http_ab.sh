#!/usr/bin/env bash
# A/B of one API route between two chainchief binaries (say, before and after a change):
# each binary gets its own demo database (their schemas may differ), then the route is
# loaded with wrk alternately, ROUNDS times (bench/alternate.py), and the median and spread of
# each and of the ratio are printed.
#   bench/http_ab.sh OLD_BINARY NEW_BINARY [ENTERPRISES] [SECONDS] [ROUNDS] [PATH]
# Defaults: 20000 enterprises, 5 s, 5 rounds, the enterprise list of bench/http.sh.
set -euo pipefail
A=$(realpath "$1") B=$(realpath "$2")
cd "$(dirname "$0")/.."
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
# One server at a time: start it, log in, one wrk run as a RESULT line, stop it
# (bench/alternate.py alternates A and B and prints medians and spread).
cat > "$W/one.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
CC_NO_ACCESS_LOG=1 "\$1" --db "\$2" serve --listen 127.0.0.1:$PORT --threads 2 2>/dev/null &
pid=\$!
trap 'kill \$pid; wait \$pid 2>/dev/null || true' EXIT
for _ in \$(seq 1 600); do curl -s -o /dev/null http://127.0.0.1:$PORT/api/v1/session && break; sleep 0.1; done
cookie=\$(curl -s -i -H 'Content-Type: application/json' -d '{"username":"loadtest","password":"load-test-pass-1"}' \\
  http://127.0.0.1:$PORT/api/v1/login | tr -d '\\r' | sed -n 's/^Set-Cookie: \\(cc_session=[0-9a-f]*\\).*/\\1/p')
"$PWD/bench/wrk_result.sh" "http://127.0.0.1:$PORT$URL" "\$cookie" "$D"
SH
chmod +x "$W/one.sh"
echo "$URL, wrk -t2 -c32 -d${D}s, $N enterprises, $R rounds alternating"
bench/alternate.py --runs "$R" --metric rps:"requests per second":higher --metric p99_ms:"p99, ms" \
  -- A "$W/one.sh $A $W/db1" -- B "$W/one.sh $B $W/db2"
