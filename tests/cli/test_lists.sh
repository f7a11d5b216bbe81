#!/usr/bin/env bash
# Cultivation lists end to end: a list from the listing reserve model, manual changes with
# reasons, the diff of exactly those changes, history, a rerun, the export and immutability.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 800 --seed 5 --no-accounts > /dev/null 2>&1 || fail "demo"

expect_status 1 "create without a model is a usage error" $CC list create lr
expect_grep "model" "$T/err" "the missing model is named"
expect_status 1 "create from an unknown model" $CC list create lr --model no_such_model
expect_status 0 "create from listing_reserve" $CC list create lr --model listing_reserve --note "2025 第一批"
expect_grep "version 1" "$T/out" "first version written"
expect_status 1 "create twice is refused" $CC list create lr --model listing_reserve
expect_grep "already exists" "$T/err" "the existing list is named"

$CC list show lr --format json > "$T/v1.json" || fail "list show"
$CC eval run listing_reserve --format json --limit 100000 > "$T/run.json" || fail "eval run"
/usr/bin/python3 - "$T/v1.json" "$T/run.json" > "$T/v1.check" <<'PY'
import json, sys
v = json.load(open(sys.argv[1])); run = json.load(open(sys.argv[2]))
tiered = {x["uscc"]: x["tier"] for x in run["items"] if x["tier"]}
print("same_as_model", {x["uscc"]: x["tier"] for x in v} == tiered and len(v) > 2)
# The engine's reason (a code with parameters, domain/reason.h) in Chinese and in English.
print("reasons", all(x["reason"].startswith("模型「科创板与新三板上市后备企业库」") and f"排名第 {x['rank']}，" in x["reason"]
                     and x["reason_en"].startswith(f"Rank {x['rank']} in the model") and "{" not in x["reason_en"] for x in v))
seed = [x["uscc"] for x in v if x["tier"] == "seed"]
reserve = [x["uscc"] for x in v if x["tier"] == "reserve"]
print("REMOVE", reserve[0]); print("RETIER", seed[-1])
PY
for k in same_as_model reasons; do expect_grep "^$k True" "$T/v1.check" "version 1: $k"; done
REMOVE=$(sed -n 's/^REMOVE //p' "$T/v1.check")
RETIER=$(sed -n 's/^RETIER //p' "$T/v1.check")
# An enterprise the model does not tier.
ADD=$($CC enterprise list --region 50 --limit 1000 --format json | /usr/bin/python3 -c "
import json, sys
on = {x['uscc'] for x in json.load(open('$T/v1.json'))}
print(next(x['uscc'] for x in json.load(sys.stdin) if x['uscc'] not in on))")

expect_status 1 "add without a reason is refused" $CC list add lr "$ADD" --tier seed
expect_grep "reason is required" "$T/err" "missing reason named"
expect_status 1 "empty reason is refused" $CC list remove lr "$REMOVE" --reason "  "
expect_grep "reason" "$T/err" "blank reason named"
expect_status 1 "add without a tier is refused" $CC list add lr "$ADD" --reason "x"
expect_grep "tier" "$T/err" "missing tier named"
expect_status 1 "unknown tier is refused" $CC list add lr "$ADD" --tier gold --reason "x"
expect_grep "reserve, seed" "$T/err" "the model's tiers listed"
expect_status 1 "unknown credit code" $CC list add lr 91500000MA0000000X --tier seed --reason "x"
expect_grep "91500000MA0000000X" "$T/err" "unknown code named"
expect_status 1 "unknown list" $CC list add nolist "$ADD" --tier seed --reason "x"
expect_grep "no list 'nolist'" "$T/err" "unknown list named"
expect_eq "$($CC list versions lr --format json | json 'len(d)')" "1" "refused changes write no version"

expect_status 0 "add with a reason" $CC list add lr "$ADD" --tier seed --reason "区县推荐 added"
expect_status 0 "remove with a reason" $CC list remove lr "$REMOVE" --reason "已上市 listed"
expect_status 0 "tier change with a reason" $CC list tier lr "$RETIER" --tier reserve --reason "专家评审 promoted"
expect_status 1 "remove again: not on the list" $CC list remove lr "$REMOVE" --reason "x"
expect_grep "not on list" "$T/err" "not on the list named"

$CC list diff lr 1 4 --format json > "$T/diff.json" || fail "list diff"
/usr/bin/python3 - "$T/diff.json" "$ADD" "$REMOVE" "$RETIER" > "$T/diff.check" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); add, rm, rt = sys.argv[2:5]
got = sorted((x["change"], x["uscc"], x["from"] or "", x["to"] or "", x["reason"]) for x in d)
want = sorted([("entered", add, "", "seed", "区县推荐 added"), ("exited", rm, "reserve", "", "已上市 listed"),
               ("changed", rt, "seed", "reserve", "专家评审 promoted")])
print("exact", got == want)
PY
expect_grep "^exact True" "$T/diff.check" "diff 1 -> 4 shows exactly the three changes with reasons"
expect_status 1 "diff with an unknown version" $CC list diff lr 1 9
expect_grep "no version 9" "$T/err" "unknown version named"
expect_status 0 "show an old version" $CC list show lr --version 1
expect_status 1 "show an unknown version" $CC list show lr --version 9

expect_status 0 "history of the removed enterprise" $CC list history "$REMOVE" --format json
expect_eq "$(json '[x["status"] for x in d][:2] == ["entered", "kept"] and d[-1]["status"] == "exited" and d[-1]["reason"] == "已上市 listed"' < "$T/out")" "True" "history: entered, kept, exited with the reason"
expect_status 1 "history of an unknown code" $CC list history 91500000MA0000000X

# A rerun keeps the manual addition and tier change, and keeps the removal out.
expect_status 0 "rerun" $CC list rerun lr --note "rerun"
expect_grep "version 5" "$T/out" "rerun writes version 5"
$CC list diff lr 4 5 --format json > "$T/d45.json"
expect_eq "$(json 'len(d)' < "$T/d45.json")" "0" "rerun on the same data changes nothing"
$CC list show lr --format json > "$T/v5.json"
expect_eq "$(json "[(x['tier'], x['manual']) for x in d if x['uscc'] == '$RETIER']" < "$T/v5.json")" "[('reserve', 'manual')]" "manual tier kept on rerun"
expect_eq "$(json "sum(x['uscc'] == '$ADD' for x in d), sum(x['uscc'] == '$REMOVE' for x in d)" < "$T/v5.json")" "1 0" "manual addition kept, removal stays out"

# Every version audited.
expect_eq "$(sql "SELECT count(*) FROM audit WHERE action='list.version' AND target='lr'")" "5" "one audit row per version"

# The export is for circulation, not an interchange file.
expect_status 0 "export" $CC list export lr --version 4 "$T/lr.xlsx"
expect_eq "$(head -c 2 "$T/lr.xlsx")" "PK" "the export is a zip (XLSX)"
expect_status 2 "importing the export fails" $CC import "$T/lr.xlsx"
expect_grep "cannot tell what kind of file" "$T/err" "with a clear message"
/usr/bin/python3 - "$T/lr.xlsx" > "$T/x.check" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
print("header", all(h in text for h in ["序号", "企业名称", "统一社会信用代码", "所在地区", "产业链", "入选理由"]))
print("reason", "区县推荐 added" in text and "排名第" in text and "list.model_rank" not in text)
PY
expect_grep "^header True" "$T/x.check" "export header"
expect_grep "^reason True" "$T/x.check" "export carries the reasons"

# Versions are immutable even to direct SQL (the sqlite3 shell, psql).
for sql in "UPDATE list_entries SET tier='x'" "DELETE FROM list_entries" \
           "UPDATE list_versions SET note='x'" "DELETE FROM list_versions" "DELETE FROM list_exits"; do
  if sql "$sql" 2> "$T/err"; then fail "direct SQL $sql succeeded"; else pass "direct SQL $sql refused"; fi
  expect_grep "immutable" "$T/err" "the trigger says why ($sql)"
done
expect_eq "$($CC list versions lr --format json | json 'len(d)')" "5" "five versions remain"
expect_status 0 "list --help" $CC list --help
expect_grep "rerun" "$T/out" "help describes rerun"
expect_status 1 "unknown subcommand" $CC list frobnicate
finish
