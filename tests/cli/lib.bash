# Shared helpers for the CLI tests (sourced). $CC is the chainchief binary (set by CTest).
#
# The database, on either backend (issue 18): $CHAINCHIEF_DB is an SQLite file in $T, or, with
# $CC_TEST_PG set (scripts/test.sh's PostgreSQL pass, a scripts/pg_tmp.sh URL), a new database
# on that server, dropped when the test ends. scratch_db NAME gives another fresh one the same
# way. The tests' own SQL goes through sql (rows as `a|b` lines, as the sqlite3 shell prints
# them), sql_csv (CSV without a header) and pyq (Python's repr of the rows, tests/api/testdb.py),
# in the SQL both engines share.
set -u
CC=${CC:-$PWD/build/chainchief}
T=$(mktemp -d /tmp/cc-test-XXXXXX)
TESTDB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../api" && pwd)/testdb.py
if [ -n "${CC_TEST_PG:-}" ]; then
  # The databases are made and dropped by testdb.py (new_database, drop_database).
  scratch_db() {
    local db
    db=$(/usr/bin/python3 "$TESTDB" new "$(basename "$0" .sh)_$1") || {
      echo "FAIL - cannot create a PostgreSQL database for $1" >&2; exit 1; }
    echo "$db" >> "$T/.pg_databases"
    echo "$db"
  }
  drop_scratch_dbs() {
    local db
    [ -f "$T/.pg_databases" ] || return 0
    while read -r db; do /usr/bin/python3 "$TESTDB" drop "$db"; done < "$T/.pg_databases"
  }
  sql() { psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$CHAINCHIEF_DB" -c "$1"; }
  sql_csv() { psql -X -q --csv -t -v ON_ERROR_STOP=1 -d "$CHAINCHIEF_DB" -c "$1"; }
else
  scratch_db() { echo "$T/$1.db"; }
  drop_scratch_dbs() { :; }
  sql() { sqlite3 "$CHAINCHIEF_DB" "$1"; }
  sql_csv() { sqlite3 -csv "$CHAINCHIEF_DB" "$1"; }
fi
# pyq SQL: the rows as Python prints a list of tuples (sqlite3's and psycopg2's alike).
pyq() { /usr/bin/python3 "$TESTDB" rows "$CHAINCHIEF_DB" "$1"; }
# today: SQLite's date('now') (UTC), for SQL both engines run.
today() { date -u +%F; }
trap 'drop_scratch_dbs; rm -rf "$T"' EXIT
CHAINCHIEF_DB=$(scratch_db test) || exit 1
export CHAINCHIEF_DB
fails=0
ok=0
pass() { ok=$((ok + 1)); echo "ok - $*"; }
fail() { fails=$((fails + 1)); echo "FAIL - $*"; }
# expect_eq ACTUAL EXPECTED MESSAGE
expect_eq() { if [ "$1" == "$2" ]; then pass "$3"; else fail "$3: got '$1', expected '$2'"; fi; }
# expect_status EXPECTED MESSAGE CMD...
expect_status() {
  local want=$1 msg=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" == "$want" ]; then pass "$msg"; else fail "$msg: exit $got, expected $want"; sed 's/^/    /' "$T/err" | head -5; fi
}
# expect_grep PATTERN FILE MESSAGE
expect_grep() { if grep -qE -- "$1" "$2"; then pass "$3"; else fail "$3: '$1' not in $2"; head -5 "$2" | sed 's/^/    /'; fi; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
finish() { echo "$ok passed, $fails failed"; [ "$fails" -eq 0 ]; }
