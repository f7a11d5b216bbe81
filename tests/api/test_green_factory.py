#!/usr/bin/python3
"""
Green-factory self-assessment routes (GB/T 36132-2018, issue 16 item 3): the role matrix (an
enterprise fills and reads only its own assessments; a chief reads any one enterprise's as a
profile but fills none; the roll-up is staff's, a chief's confined to its chains), an
assessment scored by hand (a basic requirement failed: not eligible whatever the score),
refusals naming the field, the audit row, and the roll-up's counts against the store.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import sys

from harness import Harness

PASSWORD = "gfactory-test-pass-2026"
H = Harness("green_factory", PASSWORD)
check, run_cc, request = H.check, H.run_cc, H.request


class Session:
    def __init__(self, user):
        if user:
            self.cookie, self.csrf = H.login(user)
        else:
            self.cookie, self.csrf = None, None

    def req(self, method, path, body=None):
        st, _, raw = request(method, path, body, cookie=self.cookie, csrf=self.csrf)
        return st, (json.loads(raw) if raw[:1] in (b"{", b"[") else None)


def main():
    try:
        run_cc("demo", "--enterprises", "600", "--seed", "17", "--no-accounts")
        db = H.connect()
        own, other = [r[0] for r in db.execute("SELECT uscc FROM enterprises ORDER BY uscc LIMIT 2")]
        for user, role in [("admin7", "admin"), ("ana7", "analyst"), ("chief7", "chief")]:
            extra = ["--chains", "nev"] if role == "chief" else []
            run_cc("user", "add", user, "--role", role, "--password", PASSWORD, *extra)
        run_cc("user", "add", "ent7", "--role", "enterprise", "--password", PASSWORD, "--uscc", own)
        H.serve()
        s = {"admin": Session("admin7"), "analyst": Session("ana7"), "chief": Session("chief7"),
             "enterprise": Session("ent7"), "anonymous": Session(None)}
        st, model = s["enterprise"].req("GET", "/api/v1/green/factory/model")
        check(st == 200 and [i["id"] for i in model["indicators"]] ==
              ["infrastructure", "management", "inputs", "products", "emissions", "performance"]
              and [i["weight"] for i in model["indicators"]] == [0.2, 0.15, 0.15, 0.1, 0.1, 0.3]
              and model["verification"]["unverified"],
              "the model: six weighted indicators, what is unverified said", st)
        reqs = model["requirements"]
        # Every requirement met but one basic requirement partly: score 100, not eligible.
        answers = {r["id"]: 1 for r in reqs}
        answers["b_planning"] = 0.5
        body = {"answers": answers}
        matrix = [("GET", "/api/v1/green/factory/model", {"admin", "analyst", "chief", "enterprise"}),
                  ("GET", "/api/v1/enterprises/%s/green-factory" % own, {"admin", "analyst", "chief", "enterprise"}),
                  ("GET", "/api/v1/enterprises/%s/green-factory" % other, {"admin", "analyst", "chief"}),
                  ("PUT", "/api/v1/enterprises/%s/green-factory/2024" % own, {"admin", "analyst", "enterprise"}),
                  ("PUT", "/api/v1/enterprises/%s/green-factory/2024" % other, {"admin", "analyst"}),
                  ("GET", "/api/v1/green/factory/summary", {"admin", "analyst", "chief"})]
        for method, path, allowed in matrix:
            for role, sess in s.items():
                st, _ = sess.req(method, path, body if method == "PUT" else None)
                want = 200 if role in allowed else 401 if role == "anonymous" else 403
                check(st == want, "%s %s as %s -> %d" % (method, path, role, want), st)
        st, d = s["enterprise"].req("PUT", "/api/v1/enterprises/%s/green-factory/2024" % own, body)
        y = [a for a in d["assessments"] if a["year"] == 2024][0]
        check(st == 200 and abs(y["score"] - 100) < 1e-9 and not y["eligible"]
              and not y["basic_met"] and y["mandatory_met"]
              and [g["id"] for g in y["gaps"]] == ["b_planning"] and y["updated_by"] == "ent7",
              "a basic requirement partly met: score 100 and not eligible", y)
        # Basic and mandatory met, the optional ones not: eligible at 42.857 (hand-worked:
        # 0.2 x 5/7 + 0.15 x 3/5 + 0.15 x 3/5 + 0.1 x 2/5 + 0.1 x 3/5 + 0.3 x 0).
        answers = {r["id"]: (1 if r["kind"] != "optional" else 0) for r in reqs}
        st, d = s["enterprise"].req("PUT", "/api/v1/enterprises/%s/green-factory/2025" % own,
                                    {"answers": answers})
        y = [a for a in d["assessments"] if a["year"] == 2025][0]
        want = 100 * (0.2 * 5 / 7 + 0.15 * 0.6 + 0.15 * 0.6 + 0.1 * 0.4 + 0.1 * 0.6)
        check(st == 200 and y["eligible"] and abs(y["score"] - want) < 1e-9
              and all(g["kind"] == "optional" for g in y["gaps"]),
              "mandatory met, optional not: eligible at %.3f" % want, y)
        row = db.execute("SELECT score, eligible, basic_met FROM green_factory_assessments a JOIN "
                         "enterprises e ON e.id = a.enterprise_id WHERE e.uscc = ? AND year = 2025",
                         (own,)).fetchone()
        check(row and abs(row[0] - want) < 1e-9 and row[1] == 1 and row[2] == 1,
              "stored as scored", row)
        n = db.execute("SELECT count(*) FROM audit WHERE action = 'green.factory_assess' AND "
                       "actor = 'ent7'").fetchone()[0]
        check(n >= 2, "the assessments are audited", n)
        for bad, field in [({"answers": {"b_planning": 0.8}}, "answers.b_planning"),
                           ({"answers": {"x": 1}}, "answers.x"), ({"score": 100}, "score")]:
            st, e = s["analyst"].req("PUT", "/api/v1/enterprises/%s/green-factory/2024" % own, bad)
            check(st == 400 and e["error"]["field"] == field, "refused, naming %s" % field, e)
        st, e = s["analyst"].req("PUT", "/api/v1/enterprises/%s/green-factory/1800" % own, body)
        check(st == 400 and e["error"]["field"] == "year", "a year out of range is refused", st)
        # The roll-up against the store: the year's assessments, eligible ones, districts
        # adding up; a chief's confined to its chain's members.
        st, summ = s["analyst"].req("GET", "/api/v1/green/factory/summary?year=2024")
        n, el = db.execute("SELECT count(*), sum(eligible) FROM green_factory_assessments "
                           "WHERE year = 2024").fetchone()
        check(st == 200 and summ["totals"]["assessed"] == n and summ["totals"]["eligible"] == (el or 0)
              and sum(x["assessed"] for x in summ["districts"]) == n,
              "the roll-up counts the store's assessments, the districts add up", summ["totals"])
        st, cs = s["chief"].req("GET", "/api/v1/green/factory/summary?year=2024")
        want_nev = db.execute("SELECT count(DISTINCT a.enterprise_id) FROM green_factory_assessments a "
                              "JOIN chain_members m ON m.enterprise_id = a.enterprise_id WHERE "
                              "m.chain = 'nev' AND a.year = 2024").fetchone()[0]
        check(st == 200 and cs["totals"]["assessed"] == want_nev
              and all(c["chain"] == "nev" or c["assessed"] <= cs["totals"]["assessed"] for c in cs["chains"]),
              "a chief's roll-up counts its chain's members only", (cs["totals"], want_nev))
        st, _ = s["analyst"].req("GET", "/api/v1/green/factory/summary?region=abc")
        check(st == 400, "a bad region is refused", st)
        st, doc = s["analyst"].req("GET", "/api/v1/openapi.json")
        check("/api/v1/enterprises/{uscc}/green-factory/{year}" in doc["paths"], "the routes are in OpenAPI")
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
