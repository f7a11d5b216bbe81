#!/usr/bin/env bash
# Evaluation models end to end: selection, ranks, tiers and the score breakdown.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 1500 --seed 21 --no-accounts > /dev/null || fail "demo"
expect_status 0 "eval list" $CC eval list
expect_grep "listing_reserve" "$T/out" "the listing reserve model is listed"
$CC eval run listing_reserve --format json --limit 100000 > "$T/lr.json" || fail "eval run listing_reserve"
/usr/bin/python3 - "$T/lr.json" > "$T/lr.check" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
items = d["items"]
print("selected", d["selected"] == len(items) and len(items) > 0)
print("weights_sum", abs(sum(d["weights"].values()) - 1) < 1e-9)
ranks = [x["rank"] for x in items]
print("ranks_sorted", ranks == sorted(ranks) and ranks[0] == 1)
scores = [x["score"] for x in items]
print("scores_desc", all(scores[i] >= scores[i + 1] - 1e-12 for i in range(len(scores) - 1)))
n = len(items)
reserve = [x for x in items if x["tier"] == "reserve"]
print("tiers_known", all(x["tier"] in ("reserve", "seed") for x in items))
print("reserve_share", all(x["rank"] <= math.ceil(0.3 * n) for x in reserve) and len(reserve) >= 1)
print("local", all(x["uscc"][2:4] == "50" for x in items))
ok = True
for x in items[:50]:
    for ind in x["indicators"]:
        w = d["weights"][ind["id"]]
        if ind["normalized"] is not None and abs(ind["contribution"] - w * ind["normalized"]) > 1e-12:
            ok = False
print("contributions", ok)
PY
for k in selected weights_sum ranks_sorted scores_desc tiers_known reserve_share local contributions; do
  expect_grep "^$k True" "$T/lr.check" "listing reserve: $k"
done
$CC eval run leader --format json --limit 100000 > "$T/ld.json" || fail "eval run leader"
/usr/bin/python3 - "$T/ld.json" > "$T/ld.check" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
masters = collections.Counter(x["chain"] for x in d["items"] if x["tier"] == "master")
print("top_k", all(v <= 2 for v in masters.values()) and len(masters) > 0)
print("given_weights", abs(d["weights"]["tax"] - 0.15) < 1e-9)
PY
expect_grep "^top_k True" "$T/ld.check" "leader: at most 2 chain-master candidates per chain"
expect_grep "^given_weights True" "$T/ld.check" "leader: expert weights as given"
expect_status 1 "unknown model is a usage error" $CC eval run no_such_model
expect_grep "no model" "$T/err" "unknown model named"
expect_status 1 "eval without a subcommand word is usage" $CC eval frobnicate x y
finish
