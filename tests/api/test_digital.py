#!/usr/bin/python3
"""
Digital maturity routes (issue 16, item 4): the role matrix (an enterprise fills and reads only
its own assessments; a chief reads but does not fill; the summary is for admin and analyst), a
filled assessment's level and gaps worked by hand, refusals naming the field, the audit row,
and the summary's counts against the store.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import sqlite3
import sys

from harness import Harness

PASSWORD = "digital-test-pass-2026"
H = Harness("digital", PASSWORD)
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
        run_cc("demo", "--enterprises", "1200", "--seed", "13", "--no-accounts")
        db = sqlite3.connect(H.db)
        own, other = [r[0] for r in db.execute("SELECT uscc FROM enterprises ORDER BY uscc LIMIT 2")]
        for user, role in [("admin7", "admin"), ("ana7", "analyst"), ("chief7", "chief")]:
            extra = ["--chains", "nev"] if role == "chief" else []
            run_cc("user", "add", user, "--role", role, "--password", PASSWORD, *extra)
        run_cc("user", "add", "ent7", "--role", "enterprise", "--password", PASSWORD, "--uscc", own)
        H.serve()
        s = {"admin": Session("admin7"), "analyst": Session("ana7"), "chief": Session("chief7"),
             "enterprise": Session("ent7"), "anonymous": Session(None)}
        body = {"answers": {"l1_plan": 1, "l1_process": 1, "l1_infra": 0.8,
                            "l2_equipment": 1, "l2_systems": 0.8, "l2_data": 0.5},
                "cnc_rate": 0.55, "factory_5g": False}
        matrix = [("GET", "/api/v1/digital/model", {"admin", "analyst", "chief", "enterprise"}),
                  ("GET", "/api/v1/enterprises/%s/digital" % own, {"admin", "analyst", "chief", "enterprise"}),
                  ("GET", "/api/v1/enterprises/%s/digital" % other, {"admin", "analyst", "chief"}),
                  ("PUT", "/api/v1/enterprises/%s/digital/2024" % own, {"admin", "analyst", "enterprise"}),
                  ("PUT", "/api/v1/enterprises/%s/digital/2024" % other, {"admin", "analyst"}),
                  ("GET", "/api/v1/digital/summary", {"admin", "analyst"})]
        for method, path, allowed in matrix:
            for role, sess in s.items():
                st, _ = sess.req(method, path, body if method == "PUT" else None)
                want = 200 if role in allowed else 401 if role == "anonymous" else 403
                check(st == want, "%s %s as %s -> %d" % (method, path, role, want), st)
        # The enterprise's own assessment, worked by hand: level 1 = (1 + 1 + 0.8) / 3 = 0.933,
        # level 2 = (1 + 0.8 + 0.5) / 3 = 0.767 < 0.8: level 1, score 1.767, gaps: level 2's
        # questions answered below 1 (systems 0.8, data 0.5).
        st, d = s["enterprise"].req("PUT", "/api/v1/enterprises/%s/digital/2024" % own, body)
        y = [a for a in d["assessments"] if a["year"] == 2024][0]
        check(st == 200 and y["level"] == 1 and y["level_zh"] == "规划级"
              and abs(y["score"] - (1 + 2.3 / 3)) < 1e-9
              and [g["id"] for g in y["gaps"]] == ["l2_systems", "l2_data"]
              and y["next_level_zh"] == "规范级" and y["updated_by"] == "ent7"
              and y["cnc_rate"] == 0.55 and y["target_cnc_rate"] == 0.68,
              "the enterprise's own assessment: level 1, score 1.767, two gaps", y)
        n = db.execute("SELECT count(*) FROM audit WHERE action = 'digital.assess' AND actor = "
                       "'ent7'").fetchone()[0]
        check(n >= 1, "the assessment is audited", n)
        for bad, field in [({"answers": {"l1_plan": 0.7}}, "answers.l1_plan"),
                           ({"answers": {"x": 1}}, "answers.x"), ({"cnc_rate": 2}, "cnc_rate"),
                           ({"level": 5}, "level")]:
            st, e = s["analyst"].req("PUT", "/api/v1/enterprises/%s/digital/2024" % own, bad)
            check(st == 400 and e["error"]["field"] == field, "refused, naming %s" % field, e)
        st, e = s["analyst"].req("PUT", "/api/v1/enterprises/%s/digital/1800" % own, body)
        check(st == 400 and e["error"]["field"] == "year", "a year out of range is refused", st)
        st, summ = s["analyst"].req("GET", "/api/v1/digital/summary")
        year = summ["year"]
        want = dict(db.execute("SELECT level, count(*) FROM maturity_assessments WHERE year = ? "
                               "GROUP BY level", (year,)).fetchall())
        check(st == 200 and summ["totals"]["levels"] == [want.get(l, 0) for l in range(6)]
              and sum(x["assessed"] for x in summ["districts"]) == summ["totals"]["assessed"],
              "the summary's levels are the store's, and the districts add up", summ["totals"])
        big = db.execute("SELECT avg(m.level) FROM maturity_assessments m JOIN enterprises e ON "
                         "e.id = m.enterprise_id WHERE e.scale = 'large'").fetchone()[0]
        small = db.execute("SELECT avg(m.level) FROM maturity_assessments m JOIN enterprises e ON "
                           "e.id = m.enterprise_id WHERE e.scale IN ('small', 'micro')").fetchone()[0]
        check(big > small, "the demo's bigger firms stand higher (%.2f > %.2f)" % (big, small))
        st, doc = s["analyst"].req("GET", "/api/v1/openapi.json")
        check("/api/v1/enterprises/{uscc}/digital/{year}" in doc["paths"], "the routes are in OpenAPI")
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
