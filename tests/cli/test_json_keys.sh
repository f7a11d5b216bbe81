#!/usr/bin/env bash
# JSON keys are stable English identifiers (issue 13, item 12): every key of every listing
# command's --format json output on a demo database matches [a-z0-9_]+ (Chinese names are
# values, under keys such as name_zh). Table output keeps its Chinese headers.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 2000 --seed 3 --no-accounts > /dev/null 2>&1 || fail "demo"
U=$(sql "select uscc from enterprises where region / 10000 = 50 order by uscc limit 1")
U2=$(sql "select e.uscc from supply_edges s join enterprises e on e.id = s.supplier_id limit 1" 2>/dev/null)
[ -n "$U2" ] || U2=$U
$CC user add keys_analyst --role analyst --password 'Wq7#vLp2-zR9x' > /dev/null || fail "user add"
$CC list create lk --model listing_reserve > /dev/null || fail "list create"
$CC list add lk "$U" --tier seed --reason "test" > /dev/null 2>&1
$CC case add "$U" --kind land --title 用地 --department 规自局 > /dev/null || fail "case add"
$CC match post --kind demand --uscc "$U" --title 采购轴承 --valid-until 2099-12-31 > /dev/null || fail "match post"
$CC match follow --user keys_analyst --keyword 轴承 > /dev/null || fail "match follow"
P=$(sql "select max(id) from postings")

# One listing command a line.
commands="
version
summary
check
uscc $U
region
region 500000
industry
industry C
metrics
enterprise list --limit 50
enterprise show $U
chain list
chain show ic
chain gaps ic
chain targets ic
chain brief ic
chain brief
user list
criteria list
criteria check $U
criteria scan
criteria scan --near
eval list
eval run listing_reserve --limit 20
list
list show lk
list versions lk
list history $U
list diff lk 1 1
case list
case show 1
case departments
match search 轴承
match show $P
match find $P
match subscriptions --user keys_analyst
match inbox --user keys_analyst
match deals
match stats
risk concentration
risk concentration --chain ic
risk spof
risk articulation
risk disrupt --region 51
risk neighbours $U2
"
while read -r line; do
  [ -z "$line" ] && continue
  # shellcheck disable=SC2086
  $CC $line --format json > "$T/out" 2> "$T/err"
  rc=$?
  # check exits 2 when it finds problems, and still prints them as JSON.
  if [ "$rc" -ne 0 ] && ! [ "$line" = check -a "$rc" -eq 2 ]; then
    fail "$line --format json: exit $rc"; sed 's/^/    /' "$T/err" | head -3; continue
  fi
  bad=$(/usr/bin/python3 - "$T/out" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
bad = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if not re.fullmatch(r"[a-z0-9_]+", k):
                bad.add(k)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
# Some commands print more than one JSON value (one per line or block).
dec = json.JSONDecoder(); i = 0; n = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    v, i = dec.raw_decode(text, i); n += 1
    walk(v)
print(" ".join(sorted(bad)) if bad else ("ok" if n else "no JSON"))
PY
)
  if [ "$bad" = ok ]; then pass "$line: every key is [a-z0-9_]"; else fail "$line: keys $bad"; fi
done <<< "$commands"

# Human output keeps its Chinese headers.
$CC chain list > "$T/out" || fail "chain list"
expect_grep "名称" "$T/out" "the table still says 名称"
$CC chain list --format json > "$T/out"
expect_eq "$(json '"name_zh" in d[0] and "名称" not in d[0]' < "$T/out")" "True" "JSON says name_zh"
finish
