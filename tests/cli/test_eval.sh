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
# The counts, widest first: screened (the filter) >= evaluated (ranked: candidate met or near)
# >= selected (in a tier); every candidate is in a tier here, by the model's last tier (100%).
print("selected", d["evaluated"] == len(items) > 0 and d["screened"] > d["evaluated"]
      and d["selected"] == sum(1 for x in items if x["tier"]) == len(items)
      and d["met"] == sum(1 for x in items if not x["near_candidate"]))
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
items = d["items"]
masters = collections.Counter(x["chain"] for x in items if x["tier"] == "master")
print("top_k", all(v <= 2 for v in masters.values()) and len(masters) > 0)
# Selected is the tiered, not everyone evaluated; the per-chain tier follows the place in the
# chain (chain_rank), the share tier the overall rank: nobody untiered ranks inside the top 25%.
print("selected", d["selected"] == sum(1 for x in items if x["tier"]) < d["evaluated"] == len(items))
print("chain_rank", all(x["chain_rank"] <= 2 for x in items if x["tier"] == "master")
      and all(x["chain_rank"] > 2 for x in items if x["tier"] != "master" and x["chain"]))
cut = -(-len(items) * 25 // 100)
print("share_follows_rank", all(x["tier"] for x in items if x["rank"] <= cut)
      and all(x["rank"] <= cut for x in items if x["tier"] == "leader"))
print("given_weights", abs(d["weights"]["tax"] - 0.15) < 1e-9)
PY
expect_grep "^top_k True" "$T/ld.check" "leader: at most 2 chain-master candidates per chain"
expect_grep "^given_weights True" "$T/ld.check" "leader: expert weights as given"
expect_grep "^selected True" "$T/ld.check" "leader: selected counts the tiered only"
expect_grep "^chain_rank True" "$T/ld.check" "leader: the chain-master tier follows the place in the chain"
expect_grep "^share_follows_rank True" "$T/ld.check" "leader: the top-25% tier follows the overall rank"
expect_status 1 "unknown model is a usage error" $CC eval run no_such_model
expect_grep "no model" "$T/err" "unknown model named"
expect_status 1 "eval without a subcommand word is usage" $CC eval frobnicate x y
finish
