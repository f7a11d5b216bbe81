#!/usr/bin/env bash
# `chainchief mcda`: a decision matrix from CSV (UTF-8, GB18030) or XLSX ranked by TOPSIS,
# VIKOR and weighted sum, checked against the published example of Tzeng & Huang (2011,
# Multiple Attribute Decision Making: Methods and Applications, CRC Press): TOPSIS closeness
# 0.5037, 0.6581, 0.7482, 0.3340 and VIKOR S, R, Q; the JSON shape; AHP weights and their
# refusal; sensitivity; errors naming row and column; exit statuses.
. "$(dirname "$0")/lib.bash"

cat > "$T/m.csv" <<'CSV'
alternative,DUR,CAP,REL
A1,5,8,4
A2,7,6,8
A3,8,8,6
A4,7,4,6
type,max,max,max
weight,0.3,0.4,0.3
CSV

# TOPSIS with the weight row (Tzeng & Huang 2011).
expect_status 0 "topsis runs" $CC --format json mcda "$T/m.csv"
cp "$T/out" "$T/topsis.json"
expect_eq "$(json '[round(x, 4) for x in d["scores"]]' < "$T/topsis.json")" "[0.5037, 0.6581, 0.7482, 0.334]" "TOPSIS closeness of Tzeng & Huang"
expect_eq "$(json 'd["ranks"]' < "$T/topsis.json")" "[3, 2, 1, 4]" "TOPSIS ranks in row order"
expect_eq "$(json 'd["weights"]' < "$T/topsis.json")" "[0.3, 0.4, 0.3]" "weights from the weight row"
expect_eq "$(json 'd["weighting"]' < "$T/topsis.json")" "row" "weighting named"
expect_eq "$(json 'sorted(k for k in ("weights","scores","ranks") if k in d)' < "$T/topsis.json")" "['ranks', 'scores', 'weights']" "json has weights, scores, ranks"
expect_eq "$(json '"S" in d' < "$T/topsis.json")" "False" "no S for topsis"

# VIKOR: S, R, Q in row order.
expect_status 0 "vikor runs" $CC mcda "$T/m.csv" --method vikor --format json
cp "$T/out" "$T/vikor.json"
expect_eq "$(json '[round(x, 4) for x in d["S"]]' < "$T/vikor.json")" "[0.6, 0.3, 0.15, 0.65]" "VIKOR S"
expect_eq "$(json '[round(x, 4) for x in d["R"]]' < "$T/vikor.json")" "[0.3, 0.2, 0.15, 0.4]" "VIKOR R"
expect_eq "$(json '[round(float(x), 4) for x in d["Q"]]' < "$T/vikor.json")" "[0.75, 0.25, 0.0, 1.0]" "VIKOR Q"
expect_eq "$(json 'd["ranks"]' < "$T/vikor.json")" "[3, 2, 1, 4]" "VIKOR ranks by Q"
expect_eq "$(json '(d["acceptable_advantage"], d["acceptable_stability"], d["compromise"])' < "$T/vikor.json")" "(False, True, ['A3', 'A2'])" "VIKOR conditions and compromise set"
expect_status 0 "vikor --v 1" $CC mcda "$T/m.csv" --method vikor --v 1 --format json
expect_eq "$(json '[round(float(x), 4) for x in d["Q"]]' < "$T/out")" "[0.9, 0.3, 0.0, 1.0]" "v = 1 is S alone"

# Table output shows name, score, rank (and S/R/Q).
expect_status 0 "table output" $CC mcda "$T/m.csv"
expect_grep "^A3 +0\.748249 +1$" "$T/out" "table row: name, score, rank"
expect_status 0 "vikor table" $CC mcda "$T/m.csv" --method vikor
expect_grep "^name +S +R +Q +rank" "$T/out" "vikor table header"
expect_grep "compromise solution: A3, A2" "$T/out" "compromise printed"
expect_status 0 "csv output" $CC --format csv mcda "$T/m.csv" --method wsum
expect_eq "$(head -1 "$T/out" | tr -d '\r')" "name,score,rank" "csv header"

# Weights: given list overrides the row; equal; entropy (the default without a row); critic.
expect_status 0 "given weights" $CC --format json mcda "$T/m.csv" --weights 1,1,2
expect_eq "$(json 'd["weights"]' < "$T/out")" "[0.25, 0.25, 0.5]" "given weights scaled to sum 1"
expect_status 0 "equal weights" $CC --format json mcda "$T/m.csv" --weights equal
expect_eq "$(json '[round(x, 6) for x in d["weights"]]' < "$T/out")" "[0.333333, 0.333333, 0.333333]" "equal weights"
grep -v '^weight' "$T/m.csv" > "$T/nw.csv"
expect_status 0 "entropy by default" $CC --format json mcda "$T/nw.csv"
expect_eq "$(json 'd["weighting"]' < "$T/out")" "entropy" "entropy is the default"
/usr/bin/python3 - "$T/out" <<'PY' && pass "entropy weights match the formula" || fail "entropy weights differ"
import json, math, sys
d = json.load(open(sys.argv[1]))
X = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]
dd = []
for j in range(3):
    s = sum(r[j] for r in X)
    e = -sum(r[j] / s * math.log(r[j] / s) for r in X) / math.log(4)
    dd.append(1 - e)
want = [x / sum(dd) for x in dd]
assert all(abs(a - b) < 1e-12 for a, b in zip(d["weights"], want)), (d["weights"], want)
PY
expect_status 0 "critic weights" $CC --format json mcda "$T/nw.csv" --weights critic
expect_eq "$(json 'round(sum(d["weights"]), 12)' < "$T/out")" "1.0" "critic weights sum to 1"
expect_status 1 "weight count mismatch" $CC mcda "$T/m.csv" --weights 1,2
expect_grep "2 values but .* 3 criteria" "$T/err" "mismatch message"
expect_status 1 "bad weight list" $CC mcda "$T/m.csv" --weights 1,x,2
expect_status 2 "negative weights" $CC mcda "$T/m.csv" --weights 1,-1,2

# Normalisations.
for n in vector minmax max sum zscore; do
  expect_status 0 "normalize $n" $CC --format json mcda "$T/m.csv" --method wsum --normalize $n
  expect_eq "$(json 'd["normalize"]' < "$T/out")" "$n" "normalize $n reported"
done
expect_status 0 "minmax wsum" $CC --format json mcda "$T/m.csv" --method wsum --normalize minmax
# By hand: min-max columns (0, 2/3, 1, 2/3), (1, .5, 1, 0), (0, 1, .5, .5) with .3/.4/.3.
expect_eq "$(json '[round(x, 6) for x in d["scores"]]' < "$T/out")" "[0.4, 0.7, 0.85, 0.35]" "weighted sum by hand"

# AHP weights from a pairwise matrix with labels, fractions and its consistency ratio.
cat > "$T/ahp.csv" <<'CSV'
,DUR,CAP,REL
DUR,1,1/2,1
CAP,2,1,2
REL,1,1/2,1
CSV
expect_status 0 "ahp weights" $CC --format json mcda "$T/m.csv" --weights "ahp:$T/ahp.csv"
expect_eq "$(json '[round(x, 6) for x in d["weights"]]' < "$T/out")" "[0.25, 0.5, 0.25]" "AHP eigenvector of a consistent matrix"
expect_eq "$(json '(round(float(d["ahp"]["cr"]), 9), d["ahp"]["ri"])' < "$T/out")" "(0.0, 0.58)" "AHP CR and Saaty RI reported"
printf '1,9,1/9\n1/9,1,9\n9,1/9,1\n' > "$T/bad_ahp.csv"
expect_status 2 "inconsistent AHP refused" $CC mcda "$T/m.csv" --weights "ahp:$T/bad_ahp.csv"
expect_grep "consistency ratio [0-9.]+ exceeds 0.1" "$T/err" "refusal names the CR"
printf '1,2\n1/2,1\n' > "$T/small_ahp.csv"
expect_status 2 "non-square AHP refused" $CC mcda "$T/m.csv" --weights "ahp:$T/small_ahp.csv"
expect_grep "line 1: 2 values, expected 3" "$T/err" "AHP size error names the line"
printf '1,2,3\n1/2,1,2\n1/3,1/2,1\n1,1,1\n' > "$T/long_ahp.csv"
expect_status 2 "AHP with an extra row" $CC mcda "$T/m.csv" --weights "ahp:$T/long_ahp.csv"
printf '1,2,3\n2,1,2\n1/3,1/2,1\n' > "$T/nr_ahp.csv"
expect_status 2 "non-reciprocal AHP" $CC mcda "$T/m.csv" --weights "ahp:$T/nr_ahp.csv"
expect_grep "not reciprocal" "$T/err" "reciprocity message"
expect_status 2 "missing AHP file" $CC mcda "$T/m.csv" --weights "ahp:$T/none.csv"

# Sensitivity.
expect_status 0 "sensitivity" $CC --format json mcda "$T/m.csv" --sensitivity --weights entropy
expect_eq "$(json '(len(d["sensitivity"]["scenarios"]), d["sensitivity"]["steps"])' < "$T/out")" "(12, [-0.2, -0.1, 0.1, 0.2])" "12 scenarios of 4 steps"
expect_eq "$(json 'd["sensitivity"]["largest_move"]' < "$T/out")" "[0, 1, 1, 0]" "A2 and A3 swap under some changes"
expect_status 0 "sensitivity table" $CC mcda "$T/m.csv" --sensitivity --weights entropy
expect_grep "A2 2->1, A3 1->2" "$T/out" "who moved"

# Ties share the best rank; a missing cell counts as the column's worst value: d would tie
# with b if its cost were 3, but the missing cost counts as 5 (min-max 0): d scores 0.5.
cat > "$T/ties.csv" <<'CSV'
name,x,y
a,1,5
b,2,3
c,1,5
d,2,
type,max,min
CSV
expect_status 0 "ties and missing" $CC --format json mcda "$T/ties.csv" --weights equal --method wsum --normalize minmax
expect_eq "$(json 'd["scores"]' < "$T/out")" "[0, 1, 0, 0.5]" "missing cost scored as the worst"
expect_eq "$(json 'd["ranks"]' < "$T/out")" "[3, 1, 3, 2]" "a and c tie at rank 3 (competition ranking)"

# Chinese labels in GB18030, and XLSX.
cat > "$T/zh.csv" <<'CSV'
企业,营业收入,研发投入,成本
甲,100,8,30
乙,120,5,35
丙,90,9,20
类型,效益,效益,成本
权重,0.5,0.3,0.2
CSV
iconv -f utf-8 -t gb18030 "$T/zh.csv" > "$T/zh_gb.csv"
expect_status 0 "UTF-8 Chinese" $CC --format json mcda "$T/zh.csv"
cp "$T/out" "$T/zh.json"
expect_status 0 "GB18030 Chinese" $CC --format json mcda "$T/zh_gb.csv"
cmp -s "$T/out" "$T/zh.json" && pass "GB18030 reads as UTF-8" || fail "GB18030 result differs"
expect_eq "$(json 'd["alternatives"]' < "$T/zh.json")" "['甲', '乙', '丙']" "Chinese names kept"
/usr/bin/python3 - "$T/m.xlsx" <<'PY'
import sys, zipfile
rows = [["alternative", "DUR", "CAP", "REL"], ["A1", 5, 8, 4], ["A2", 7, 6, 8], ["A3", 8, 8, 6],
        ["A4", 7, 4, 6], ["type", "max", "max", "max"], ["weight", 0.3, 0.4, 0.3]]
def cell(r, c, v):
    ref = "ABCD"[c] + str(r + 1)
    if isinstance(v, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'
sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         + "".join(f'<row r="{i+1}">' + "".join(cell(i, j, v) for j, v in enumerate(r)) + "</row>" for i, r in enumerate(rows))
         + "</sheetData></worksheet>")
z = zipfile.ZipFile(sys.argv[1], "w")
z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="m" sheetId="1" r:id="rId1"/></sheets></workbook>')
z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
z.writestr("xl/worksheets/sheet1.xml", sheet)
z.close()
PY
expect_status 0 "XLSX input" $CC --format json mcda "$T/m.xlsx"
expect_eq "$(json '[round(x, 4) for x in d["scores"]]' < "$T/out")" "[0.5037, 0.6581, 0.7482, 0.334]" "XLSX gives the same closeness"

# Errors name the row and column; exit statuses.
printf 'name,a,b\nx,1,2\ny,3,4\n' > "$T/notype.csv"
expect_status 2 "missing type row" $CC mcda "$T/notype.csv"
expect_grep "no 'type' row" "$T/err" "missing type row message"
printf 'name,a,b\nx,1,2\ny,3,abc\ntype,max,min\n' > "$T/badnum.csv"
expect_status 2 "bad number" $CC mcda "$T/badnum.csv"
expect_grep "line 3, column 'b' \(alternative 'y'\): 'abc' is not a number" "$T/err" "bad number names line and column"
printf 'name,a,b\nx,1,2\ntype,max,sideways\n' > "$T/badtype.csv"
expect_status 2 "bad type" $CC mcda "$T/badtype.csv"
expect_grep "column 'b': type 'sideways'" "$T/err" "bad type names the column"
printf 'name,a,b\nx,-1,2\ny,3,4\ntype,max,min\n' > "$T/neg.csv"
expect_status 2 "entropy refuses negatives" $CC mcda "$T/neg.csv"
expect_grep "negative" "$T/err" "negative value message"
expect_status 0 "minmax critic accepts negatives" $CC mcda "$T/neg.csv" --weights critic --normalize minmax
expect_status 2 "missing file" $CC mcda "$T/nothere.csv"
expect_status 1 "no file" $CC mcda
expect_status 1 "two files" $CC mcda "$T/m.csv" "$T/m.csv"
expect_status 1 "unknown method" $CC mcda "$T/m.csv" --method electre
expect_status 1 "unknown normalisation" $CC mcda "$T/m.csv" --normalize l2
expect_status 1 "v out of range" $CC mcda "$T/m.csv" --method vikor --v 1.5
expect_status 1 "unknown option" $CC mcda "$T/m.csv" --frobnicate
expect_status 0 "help" $CC mcda --help
expect_grep "sensitivity" "$T/out" "help explains --sensitivity"
expect_grep "ahp:FILE" "$T/out" "help explains ahp:FILE"
$CC help | grep -q '^  mcda ' && pass "mcda listed in help" || fail "mcda not in help"
finish
