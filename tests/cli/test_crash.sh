#!/usr/bin/env bash
# A kill -9 in the middle of a large import leaves the database exactly as before, and clean.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 3000 --seed 3 > /dev/null || fail "demo"
expect_status 0 "check is clean after a 3000-enterprise demo" $CC check
$CC demo --enterprises 40000 --seed 9 --years 5 --months 24 --csv-out "$T/big" --no-load > /dev/null
$CC import "$T/big/enterprises.csv" > /dev/null || fail "enterprises import"
before=$($CC summary --format json | json 'd["indicator_rows"]')
[ -n "${CC_TEST_PG:-}" ] && size0=$(sql "SELECT pg_database_size(current_database())")
$CC import "$T/big/indicators.csv" > /dev/null 2>&1 &
pid=$!
# Wait until the import is well under way (SQLite: a big import by the only user of the
# database writes through a rollback journal, otherwise the WAL grows; PostgreSQL: the
# database's files grow by the rows the open transaction wrote), then kill it hard.
for i in $(seq 1 400); do
  if [ -n "${CC_TEST_PG:-}" ]; then
    size=$(sql "SELECT pg_database_size(current_database())")
    [ $((size - size0)) -gt 5000000 ] && break
  else
    wal=$(stat -c %s "$CHAINCHIEF_DB-wal" 2>/dev/null || echo 0)
    [ "$wal" -gt 5000000 ] && break
    [ -f "$CHAINCHIEF_DB-journal" ] && { sleep 0.7; break; }
  fi
  sleep 0.02
done
kill -0 $pid 2>/dev/null && pass "import still running when killed" || fail "import finished before the kill"
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
after=$($CC summary --format json | json 'd["indicator_rows"]')
expect_eq "$after" "$before" "indicator rows unchanged after kill -9"
expect_status 0 "check clean after kill -9" $CC check
finish
