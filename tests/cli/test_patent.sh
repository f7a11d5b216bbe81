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

# The patents file: Chinese headers in GB18030, every bad row rejected with line, column, reason.
$CC init > /dev/null 2>&1 || fail "init"
U=91500000MA0000000X
U=$($CC --format json uscc 91500112MA00000010 | json 'd[0]["check"]')
U="91500112MA0000001${U}"
printf 'uscc,name,region\n%s,重庆电池,500112\n' "$U" > "$T/e.csv"
expect_status 0 "registry" $CC import "$T/e.csv"
cat > "$T/p.csv" <<CSV
申请号,专利类型,专利名称,IPC分类号,申请日,授权日,失效日,法律状态,专利权人信用代码
ZL201710601862.3,发明,一种锂离子电池,H01M 10/0525;H01M 4/5825,2017-08-01,2019-05-01,,,$U
201710601862.4,发明,校验位错,H01M 10/0525,2017-08-01,,,,$U
202322865413.3,发明,类型不符,F04B 37/14,2023-10-20,2024-05-01,,,$U
202010566088.9,,IPC错,G06T 5/00;X12,2020-06-19,2021-01-01,,,$U
201811564288.X,发明,已失效,H04W 74/08,2018-12-20,2020-03-01,2023-01-01,,$U
201510958772.0,发明,申请日错,G06Q 30/02,2016-12-17,,,,$U
CSV
iconv -f UTF-8 -t GB18030 "$T/p.csv" > "$T/pg.csv"
expect_status 3 "patents file with bad rows" $CC --format json import "$T/pg.csv"
expect_eq "$(json '(d["kind"], d["accepted"], d["rejected"])' < "$T/out")" "('patents', 2, 4)" "two load, four rejected"
R="$T/pg.csv.rejects.csv"
expect_grep "^3,number,201710601862.4,.*should be '3', not '4'" "$R" "bad check character: line 3, number"
expect_grep "^4,kind,.*(utility_model)" "$R" "kind against the number's kind digit"
expect_grep "^5,ipc,.*'X12'" "$R" "a bad IPC code named"
expect_grep "^7,filed,2016-12-17," "$R" "filing year against the number's year"
expect_status 3 "re-import changes nothing" $CC --format json import "$T/pg.csv"
expect_eq "$(pyq "select count(*), sum(CASE WHEN status = 'valid' THEN 1 ELSE 0 END) from patents")" "[(2, 1)]" "two patents, one in force"
expect_status 0 "stock" $CC --format json innov stock --chain power_battery --year 2022
expect_eq "$(json '[(x["node"], x["stock"]) for x in d if x["node"] in ("cells", "cathode", "recycling")]' < "$T/out")" \
  "[('cathode', 1), ('cells', 1), ('recycling', None)]" "node stock; a node without IPC prefixes has none"
expect_status 0 "derive" $CC innov derive --year 2022
expect_status 0 "export" $CC export patents "$T/x.csv"
expect_grep "^201710601862.3,invention,一种锂离子电池,H01M 10/0525;H01M 4/5825,2017-08-01,2019-05-01,,valid,$U" "$T/x.csv" "export writes what import reads"
expect_status 1 "unknown chain" $CC innov stock --chain nope
# An updated row (new title, lapsed) is upserted by its number; the same file again changes
# nothing; the number is kept as its digits and read back with its check character.
sed -e 's/一种锂离子电池,H01M 10\/0525;H01M 4\/5825,2017-08-01,2019-05-01,,/一种固态锂电池,H01M 10\/0525,2017-08-01,2019-05-01,2024-03-01,/' "$T/p.csv" > "$T/p2.csv"
grep -q 一种固态锂电池 "$T/p2.csv" || fail "the updated row was not written"
expect_status 3 "the updated file" $CC --format json import "$T/p2.csv"
expect_eq "$(json '(d["accepted"], d["rejected"])' < "$T/out")" "(2, 4)" "the same rows load"
q() { pyq "$1"; }
expect_eq "$(q "select id, number, title, ipc, lapsed, status from patent_numbers order by id")" \
  "[(201710601862, '201710601862.3', '一种固态锂电池', 'H01M 10/0525', '2024-03-01', 'invalid'), (201811564288, '201811564288.X', '已失效', 'H04W 74/08', '2023-01-01', 'invalid')]" \
  "the row updated in place, keyed by its digits"
before=$(q "select * from patents order by id")
expect_status 3 "the updated file again" $CC --format json import "$T/p2.csv"
expect_eq "$(q "select * from patents order by id")" "$before" "re-importing changes nothing"
# A file big enough for the writer thread (over 32 MB), its rows out of number order and one
# number twice: every row loads, the later row of the repeated number wins.
/usr/bin/python3 - "$U" "$T/big.csv" <<'PY'
import random, sys
u, out = sys.argv[1], sys.argv[2]
def num(serial):
    d = "2019%d%07d" % (2, serial)
    s = sum(int(c) * w for c, w in zip(d, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))) % 11
    return d + "." + ("X" if s == 10 else str(s))
rows = list(range(120000))
random.Random(7).shuffle(rows)
pad = "x" * 260
with open(out, "w", encoding="utf-8") as f:
    f.write("number,kind,title,ipc,filed,granted,status,holder\n")
    for k in rows:
        f.write("%s,utility_model,t%d %s,H01M 10/0525,2019-03-01,2019-09-01,valid,%s\n" % (num(k), k, pad, u))
    f.write("%s,utility_model,the later row,H01M 10/0525,2019-03-01,2019-09-01,valid,%s\n" % (num(rows[5]), u))
PY
[ "$(stat -c %s "$T/big.csv")" -gt $((32 << 20)) ] || fail "big.csv is not over 32 MB"
expect_status 0 "a big shuffled file" $CC --format json import "$T/big.csv" --no-progress
expect_eq "$(json '(d["rows"], d["accepted"], d["rejected"])' < "$T/out")" "(120001, 120001, 0)" "every row loads"
expect_eq "$(q "select count(*), min(number), max(number) from patent_numbers where id between 201920000000 and 201929999999")" \
  "[(120000, '201920000000.X', '201920119999.X')]" "120,000 distinct numbers (both check characters X: sums 65 and 208)"
expect_eq "$(q "select count(*) from patents where title = 'the later row'")" "[(1,)]" "the later row of a repeated number wins"
# Key technologies: the commission's status, audited.
expect_status 0 "set a status" $CC innov tech power_battery.separator 干法隔膜 --status absent --chokepoint --note 无本地企业
expect_status 0 "list" $CC --format json innov tech power_battery.separator
expect_eq "$(json '[(x["status"], x["chokepoint"], x["in_catalogue"]) for x in d if x["technology"] == "干法隔膜"]' < "$T/out")" \
  "[('absent', 'yes', 'no')]" "a technology the commission added, absent, 卡脖子"
expect_status 1 "a bad status" $CC innov tech power_battery.separator 干法隔膜 --status ahead
expect_eq "$(sql "select count(*) from audit where action='innov.tech'")" "1" "audited once"
# Platforms and consortia: registered, refused with the field named, coverage.
expect_status 0 "a platform" $CC innov platform 电池中心 --kind 技术创新中心 --level 市级 --host "$U" --nodes "power_battery.cells;power_battery.bms" --recognised 2021-06-01
expect_status 1 "a bad level" $CC innov platform 电池中心 --kind key_lab --level city
expect_grep "level: national, municipal or district" "$T/err" "the reason names the field"
expect_status 0 "a consortium" $CC innov consortium 固态联合体 --leader "$U" --node power_battery.next_gen --technology 固态电解质 --members "重庆大学"
expect_status 0 "coverage" $CC --format json innov coverage --chain power_battery
expect_eq "$(json '[(x["node"], x["platforms"], x["consortia"]) for x in d if x["node"] in ("cells", "next_gen", "anode")]' < "$T/out")" \
  "[('anode', 0, 0), ('cells', 1, 0), ('next_gen', 0, 1)]" "per node platforms and consortia"
# A challenge (揭榜挂帅): posted, applicants ranked with each component, awarded once.
expect_status 0 "a challenge" $CC innov challenge 电芯攻关 --node power_battery.cells --technology 固态电解质 --budget 500 --deadline 2027-06-30
expect_status 0 "applicants" $CC --format json innov applicants 1 --year 2022
expect_eq "$(json '[(x["uscc"], x["platform"], x["c_inventions"], x["c_platform"]) for x in d]' < "$T/out")" \
  "[('$U', 'municipal', 0.3, 0.14)]" "the holder and platform host ranked, its contributions"
expect_status 0 "award" $CC innov award 1 --uscc "$U" --milestones "2026 样品"
expect_status 2 "awarded once" $CC innov award 1 --uscc "$U"
finish
