#!/usr/bin/env bash
# `chainchief criteria list|check|scan` on a small demo: the eight sets listed with source and
# effective date; check explains one enterprise (JSON shape: sets, clauses, parts with value,
# op, threshold, gap); scan counts and lists passes, --near lists near misses sorted by their
# relative gap and every one of them within the margin; a smaller margin finds no more; the
# market-value input; filters; errors and exit statuses (1 usage, 2 unknown code or set).
. "$(dirname "$0")/lib.bash"

expect_status 0 "demo loads" $CC demo --enterprises 500 --seed 3 --no-accounts

expect_status 0 "criteria list" $CC criteria list --format json
expect_eq "$(json 'len(d)' < "$T/out")" "8" "eight criteria sets"
expect_eq "$(json 'sorted(x["id"] for x in d)' < "$T/out")" "['hightech', 'innovative_sme', 'neeq_innovation', 'srdi', 'srdi_giant', 'star_attributes', 'star_standards', 'tech_sme']" "set ids"
expect_eq "$(json 'all(x["source"] and x["effective"] for x in d)' < "$T/out")" "True" "every set has source and effective date"
expect_status 0 "criteria list as a table" $CC criteria list
expect_grep "科创属性" "$T/out" "table shows Chinese names"

# An enterprise of the demo.
U=$($CC --format json criteria scan --limit 1 | json 'd[0]["uscc"]')
expect_eq "${#U}" "18" "scan gives a credit code"

expect_status 0 "check one enterprise" $CC --format json criteria check "$U"
cp "$T/out" "$T/check.json"
expect_eq "$(json 'd["uscc"]' < "$T/check.json")" "$U" "check names the enterprise"
expect_eq "$(json 'len(d["sets"])' < "$T/check.json")" "8" "check covers every set"
expect_eq "$(json 'sorted(set(s["result"] for s in d["sets"]) - {"pass","fail","unknown"})' < "$T/check.json")" "[]" "results are pass, fail or unknown"
expect_eq "$(json 'sorted(d["sets"][0]["clauses"][0].keys())' < "$T/check.json")" "['data', 'group', 'id', 'kind', 'label_en', 'label_zh', 'min', 'note', 'parts', 'rel_gap', 'relaxed', 'result', 'role', 'source', 'value', 'value_max']" "clause keys"
expect_eq "$(json 'sorted(d["sets"][0]["clauses"][3]["parts"][0].keys())' < "$T/check.json")" "['gap', 'op', 'result', 'text', 'threshold', 'value']" "part keys"
expect_eq "$(json '[s["result"] for s in d["sets"] if s["id"]=="hightech"][0] != "pass"' < "$T/check.json")" "True" "high-tech is never a pass (innovation score not held)"
expect_eq "$(json '[c["result"] for s in d["sets"] if s["id"]=="hightech" for c in s["clauses"] if c["data"]=="missing"] == ["unknown"]*4' < "$T/check.json")" "True" "clauses on missing data are unknown"

expect_status 0 "check one set as a table" $CC criteria check "$U" --set star_attributes
expect_grep "科创属性" "$T/out" "table names the set"
expect_grep "invention_patents >= 7" "$T/out" "table shows the clause"
expect_status 0 "check as csv" $CC --format csv criteria check "$U" --set tech_sme
expect_grep "^set,clause,role" "$T/out" "csv header"

# Market value input: standard 4 needs 300,000 万元.
expect_status 0 "check with market value" $CC --format json criteria check "$U" --set star_standards --market-value 350000
expect_eq "$(json '[c["result"] for c in d["sets"][0]["clauses"] if c["id"]=="mv4"][0]' < "$T/out")" "pass" "market value clause passes with the input"
expect_status 0 "check without market value" $CC --format json criteria check "$U" --set star_standards
expect_eq "$(json '[c["result"] for c in d["sets"][0]["clauses"] if c["id"]=="mv4"][0]' < "$T/out")" "unknown" "market value unknown without input"

# Scan.
expect_status 0 "scan" $CC --format json criteria scan --limit 100000
cp "$T/out" "$T/scan.json"
expect_eq "$(json 'all(r["result"]=="pass" for r in d)' < "$T/scan.json")" "True" "scan lists passes"
expect_eq "$(json 'any(r["set"]=="hightech" for r in d)' < "$T/scan.json")" "False" "no high-tech passes"
N=$(json 'len([r for r in d if r["set"]=="star_attributes"])' < "$T/scan.json")
expect_status 0 "scan one set" $CC --format json criteria scan --set star_attributes --limit 100000
expect_eq "$(json 'len(d)' < "$T/out")" "$N" "--set agrees with the full scan"
expect_status 0 "scan by region" $CC --format json criteria scan --region 50 --limit 100000
expect_eq "$(json 'all(r["region"].startswith("50") for r in d)' < "$T/out")" "True" "--region keeps Chongqing"

expect_status 0 "scan by chain" $CC --format json criteria scan --chain fuel_vehicle --limit 100000
NC=$(json 'len(d)' < "$T/out")
expect_eq "$(json "$NC <= len(d)" < "$T/scan.json")" "True" "--chain keeps a subset"

expect_status 0 "near misses" $CC --format json criteria scan --near --limit 100000
cp "$T/out" "$T/near.json"
expect_eq "$(json 'len(d) > 0' < "$T/near.json")" "True" "some near misses"
expect_eq "$(json 'all(0 <= r["rel_gap"] <= 0.1 for r in d)' < "$T/near.json")" "True" "every near miss within 10%"
expect_eq "$(json '[r["rel_gap"] for r in d] == sorted(r["rel_gap"] for r in d)' < "$T/near.json")" "True" "sorted by relative gap"
expect_eq "$(json 'all(r["failed"] for r in d)' < "$T/near.json")" "True" "failed clauses named"
N10=$(json 'len(d)' < "$T/near.json")
expect_status 0 "near misses at 2%" $CC --format json criteria scan --near --margin 0.02 --limit 100000
expect_eq "$(json "len(d) <= $N10 and all(r['rel_gap'] <= 0.02 for r in d)" < "$T/out")" "True" "a smaller margin finds fewer, all within 2%"
expect_status 0 "near misses as a table" $CC criteria scan --near --limit 5
expect_grep "near misses" "$T/out" "table heading"

# Errors.
expect_status 2 "unknown set" $CC criteria check "$U" --set nosuch
expect_grep "unknown criteria set" "$T/err" "message names the problem"
expect_status 2 "unknown enterprise" $CC criteria check 91110000600037341L
expect_status 1 "invalid credit code" $CC criteria check 123
expect_status 1 "check without a code" $CC criteria check
expect_status 1 "bad margin" $CC criteria scan --margin -1
expect_status 1 "bad region" $CC criteria scan --region 5
expect_status 2 "unknown chain" $CC criteria scan --chain nosuch
expect_status 1 "unknown subcommand" $CC criteria frobnicate
expect_status 1 "bad market value" $CC criteria check "$U" --market-value lots
expect_status 0 "help" $CC criteria --help
expect_grep "near" "$T/out" "help mentions near misses"
finish
