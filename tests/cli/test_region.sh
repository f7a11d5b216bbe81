#!/usr/bin/env bash
# `enterprise list --region` follows the one region rule (issue 13, item 2): a province or
# municipality code covers its own codes only (500000 is 500000..509999, never Sichuan's 51),
# a district code covers itself only (500110, not 500110..500119).
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 2000 --seed 1 --no-accounts > /dev/null 2>&1 || fail "demo"
count() { /usr/bin/python3 "$TESTDB" one "$CHAINCHIEF_DB" "$1"; }

expect_status 0 "list Chongqing" $CC enterprise list --region 500000 --limit 100000 --format json
expect_eq "$(json 'sorted({int(x["region"]) // 10000 for x in d})' < "$T/out")" "[50]" "only regions 500000..509999"
expect_eq "$(json 'len(d)' < "$T/out")" \
  "$(count "SELECT count(*) FROM enterprises WHERE region BETWEEN 500000 AND 509999")" \
  "every Chongqing firm, as many as the database holds"
expect_eq "$(json 'len(d) > 0' < "$T/out")" "True" "the demo has Chongqing firms"

expect_status 0 "list Sichuan" $CC enterprise list --region 510000 --limit 100000 --format json
expect_eq "$(json 'len(d)' < "$T/out")" \
  "$(count "SELECT count(*) FROM enterprises WHERE region BETWEEN 510000 AND 519999")" \
  "510000: every Sichuan firm"

expect_status 0 "list one district" $CC enterprise list --region 500110 --limit 100000 --format json
expect_eq "$(json 'sorted({int(x["region"]) for x in d})' < "$T/out")" \
  "$(count "SELECT CASE WHEN count(*) > 0 THEN '[500110]' ELSE '[]' END FROM enterprises WHERE region = 500110")" \
  "500110 returns 500110 only"
expect_eq "$(json 'len(d)' < "$T/out")" "$(count "SELECT count(*) FROM enterprises WHERE region = 500110")" \
  "every firm of 500110"

expect_status 0 "a prefecture" $CC enterprise list --region 510100 --limit 100000 --format json
expect_eq "$(json 'len(d)' < "$T/out")" \
  "$(count "SELECT count(*) FROM enterprises WHERE region BETWEEN 510100 AND 510199")" \
  "510100: every Chengdu firm"
expect_status 0 "50 is short for 500000" $CC enterprise list --region 50 --limit 100000 --format json
expect_eq "$(json 'len(d)' < "$T/out")" \
  "$(count "SELECT count(*) FROM enterprises WHERE region BETWEEN 500000 AND 509999")" \
  "50: every Chongqing firm"
expect_status 1 "an unknown region" $CC enterprise list --region 999999
finish
