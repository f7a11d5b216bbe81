#!/usr/bin/env bash
# 一企一策 cases end to end: open, list, overdue, move through the statuses, comments, the
# per-department view, and the audit trail.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 300 --seed 8 --no-accounts > /dev/null || fail "demo"
u=$($CC enterprise list --limit 1 --format json | json 'd[0]["uscc"]')
expect_status 0 "open a finance case" $CC case add "$u" --kind finance --title "流动资金贷款贴息" --department 市金融局 --deadline 2020-01-31 --format json
id1=$(json 'd["id"]' < "$T/out")
expect_status 0 "open a land case" $CC case add "$u" --kind land --title "扩建用地" --department 市规划和自然资源局 --deadline 2099-12-31
expect_status 1 "unknown kind refused" $CC case add "$u" --kind magic --title x --department d
expect_grep "kind must be" "$T/err" "the kinds are named"
expect_status 1 "missing department refused" $CC case add "$u" --kind land --title x
expect_status 1 "bad deadline refused" $CC case add "$u" --kind land --title x --department d --deadline 2023-02-30
expect_status 2 "unknown enterprise refused" $CC case add 91110000600037341L --kind land --title x --department d
$CC case list --format json > "$T/list.json"
expect_eq "$(json 'len(d)' < "$T/list.json")" 2 "two cases listed"
$CC case list --overdue --format json > "$T/over.json"
expect_eq "$(json 'len(d)' < "$T/over.json")" 1 "one case overdue"
expect_eq "$(json 'd[0]["title"]' < "$T/over.json")" "流动资金贷款贴息" "the overdue case is the finance one"
expect_status 1 "a move needs a comment" $CC case move "$id1" --to in_progress
expect_status 0 "open -> in_progress" $CC case move "$id1" --to in_progress --comment "已对接银行"
expect_status 0 "in_progress -> resolved" $CC case move "$id1" --to resolved --comment "贷款已发放"
expect_status 1 "resolved is final" $CC case move "$id1" --to open --comment "重开"
expect_grep "cannot move" "$T/err" "the refused move is explained"
expect_status 0 "comment" $CC case comment "$id1" "企业反馈满意"
$CC case show "$id1" --format json > "$T/show.json"
expect_grep '"status": "resolved"' "$T/show.json" "show has the new status"
expect_grep '企业反馈满意' "$T/show.json" "show has the comments"
expect_status 2 "unknown case" $CC case show 9999
$CC case departments --format json > "$T/dept.json"
expect_eq "$(json '[x["resolved"] for x in d if x["department"]=="市金融局"][0]' < "$T/dept.json")" 1 "department view counts the resolved case"
expect_eq "$(json '[x["open"] for x in d if x["department"]=="市规划和自然资源局"][0]' < "$T/dept.json")" 1 "department view counts the open case"
n=$(sql "select count(*) from audit where action like 'case.%'")
expect_eq "$n" 5 "every case write audited (2 opens, 2 moves, 1 comment)"
finish
