#!/usr/bin/env bash
# Reproduces the p99 tails of two servers on one PostgreSQL (issue 18; docs/PERFORMANCE.md,
# "Stalls of two servers on PostgreSQL"). The 20,000-firm demo of bench/pg.sh http (made on
# SQLite, `chainchief copy` to PostgreSQL), two servers A and B (--threads THREADS, default
# 2) with their access logs kept, and ROUNDS rounds of wrk (10 s, 16 connections on each at
# once) on the list and on a chain map. Prints wrk's figures per round, then every request
# whose handler took more than 200 ms (the access log's time runs from the first call of the
# handler to the answer queued) with the second it ended.
#   bench/pg_stalls.sh                 two servers on one PostgreSQL (a throw-away one)
#   DB=/path/file.db bench/pg_stalls.sh  the same two servers on one SQLite file, for contrast
#   CATCH=1 bench/pg_stalls.sh         also: when an MHD worker sits in poll() for 0.4 s,
#                                       gdb's backtrace of its process (3 at most) into OUT
# OUT (default /tmp/cc-pg-stalls) keeps the logs. The stalls came with the kernel's autogroups
# on and were gone with them off (as root: echo 0 > /proc/sys/kernel/sched_autogroup_enabled;
# docs/PERFORMANCE.md).
set -euo pipefail
cd "$(dirname "$0")/.."
CC=$(realpath "${CC:-build/chainchief}")
N=${N:-20000}
W=${BENCH_DIR:-/tmp/cc-bench-pg-http-$N}
O=${OUT:-/tmp/cc-pg-stalls}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
rm -rf "$O" && mkdir -p "$O"
if [ ! -f "$W/s.db" ]; then
  mkdir -p "$W"
  $CC --db "$W/s.db" demo --enterprises "$N" --no-accounts >/dev/null 2>&1
  $CC --db "$W/s.db" user add bench --role analyst --password load-test-pass-1 >/dev/null
fi
pids=()
own_pg=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  touch "$O/stop"
  if [ $own_pg = 1 ]; then scripts/pg_tmp.sh stop "$PG_URL" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
if [ -z "${DB:-}" ]; then
  if [ -z "${PG_URL:-}" ]; then PG_URL=$(scripts/pg_tmp.sh start); own_pg=1; fi
  psql -X -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
  $CC copy --from "$W/s.db" --to "$PG_URL" >/dev/null
  psql -X -q "$PG_URL" -c "VACUUM ANALYZE" -c "CHECKPOINT"
  DB=$PG_URL
else
  cp "$DB" "$O/s.db"
  DB=$O/s.db
fi
serve() { # NAME PORT
  mkdir -p "$O/files-$1"
  CHAINCHIEF_FILES="$O/files-$1" $CC --db "$DB" serve --listen "127.0.0.1:$2" \
    --threads "${THREADS:-2}" 2>"$O/serve-$1.log" &
  pids+=($!)
}
login() { # PORT: prints the session cookie
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$1/api/v1/session" && break; sleep 0.2; done
  curl -s -i -H 'Content-Type: application/json' -d '{"username":"bench","password":"load-test-pass-1"}' \
    "http://127.0.0.1:$1/api/v1/login" | tr -d '\r' | sed -n 's/^Set-Cookie: \(cc_session=[0-9a-f]*\).*/\1/p'
}
serve A 18292
serve B 18293
ca=$(login 18292)
cb=$(login 18293)
if [ -n "${CATCH:-}" ]; then
  (
    declare -A cnt
    n=0
    while [ $n -lt 3 ] && [ ! -f "$O/stop" ]; do
      for p in "${pids[@]}"; do
        for t in /proc/"$p"/task/*; do
          [ "$(cat "$t/comm" 2>/dev/null)" = MHD-worker ] || continue
          tid=${t##*/}
          if [ "$(cut -d' ' -f1 "$t/syscall" 2>/dev/null)" = 7 ]; then cnt[$tid]=$((${cnt[$tid]:-0} + 1)); else cnt[$tid]=0; fi
          if [ "${cnt[$tid]}" -ge 4 ]; then
            { date +%T.%N; echo "pid $p tid $tid in poll() for 0.4 s"
              gdb -p "$p" -batch -ex "thread apply all bt 20" 2>/dev/null | grep -v '^\[New\|^$'; } >> "$O/catch.txt"
            n=$((n + 1)); cnt[$tid]=0
          fi
        done
      done
      sleep 0.1
    done
  ) &
fi
echo "round route: A req/s p50 p99 (timeouts) | B req/s p50 p99 (timeouts)"
fig() { echo "$(awk '/Requests\/sec/ {print $2}' "$1") $(awk '$1=="50%" {print $2}' "$1") $(awk '$1=="99%" {print $2}' "$1") ($(grep -o 'timeout [0-9]*' "$1" | cut -d' ' -f2))"; }
for i in $(seq 1 "${ROUNDS:-5}"); do
  for route in "/api/v1/enterprises?limit=50&region=500000&sort=revenue" "/api/v1/chains/power_battery"; do
    wrk -t2 -c16 -d10s --latency -H "Cookie: $ca" "http://127.0.0.1:18292$route" > "$O/a.txt" &
    w=$!
    wrk -t2 -c16 -d10s --latency -H "Cookie: $cb" "http://127.0.0.1:18293$route" > "$O/b.txt"
    wait $w
    echo "$i ${route%%\?*}: $(fig "$O/a.txt") | $(fig "$O/b.txt")"
  done
done
echo "requests whose handler took more than 200 ms (server, second ended, route, ms):"
for s in A B; do
  awk -v s=$s '{d = $7; sub(/ms$/, "", d); if ($3 == "GET" && d + 0 > 200) print s, $1, $4, d}' "$O/serve-$s.log"
done | sort -k2
