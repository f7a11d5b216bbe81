#!/usr/bin/env bash
# Import and export of the interchange files, end to end through the CLI: encodings, headers,
# rejects, idempotence, round trips, exit statuses.
. "$(dirname "$0")/lib.bash"

# A small demo written through the import path loads clean.
expect_status 0 "demo loads" $CC demo --enterprises 300 --seed 7 --csv-out "$T/demo"
expect_status 0 "check is clean after demo" $CC check
n=$($CC --format json summary | json 'd["enterprises"]')
expect_eq "$n" 300 "300 enterprises loaded"
ind=$($CC summary --format json | json 'd["indicator_rows"]')
[ "$ind" -gt 8000 ] && pass "indicators loaded ($ind rows)" || fail "too few indicator rows: $ind"

# Re-import is idempotent: every table exports identically before and after.
for k in enterprises indicators chain_members supply postings; do $CC export $k "$T/before_$k.csv" 2>/dev/null; done
for f in enterprises indicators chain_members supply postings; do
  $CC import "$T/demo/$f.csv" --format json > "$T/re_$f.json"
  expect_eq "$(json 'd["rejected"]' < "$T/re_$f.json")" 0 "re-import $f rejects nothing"
done
for k in enterprises indicators chain_members supply postings; do
  $CC export $k "$T/after_$k.csv" 2>/dev/null
  cmp -s "$T/before_$k.csv" "$T/after_$k.csv" && pass "re-import leaves $k unchanged" || fail "re-import changed $k"
done

# Export -> import into a fresh database round-trips unchanged (CSV and XLSX).
for fmt in csv xlsx; do
  db2=$(scratch_db round_$fmt)
  for k in enterprises indicators chain_members supply postings; do
    $CC export $k "$T/rt_$k.$fmt" 2>/dev/null
    $CC --db "$db2" import "$T/rt_$k.$fmt" --kind $k > /dev/null || fail "import of exported $k.$fmt"
    $CC --db "$db2" export $k "$T/rt2_$k.csv" 2>/dev/null
    cmp -s "$T/before_$k.csv" "$T/rt2_$k.csv" && pass "$fmt round trip of $k" || fail "$fmt round trip of $k differs"
  done
done

# GB18030 with Chinese headers, columns in another order, an unknown column, and bad rows.
cat > "$T/ent.csv" <<'CSV'
企业名称,统一社会信用代码,行政区划代码,行业代码,企业规模,资质,备注
重庆测试电子有限公司,91500112MA5U5XXK0F,500112,C3973,中型,高新技术企业;专精特新,好企业
重庆坏代码有限公司,91500112MA5U5XXK0G,500112,C3973,中型,,
成都未知地区有限公司,91510116MA61XYZ123,999999,C3670,小型,,
成都行业错误有限公司,91510116MA6CA5PB1T,510116,X9999,小型,,
,91500107MA60AB1D2H,500107,,,,
CSV
/usr/bin/python3 - "$T/ent.csv" <<'PY'
import sys
p=sys.argv[1]
# fix check characters of the rows meant to be valid (first, fourth and fifth codes)
A="0123456789ABCDEFGHJKLMNPQRTUWXY"; W=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
def chk(s): return A[(31-sum(A.index(c)*w for c,w in zip(s,W))%31)%31]
lines=open(p,encoding='utf-8').read().split('\n')
for i in (1,4,5):
    parts=lines[i].split(','); c=parts[1][:17]; parts[1]=c+chk(c); lines[i]=','.join(parts)
open(p,'w',encoding='gb18030').write('\n'.join(lines))
PY
$CC import "$T/ent.csv" --format json > "$T/gb.json"; st=$?
expect_eq "$st" 3 "import with bad rows exits 3"
expect_eq "$(json 'd["format"]' < "$T/gb.json")" gb18030 "GB18030 detected"
expect_eq "$(json 'd["accepted"]' < "$T/gb.json")" 1 "one good row accepted"
expect_eq "$(json 'd["rejected"]' < "$T/gb.json")" 4 "four bad rows rejected"
expect_grep "备注" <(json 'd["warnings"][0]' < "$T/gb.json") "unknown column warned about"
R=$T/ent.csv.rejects.csv
expect_grep '^3,uscc,91500112MA5U5XXK0G,.*check character' "$R" "reject names line, column, value, reason (check digit)"
expect_grep '^4,region,999999' "$R" "reject of unknown region"
expect_grep '^5,industry,X9999' "$R" "reject of unknown industry"
expect_grep '^6,name,,' "$R" "reject of empty name"
$CC enterprise list --name 测试电子 --format json > "$T/l.json"
expect_eq "$(json 'd[0]["certs"]' < "$T/l.json")" "hightech;srdi" "Chinese certificate names normalised"
expect_eq "$(json 'd[0]["scale"]' < "$T/l.json")" "medium" "Chinese scale normalised"

# A code a spreadsheet turned into a number gets a reason that says so.
printf 'uscc,name,region\n9.14403001922038E+17,某公司,440300\n' > "$T/sci.csv"
$CC import "$T/sci.csv" > /dev/null
expect_grep "scientific notation" "$T/sci.csv.rejects.csv" "credit code in scientific notation explained"

# Missing required columns fail before any row, nothing loads.
printf 'uscc,name\n91110000600037341L,某公司\n' > "$T/missing.csv"
before=$($CC summary --format json | json 'd["enterprises"]')
expect_status 2 "missing region column is an error" $CC import "$T/missing.csv"
expect_grep "region" "$T/err" "error names the missing column"
after=$($CC summary --format json | json 'd["enterprises"]')
expect_eq "$after" "$before" "nothing loaded from a file missing a column"

# Neither UTF-8 nor GB18030: a clear error naming the offset.
printf 'uscc,name,region\n\xff\xfe\x80,x,500112\n' > "$T/bin.csv"
expect_status 2 "invalid encoding is an error" $CC import "$T/bin.csv"
expect_grep "offset" "$T/err" "encoding error names the byte offset"

# Indicators: numbers with thousands separators, full-width digits, percent; bad values.
u=$($CC enterprise list --limit 1 --format json | json 'd[0]["uscc"]')
cat > "$T/ind.csv" <<CSV
uscc,period,revenue,employees,rd_staff,rd_expense
$u,2019,"1,234.5",１２０,10,5%
$u,2019-13,100,10,1,1
$u,2019-02,abc,10,1,1
$u,2018,100,10,20,1
91110000600037341L,2018,100,10,1,1
CSV
$CC import "$T/ind.csv" --format json > "$T/ind.json"
expect_eq "$(json 'd["accepted"]' < "$T/ind.json")" 1 "one good indicator row"
expect_eq "$(json 'd["rejected"]' < "$T/ind.json")" 4 "four bad indicator rows"
$CC enterprise show "$u" --format json > "$T/show.json"
expect_eq "$(json '[y["revenue"] for y in d["annual"] if y["year"]==2019][0]' < "$T/show.json")" 1234.5 "thousands separator parsed"
expect_eq "$(json '[y["employees"] for y in d["annual"] if y["year"]==2019][0]' < "$T/show.json")" 120 "full-width digits parsed"
expect_eq "$(json '[y["rd_expense"] for y in d["annual"] if y["year"]==2019][0]' < "$T/show.json")" 0.05 "percent divides by 100"
R=$T/ind.csv.rejects.csv
expect_grep '^3,period,2019-13' "$R" "bad month rejected"
expect_grep '^4,revenue,abc' "$R" "non-number rejected"
expect_grep '^5,rd_staff' "$R" "R&D staff above employees rejected"
expect_grep '^6,uscc,91110000600037341L,.*registry' "$R" "unknown enterprise rejected"

# Supply shares and node references.
cat > "$T/sup.csv" <<CSV
supplier,buyer,product,node,annual_value,share
91110000600037341L,$u,测试件,,100,45%
91110000600037341L,$u,测试件2,,100,1.5
91110000600037341L,$u,测试件3,no_such_node,100,0.5
$u,$u,自己,,1,0.1
CSV
$CC import "$T/sup.csv" --format json > "$T/sup.json"
expect_eq "$(json 'd["accepted"]' < "$T/sup.json")" 1 "one good supply row"
expect_grep '^3,share,1.5' "$T/sup.csv.rejects.csv" "share over 1 rejected"
expect_grep '^4,node,no_such_node' "$T/sup.csv.rejects.csv" "unknown node rejected"
expect_grep '^5,supplier' "$T/sup.csv.rejects.csv" "self-supply rejected"

# A file that repeats a code, loaded into an empty registry (the bulk path): the last row wins.
head -4 "$T/demo/enterprises.csv" > "$T/dup.csv"
tail -n +2 "$T/demo/enterprises.csv" | head -1 | sed 's/,[^,]*有限公司,/,重复测试有限公司,/' >> "$T/dup.csv"
db_dup=$(scratch_db dup)
$CC --db "$db_dup" import "$T/dup.csv" --format json > "$T/dup.json"
expect_eq "$(json 'd["accepted"]' < "$T/dup.json")" 4 "repeated code counts as accepted"
expect_eq "$($CC --db "$db_dup" summary --format json | json 'd["enterprises"]')" 3 "repeated code stored once"
expect_eq "$($CC --db "$db_dup" enterprise list --name 重复测试 --format json | json 'len(d)')" 1 "last row of a repeated code wins"
expect_status 0 "check clean after a repeated code" $CC --db "$db_dup" check

# Generates enterprises files for the tests below: valid credit codes (check character
# computed), region 500112. gen_ent FILE N [BAD_LINE_TEXT_AT_END]
gen_ent() {
  /usr/bin/python3 - "$@" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
A="0123456789ABCDEFGHJKLMNPQRTUWXY"; W=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
def code(i):
    c="91500112MA%07d" % i
    return c + A[(31-sum(A.index(x)*w for x,w in zip(c,W))%31)%31]
with open(path, "w", encoding="utf-8") as f:
    f.write("uscc,name,region\n")
    for i in range(n):
        # every tenth name quoted, as spreadsheets write names with commas
        f.write('%s,%s,500112\n' % (code(i), '"测试,企业%d有限公司"' % i if i % 10 == 0 else "测试企业%d有限公司" % i))
PY
}

# Issue 13.1: a last record whose quote never closes is one rejected row; 20,000 good rows load.
gen_ent "$T/unterm.csv" 20000
printf '91500112MA99999990,"坏企业有限公司,500112\n' >> "$T/unterm.csv"
db_unterm=$(scratch_db unterm)
$CC --db "$db_unterm" import "$T/unterm.csv" --format json > "$T/unterm.json"; st=$?
expect_eq "$st" 3 "unterminated last quote: exit 3 (rows rejected), not a refused file"
expect_eq "$(json 'd["accepted"]' < "$T/unterm.json")" 20000 "unterminated last quote: 20,000 good rows accepted"
expect_eq "$(json 'd["rejected"]' < "$T/unterm.json")" 1 "unterminated last quote: one row rejected"
expect_grep '^20002,,,.*unterminated quoted field starting on CSV line 20002' "$T/unterm.csv.rejects.csv" "reject names the line and the reason"
expect_eq "$($CC --db "$db_unterm" summary --format json | json 'd["enterprises"]')" 20000 "20,000 enterprises stored"

# A quote left open in the middle: its line is rejected, the lines it swallowed load.
gen_ent "$T/mid.csv" 100
sed -i '51s/^\([^,]*\),/\1,"/' "$T/mid.csv"   # line 51: name opens a quote and never closes it
db_mid=$(scratch_db mid)
$CC --db "$db_mid" import "$T/mid.csv" --format json > "$T/mid.json"
expect_eq "$(json 'd["accepted"]' < "$T/mid.json")" 99 "open quote in the middle: the 99 other rows load"
expect_eq "$(json 'd["rejected"]' < "$T/mid.json")" 1 "open quote in the middle: one row rejected"
expect_grep '^51,,' "$T/mid.csv.rejects.csv" "open quote in the middle: the reject is line 51"
expect_eq "$($CC --db "$db_mid" enterprise list --name 测试企业52有限公司 --format json | json 'len(d)')" 1 "the line after the open quote is read as a row"

# Issue 13.11: NUL bytes and control characters in a name reject the row; a tab is kept.
gen_ent "$T/ctl.csv" 4   # line 2 is row 0, line 3 row 1 ...
sed -i '3s/测试企业1/测\x00试企业1/; 4s/测试企业2/测\x01试企业2/; 5s/测试企业3/测\t试企业3/' "$T/ctl.csv"
db_ctl=$(scratch_db ctl)
$CC --db "$db_ctl" import "$T/ctl.csv" --format json > "$T/ctl.json"
expect_eq "$(json 'd["accepted"]' < "$T/ctl.json")" 2 "NUL and control character rows rejected, tab row kept"
expect_grep '^3,name,.*\\x00.*name contains a NUL byte' "$T/ctl.csv.rejects.csv" "NUL byte: reason and escaped value"
expect_grep '^4,name,.*control character \(U\+0001\)' "$T/ctl.csv.rejects.csv" "control character: reason"
if grep -qaP '\x00|\x01' "$T/ctl.csv.rejects.csv"; then fail "report carries raw control bytes"; else pass "report shows control bytes escaped"; fi

# Issue 13.5: the reject report is bounded; the counts are not. 30,000 rows of junk.
{ echo "uscc,name,region"; yes x | head -30000; } > "$T/junk.csv"
db_junk=$(scratch_db junk)
$CC --db "$db_junk" import "$T/junk.csv" --format json > "$T/junk.json"
expect_eq "$(json 'd["rejected"]' < "$T/junk.json")" 30000 "junk: every row counted as rejected"
expect_grep 'lists the first 10000 rejected rows; 20000 more' "$T/junk.json" "junk: summary warns what the report leaves out"
expect_eq "$(grep -c '^[0-9]' "$T/junk.csv.rejects.csv" | tr -d ' ' ; )" "$((10000 * 3))" "junk: three problems each for the first 10,000 rows listed"
expect_grep '^,,,.*20000 more rejected rows are not listed' <(tail -1 "$T/junk.csv.rejects.csv") "junk: report's last line says what was cut"
sz=$(stat -c %s "$T/junk.csv.rejects.csv")
[ "$sz" -le $((16 << 20)) ] && pass "junk: report within 16 MB ($sz bytes)" || fail "junk: report $sz bytes"

# Issue 13.11: errors name the file as the user gave it, not a folder.
mkdir -p "$T/some/deep/folder"
: > "$T/some/deep/folder/empty.csv"
$CC import "$T/some/deep/folder/empty.csv" --format json > "$T/empty.json"
expect_grep "'empty.csv' is empty" <(json 'd["error"]' < "$T/empty.json") "error names the file"
if json 'd["error"]' < "$T/empty.json" | grep -q "deep/folder"; then fail "error shows a folder"; else pass "error shows no folder"; fi
printf 'uscc,name,region\n\xff\xfe\x80,x,500112\n' > "$T/some/deep/folder/bin.csv"
$CC import "$T/some/deep/folder/bin.csv" --format json > "$T/bin.json"
if json 'd["error"]' < "$T/bin.json" | grep -q "deep/folder"; then fail "encoding error shows a folder"; else pass "encoding error shows no folder"; fi

# Issue 13.8: a name a spreadsheet would run as a formula goes out guarded by a quote, numbers
# do not, and the export reads back exactly.
cat > "$T/formula.csv" <<'CSV'
uscc,name,region
91500112MA0000000X,"=HYPERLINK(""http://evil.example"",""点我"")",500112
91500112MA0000001X,+1 公司,500112
91500112MA0000002X,''@SUM 公司,500112
CSV
/usr/bin/python3 - "$T/formula.csv" <<'PY'
import sys
p=sys.argv[1]
A="0123456789ABCDEFGHJKLMNPQRTUWXY"; W=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
def chk(s): return A[(31-sum(A.index(c)*w for c,w in zip(s,W))%31)%31]
lines=open(p,encoding='utf-8').read().split('\n')
for i in (1,2,3):
    c=lines[i][:17]; lines[i]=c+chk(c)+lines[i][18:]
open(p,'w',encoding='utf-8').write('\n'.join(lines))
PY
db_f=$(scratch_db f)
expect_status 0 "formula-like names import" $CC --db "$db_f" import "$T/formula.csv"
$CC --db "$db_f" export enterprises "$T/f_out.csv" 2>/dev/null
expect_grep '^[^,]*,"'"'"'=HYPERLINK' "$T/f_out.csv" "export guards =HYPERLINK with a quote"
expect_grep "^[^,]*,'\\+1 公司," "$T/f_out.csv" "export guards a leading +"
expect_grep "^[^,]*,''@SUM 公司," "$T/f_out.csv" "a text that begins with a quote before @ keeps it"
if grep -q '^[^,]*,=\|^[^,]*,"=' "$T/f_out.csv"; then fail "a cell starts with ="; else pass "no exported cell starts with ="; fi
db_f2=$(scratch_db f2)
expect_status 0 "guarded export re-imports" $CC --db "$db_f2" import "$T/f_out.csv"
$CC --db "$db_f2" export enterprises "$T/f_out2.csv" 2>/dev/null
cmp -s "$T/f_out.csv" "$T/f_out2.csv" && pass "formula names round-trip exactly" || fail "formula names changed in a round trip"
expect_eq "$($CC --db "$db_f2" enterprise list --name HYPERLINK --format json | json 'd[0]["name"]')" '=HYPERLINK("http://evil.example","点我")' "stored name is the text, without the guard"
$CC --db "$db_f" enterprise list --name HYPERLINK --format csv > "$T/f_list.csv"
expect_grep ",\"'=HYPERLINK" "$T/f_list.csv" "CLI CSV output guards a formula-like name too"
u2=$($CC --db "$db_f" enterprise list --limit 1 --format json | json 'd[0]["uscc"]')
printf 'uscc,period,net_profit,revenue\n%s,2020,-5.2,-0\n' "$u2" > "$T/neg.csv"
$CC --db "$db_f" import "$T/neg.csv" > /dev/null
$CC --db "$db_f" export indicators "$T/neg_out.csv" 2>/dev/null
expect_grep ',2020,.*,-5.2,' "$T/neg_out.csv" "a negative number is exported as a number, unguarded"

# The indicator rules of `check` on import (issue 13, item 11): within a row, and a file that
# gives one of R&D staff and employees against the stored other one.
printf 'uscc,period,employees,rd_staff\n%s,2019,100,20\n' "$u2" > "$T/pair.csv"
expect_status 0 "employees 100, R&D staff 20 load" $CC --db "$db_f" import "$T/pair.csv"
printf 'uscc,period,employees\n%s,2019,10\n' "$u2" > "$T/pair_emp.csv"
$CC --db "$db_f" import "$T/pair_emp.csv" --rejects "$T/pair_emp.rej" > "$T/out" 2>&1
expect_grep "R&D staff exceed employees|研发人员多于从业人员" "$T/pair_emp.rej" "employees lowered below the stored R&D staff is rejected"
printf 'uscc,period,rd_staff,invention_patents\n%s,2019,500,3\n%s,2020,5,-1\n' "$u2" "$u2" > "$T/pair_rd.csv"
$CC --db "$db_f" import "$T/pair_rd.csv" --rejects "$T/pair_rd.rej" > "$T/out" 2>&1
expect_grep "R&D staff exceed employees|研发人员多于从业人员" "$T/pair_rd.rej" "R&D staff raised above the stored employees is rejected"
expect_grep "must not be negative|数值不能为负" "$T/pair_rd.rej" "a negative patent count is rejected"
$CC --db "$db_f" export indicators "$T/pair_out.csv" 2>/dev/null
expect_eq "$(/usr/bin/python3 -c "
import csv,sys
for r in csv.DictReader(open('$T/pair_out.csv', encoding='utf-8-sig')):
    if r['uscc'] == '$u2' and r['period'] == '2019': print(r['employees'], r['rd_staff'])")" "100 20" "refused rows changed nothing"
expect_status 0 "check agrees the database is clean" $CC --db "$db_f" check

# Global options after the command words, and usage errors exit 1.
expect_status 0 "global --db after the command" $CC summary --db "$CHAINCHIEF_DB"
expect_status 1 "unknown option is a usage error" $CC import --bogus x
expect_status 1 "unknown command is a usage error" $CC frobnicate
expect_status 0 "command --help" $CC import --help
expect_grep "rejects" "$T/out" "import help mentions rejects"
finish
