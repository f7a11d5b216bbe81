# Shared helpers for the CLI tests (sourced). $CC is the chainchief binary (set by CTest).
set -u
CC=${CC:-$PWD/build/chainchief}
T=$(mktemp -d /tmp/cc-test-XXXXXX)
trap 'rm -rf "$T"' EXIT
export CHAINCHIEF_DB=$T/test.db
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
