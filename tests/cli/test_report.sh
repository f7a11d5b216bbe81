#!/usr/bin/env bash
# Enterprise reporting from the command line (issue 15): a plan, a period opened by its rule
# on a given day, a report filled, refused by a hard rule (exit 2, the field named) and for
# want of an explanation, submitted, returned, corrected, accepted into the indicators with
# its provenance; completion and reminders on given days; the bulk template and an upload with
# a bad row (exit 3 and the reject report).
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 300 --seed 9 --no-accounts > /dev/null || fail "demo"
a=$($CC enterprise list --limit 2 --format json | json 'd[0]["uscc"]')
b=$($CC enterprise list --limit 2 --format json | json 'd[1]["uscc"]')
# The demo's plan (issue 15): a monthly plan over a chain's members, four periods open, every
# state present, and its reminders written.
demo=$($CC report plans --format json | json '[p for p in d["plans"] if p["name"] == "月度经济指标直报（演示）"][0]["id"]')
[ -n "$demo" ] || fail "the demo has its reporting plan"
expect_eq "$(sql "SELECT count(DISTINCT period) FROM reports WHERE plan_id = $demo")" 4 "the demo opened four periods"
for s in accepted submitted returned draft open; do
  n=$(sql "SELECT count(*) FROM reports WHERE plan_id = $demo AND status = '$s'")
  [ "$n" -gt 0 ] && pass "the demo has $s reports ($n)" || fail "the demo has $s reports"
done
$CC report status "$demo" --format json > "$T/d.json"
expect_eq "$(json '"%d" % (d["reported"] + d["pending"] + d["overdue"] == d["total"] and d["reported"] > 0)' < "$T/d.json")" 1 "the demo's latest period adds up, some reported"
expect_eq "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM reports r WHERE plan_id = $demo AND status IN ('open','draft','returned') AND due < '$(today)'")" 1 "the demo has overdue reports"
expect_eq "$(sql "SELECT CASE WHEN count(*) = (SELECT count(DISTINCT enterprise_id) FROM chain_members WHERE chain = (SELECT substr(rule, 9) FROM report_plans WHERE id = $demo)) THEN 1 ELSE 0 END FROM reports WHERE plan_id = $demo AND period = (SELECT max(period) FROM reports WHERE plan_id = $demo)")" 1 "the demo's plan covers the chain's members"
expect_eq "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM report_notices n JOIN reports r ON r.id = n.report_id WHERE r.plan_id = $demo AND n.kind = 'overdue'")" 1 "the demo wrote overdue reminders"
expect_status 0 "a plan" $CC report plan 月报 --metrics revenue,employees,rd_staff,rd_expense --rule "list:$a;$b" --format json
pid=$(json 'd["id"]' < "$T/out")
expect_eq "$pid" $((demo + 1)) "the next plan"
expect_status 2 "a derived metric is refused" $CC report plan x --metrics revenue_yoy --rule all
expect_status 2 "an unknown rule is refused" $CC report plan x --metrics revenue --rule somebody
expect_status 2 "a period not open yet is refused" $CC report open 月报 --period 2026-11 --today 2026-11-30
expect_status 0 "the period opens the next day" $CC report open 月报 --period 2026-11 --today 2026-12-01 --format json
expect_eq "$(json 'd["period"] + " " + str(d["opened"])' < "$T/out")" "2026-11 2" "2026-11 opened for two firms"
id=$($CC report list --uscc "$a" --format json | json 'd["reports"][0]["id"]')
ly=$($CC report show "$id" --format json | json 'd["fields"][0]["last_year"]')
expect_status 2 "R&D expense above revenue is refused" $CC report submit "$id" --values revenue=10,employees=5,rd_staff=1,rd_expense=11
expect_grep "rd_expense" "$T/err" "the field is named"
expect_status 2 "a big jump needs an explanation" $CC report submit "$id" --values "revenue=$(python3 -c "print($ly*3)"),employees=50,rd_staff=1,rd_expense=1"
expect_grep "explanation" "$T/err" "the explanation is asked for"
expect_status 0 "submitted with one" $CC report submit "$id" --values "revenue=$(python3 -c "print($ly*3)"),employees=50,rd_staff=1,rd_expense=1" --explanation "新产线投产"
expect_status 2 "returning needs a comment" $CC report return "$id"
expect_status 0 "returned" $CC report return "$id" --comment "请核实营业收入"
$CC report notices "$a" --format json > "$T/n.json"
expect_eq "$(json 'd["notices"][0]["kind"] + d["notices"][0]["comment"]' < "$T/n.json")" "returned请核实营业收入" "the enterprise's notice"
expect_status 0 "corrected and submitted" $CC report submit "$id" --values "revenue=$ly"
expect_status 0 "accepted" $CC report accept "$id"
$CC report provenance "$a" --period 2026-11 --format json > "$T/p.json"
expect_eq "$(json '[v["source"] for v in d["values"] if v["metric"] == "revenue"][0]' < "$T/p.json")" report "revenue's provenance is the report"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE action = 'report.accept' AND actor <> 'demo'")" 1 "the accept is audited"
$CC report status "$pid" --today 2026-12-16 --format json > "$T/s.json"
expect_eq "$(json '"%d %d %d %d" % (d["total"], d["reported"], d["pending"], d["overdue"])' < "$T/s.json")" "2 1 0 1" "on 2026-12-16: one reported, one overdue"
expect_eq "$(json 'd["overdue_firms"][0]["uscc"]' < "$T/s.json")" "$b" "the overdue firm"
expect_status 0 "reminders" $CC report remind --plan "$pid" --today 2026-12-16 --format json
expect_eq "$(json 'd["notices"]' < "$T/out")" 1 "one overdue reminder"
expect_status 0 "none twice" $CC report remind --plan "$pid" --today 2026-12-16 --format json
expect_eq "$(json 'd["notices"]' < "$T/out")" 0 "each reminder once"
expect_status 0 "the template" $CC report template "$pid" "$T/t.xlsx" --period 2026-11
expect_grep "2 firms" "$T/out" "both firms in the template"
printf '统一社会信用代码,营业收入（万元）,从业人员,研发人员,研发费用,情况说明\n%s,100,10,20,1,\n' "$b" > "$T/up.csv"
expect_status 3 "an upload with a bad row exits 3" $CC report upload "$pid" "$T/up.csv" --period 2026-11
expect_grep "研发人员多于从业人员" "$T/up.csv.rejects.csv" "the reject report gives the reason"
finish
