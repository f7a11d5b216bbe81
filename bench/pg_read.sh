#!/usr/bin/env bash
# bench/pg.sh read [ROWS] (default 1000000): see bench/pg.sh. A read of ROWS rows (an integer,
# a text, a real) interrupted after row 10 by another statement on the same connection
# (build/bench_pg_read: the rest is fetched ahead, store/pg.c) against psql reading the same
# query whole into one result (libpq's default) and psql with FETCH_COUNT=10000 (a cursor,
# 10,000 rows at a time), alternately RUNS times (default 5): wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
R=${RUNS:-5}
B=$(realpath "${BENCH_PG_READ:-build/bench_pg_read}")
[ -x "$B" ] || { echo "needs $B (cmake --build build --target bench_pg_read)"; exit 1; }
if [ -z "${PG_URL:-}" ]; then
  PG_URL=$(scripts/pg_tmp.sh start)
  trap 'scripts/pg_tmp.sh stop "$PG_URL" >/dev/null 2>&1' EXIT
fi
Q="SELECT x, 'name-' || x AS t, x * 0.5 AS h FROM generate_series(1, $N) x"
W=$(mktemp -d)
for f in whole cursor; do
  fc=$([ $f = cursor ] && echo "-v FETCH_COUNT=10000" || true)
  cat > "$W/psql-$f.sh" <<EOS
t0=\$(date +%s.%N)
psql -X -At $fc "$PG_URL" -c "$Q" > /dev/null
t1=\$(date +%s.%N)
echo "RESULT read=\$(echo "\$t1 - \$t0" | bc)"
EOS
done
echo "PostgreSQL $(psql -X -At "$PG_URL" -c 'SHOW server_version'), $N rows, $R runs each, alternating"
bench/alternate.py --runs "$R" \
  --metric read:"read wall time, seconds" \
  --metric rss:"peak RSS of the whole command, MB" \
  -- ours "$B '$PG_URL' $N" \
  -- "psql, whole result" "bash $W/psql-whole.sh" \
  -- "psql, FETCH_COUNT" "bash $W/psql-cursor.sh"
rm -rf "$W"
