#!/usr/bin/python3
"""
Digital maturity routes (issue 16, item 4): the role matrix (an enterprise fills and reads only
its own assessments; a chief reads but does not fill; the summary is for admin and analyst), a
filled assessment's level and gaps worked by hand, refusals naming the field, the audit row,
and the summary's counts against the store.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
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
        db = H.connect()
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
                  ("GET", "/api/v1/digital/summary", {"admin", "analyst", "chief"})]
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
        by_region = dict(db.execute("SELECT e.region, count(*) FROM maturity_assessments a JOIN "
                                    "enterprises e ON e.id = a.enterprise_id WHERE a.year = ? "
                                    "GROUP BY e.region", (year,)).fetchall())
        check({x["region"]: x["assessed"] for x in summ["districts"]} == by_region
              and len(summ["districts"]) == len(by_region),
              "each district row is its region's assessments", summ["districts"][:3])
        st, cs = s["chief"].req("GET", "/api/v1/digital/summary")
        want_nev = db.execute("SELECT count(DISTINCT a.enterprise_id) FROM maturity_assessments a "
                              "JOIN chain_members m ON m.enterprise_id = a.enterprise_id WHERE "
                              "m.chain = 'nev' AND a.year = ?", (year,)).fetchone()[0]
        check(st == 200 and cs["totals"]["assessed"] == want_nev,
              "a chief's distribution counts its chain's members only", (cs["totals"], want_nev))
        big = db.execute("SELECT avg(m.level) FROM maturity_assessments m JOIN enterprises e ON "
                         "e.id = m.enterprise_id WHERE e.scale = 'large'").fetchone()[0]
        small = db.execute("SELECT avg(m.level) FROM maturity_assessments m JOIN enterprises e ON "
                           "e.id = m.enterprise_id WHERE e.scale IN ('small', 'micro')").fetchone()[0]
        check(big > small, "the demo's bigger firms stand higher (%.2f > %.2f)" % (big, small))
        # Retrofit projects: an enterprise registers and reads only its own; staff read all;
        # the summary is for admin and analyst; bad fields are named.
        proj = {"uscc": own, "title": "电机系统节能改造", "kind": "green", "investment": 350,
                "start_date": "2023-03-01", "end_date": "2024-06-30", "status": "completed",
                "provider": "某系统解决方案供应商", "expected_saved": 120, "measured_saved": 110}
        st, made = s["enterprise"].req("POST", "/api/v1/retrofits", proj)
        check(st == 201 and made["items"][0]["title"] == proj["title"]
              and made["items"][0]["before_after"]["years"][0] == 2022,
              "an enterprise registers its own project (201, before/after from 2022)", (st, made))
        pid = made["items"][0]["id"] if made else 0
        st, _ = s["enterprise"].req("POST", "/api/v1/retrofits", dict(proj, uscc=other))
        check(st == 403, "not another's", st)
        st, _ = s["chief"].req("POST", "/api/v1/retrofits", proj)
        check(st == 403, "a chief does not register projects", st)
        oid = db.execute("SELECT e.id FROM enterprises e WHERE e.uscc = ?", (other,)).fetchone()[0]
        st, made2 = s["analyst"].req("POST", "/api/v1/retrofits", dict(proj, uscc=other, kind="intelligent"))
        check(st == 201, "an analyst registers for any enterprise", st)
        pid2 = made2["items"][0]["id"] if made2 else 0
        st, mine = s["enterprise"].req("GET", "/api/v1/retrofits")
        check(st == 200 and mine["items"] and all(x["uscc"] == own for x in mine["items"]),
              "an enterprise lists only its own projects", mine and mine["total"])
        st, _ = s["enterprise"].req("GET", "/api/v1/retrofits/%d" % pid2)
        check(st == 403, "an enterprise may not open another's project", st)
        in_nev = db.execute("SELECT count(*) FROM chain_members WHERE chain = 'nev' AND "
                            "enterprise_id = ?", (oid,)).fetchone()[0] > 0
        st, _ = s["chief"].req("GET", "/api/v1/retrofits/%d" % pid2)
        check(st == 200, "a chief opens any one project (as any enterprise's profile)", (st, in_nev))
        st, cl = s["chief"].req("GET", "/api/v1/retrofits")
        nev_ids = {r[0] for r in db.execute("SELECT DISTINCT e.uscc FROM chain_members m JOIN "
                                            "enterprises e ON e.id = m.enterprise_id WHERE m.chain = 'nev'")}
        check(st == 200 and all(x["uscc"] in nev_ids for x in cl["items"]),
              "a chief lists its chain's members' projects only", st)
        st, _ = s["analyst"].req("GET", "/api/v1/retrofits/999999")
        check(st == 404, "an unknown project is 404", st)
        for bad, field in [(dict(proj, kind="blue"), "kind"), (dict(proj, title=""), "title"),
                           (dict(proj, end_date="2022-01-01"), "end_date"),
                           (dict(proj, cnc_after=1.5), "cnc_after"), (dict(proj, color=1), "color")]:
            st, e = s["analyst"].req("POST", "/api/v1/retrofits", bad)
            check(st == 400 and e["error"]["field"] == field, "a project refused naming " + field, e)
        for role, want in [("admin", 200), ("analyst", 200), ("chief", 200), ("enterprise", 403),
                           ("anonymous", 401)]:
            st, summ = s[role].req("GET", "/api/v1/retrofits/summary")
            check(st == want, "retrofit summary as %s -> %d" % (role, want), st)
        st, summ = s["admin"].req("GET", "/api/v1/retrofits/summary")
        n = db.execute("SELECT count(*) FROM retrofit_projects WHERE status <> 'cancelled'").fetchone()[0]
        check(summ["totals"]["projects"] == n
              and sum(k["projects"] for k in summ["kinds"]) == n
              and sum(d["projects"] for d in summ["districts"]) == n,
              "the summary counts every live project once by kind and district", (summ["totals"], n))
        n = db.execute("SELECT count(*) FROM audit WHERE action = 'retrofit.create'").fetchone()[0]
        check(n >= 2, "projects are audited", n)
        st, doc = s["analyst"].req("GET", "/api/v1/openapi.json")
        check("/api/v1/enterprises/{uscc}/digital/{year}" in doc["paths"], "the routes are in OpenAPI")
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
