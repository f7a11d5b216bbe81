#!/usr/bin/env bash
# `chainchief risk tts`: the time-to-survive / time-to-recover programmes of Simchi-Levi, Wang
# & Wei (Interfaces 45(5), 2015) on the hand-worked network of tests/data/tts (worked in
# tests/unit/test_tts.c): every single-node disruption, tts null when demand is met
# indefinitely, lost margin over --ttr and REI; the exact JSON shape; table and CSV output;
# Chinese headers in GB18030; errors naming file, line and column; exit statuses.
. "$(dirname "$0")/lib.bash"
D=${CC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/data/tts

expect_status 0 "risk tts runs" $CC --format json risk tts --nodes "$D/nodes.csv" --edges "$D/edges.csv" --ttr 5
cp "$T/out" "$T/s.json"
expect_eq "$(json 'list(d.keys())' < "$T/s.json")" "['scenarios']" "one key: scenarios"
expect_eq "$(json '[list(s.keys()) for s in d["scenarios"]][0]' < "$T/s.json")" "['disrupted', 'tts', 'lost', 'rei']" "scenario keys in order"
expect_eq "$(json '[s["disrupted"] for s in d["scenarios"]]' < "$T/s.json")" "['S1', 'S2', 'P', 'D']" "nodes file order"
expect_eq "$(json '[None if s["tts"] is None else round(float(s["tts"]), 6) for s in d["scenarios"]]' < "$T/s.json")" "[3.714286, None, 2.6, 2.0]" "tts: 26/7, null, 2.6, 2"
expect_eq "$(json '[round(float(s["lost"]), 6) for s in d["scenarios"]]' < "$T/s.json")" "[45.0, 0.0, 120.0, 150.0]" "lost margin over 5 periods"
expect_eq "$(json '[round(float(s["rei"]), 6) for s in d["scenarios"]]' < "$T/s.json")" "[0.3, 0.0, 0.8, 1.0]" "REI = lost / max lost"
expect_eq "$(grep -c . "$T/s.json")" "1" "one line of JSON"

# Default recovery time: one period. S1: demand 10, supply 3 + 26 on hand: nothing lost.
expect_status 0 "default ttr" $CC --format json risk tts --nodes "$D/nodes.csv" --edges "$D/edges.csv"
expect_eq "$(json '[round(float(s["lost"]), 6) for s in d["scenarios"]]' < "$T/out")" "[0.0, 0.0, 0.0, 0.0]" "one period: stock covers every loss"
expect_eq "$(json '[s["rei"] for s in d["scenarios"]]' < "$T/out")" "[0, 0, 0, 0]" "rei 0 when nothing is lost"

# Table and CSV.
expect_status 0 "table output" $CC risk tts --nodes "$D/nodes.csv" --edges "$D/edges.csv" --ttr 5
expect_grep "^disrupted +kind +tts +lost +rei +at_risk" "$T/out" "table header"
expect_grep "^S2 +supplier +none +0 +0\.0000 +no" "$T/out" "none for unbounded tts"
expect_grep "^P +plant +2\.6 +120 +0\.8000 +yes" "$T/out" "plant row"
expect_status 0 "csv output" $CC --format csv risk tts --nodes "$D/nodes.csv" --edges "$D/edges.csv" --ttr 5
expect_eq "$(head -1 "$T/out" | tr -d '\r')" "disrupted,kind,tts,lost,rei,at_risk" "csv header"

# Chinese headers and kinds, in GB18030.
cat > "$T/zn.csv" <<'CSV'
编号,类型,产能(件/周),库存,需求,利润
S1,供应商,,0,0,0
S2,供应商,3,0,0,0
P,工厂,10,6,0,0
D,产品,,20,10,5
CSV
cat > "$T/ze.csv" <<'CSV'
供方,需方,物料,用量
S1,P,钢,1
S2,P,钢,1
P,D,件,1
CSV
iconv -f utf-8 -t gb18030 "$T/zn.csv" > "$T/zn_gb.csv"
iconv -f utf-8 -t gb18030 "$T/ze.csv" > "$T/ze_gb.csv"
expect_status 0 "GB18030 Chinese files" $CC --format json risk tts --nodes "$T/zn_gb.csv" --edges "$T/ze_gb.csv" --ttr 5
expect_eq "$(json '[round(float(s["lost"]), 6) for s in d["scenarios"]]' < "$T/out")" "[45.0, 0.0, 120.0, 150.0]" "same answer from Chinese GB18030 files"

# Errors: usage (1) and bad files (2), naming file, line and column.
expect_status 1 "files required" $CC risk tts --nodes "$D/nodes.csv"
expect_status 1 "bad --ttr" $CC risk tts --nodes "$D/nodes.csv" --edges "$D/edges.csv" --ttr 0
expect_status 1 "unknown option" $CC risk tts --nodes "$D/nodes.csv" --edges "$D/edges.csv" --wat 1
printf 'from,to,material,units\nS1,P,m,1\nS9,P,m,1\n' > "$T/bad_e.csv"
expect_status 2 "unknown node in edges" $CC risk tts --nodes "$D/nodes.csv" --edges "$T/bad_e.csv"
expect_grep "bad_e.csv' line 3, column 1 \(from\): unknown node 'S9'" "$T/err" "unknown node named with line and column"
printf 'id,kind\nA,plant\nA,plant\n' > "$T/dup.csv"
expect_status 2 "duplicate id" $CC risk tts --nodes "$T/dup.csv" --edges "$D/edges.csv"
expect_grep "dup.csv' line 3, column 1 \(id\): duplicate id 'A'" "$T/err" "duplicate id named"
printf 'id,kind\nA,warehouse\n' > "$T/kind.csv"
expect_status 2 "bad kind" $CC risk tts --nodes "$T/kind.csv" --edges "$D/edges.csv"
expect_grep "line 2, column 2 \(kind\): unknown kind 'warehouse'" "$T/err" "bad kind named"
printf 'id,kind,inventory\nA,plant,-3\n' > "$T/neg.csv"
expect_status 2 "negative number" $CC risk tts --nodes "$T/neg.csv" --edges "$D/edges.csv"
expect_grep "line 2, column 3 \(inventory\): -3 is negative" "$T/err" "negative named"
printf 'id,kind,demand\nA,plant,many\n' > "$T/nan.csv"
expect_status 2 "non-numeric number" $CC risk tts --nodes "$T/nan.csv" --edges "$D/edges.csv"
expect_grep "'many' is not a number" "$T/err" "non-numeric named"
: > "$T/empty.csv"
expect_status 2 "empty file" $CC risk tts --nodes "$T/empty.csv" --edges "$D/edges.csv"
expect_grep "empty.csv' is empty" "$T/err" "empty file named"
printf 'from,to,units\nP,S1,1\nS1,P,1\n' > "$T/cyc.csv"
expect_status 2 "cycle" $CC risk tts --nodes "$D/nodes.csv" --edges "$T/cyc.csv"
expect_grep "closes a cycle" "$T/err" "cycle refused"
expect_status 2 "missing file" $CC risk tts --nodes "$T/nope.csv" --edges "$D/edges.csv"
expect_grep "cannot open" "$T/err" "missing file named"

finish
