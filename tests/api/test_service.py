#!/usr/bin/python3
"""
Solution-provider matching routes (issue 16, item 6): the role matrix of a project's need and
providers (an enterprise sees matches for its own needs only; an investor none), a planned
project's need posted when it is registered and once only, refusals (a project that is not
planned, a project with no need, bad service fields), the ranked providers' explanation
(capability, industry served, region, track record; contributions adding up to the score),
services kept out of product matches, and OpenAPI.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import sys

from harness import Harness

PASSWORD = "service-test-pass-2026"
H = Harness("service", PASSWORD)
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
        run_cc("demo", "--enterprises", "1500", "--seed", "13", "--no-accounts")
        db = H.connect()
        rows = db.execute("SELECT r.id, e.uscc FROM retrofit_projects r JOIN enterprises e ON "
                          "e.id = r.enterprise_id WHERE r.status = 'planned' AND "
                          "r.need_posting IS NOT NULL ORDER BY r.id").fetchall()
        check(len(rows) >= 2, "the demo posts the planned projects' needs", len(rows))
        (pid, own), (pid2, other) = rows[0], [r for r in rows if r[1] != rows[0][1]][0]
        nprov = db.execute("SELECT count(*) FROM service_postings s JOIN postings p ON "
                           "p.id = s.posting_id WHERE p.kind = 'supply' AND p.title LIKE "
                           "'%（演示）'").fetchone()[0]
        check(nprov >= 6, "the demo registers providers' service supplies（演示）", nprov)
        for user, role in [("admin7", "admin"), ("ana7", "analyst"), ("chief7", "chief")]:
            extra = ["--chains", "nev"] if role == "chief" else []
            run_cc("user", "add", user, "--role", role, "--password", PASSWORD, *extra)
        run_cc("user", "add", "ent7", "--role", "enterprise", "--password", PASSWORD, "--uscc", own)
        run_cc("listing", "institution", "某证券（测试）", "--kind", "securities")
        inst = db.execute("SELECT id FROM institutions ORDER BY id DESC LIMIT 1").fetchone()[0]
        run_cc("user", "add", "inv7", "--role", "investor", "--password", PASSWORD,
               "--institution", str(inst))
        H.serve()
        s = {"admin": Session("admin7"), "analyst": Session("ana7"), "chief": Session("chief7"),
             "enterprise": Session("ent7"), "investor": Session("inv7"),
             "anonymous": Session(None)}
        matrix = [("GET", "/api/v1/retrofits/%d/providers" % pid,
                   {"admin", "analyst", "chief", "enterprise"}),
                  ("GET", "/api/v1/retrofits/%d/providers" % pid2, {"admin", "analyst", "chief"}),
                  ("POST", "/api/v1/retrofits/%d/need" % pid, {"admin", "analyst", "enterprise"}),
                  ("POST", "/api/v1/retrofits/%d/need" % pid2, {"admin", "analyst"})]
        for method, path, allowed in matrix:
            for role, sess in s.items():
                st, _ = sess.req(method, path, {} if method == "POST" else None)
                want = 200 if role in allowed else 401 if role == "anonymous" else 403
                check(st == want, "%s %s as %s -> %d" % (method, path, role, want), st)

        # The providers of the enterprise's own need, best first, each explained.
        st, m = s["enterprise"].req("GET", "/api/v1/retrofits/%d/providers?limit=50" % pid)
        items = m["items"] if m else []
        check(st == 200 and m["total"] > 0 and items and m["posting"]["category"] == "service",
              "its need's providers are ranked", (st, m and m["total"]))
        check(all(a["score"] >= b["score"] for a, b in zip(items, items[1:])),
              "best first", [i["score"] for i in items])
        svc = {r[0] for r in db.execute("SELECT posting_id FROM service_postings")}
        check(all(i["type"] == "posting" and i["id"] in svc for i in items),
              "every provider is a service posting", [i["id"] for i in items][:5])
        comps = [[e["component"] for e in i["explanation"]] for i in items]
        check(all({"capability", "industry", "region_pref", "track_record", "credibility"}
                  <= set(c) and "quantity" not in c and "node" not in c for c in comps),
              "the explanation names capability, industry, region, track record", comps[:1])
        check(all(abs(sum(e["contribution"] for e in i["explanation"]) - i["score"]) < 1e-6
                  for i in items), "the contributions add up to each score")
        check(all(e["value"] > 0 for i in items for e in i["explanation"]
                  if e["component"] == "capability"),
              "every provider offers some capability needed")
        top = items[0]["explanation"] if items else []
        check(any(e["component"] == "capability" and e["reason_zh"].startswith("能力覆盖")
                  and e["reason_en"] for e in top), "the capability reason in both languages", top)

        # Registering a planned project posts its need once; a completed one has none.
        proj = {"uscc": own, "title": "关键工序数控化改造（测试）", "kind": "intelligent",
                "status": "planned", "capabilities": ["cnc", "工业互联网"]}
        st, made = s["enterprise"].req("POST", "/api/v1/retrofits", proj)
        newp = made["items"][0] if st == 201 else {}
        check(st == 201 and newp.get("need_posting") and newp["capabilities"] == ["cnc", "iiot"],
              "a planned project posts its need at once (capabilities by id or name)", made)
        st, again = s["enterprise"].req("POST", "/api/v1/retrofits/%d/need" % newp.get("id", 0), {})
        check(st == 200 and again["created"] is False
              and again["need_posting"] == newp.get("need_posting"), "posted once", again)
        st, e = s["enterprise"].req("POST", "/api/v1/retrofits", dict(proj, capabilities=["x"]))
        check(st == 400 and e["error"]["field"] == "capabilities", "an unknown capability is refused", e)
        st, done = s["enterprise"].req("POST", "/api/v1/retrofits",
                                       dict(proj, title="已完成（测试）", status="completed"))
        did = done["items"][0]["id"] if st == 201 else 0
        check(st == 201 and done["items"][0]["need_posting"] is None, "a completed project posts none")
        st, e = s["enterprise"].req("GET", "/api/v1/retrofits/%d/providers" % did)
        check(st == 409 and e["error"]["code"] == "conflict", "no need: 409", (st, e))
        st, e = s["enterprise"].req("POST", "/api/v1/retrofits/%d/need" % did, {})
        check(st == 409, "a completed project's need is not posted", (st, e))
        st, _ = s["analyst"].req("GET", "/api/v1/retrofits/999999/providers")
        check(st == 404, "an unknown project is 404", st)

        # Service postings through /postings: fields named when refused; services stay out of
        # product matches.
        body = {"kind": "supply", "title": "数控化改造与工业互联网服务（测试）",
                "category": "service", "capabilities": ["cnc", "iiot"], "industries": "C36;C38"}
        st, p = s["enterprise"].req("POST", "/api/v1/postings", body)
        check(st == 201 and p["category"] == "service"
              and [c["id"] for c in p["capabilities"]] == ["cnc", "iiot"]
              and p["industries"] == ["C36", "C38"], "a service supply is posted", (st, p))
        for bad, field in [(dict(body, capabilities="teleport"), "capabilities"),
                           (dict(body, category="goods"), "category"),
                           (dict(body, industries="Z99"), "industries"),
                           ({"kind": "supply", "title": "x", "capabilities": "cnc"}, "capabilities")]:
            st, e = s["enterprise"].req("POST", "/api/v1/postings", dict(bad, title=bad["title"] + "2"))
            check(st == 400 and e["error"]["field"] == field, "refused naming " + field, e)
        prod = {"kind": "demand", "title": "采购数控化改造与工业互联网服务"}
        st, d = s["analyst"].req("POST", "/api/v1/postings", dict(prod, uscc=other))
        st, pm = s["analyst"].req("GET", "/api/v1/postings/%d/matches?limit=200" % d["id"])
        check(st == 200 and not any(i["type"] == "posting" and i["id"] in svc | {p["id"]}
                                    for i in pm["items"]), "a product demand never meets services")
        # A maturity gap posted as a need: the enterprise's own (assessed: its projects come
        # from the demo's assessments), once; not another's; its providers via /matches.
        for role, want in [("chief", 403), ("investor", 403), ("anonymous", 401)]:
            st, _ = s[role].req("POST", "/api/v1/enterprises/%s/digital/need" % own, {})
            check(st == want, "POST …/digital/need as %s -> %d" % (role, want), st)
        st, _ = s["enterprise"].req("POST", "/api/v1/enterprises/%s/digital/need" % other, {})
        check(st == 403, "an enterprise posts only its own gaps", st)
        st, g = s["enterprise"].req("POST", "/api/v1/enterprises/%s/digital/need" % own, {})
        check(st == 201 and g["created"] and g["posting"]["category"] == "service"
              and g["posting"]["capabilities"], "its maturity gaps posted as a service need", (st, g))
        st, g2 = s["analyst"].req("POST", "/api/v1/enterprises/%s/digital/need" % own, {})
        check(st == 200 and g2["need_posting"] == (g or {}).get("need_posting"), "once", (st, g2))
        st, gm = s["enterprise"].req("GET", "/api/v1/postings/%d/matches" % (g or {}).get("need_posting", 0))
        check(st == 200 and all(i["id"] in svc for i in gm["items"])
              and all(any(e["component"] == "capability" and e["value"] > 0 for e in i["explanation"])
                      for i in gm["items"]), "its providers offer a capability the gaps ask", st)
        st, doc = s["analyst"].req("GET", "/api/v1/openapi.json")
        check("/api/v1/retrofits/{project}/providers" in doc["paths"]
              and "/api/v1/retrofits/{project}/need" in doc["paths"]
              and "/api/v1/enterprises/{uscc}/digital/need" in doc["paths"], "the routes are in OpenAPI")
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
