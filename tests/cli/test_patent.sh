#!/usr/bin/env bash
# `chainchief patent NUMBER...` (issue 17, item 1): one row per number, exit 0 only when all
# are valid, --format json as [{"number","valid","kind","year","reason"}]; and the patents
# interchange file with its rejects.
. "$(dirname "$0")/lib.bash"

expect_status 0 "published numbers are valid" $CC patent 201710601862.3 ZL201811564288.X 95115608.X
expect_grep "201811564288.X +true +invention +2018" "$T/out" "a ZL number is shown canonical, with kind and year"
expect_status 2 "one corrupted number fails the run" $CC patent 201710601862.3 201710601862.4
expect_grep "should be '3', not '4'" "$T/out" "the reason names the check character"
expect_status 2 "json" $CC --format json patent 202322865413.3 2023228654133x
expect_eq "$(json '[sorted(x.keys()) for x in d]' < "$T/out")" \
  "[['kind', 'number', 'reason', 'valid', 'year'], ['kind', 'number', 'reason', 'valid', 'year']]" "the five keys"
expect_eq "$(json '[(x["valid"], x["kind"], x["year"]) for x in d]' < "$T/out")" \
  "[(True, 'utility_model', 2023), (False, None, None)]" "valid is a boolean; kind and year null when invalid"
expect_status 1 "no number is a usage error" $CC patent
finish
