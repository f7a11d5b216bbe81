#!/usr/bin/env bash
# bench/pg.sh http [ENTERPRISES] [SECONDS] (defaults 20000 and 10): see bench/pg.sh. Two
# servers on one PostgreSQL against one server on SQLite, the same data, alternately RUNS
# times (default 5); then tests/pg/test_servers.py's write-on-A to visible-on-B latency.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
D=${2:-10}
CC=$(realpath "${CC:-build/chainchief}")
W=${BENCH_DIR:-/tmp/cc-bench-pg-http-$N}
R=${RUNS:-5}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
mkdir -p "$W"
own_pg=0
if [ -z "${PG_URL:-}" ]; then
  PG_URL=$(scripts/pg_tmp.sh start)
  own_pg=1
fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pids=()
  if [ $own_pg = 1 ]; then scripts/pg_tmp.sh stop "$PG_URL" >/dev/null 2>&1 || true; fi
  own_pg=0
}
trap cleanup EXIT
if [ ! -f "$W/s.db" ]; then
  $CC --db "$W/s.db" demo --enterprises "$N" --no-accounts >/dev/null 2>&1
  $CC --db "$W/s.db" user add bench --role analyst --password load-test-pass-1 >/dev/null
fi
psql -X -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
$CC copy --from "$W/s.db" --to "$PG_URL" >/dev/null

serve() { # NAME DB PORT
  mkdir -p "$W/files-$1"
  CHAINCHIEF_FILES="$W/files-$1" CC_NO_ACCESS_LOG=1 $CC --db "$2" serve --listen "127.0.0.1:$3" \
    --threads 2 2>"$W/serve-$1.log" &
  pids+=($!)
}
login() { # PORT: prints the session cookie
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$1/api/v1/session" && break; sleep 0.2; done
  curl -s -i -H 'Content-Type: application/json' -d '{"username":"bench","password":"load-test-pass-1"}' \
    "http://127.0.0.1:$1/api/v1/login" | tr -d '\r' | sed -n 's/^Set-Cookie: \(cc_session=[0-9a-f]*\).*/\1/p'
}
serve S "$W/s.db" 18191
serve A "$PG_URL" 18192
serve B "$PG_URL" 18193
cs=$(login 18191)
ca=$(login 18192)
cb=$(login 18193)

# Both PostgreSQL servers at once, 16 connections each: summed req/s and non-2xx answers, the
# larger p50 and p99.
{
  echo "bench/wrk_result.sh \"http://127.0.0.1:18192\$1\" '$ca' $D 16 > '$W/a.out' &"
  echo "bench/wrk_result.sh \"http://127.0.0.1:18193\$1\" '$cb' $D 16 > '$W/b.out'"
  echo "wait"
  echo "python3 - '$W/a.out' '$W/b.out' <<'PY'"
  echo "import sys"
  echo "v = [dict(kv.split('=') for kv in open(f).read().split()[1:]) for f in sys.argv[1:]]"
  echo "print('RESULT rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d' % (sum(float(x['rps']) for x in v),"
  echo "      max(float(x['p50_ms']) for x in v), max(float(x['p99_ms']) for x in v),"
  echo "      sum(int(x['non2xx']) for x in v)))"
  echo "PY"
} > "$W/two.sh"

echo "$N enterprises; wrk ${D}s on loopback, 32 connections in all; $R runs each, alternating;"
echo "2 cores shared by wrk, the three servers and PostgreSQL"
for route in "/api/v1/enterprises?limit=50&region=500000&sort=revenue" "/api/v1/chains/power_battery"; do
  echo "== GET $route"
  bench/alternate.py --runs "$R" \
    --metric rps:"requests per second":higher --metric p50_ms:"p50, ms" --metric p99_ms:"p99, ms" \
    -- "PostgreSQL, servers A+B" "bash $W/two.sh '$route'" \
    -- "SQLite, one server" "bench/wrk_result.sh 'http://127.0.0.1:18191$route' $cs $D 32"
done
cleanup

echo "== write on A, visible on B (tests/pg/test_servers.py: its own servers, a new database)"
PG_URL=$(scripts/pg_tmp.sh start)
own_pg=1
CC=$CC CC_TEST_PG="$PG_URL" CC_TEST_WRITES=${WRITES:-200} /usr/bin/python3 tests/pg/test_servers.py 2>&1 |
  grep -E "p99|p50" || true
