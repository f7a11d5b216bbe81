#!/usr/bin/python3
"""
Green routes (issue 16): the role matrix of every /api/v1/green route and of an enterprise's
account (an enterprise user reads only its own), the summary's totals against its districts,
the benchmarks' percentiles against SQLite's PERCENT_RANK, the laggards' reasons, bad
parameters as 400s.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import sys

from harness import Harness

PASSWORD = "green-test-pass-2026"
H = Harness("green", PASSWORD)
check, run_cc, request = H.check, H.run_cc, H.request


class Session:
    def __init__(self, user):
        self.cookie = H.login(user)[0] if user else None

    def json(self, path):
        st, _, body = request("GET", path, cookie=self.cookie)
        return st, (json.loads(body) if body[:1] in (b"{", b"[") else None)


def main():
    try:
        run_cc("demo", "--enterprises", "1500", "--seed", "11", "--no-accounts")
        for user, role in [("admin9", "admin"), ("ana9", "analyst"), ("chief9", "chief")]:
            extra = ["--chains", "nev"] if role == "chief" else []
            run_cc("user", "add", user, "--role", role, "--password", PASSWORD, *extra)
        db = H.connect()
        own, other = [r[0] for r in db.execute(
            "SELECT DISTINCT e.uscc FROM energy_accounts a JOIN enterprises e ON "
            "e.id = a.enterprise_id ORDER BY e.uscc LIMIT 2")]
        run_cc("user", "add", "ent9", "--role", "enterprise", "--password", PASSWORD,
               "--uscc", own)
        H.serve()
        s = {"admin": Session("admin9"), "analyst": Session("ana9"), "chief": Session("chief9"),
             "enterprise": Session("ent9"), "anonymous": Session(None)}
        # The role matrix: factors for everyone logged in; the account for staff and the
        # enterprise itself; the district lists for admin and analyst.
        routes = [("/api/v1/green/factors", {"admin", "analyst", "chief", "enterprise"}),
                  ("/api/v1/enterprises/%s/green" % own, {"admin", "analyst", "chief", "enterprise"}),
                  ("/api/v1/enterprises/%s/green" % other, {"admin", "analyst", "chief"}),
                  ("/api/v1/green/benchmarks", {"admin", "analyst"}),
                  ("/api/v1/green/laggards", {"admin", "analyst", "chief"}),
                  ("/api/v1/green/summary", {"admin", "analyst", "chief"})]
        for path, allowed in routes:
            for role, sess in s.items():
                st, _ = sess.json(path)
                want = 200 if role in allowed else 401 if role == "anonymous" else 403
                check(st == want, "%s as %s -> %d" % (path, role, want), st)
        ana = s["analyst"]
        st, acc = ana.json("/api/v1/enterprises/%s/green" % own)
        ys = [y for y in acc["years"] if y["from_carriers"]]
        check(ys and all(abs(sum(c["tce"] for c in y["carriers"] if c["tce"] is not None)
                             - y["tce"]) < 1e-6 for y in ys),
              "an account's carriers add up to its tce")
        check(all(y.get("benchmark", {}).get("n", 0) >= 1 for y in ys if y["energy_per_output"]),
              "each year with an intensity has its industry benchmark")
        st, summ = ana.json("/api/v1/green/summary")
        d = summ["districts"]
        check(st == 200 and sum(x["firms"] for x in d) == summ["totals"]["firms"]
              and abs(sum(x["tce"] for x in d) - summ["totals"]["tce"]) < 1e-6 * summ["totals"]["tce"],
              "the districts add up to the totals")
        check(len(summ["chains"]) > 10 and len(summ["divisions"]) > 3 and len(summ["trend"]) >= 3,
              "summary has chains, divisions and a trend")
        want_rec = dict(((k, l), n) for k, l, n in db.execute(
            "SELECT kind, level, count(DISTINCT enterprise_id) FROM green_recognitions GROUP BY 1, 2"))
        got_rec = {(x["kind"], x["level"]): x["enterprises"] for x in summ["recognitions"]}
        check(sum(want_rec.values()) > 0 and all(got_rec.get(k, 0) == n for k, n in want_rec.items()),
              "the summary's recognitions are the store's", (got_rec, want_rec))
        st, sc = ana.json("/api/v1/green/summary?region=50")
        check(st == 200 and all(x["region"] // 10000 == 50 for x in sc["districts"]),
              "summary of Chongqing holds Chongqing's districts only")
        ind = db.execute("SELECT industry FROM enterprises WHERE industry IS NOT NULL GROUP BY 1 "
                         "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        year = summ["year"]
        st, b = ana.json("/api/v1/green/benchmarks?industry=%s&limit=100000&year=%d" % (ind, year))
        want = dict(db.execute(
            "SELECT e.uscc, PERCENT_RANK() OVER (ORDER BY i.energy_tce / i.output_value) FROM "
            "indicators i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.industry = ? AND "
            "i.period = ? AND i.output_value > 0 AND i.energy_tce IS NOT NULL",
            (ind, year * 100)).fetchall())
        got = {x["uscc"]: x["percentile"] for x in b["enterprises"] if x["group"] == ind}
        check(st == 200 and len(got) > 5 and set(got) == set(want)
              and all(abs(got[k] - want[k]) < 1e-12 for k in got),
              "benchmark percentiles equal SQLite's PERCENT_RANK in %s" % ind, (len(got), len(want)))
        st, cb = ana.json("/api/v1/green/benchmarks?metric=carbon")
        check(st == 200 and cb["ranked"] > 100 and cb["groups"][0]["q1"] <= cb["groups"][0]["q3"],
              "carbon benchmarks", cb and cb.get("ranked"))
        st, lag = ana.json("/api/v1/green/laggards?limit=100000")
        check(st == 200 and lag["flagged"] > 0 and all(
            x["reasons"] and all(r["reason_zh"] and r["reason_en"] for r in x["reasons"])
            for x in lag["items"]), "every laggard has reasons in both languages")
        check(sum(1 for x in lag["items"] if x["status"] == "flagged") == lag["flagged"],
              "the flagged count is the flagged items")
        # A chief reads the members of their chains only (chief9: nev).
        nev = {r[0] for r in db.execute("SELECT DISTINCT e.uscc FROM chain_members m JOIN "
                                        "enterprises e ON e.id = m.enterprise_id WHERE m.chain = 'nev'")}
        st, cl = s["chief"].json("/api/v1/green/laggards?limit=100000")
        check(st == 200 and cl["items"] and all(x["uscc"] in nev for x in cl["items"])
              and cl["flagged"] <= lag["flagged"], "a chief's laggards are members of its chain",
              cl and cl["flagged"])
        st, cs = s["chief"].json("/api/v1/green/summary")
        check(st == 200 and 0 < cs["totals"]["firms"] < summ["totals"]["firms"]
              and [c["chain"] for c in cs["chains"] if c["chain"] == "nev"] == ["nev"],
              "a chief's summary covers its chain's members", cs and cs["totals"])
        for path in ["/api/v1/green/benchmarks?metric=water", "/api/v1/green/laggards?margin=-1",
                     "/api/v1/green/summary?year=1901", "/api/v1/green/laggards?limit=0"]:
            st, e = ana.json(path)
            check(st == 400 and e["error"]["code"] == "invalid", path + " -> 400", st)
        st, _ = ana.json("/api/v1/enterprises/91500000000000000X/green")
        check(st in (400, 404), "an unknown code -> 400/404", st)
        # The energy file through the data routes: its import template and its export.
        st, _, body = request("GET", "/api/v1/imports/templates/energy", cookie=ana.cookie)
        check(st == 200 and body[:2] == b"PK", "the energy import template (XLSX)", st)
        st, _, body = request("GET", "/api/v1/exports/energy?format=csv", cookie=ana.cookie)
        check(st == 200 and b"carrier" in body.split(b"\n")[0], "the energy export (CSV)", st)
        st, doc = ana.json("/api/v1/openapi.json")
        check(all(p in doc["paths"] for p in ["/api/v1/green/factors", "/api/v1/green/summary",
                                              "/api/v1/green/laggards", "/api/v1/green/benchmarks",
                                              "/api/v1/enterprises/{uscc}/green"]),
              "the green routes are in the OpenAPI document")
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
