#!/usr/bin/env bash
# Supply–demand from the command line: post (and the errors of bad input, each naming its
# field, storing nothing), search by 1, 2, 3+ characters, ranked matches with explanations,
# subscriptions and the inbox, deals and statistics, the audit trail.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 400 --seed 9 --no-accounts > /dev/null || fail "demo"
# The demo writes a year of deals (demo_history); what this script adds is counted on top.
$CC match stats --format json > "$T/st0.json"
expect_eq "$(json 'd["totals"]["deals"] > 0 and d["totals"]["agreed"] > 0 and len(d["by_month"]) >= 6' < "$T/st0.json")" "True" "the demo has a history of deals over months"
audit0=$(sql "select count(*) from audit where action like 'posting.%' or action = 'deal.mark'")
cq=$(sql "select uscc from enterprises where region / 10000 = 50 order by uscc limit 1")
cd=$(sql "select uscc from enterprises where region / 100 = 5101 order by uscc limit 1")
n0=$(sql "select count(*) from postings")
expect_status 0 "match --help" $CC match --help
expect_grep "reindex" "$T/out" "help lists the subcommands"
expect_status 2 "empty title refused" $CC match post --kind demand --uscc "$cq" --title ""
expect_grep "title" "$T/err" "the error names the title"
expect_status 2 "quantity abc refused" $CC match post --kind demand --uscc "$cq" --title 采购阀门 --quantity abc
expect_grep "quantity: 'abc' is not a number" "$T/err" "the error names the quantity"
expect_status 2 "region 999999 refused" $CC match post --kind demand --uscc "$cq" --title 采购阀门 --regions 999999
expect_grep "region_pref: '999999'" "$T/err" "the error names the region"
expect_status 2 "unknown node refused" $CC match post --kind demand --uscc "$cq" --title 采购阀门 --node ic.nope
expect_status 2 "bad kind refused" $CC match post --kind sell --uscc "$cq" --title 采购阀门
expect_status 2 "unregistered poster refused" $CC match post --kind demand --uscc 91110000600037341L --title 采购阀门
expect_eq "$(sql "select count(*) from postings")" "$n0" "refused postings stored nothing"
expect_status 0 "a demand from Chongqing" $CC match post --kind demand --uscc "$cq" --title 采购车规级MCU --node ic.mcu_soc --quantity 1000 --unit 片 --regions 510100 --valid-until 2099-12-31 --format json
dem=$(json 'd["id"]' < "$T/out")
expect_eq "$(json 'd["kind"]+" "+d["region_pref"]+" "+d["status"]' < "$T/out")" "demand 510100 open" "stored as given"
expect_status 0 "a supply from Chengdu" $CC match post --kind 供 --uscc "$cd" --title 供应车规级MCU芯片 --node ic.mcu_soc --quantity 800 --unit 片 --valid-until 2099-12-31 --format json
sup=$(json 'd["id"]' < "$T/out")
expect_status 0 "an expired supply" $CC match post --kind supply --uscc "$cd" --title 供应车规级MCU旧货 --valid-until 2020-01-01
expect_status 0 "matches as JSON" $CC match find "$dem" --format json --limit 50
expect_eq "$(json 'd["items"][0]["id"]' < "$T/out")" "$sup" "the Chengdu supply on the same node ranks first"
expect_eq "$(json '[p["component"] for p in d["items"][0]["explanation"]]' < "$T/out")" "['text', 'node', 'industry', 'region_pref', 'cross_city', 'quantity', 'credibility']" "seven explained components"
expect_eq "$(json 'abs(sum(p["contribution"] for p in d["items"][0]["explanation"]) - d["items"][0]["score"]) < 1e-6' < "$T/out")" "True" "contributions add up to the score"
expect_eq "$(json '[p["value"] for p in d["items"][0]["explanation"] if p["component"] in ("region_pref","cross_city")] == [1, 1]' < "$T/out")" "True" "preferred city and the pair bonus"
expect_eq "$(json 'round([p["value"] for p in d["items"][0]["explanation"] if p["component"]=="quantity"][0], 4)' < "$T/out")" "0.8" "quantity fit 800/1000"
expect_eq "$(json 'any(x["title"]=="供应车规级MCU旧货" for x in d["items"])' < "$T/out")" "False" "the expired posting never matches"
expect_status 2 "matches on a day that does not exist" $CC match find "$dem" --today 2026-13-45
expect_grep "today: '2026-13-45' is not a date" "$T/err" "the error names the option"
expect_status 0 "matches as a table" $CC match find "$dem"
expect_grep "供应车规级MCU芯片" "$T/out" "the table shows the match"
old=$(sql "select id from postings where title='供应车规级MCU旧货'")
expect_status 2 "an expired posting has no matches" $CC match find "$old"
expect_grep "expired" "$T/err" "and says why"
# Search: 1 and 2 characters scan, 3+ use the trigram index; mixed Chinese/Latin/digits.
$CC match search --q 车规 --format json > "$T/s2.json"
expect_eq "$(json 'd["mode"]' < "$T/s2.json")" "scan" "2 characters: scan"
expect_eq "$(json 'd["total"] >= 2' < "$T/s2.json")" "True" "2 characters find both open MCU postings"
$CC match search --q 车规级MCU --format json > "$T/s3.json"
expect_eq "$(json 'd["mode"]+" "+str(d["total"])' < "$T/s3.json")" "fts 2" "a mixed 3+ query uses FTS5"
$CC match search --q 车规级mcu --state all --format json > "$T/s4.json"
expect_eq "$(json 'd["total"]' < "$T/s4.json")" "3" "case-insensitive; --state all includes the expired one"
# Subscriptions and the inbox.
$CC user add ana --role analyst --password Kv8-pass-73619 > /dev/null
$CC user add ent --role enterprise --uscc "$cq" --password Rz4-pass-51827 > /dev/null
expect_status 0 "follow a keyword" $CC match follow --user ana --keyword 伺服电机
expect_status 0 "follow it again" $CC match follow --user ana --keyword 伺服电机
expect_eq "$(sql "select count(*) from subscriptions where value = '伺服电机'")" "1" "following twice (no kind) keeps one subscription"
$CC match follow --user ent --region 510000 --kind supply > "$T/fr.txt"
expect_eq "$?" "0" "follow a region"
# A new subscription is filled at once with the open Sichuan supply postings it matches.
open_sc=$(sql "select count(*) from postings p join enterprises e on e.id = p.enterprise_id where p.kind = 'supply' and p.status = 'open' and (p.valid_until is null or p.valid_until >= '$(today)') and e.region / 10000 = 51")
expect_eq "$(grep -o '([0-9]* open' "$T/fr.txt")" "($open_sc open" "the region subscription received the open postings it matches at once"
expect_eq "$(( open_sc > 0 ))" "1" "the demo has open Sichuan supply postings"
expect_status 2 "follow an unknown region" $CC match follow --user ana --region 999999
expect_status 0 "a new Chengdu supply" $CC match post --kind supply --uscc "$cd" --title 供应伺服电机 --valid-until 2099-12-31
$CC match inbox --user ana --format json > "$T/ia.json"
expect_eq "$(json '[x["posting"]["title"] for x in d["items"]]' < "$T/ia.json")" "['供应伺服电机']" "the keyword subscription got it"
$CC match inbox --user ent --format json > "$T/ie.json"
expect_eq "$(json 'len(d["items"]), d["items"][0]["posting"]["title"]' < "$T/ie.json")" "$((open_sc + 1)) 供应伺服电机" "the region subscription got it too"
# Deals and statistics.
expect_status 0 "mark contacted" $CC match deal "$dem" --with "$sup" --status contacted --comment 已联系
expect_status 0 "mark agreed with a value (from the other side)" $CC match deal "$sup" --with "$dem" --status agreed --value 120
expect_status 2 "unknown status" $CC match deal "$dem" --with "$sup" --status won
$CC match stats --format json > "$T/st.json"
delta() {
  /usr/bin/python3 -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
was = {x["direction"]: (x["agreed"], x["value"]) for x in a["by_direction"]}
print([(x["direction"], x["agreed"] - was.get(x["direction"], (0, 0))[0], float(x["value"] - was.get(x["direction"], (0, 0))[1])) for x in b["by_direction"] if (x["agreed"], x["value"]) != was.get(x["direction"])], b["totals"]["deals"] - a["totals"]["deals"])' "$@"
}
expect_eq "$(delta "$T/st0.json" "$T/st.json")" "[('cd_to_cq', 1, 120.0)] 1" "one more agreed Sichuan->Chongqing deal of 120, one deal marked from both sides"
expect_status 0 "withdraw" $CC match withdraw "$sup"
expect_status 2 "a withdrawn posting has no matches" $CC match find "$sup"
expect_status 2 "withdraw an unknown posting" $CC match withdraw 999999
expect_grep "no posting 999999" "$T/err" "and says which"
expect_status 2 "show an unknown posting" $CC match show 999999
expect_status 1 "a posting number that is no number" $CC match find abc
expect_status 1 "an unknown subcommand" $CC match frobnicate
n=$(sql "select count(*) from audit where action like 'posting.%' or action = 'deal.mark'")
expect_eq "$((n - audit0))" 7 "writes audited (4 postings created, 1 withdrawn, 2 deal marks)"
# A registered enterprise as the counterpart (no posting of its own): still one deal per pair.
cq2=$(sql "select uscc from enterprises where region / 10000 = 51 and uscc <> '$cd' order by uscc limit 1")
expect_status 0 "mark an enterprise counterpart contacted" $CC match deal "$dem" --with "$cq2" --status contacted
expect_status 0 "and agreed" $CC match deal "$dem" --with "$cq2" --status agreed --value 30
expect_eq "$(sql "select count(*) || ' ' || max(status) from deals d join enterprises e on e.id = d.cp_enterprise_id where d.posting_id = $dem and e.uscc = '$cq2'")" "1 agreed" "one deal for the pair, at its latest status"
# The product index is rebuilt after imports of enterprises or supply edges, not of indicators.
sql "DELETE FROM match_sellers WHERE (product_id, enterprise_id) = (SELECT product_id, enterprise_id FROM match_sellers LIMIT 1)"
n1=$(sql "select count(*) from match_sellers")
printf 'uscc,period,revenue\n%s,2024,123\n' "$cq" > "$T/ind.csv"
expect_status 0 "an indicator import" $CC import "$T/ind.csv"
expect_eq "$(sql "select count(*) from match_sellers")" "$n1" "an indicator import does not rebuild the product index"
$CC export enterprises "$T/ent.csv" > /dev/null
expect_status 0 "an enterprise import" $CC import "$T/ent.csv"
expect_eq "$(sql "select count(*) from match_sellers")" "$((n1 + 1))" "an enterprise import rebuilds it"
finish
