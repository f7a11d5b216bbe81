#!/usr/bin/python3
"""
One enterprise search (issue 13, item 15): `chainchief enterprise list` and
GET /api/v1/enterprises run the same engine (src/frame/search.c), so the same filters, sort
and page give the same firms in the same order, and the CLI's count of all matches is the
API's total.

Starts a server on a fresh demo database (1,500 enterprises), asks both for ~70 filter
combinations (every filter alone, pairs, sorts both ways, pages), and compares credit codes,
totals and the revenue of the year asked. Also: more distinct metric sorts than the frame
caches all answer (the 49th was a 500 before), and the CLI refuses an unknown chain.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import sys
import urllib.parse

from harness import Harness

PASSWORD = "search-test-pass-2026"
H = Harness("search", PASSWORD, timeout=60)
check, run_cc, request = H.check, H.run_cc, H.request


# API parameter -> CLI option (the same query field of the engine).
CLI_OPTION = {"q": "--name", "region": "--region", "industry": "--industry", "chain": "--chain",
              "node": "--node", "cert": "--cert", "listed": "--listed", "scale": "--scale",
              "uscc": "--uscc", "sort": "--sort", "order": "--order", "year": "--year",
              "cursor": "--offset", "limit": "--limit"}


def cli_list(params):
    args = ["enterprise", "list", "--format", "json"]
    for k, v in params.items():
        args += [CLI_OPTION[k], str(v)]
    return json.loads(run_cc(*args).stdout)


try:
    run_cc("demo", "--enterprises", "1500", "--seed", "4", "--no-accounts")
    firms = cli_list({"limit": 1000000})
    check(len(firms) == 1500, "the CLI lists every firm of the demo", len(firms))
    run_cc("user", "add", "ana", "--role", "analyst", "--password", PASSWORD)
    mine = firms[700]["uscc"]
    run_cc("user", "add", "firm", "--role", "enterprise", "--uscc", mine, "--password", PASSWORD)
    H.serve()

    def login(user):
        return H.login(user)[0]

    ana = login("ana")

    def api_list(params, cookie=ana):
        st, _, body = request("GET", "/api/v1/enterprises?" + urllib.parse.urlencode(params),
                              cookie=cookie)
        return st, json.loads(body)

    # Filter values taken from the data, so most combinations match something.
    chains = [c["id"] for c in json.loads(run_cc("chain", "list", "--format", "json").stdout)]
    show = json.loads(run_cc("enterprise", "show", firms[3]["uscc"], "--format", "json").stdout)
    node = show["chains"][0]["chain"] + "." + show["chains"][0]["node"] if show["chains"] else None
    years = sorted({a["year"] for a in show["annual"]})
    year = years[-1]
    some = firms[123]
    cases = [
        {}, {"q": "汽车"}, {"q": "有限"}, {"q": some["name"][2:4]}, {"q": "电"},
        {"region": "500000"}, {"region": "510000"}, {"region": "510100"}, {"region": some["region"]},
        {"industry": "C36"}, {"industry": "c3"}, {"industry": some["industry"] or "C"},
        {"chain": chains[0]}, {"chain": chains[5]}, {"chain": chains[-1]},
        {"cert": "hightech"}, {"cert": "srdi"}, {"listed": "none"}, {"listed": "main"},
        {"scale": "small"}, {"scale": "large"}, {"uscc": some["uscc"]},
        {"region": "500000", "chain": chains[1]}, {"region": "510000", "scale": "medium"},
        {"q": "科技", "region": "500000"}, {"industry": "C", "cert": "tech_sme"},
        {"chain": chains[2], "listed": "none", "scale": "small"},
    ]
    if node:
        cases += [{"node": node}, {"node": node, "region": some["region"][:2] + "0000"}]
    sorts = [{"sort": "revenue"}, {"sort": "revenue", "order": "asc"}, {"sort": "name"},
             {"sort": "name", "order": "desc"}, {"sort": "uscc", "order": "desc"},
             {"sort": "employees", "year": years[0]}, {"sort": "rd_intensity"},
             {"sort": "revenue_yoy", "year": year}]
    for s in sorts:
        cases.append(dict(s))
        cases.append(dict(s, region="500000"))
        cases.append(dict(s, chain=chains[3], limit=7, cursor=5))
    for cursor in (0, 40, 80, 400):
        cases.append({"region": "500000", "sort": "revenue", "limit": 40, "cursor": cursor})
        cases.append({"q": "有限", "sort": "name", "limit": 40, "cursor": cursor})

    same = 0
    for params in cases:
        p = dict(params)
        p.setdefault("limit", 500)
        st, page = api_list(p)
        if st != 200:
            check(False, "API answers %r" % p, page)
            continue
        rows = cli_list(p)
        api_codes = [x["uscc"] for x in page["items"]]
        cli_codes = [x["uscc"] for x in rows]
        ok = api_codes == cli_codes
        # The CLI's count of every match is the API's total.
        every = {k: v for k, v in p.items() if k not in ("cursor", "limit", "sort", "order")}
        every["limit"] = 1000000
        ok = ok and len(cli_list(every)) == page["total"]
        # The revenue column is the year asked for (the API's year of the page).
        if "year" in p and ok:
            ok = all((c["revenue"] is None) == (a["revenue"] is None) and
                     (c["revenue"] is None or abs(c["revenue"] - a["revenue"]) < 0.006)
                     for c, a in zip(rows, page["items"]))
        same += ok
        if not ok:
            check(False, "same firms from the CLI and the API for %r" % p,
                  "api %d of %d %s / cli %d %s" % (len(api_codes), page["total"],
                                                   api_codes[:4], len(cli_codes), cli_codes[:4]))
    check(same == len(cases), "CLI and API agree on all %d filter combinations" % len(cases),
          "%d agree" % same)
    nonempty = sum(1 for params in cases if api_list(dict(params, limit=1))[1]["total"] > 0)
    check(nonempty > len(cases) * 2 // 3, "most combinations match something (%d of %d)"
          % (nonempty, len(cases)))

    # An enterprise account is confined to itself whatever it asks; the CLI's --uscc is the
    # same one row.
    firm = login("firm")
    st, page = api_list({"limit": 500}, cookie=firm)
    check(st == 200 and [x["uscc"] for x in page["items"]] == [mine] and page["total"] == 1,
          "an enterprise account lists itself only", page if st != 200 else page["total"])
    check([x["uscc"] for x in cli_list({"uscc": mine})] == [mine], "--uscc lists that firm")

    # More distinct metric sorts than the frame caches (48) all answer.
    metrics = [m["id"] for m in json.loads(run_cc("metrics", "--format", "json").stdout)]
    statuses = set()
    for m in metrics:
        for y in years[-3:]:
            for order in ("asc", "desc"):
                statuses.add(api_list({"sort": m, "year": y, "order": order, "limit": 3})[0])
    check(statuses == {200}, "%d distinct metric sorts all answer 200" % (len(metrics) * 6),
          statuses)

    p = run_cc("enterprise", "list", "--chain", "no_such_chain", ok=False)
    check(p.returncode == 1 and b"unknown chain" in p.stderr, "the CLI refuses an unknown chain",
          p.stderr)
    p = run_cc("enterprise", "list", "--sort", "nonsense", ok=False)
    check(p.returncode == 1, "the CLI refuses an unknown sort key", p.stderr)
finally:
    H.close()

sys.exit(H.summary())
