#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it:
#   1. release build + unit and CLI tests (CTest)
#   2. ASan + UBSan build + the same tests; on a throw-away PostgreSQL the store's tests (both
#      builds), the CLI and API suites (release build) and the comparisons of tests/pg; a
#      ThreadSanitizer build of the frame's concurrency test
#   3. libFuzzer smoke run of every fuzz target (clang, a few seconds each)
#   4. end-to-end browser tests (node's test runner + playwright-core + Debian chromium)
#   5. the C style: every tracked .c / .h as .clang-format has it (`make format` fixes it)
# The last line is "N passed, N failed" over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
passed=0
failed=0
LOGS=$PWD/test-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"
failures=()

count_ctest() { # $1 = log file, $2 = label
  local line p f
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$1" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); failures+=("$2: no test summary"); return
  fi
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
  p=$(( $(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/') - f ))
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("$2: $f failed")
}

step() { echo; echo "== $*"; }

step "release build"
if cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j"$JOBS" >build.log 2>&1; then
  step "unit and CLI tests"
  (cd build && ctest --output-on-failure -j"$JOBS" > "$LOGS/unit.log" 2>&1)
  tail -25 "$LOGS/unit.log"
  count_ctest "$LOGS/unit.log" "unit"
else
  tail -40 build.log; failed=$((failed + 1)); failures+=("release build failed")
fi

step "ASan + UBSan build"
if cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCC_SANITIZE=ON >/dev/null && cmake --build build-asan -j"$JOBS" >build-asan.log 2>&1; then
  step "unit and CLI tests under sanitizers"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j"$JOBS" > "$LOGS/asan.log" 2>&1)
  tail -25 "$LOGS/asan.log"
  count_ctest "$LOGS/asan.log" "sanitizers"
else
  tail -40 build-asan.log; failed=$((failed + 1)); failures+=("sanitizer build failed")
fi

step "PostgreSQL backend: the store's tests on a throw-away server (scripts/pg_tmp.sh)"
if PG_URL=$(scripts/pg_tmp.sh start 2>"$LOGS/pg.log"); then
  trap 'scripts/pg_tmp.sh stop "$PG_URL" 2>/dev/null' EXIT
  # test_import_backend: the importer's bulk load (COPY + one upsert) against SQLite's rows.
  for t in test_store_backend test_import_backend; do
  for b in build build-asan; do
    if [ -x "$b/$t" ] && (cd "$b" && CC_TEST_PG="$PG_URL" ASAN_OPTIONS=detect_leaks=1 \
         UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ./$t > "$LOGS/pg-$b-$t.log" 2>&1); then
      echo "$b/$t on PostgreSQL: ok"; passed=$((passed + 1))
    else
      echo "$b/$t on PostgreSQL: FAILED"; tail -30 "$LOGS/pg-$b-$t.log"
      failed=$((failed + 1)); failures+=("PostgreSQL: $b/$t")
    fi
  done
  done
  # tests/pg: the CLI on PostgreSQL against SQLite (test_demo.sh: same demo, same outputs,
  # re-import, copy back); the HTTP API (test_routes.py: every GET route alike, writes read
  # back alike); several servers on one database, and a standby on a cluster of its own
  # (test_servers.py, whose write-on-A to visible-on-B line is shown).
  for t in test_demo.sh test_routes.py test_servers.py; do
    case $t in *.sh) run=bash ;; *) run=/usr/bin/python3 ;; esac
    log="$LOGS/pg-${t%.*}.log"
    if CC="$PWD/build/chainchief" CC_TEST_PG="$PG_URL" $run "tests/pg/$t" > "$log" 2>&1; then
      echo "tests/pg/$t: ok$(grep -m1 '^# write on A' "$log" | sed 's/^# \(.*\)/ (\1)/')"
      passed=$((passed + 1))
    else
      echo "tests/pg/$t: FAILED"; grep -E '^FAIL|passed' "$log" | tail -20
      failed=$((failed + 1)); failures+=("PostgreSQL: tests/pg/$t")
    fi
  done
  # The CLI and API suites again (CTest's cli_* and api_*, every one of them), each test on
  # new databases of its own on this server (tests/api/testdb.py, tests/cli/lib.bash): on the
  # release build, and on the sanitizers' build (the PostgreSQL paths under ASan and UBSan).
  for b in build build-asan; do
    if [ -x $b/chainchief ]; then
      t_pg=$SECONDS
      (cd $b && CC_TEST_PG="$PG_URL" ASAN_OPTIONS=detect_leaks=1 \
         UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
         ctest --output-on-failure -j"$JOBS" -R '^(cli|api)_' > "$LOGS/pg-suites-$b.log" 2>&1)
      tail -25 "$LOGS/pg-suites-$b.log"
      count_ctest "$LOGS/pg-suites-$b.log" "PostgreSQL: CLI and API suites ($b)"
      echo "CLI and API suites on PostgreSQL ($b): $((SECONDS - t_pg)) s"
    else
      failed=$((failed + 1)); failures+=("PostgreSQL: CLI and API suites (no $b/chainchief)")
    fi
  done
  scripts/pg_tmp.sh stop "$PG_URL"; trap - EXIT
else
  cat "$LOGS/pg.log"; failed=$((failed + 1)); failures+=("PostgreSQL: the throw-away server did not start (scripts/setup.sh test installs it)")
fi

step "ThreadSanitizer: the live frame under concurrent writers and readers"
if cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCC_TSAN=ON >/dev/null && cmake --build build-tsan -j"$JOBS" --target test_frame >build-tsan.log 2>&1; then
  # The concurrency tests only (the differential test is single-threaded and slow under TSan).
  if (cd build-tsan && CC_TEST_CONCURRENCY_ONLY=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ./test_frame > "$LOGS/tsan.log" 2>&1); then
    echo "tsan test_frame: ok"; passed=$((passed + 1))
  else
    echo "tsan test_frame: FAILED"; tail -60 "$LOGS/tsan.log"; failed=$((failed + 1)); failures+=("tsan test_frame")
  fi
else
  tail -40 build-tsan.log; failed=$((failed + 1)); failures+=("tsan build failed")
fi

step "fuzz smoke (${FUZZ_SECONDS}s per target)"
if CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCC_FUZZ=ON >/dev/null && cmake --build build-fuzz -j"$JOBS" >build-fuzz.log 2>&1; then
  for f in build-fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus=tests/fuzz/corpus/$name
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
    if "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 "$work" >"$LOGS/$name.log" 2>&1; then
      echo "fuzz $name: ok"; passed=$((passed + 1))
    else
      echo "fuzz $name: FAILED"; tail -30 "$LOGS/$name.log"; failed=$((failed + 1)); failures+=("fuzz $name")
    fi
    rm -rf "$work"
  done
else
  tail -40 build-fuzz.log; failed=$((failed + 1)); failures+=("fuzz build failed")
fi

# The browser tests: e2e LOG WHAT [NAME=VALUE...] (the environment of the run).
e2e() {
  local log=$1 what=$2
  shift 2
  env CC_BINARY="$PWD/build/chainchief" "$@" node --test --test-concurrency=1 tests/e2e/ > "$log" 2>&1
  tail -30 "$log"
  p=$(grep -E '^# pass [0-9]+' "$log" | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$log" | awk '{print $3}')
  if [ -z "$p" ]; then failed=$((failed + 1)); failures+=("$what: no summary"); else
    passed=$((passed + p)); failed=$((failed + ${f:-0})); [ "${f:-0}" -gt 0 ] && failures+=("$what: $f failed"); fi
}
if [ -d tests/e2e ] && ls tests/e2e/*.test.mjs >/dev/null 2>&1; then
  step "end-to-end browser tests"
  e2e "$LOGS/e2e.log" e2e
  # Every page again with the platform on PostgreSQL (issue 18: every page works on both):
  # each test file's platform on a new database of a throw-away server (tests/e2e/helpers.mjs).
  step "end-to-end browser tests on PostgreSQL"
  if PG_URL=$(scripts/pg_tmp.sh start 2>"$LOGS/pg-e2e-server.log"); then
    trap 'scripts/pg_tmp.sh stop "$PG_URL" 2>/dev/null' EXIT
    t_pg=$SECONDS
    e2e "$LOGS/pg-e2e.log" "e2e on PostgreSQL" CC_TEST_PG="$PG_URL"
    echo "e2e on PostgreSQL: $((SECONDS - t_pg)) s"
    scripts/pg_tmp.sh stop "$PG_URL"; trap - EXIT
  else
    cat "$LOGS/pg-e2e-server.log"; failed=$((failed + 1)); failures+=("e2e on PostgreSQL: the throw-away server did not start")
  fi
fi

step "C style (clang-format)"
cfiles=$(git ls-files '*.c' '*.h' 2>/dev/null) || cfiles=$(find src tests bench tools -name '*.[ch]')
# shellcheck disable=SC2086
if [ -n "$cfiles" ] && clang-format --dry-run --Werror --style=file $cfiles > "$LOGS/format.log" 2>&1; then
  echo "format: ok"; passed=$((passed + 1))
else
  head -40 "$LOGS/format.log"; echo "format: FAILED (run 'make format')"
  failed=$((failed + 1)); failures+=("C style: run 'make format'")
fi

echo
for x in "${failures[@]}"; do echo "failed: $x"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
