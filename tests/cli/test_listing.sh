#!/usr/bin/env bash
# Listing coordination from the command line (issue 17 item 5): --help, the demo's institutions
# and reserve, consent deciding what an institution's view holds, a stage recorded and refused,
# an engagement refused without consent, the funnel's total, stalled cases opened once.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 800 --seed 9 --no-accounts > /dev/null || fail "demo"
expect_status 0 "listing --help" $CC listing --help
expect_grep "辅导备案" "$T/out" "help names the stages"
expect_status 0 "listing institutions" $CC listing institutions --format json
I=$(json 'd["items"][0]["id"]' < "$T/out")
expect_eq "$(json 'len(d["items"])' < "$T/out")" "2" "two demo institutions"
expect_status 1 "an institution of an unknown kind" $CC listing institution 某机构 --kind hedge
expect_status 0 "the reserve as staff" $CC listing reserve --format json
all=$(json 'len(d["items"])' < "$T/out")
yes=$(json 'sum(1 for x in d["items"] if x["consent"])' < "$T/out")
U=$(json '[x["uscc"] for x in d["items"] if not x["consent"]][0]' < "$T/out")
expect_status 0 "the reserve as the institution sees it" $CC listing reserve --institution "$I" --format json
expect_eq "$(json 'len(d["items"])' < "$T/out")" "$yes" "an institution sees the consenting firms only"
expect_status 2 "no engagement with a firm without consent" $CC listing engage "$U" --institution "$I" --kind interest
expect_status 2 "show refuses it to the institution" $CC listing show "$U" --institution "$I"
expect_status 0 "consent granted" $CC listing consent "$U" --grant
expect_status 0 "now the engagement" $CC listing engage "$U" --institution "$I" --kind counselling --note 辅导
expect_status 1 "consent needs --grant or --withdraw" $CC listing consent "$U"
expect_status 1 "an unknown stage" $CC listing progress "$U" --stage ipo
expect_status 0 "a stage with date, board and sponsor" $CC listing progress "$U" --stage tutoring --date 2025-01-05 --board star --sponsor "$I" --format json
expect_eq "$(json '" ".join([d["stage"], d["since"], d["board"]])' < "$T/out")" "tutoring 2025-01-05 star" "the firm carries it"
expect_status 0 "the funnel" $CC listing funnel --format json
expect_eq "$(json 'sum(x["count"] for x in d["by_stage"])' < "$T/out")" "$all" "the funnel's stages add up to the reserve"
expect_status 0 "the funnel over time" $CC listing history --months 24 --format json
expect_eq "$(json 'len(d["months"]), len(d["series"]), all(sum(s["counts"][k] for s in d["series"]) == d["total"] for k in range(24)), d["total"]' < "$T/out")" "24 8 True $all" "24 month-ends, each adding up to the reserve"
expect_eq "$(json '[s["counts"][-1] for s in d["series"]]' < "$T/out")" "$($CC listing funnel --format json | json '[x["count"] for x in d["by_stage"]]')" "today's column is the funnel"
expect_status 0 "history as a table" $CC listing history --months 3 --today 2025-03-10
expect_grep "^2025-03-10 " "$T/out" "the last row is today"
expect_grep "^2025-01-31 " "$T/out" "a month-end row"
expect_status 1 "a bad --today" $CC listing history --today 2025-02-30
expect_status 0 "stalled cases opened" $CC listing stalled --months 6 --today 2026-12-01 --open --format json
n=$(json 'd["opened"]' < "$T/out")
[ "$n" -ge 1 ] && pass "some stalled cases opened ($n)" || fail "no stalled case opened"
expect_status 0 "again" $CC listing stalled --months 6 --today 2026-12-01 --open --format json
expect_eq "$(json 'd["opened"]' < "$T/out")" "0" "no second case for the same firms"
c=$(sql "SELECT CASE WHEN count(*) = count(DISTINCT enterprise_id) AND count(*) = $n THEN 1 ELSE 0 END FROM cases WHERE title LIKE '上市进程停滞%'")
expect_eq "$c" "1" "one case per stalled firm in the store"
a=$(sql "SELECT count(*) FROM audit WHERE action IN ('listing.consent', 'listing.engage', 'listing.stage')")
expect_eq "$a" "3" "consent, engagement and stage audited"
finish
