#!/usr/bin/python3
"""
The district map's figures (issue 14, item 8): GET /api/v1/areas.

One truth: for every scope (the three named ones, a district, a city, a province), the areas'
firms plus the unplaced ones add up to the firms the dashboard counts for that scope, their
output to the dashboard's output of the year, and each area's firms equal the dashboard's
by-region row and the enterprise search's total for that region. With a chain, for every
chain, the areas add up to the chain page's firms and output, the growth of the total is the
chain page's, and an area's missing links are the chain page's count of missing links with that
area as the scope. The areas of Chongqing are the 38 outlines of web/map/chuanyu.json, Sichuan's
its 21 cities. A chief reads only their chains; bad parameters are 400s.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import os
import sys

from harness import Harness, SRC

PASSWORD = "map-test-pass-2026"
H = Harness("map", PASSWORD)
check, run_cc, request = H.check, H.run_cc, H.request


class Session:
    def __init__(self, user):
        self.cookie, _ = H.login(user)

    def json(self, path):
        st, _, body = request("GET", path, cookie=self.cookie)
        return st, (json.loads(body) if body[:1] in (b"{", b"[") else None)


def same_money(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def outline_codes(province):
    with open(os.path.join(SRC, "web", "map", "chuanyu.json"), encoding="utf-8") as f:
        geo = json.load(f)
    return sorted(x["properties"]["code"] for x in geo["features"]
                  if x["properties"]["code"] // 10000 == province)


def test_scopes(ana):
    cq, sc = outline_codes(50), outline_codes(51)
    check(len(cq) == 38 and len(sc) == 21, "the outlines hold 38 Chongqing areas and 21 Sichuan "
          "cities", (len(cq), len(sc)))
    for scope in ["chongqing", "chengdu", "both", "500112", "510100", "510000", "510107"]:
        st, a = ana.json("/api/v1/areas?scope=" + scope)
        st2, d = ana.json("/api/v1/dashboard?scope=" + scope)
        if not check(st == 200 and st2 == 200, "areas and dashboard, scope=" + scope, (st, st2)):
            continue
        check(a["scope"] == d["scope"] and a["year"] == d["year"],
              "scope=%s: the areas state the dashboard's scope and year" % scope)
        firms = sum(x["enterprises"] for x in a["areas"]) + a["unplaced"]["enterprises"]
        check(firms == d["counts"]["enterprises"] == a["total"]["enterprises"],
              "scope=%s: the areas add up to the dashboard's firms (%d)" % (scope, firms),
              (firms, d["counts"]["enterprises"], a["total"]))
        out = sum(x["output_value"] or 0 for x in a["areas"]) + (a["unplaced"]["output_value"] or 0)
        year = [g for g in d["growth"] if g["year"] == d["year"]]
        check(year and same_money(out, year[0]["output_value"]),
              "scope=%s: and to its output of the year" % scope,
              (out, year and year[0]["output_value"]))
        by_region = {r["code"]: r["enterprises"] for r in d["by_region"]}
        diff = [(x["code"], x["enterprises"], by_region.get(x["code"], 0)) for x in a["areas"]
                if x["enterprises"] != by_region.get(x["code"], 0)]
        check(not diff, "scope=%s: every area has the dashboard's by-region count" % scope, diff[:4])
        codes = [x["code"] for x in a["areas"]]
        check(codes == sorted(codes) and all("missing" not in x for x in a["areas"]),
              "scope=%s: areas in code order, no missing links without a chain" % scope)
        if scope == "chongqing":
            check(codes == cq, "Chongqing: the 38 areas of the map", codes)
        if scope == "510000":
            check(codes == sc, "Sichuan: the 21 cities of the map", codes)
        if scope == "chengdu":
            check(codes == [510100, 510600, 511400, 512000], "the Chengdu area: its four cities", codes)
        if scope in ("500112", "510107"):
            area = 500112 if scope == "500112" else 510100
            check(codes == [area], "scope=%s: the one area holding it" % scope, codes)
    # An area's count is the enterprise search's for its region.
    st, a = ana.json("/api/v1/areas")
    for x in sorted(a["areas"], key=lambda x: -x["enterprises"])[:3]:
        st, e = ana.json("/api/v1/enterprises?limit=1&region=%d" % x["code"])
        check(st == 200 and e["total"] == x["enterprises"],
              "%s: the enterprise search finds its %d firms" % (x["name"], x["enterprises"]),
              (st, e and e.get("total")))
    check(all(x["name_en"] for x in a["areas"]), "every area has its English name")
    st, y = ana.json("/api/v1/areas?scope=500112")
    check(y["areas"][0]["name_en"] == "Yubei District" and y["scope"]["name_en"] == "Yubei District"
          and y["scope"]["name_zh"] == "渝北区", "a district's scope is named in both languages",
          y["scope"])
    st, y = ana.json("/api/v1/areas?scope=500112,510100")
    check(y["scope"]["name_en"] == "Yubei District, Chengdu", "and a list of areas", y["scope"])
    st, y = ana.json("/api/v1/areas?scope=510107")
    check(y["scope"]["name_en"] == "regions 510107", "a region without an English name keeps its code",
          y["scope"])
    st, regs = ana.json("/api/v1/regions?parent=500000")
    check(st == 200 and all(r.get("name_en") for r in regs if r["level"] == 3),
          "the region list gives Chongqing's districts in English too")
    empty = [x for x in a["areas"] if x["enterprises"] == 0]
    check(all(x["output_value"] == 0 and x["yoy"] is None for x in empty),
          "an area without firms has output 0 and no growth (%d such)" % len(empty))


def test_chains(ana):
    st, chains = ana.json("/api/v1/chains")
    ids = [c["id"] for c in chains or []]
    for scope in ["chongqing", "both"]:
        bad = []
        for cid in ids:
            st, a = ana.json("/api/v1/areas?chain=%s&scope=%s" % (cid, scope))
            st2, page = ana.json("/api/v1/chains/%s?scope=%s" % (cid, scope))
            if st != 200 or st2 != 200:
                bad.append((cid, st, st2))
                continue
            c = page["chain"]
            firms = sum(x["enterprises"] for x in a["areas"]) + a["unplaced"]["enterprises"]
            out = sum(x["output_value"] or 0 for x in a["areas"]) + (a["unplaced"]["output_value"] or 0)
            if (firms != c["enterprises"] or a["total"]["enterprises"] != c["enterprises"]
                    or not same_money(out, c["output"] or 0)
                    or not same_money(a["total"]["yoy"], c["yoy"])
                    or a["chain"]["nodes"] != c["nodes"]):
                bad.append((cid, firms, c["enterprises"], out, c["output"], a["total"]["yoy"],
                            c["yoy"]))
        check(not bad, "scope=%s: for every chain (%d) the areas add up to the chain page's firms, "
              "output and growth" % (scope, len(ids)), bad[:3])
    # Missing links: the chain page's count with the area as the scope.
    st, a = ana.json("/api/v1/areas?chain=nev&scope=both")
    picks = sorted(a["areas"], key=lambda x: -x["enterprises"])[:3] + \
        [x for x in a["areas"] if x["enterprises"] == 0][:1]
    for x in picks:
        st, page = ana.json("/api/v1/chains/nev?scope=%d" % x["code"])
        check(st == 200 and page["chain"]["missing"] == x["missing"]
              and page["chain"]["enterprises"] == x["enterprises"],
              "nev in %s: %d missing links, the chain page's with it as the scope"
              % (x["name"], x["missing"]), (x, page and page["chain"]))
    none = [x for x in a["areas"] if x["enterprises"] == 0]
    check(none and all(x["missing"] == a["chain"]["nodes"] for x in none),
          "an area without members misses every link (%d such areas)" % len(none))


def test_access(ana, chief, ent):
    st, _ = chief.json("/api/v1/areas?chain=ic")
    check(st == 403, "a chief may not read another chain's areas", st)
    st, a = chief.json("/api/v1/areas?chain=nev")
    check(st == 200 and a["chain"]["id"] == "nev", "but their own", st)
    st, a = chief.json("/api/v1/areas")
    check(st == 200 and a["chain"] is None, "and the firms of the scope, as on their dashboard", st)
    for q, field in [("chain=nothing", "chain"), ("scope=nowhere", "scope"), ("year=1899", "year")]:
        st, e = ana.json("/api/v1/areas?" + q)
        check(st == 400 and e["error"]["field"] == field, "%s is a 400 naming %s" % (q, field),
              (st, e))
    st, _ = ent.json("/api/v1/areas")
    check(st == 403, "an enterprise account gets no district figures", st)
    st, _, _ = request("GET", "/api/v1/areas")
    check(st == 401, "no session, no figures", st)
    st, doc = ana.json("/api/v1/openapi.json")
    check(st == 200 and "/api/v1/areas" in doc["paths"], "the route is in the OpenAPI document")


def main():
    try:
        run_cc("demo", "--enterprises", "1200", "--seed", "7", "--no-accounts")
        run_cc("user", "add", "map1", "--role", "analyst", "--password", PASSWORD)
        run_cc("user", "add", "chief8", "--role", "chief", "--password", PASSWORD,
               "--chains", "nev")
        uscc = json.loads(run_cc("--format", "json", "enterprise", "list", "--limit", "1")
                          .stdout)[0]["uscc"]
        run_cc("user", "add", "ent8", "--role", "enterprise", "--password", PASSWORD,
               "--uscc", uscc)
        H.serve()
        ana, chief, ent = Session("map1"), Session("chief8"), Session("ent8")
        test_scopes(ana)
        test_chains(ana)
        test_access(ana, chief, ent)
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
