#!/usr/bin/env bash
# PostgreSQL benchmark (issue 18), import half: our validating import of ENTERPRISES firms and
# ENTERPRISES x YEARS indicator rows into an empty PostgreSQL database (COPY into a staging
# table after our validation, one set-based upsert per file: io/import.c, store/bulk.c)
# against `psql \copy` of the same files into plain tables (text columns, no index), alternately
# RUNS times (default 5): medians and spread of the import's wall time.
#   bench/pg.sh [ENTERPRISES] [YEARS]       (defaults 1000000 and 4)
# The server is a throw-away one from scripts/pg_tmp.sh (stopped at the end), unless PG_URL
# names a database to use (its public schema is dropped). The CSV files are generated once
# (chainchief demo --csv-out) and kept in BENCH_DIR.
#
#   bench/pg.sh http [ENTERPRISES] [SECONDS]   (defaults 20000 and 10)
# The serving half: the same demo data (made on SQLite, `chainchief copy` to PostgreSQL) served
# by two servers on one PostgreSQL (wrk on each at once, half the connections each: summed
# req/s, the larger p99) against one server on SQLite (bench/http.sh's way), for the list and
# a chain map; then write-on-A to visible-on-B latency from tests/pg/test_servers.py.
#
#   bench/pg.sh read [ROWS]   (default 1000000)
# A read interrupted by another statement on the same connection (bench/pg_read.sh): its
# rest fetched ahead into memory, against psql reading the same rows.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = http ]; then
  exec bash bench/pg_http.sh "${@:2}"
fi
if [ "${1:-}" = read ]; then
  exec bash bench/pg_read.sh "${@:2}"
fi
N=${1:-1000000}
Y=${2:-4}
CC=${CC:-build/chainchief}
CC=$(realpath "$CC")
W=${BENCH_DIR:-/tmp/cc-bench-pg-$N-$Y}
R=${RUNS:-5}
command -v psql >/dev/null || { echo "needs psql (apt-get install postgresql-client)"; exit 1; }
command -v bc >/dev/null || { echo "needs bc (apt-get install bc)"; exit 1; }
mkdir -p "$W"
if [ ! -f "$W/csv/indicators.csv" ]; then
  echo "generating $N enterprises x $Y years ..."
  $CC demo --enterprises "$N" --years "$Y" --months 0 --csv-out "$W/csv" --no-load --no-accounts >/dev/null
fi
ls -la "$W/csv/enterprises.csv" "$W/csv/indicators.csv" | awk '{print $5, $9}'

if [ -z "${PG_URL:-}" ]; then
  PG_URL=$(scripts/pg_tmp.sh start)
  trap 'scripts/pg_tmp.sh stop "$PG_URL" >/dev/null 2>&1' EXIT
fi

# The plain tables of the peer: one text column per column of the file's header.
cols() { head -1 "$1" | tr ',' '\n' | awk '{printf "%sc%d text", (NR > 1 ? ", " : ""), NR}'; }
E_COLS=$(cols "$W/csv/enterprises.csv")
I_COLS=$(cols "$W/csv/indicators.csv")

# Each command empties the database first (outside the time it reports). ours: chainchief
# import (validating, indexed, change-logged), after `migrate` made the schema; psql: \copy
# into plain tables.
cat > "$W/ours.sh" <<EOF
set -e
psql -X -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
$CC --db "$PG_URL" migrate > /dev/null
t0=\$(date +%s.%N)
$CC --db "$PG_URL" import "$W/csv/enterprises.csv" "$W/csv/indicators.csv" --no-progress
t1=\$(date +%s.%N)
echo "RESULT import=\$(echo "\$t1 - \$t0" | bc)"
EOF
cat > "$W/psql.sh" <<EOF
set -e
psql -X -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE plain_e($E_COLS); CREATE TABLE plain_i($I_COLS)"
t0=\$(date +%s.%N)
psql -X -q "$PG_URL" -c "\\copy plain_e FROM '$W/csv/enterprises.csv' WITH (FORMAT csv, HEADER)" \
  -c "\\copy plain_i FROM '$W/csv/indicators.csv' WITH (FORMAT csv, HEADER)"
t1=\$(date +%s.%N)
echo "RESULT import=\$(echo "\$t1 - \$t0" | bc)"
EOF

# SQL_PEER=1 adds a third command, for scale: the same end state as ours (the schema's typed
# tables with their keys and foreign keys, `indicator_imports` written, the change log and the
# energy rule switched off as ours does) reached by SQL alone, with no validation: \copy into
# text tables, then INSERT ... SELECT with the casts, the ids and the registry join, the
# indicators' keys dropped and added again as ours does on a first load. What PostgreSQL itself
# needs for these tables; not a peer the issue names.
I_METRICS=$(head -1 "$W/csv/indicators.csv" | tr ',' '\n' | tail -n +3 | tr '\n' ' ')
I_LIST=$(echo $I_METRICS | tr ' ' ',')
I_CAST=$(n=3; for m in $I_METRICS; do printf ", nullif(c%d, '')::float8" $n; n=$((n + 1)); done)
cat > "$W/sql.sql" <<EOF
SET client_min_messages = warning;
SET cc.log_bulk = '1';
SET cc.energy_bulk = '1';
SET work_mem = '256MB';
SET maintenance_work_mem = '256MB';
BEGIN;
CREATE TEMP TABLE te($E_COLS);
\\copy te FROM '$W/csv/enterprises.csv' WITH (FORMAT csv, HEADER)
INSERT INTO enterprises(id, uscc, name, region, industry, founded, scale, listed, certs)
  SELECT row_number() OVER (), c1, c2, c3::bigint, nullif(c4, ''), nullif(c5, ''),
         nullif(c6, ''), nullif(c7, ''), nullif(c8, '') FROM te;
CREATE TEMP TABLE ti($I_COLS);
\\copy ti FROM '$W/csv/indicators.csv' WITH (FORMAT csv, HEADER)
ALTER TABLE indicators DROP CONSTRAINT indicators_pkey, DROP CONSTRAINT indicators_enterprise_id_fkey;
ALTER TABLE indicator_imports DROP CONSTRAINT indicator_imports_pkey, DROP CONSTRAINT indicator_imports_enterprise_id_fkey;
INSERT INTO indicators(enterprise_id, period, $I_LIST)
  SELECT e.id, t.c2::bigint * 100 $I_CAST FROM ti t JOIN enterprises e ON e.uscc = t.c1;
INSERT INTO indicator_imports(enterprise_id, period, mask, import_id, line)
  SELECT enterprise_id, period, 131071, 1, 0 FROM indicators;
ALTER TABLE indicators ADD PRIMARY KEY (enterprise_id, period), ADD FOREIGN KEY (enterprise_id) REFERENCES enterprises(id) ON DELETE CASCADE;
ALTER TABLE indicator_imports ADD PRIMARY KEY (enterprise_id, period, mask), ADD FOREIGN KEY (enterprise_id) REFERENCES enterprises(id) ON DELETE CASCADE;
COMMIT;
EOF
cat > "$W/sql.sh" <<EOF
set -e
psql -X -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
$CC --db "$PG_URL" migrate > /dev/null
t0=\$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -f "$W/sql.sql"
t1=\$(date +%s.%N)
echo "RESULT import=\$(echo "\$t1 - \$t0" | bc)"
EOF

echo "PostgreSQL $(psql -X -At "$PG_URL" -c 'SHOW server_version'), $N enterprises x $Y years, $R runs each, alternating"
bench/alternate.py --runs "$R" --keep "$W/keep" \
  --metric import:"import wall time (database emptied before, not timed), seconds" \
  --metric rss:"peak RSS of the whole command, MB" \
  -- ours "bash $W/ours.sh" \
  -- "psql \\copy" "bash $W/psql.sh" \
  ${SQL_PEER:+-- "SQL, same tables" "bash $W/sql.sh"}
echo
# The last run of each left its rows: ours last ran first in the last round, so run it again.
bash "$W/ours.sh" > "$W/ours.log" 2>&1
echo "rows: ours $(psql -X -At "$PG_URL" -c 'SELECT count(*) FROM enterprises') enterprises," \
     "$(psql -X -At "$PG_URL" -c 'SELECT count(*) FROM indicators') indicator rows;" \
     "files $(($(wc -l < "$W/csv/enterprises.csv") - 1)) / $(($(wc -l < "$W/csv/indicators.csv") - 1))"
grep -h "rows:" "$W/ours.log" || true
