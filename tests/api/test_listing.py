#!/usr/bin/python3
"""
Listing coordination (issue 17 item 5): consent enforced on every investor route (the
reserve list, one firm, an engagement: a firm that has not consented, or withdrew, is neither
listed nor found, and takes no engagement), the enterprise grants and withdraws its own
consent only (audited), stage changes by staff (audited, with their history), investors' own
engagements only, the funnel's totals against SQL over the reserve, and the stalled cases
opened once per enterprise.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import json
import sys
from urllib.parse import quote

from harness import Harness

PASSWORD = "listing-test-pass-2026"
H = Harness("listing", PASSWORD)
check, run_cc, request = H.check, H.run_cc, H.request


class Session:
    def __init__(self, user):
        self.cookie, self.csrf = H.login(user) if user else (None, None)

    def call(self, method, path, body=None):
        st, _, raw = request(method, path, body, cookie=self.cookie, csrf=self.csrf)
        return st, (json.loads(raw) if raw[:1] in (b"{", b"[") else None)


RESERVE_SQL = ("SELECT le.enterprise_id FROM lists l JOIN list_versions v ON v.list_id = l.id "
               "AND v.version = (SELECT max(version) FROM list_versions WHERE list_id = l.id) "
               "JOIN list_entries le ON le.version_id = v.id WHERE l.model = 'listing_reserve'")


def main():
    try:
        run_cc("demo", "--enterprises", "1500", "--seed", "17", "--no-accounts")
        db = H.connect()
        insts = json.loads(run_cc("listing", "institutions", "--format", "json").stdout)["items"]
        check(len(insts) == 2 and {i["kind"] for i in insts} == {"securities", "fund"},
              "demo: two institutions, a securities firm and a fund", insts)
        sec = [i["id"] for i in insts if i["kind"] == "securities"][0]
        fund = [i["id"] for i in insts if i["kind"] == "fund"][0]
        for user, role in [("admin7", "admin"), ("ana7", "analyst"), ("chief7", "chief")]:
            extra = ["--chains", "nev"] if role == "chief" else []
            run_cc("user", "add", user, "--role", role, "--password", PASSWORD, *extra)
        run_cc("user", "add", "inv7", "--role", "investor", "--password", PASSWORD,
               "--institution", str(sec))
        run_cc("user", "add", "fund7", "--role", "investor", "--password", PASSWORD,
               "--institution", str(fund))
        p = run_cc("user", "add", "inv8", "--role", "investor", "--password", PASSWORD, ok=False)
        check(p.returncode != 0 and b"institution" in p.stderr,
              "an investor account without --institution is refused", p.stderr)
        reserve = db.execute("SELECT e.uscc, coalesce(c.granted, 0) FROM (" + RESERVE_SQL +
                             ") r JOIN enterprises e ON e.id = r.enterprise_id LEFT JOIN "
                             "listing_consents c ON c.enterprise_id = e.id ORDER BY e.uscc").fetchall()
        consenting = [u for u, g in reserve if g == 1]
        refusing = [u for u, g in reserve if g == 0]
        check(len(consenting) >= 3 and len(refusing) >= 3,
              "demo: the reserve holds consenting and non-consenting firms",
              (len(consenting), len(refusing)))
        off_list = db.execute("SELECT uscc FROM enterprises WHERE id NOT IN (" + RESERVE_SQL +
                              ") ORDER BY uscc LIMIT 1").fetchone()[0]
        ent_uscc = refusing[0]
        run_cc("user", "add", "ent7", "--role", "enterprise", "--password", PASSWORD,
               "--uscc", ent_uscc)
        H.serve()
        s = {"admin": Session("admin7"), "analyst": Session("ana7"), "chief": Session("chief7"),
             "investor": Session("inv7"), "fund": Session("fund7"),
             "enterprise": Session("ent7"), "anonymous": Session(None)}
        inv = s["investor"]

        # The session names the role and the institution.
        st, j = inv.call("GET", "/api/v1/session")
        check(st == 200 and j["user"]["role"] == "investor" and j["user"]["institution"] == sec,
              "an investor's session: role investor, its institution", j)

        # Consent on every investor route: the list, one firm, an engagement.
        st, j = inv.call("GET", "/api/v1/listing/reserve")
        seen = {x["uscc"] for x in j["items"]}
        check(st == 200 and j["consented_only"] and seen == set(consenting),
              "investor: the reserve list holds exactly the consenting firms",
              (len(seen), len(consenting)))
        st, j = s["analyst"].call("GET", "/api/v1/listing/reserve")
        check(st == 200 and not j["consented_only"] and
              {x["uscc"] for x in j["items"]} == {u for u, _ in reserve},
              "staff: the whole reserve", len(j["items"]))
        for u in refusing[:3] + [off_list]:
            st, _ = inv.call("GET", "/api/v1/listing/reserve/" + u)
            check(st == 404, "investor: %s (no consent or not on the reserve) -> 404" % u, st)
            st, _ = inv.call("POST", "/api/v1/listing/reserve/%s/engagements" % u,
                             {"kind": "interest"})
            check(st == 404, "investor: no engagement with %s -> 404" % u, st)
        st, j = inv.call("GET", "/api/v1/listing/reserve/" + consenting[0])
        check(st == 200 and j["uscc"] == consenting[0] and "history" in j,
              "investor: a consenting firm with its history", st)
        st, _ = inv.call("POST", "/api/v1/listing/reserve/%s/engagements" % consenting[0],
                         {"kind": "counselling", "note": "辅导意向"})
        check(st == 201, "investor: a counselling engagement with a consenting firm -> 201", st)
        st, _ = inv.call("POST", "/api/v1/listing/reserve/%s/engagements" % consenting[0],
                         {"kind": "merger"})
        check(st == 400, "investor: an unknown engagement kind -> 400", st)
        # Each investor sees its own institution's engagements only; staff see all.
        st, j = inv.call("GET", "/api/v1/listing/reserve/" + consenting[0])
        check({g["institution"] for g in j["engagements"]} == {sec},
              "investor: only its own institution's engagements", j["engagements"])
        st, j = s["analyst"].call("GET", "/api/v1/listing/reserve/" + consenting[0])
        kinds = {(g["institution"], g["kind"]) for g in j["engagements"]}
        check((sec, "counselling") in kinds, "staff see the securities firm's engagement", kinds)

        # The enterprise grants and withdraws its own consent (audited); not another's.
        ent = s["enterprise"]
        st, _ = ent.call("PUT", "/api/v1/listing/consent/" + consenting[0], {"granted": False})
        check(st == 403, "enterprise: another firm's consent -> 403", st)
        for role in ("admin", "analyst", "investor"):
            st, _ = s[role].call("PUT", "/api/v1/listing/consent/" + ent_uscc, {"granted": True})
            check(st == 403, "%s may not consent for the enterprise -> 403" % role, st)
        st, _ = ent.call("PUT", "/api/v1/listing/consent/" + ent_uscc, {"granted": "yes"})
        check(st == 400, "consent: granted must be a boolean -> 400", st)
        st, _ = ent.call("PUT", "/api/v1/listing/consent/" + ent_uscc, {"granted": True})
        check(st == 200, "enterprise grants its consent", st)
        st, j = inv.call("GET", "/api/v1/listing/reserve")
        check(ent_uscc in {x["uscc"] for x in j["items"]}, "investor now sees it in the list")
        st, _ = inv.call("GET", "/api/v1/listing/reserve/" + ent_uscc)
        check(st == 200, "investor now reads it", st)
        st, _ = inv.call("POST", "/api/v1/listing/reserve/%s/engagements" % ent_uscc,
                         {"kind": "interest"})
        check(st == 201, "investor registers interest once it consented", st)
        st, _ = ent.call("PUT", "/api/v1/listing/consent/" + ent_uscc, {"granted": False})
        check(st == 200, "enterprise withdraws its consent", st)
        st, j = inv.call("GET", "/api/v1/listing/reserve")
        check(ent_uscc not in {x["uscc"] for x in j["items"]},
              "after withdrawal: gone from the investor's list")
        for m, p, b in [("GET", "/api/v1/listing/reserve/" + ent_uscc, None),
                        ("POST", "/api/v1/listing/reserve/%s/engagements" % ent_uscc,
                         {"kind": "counselling"})]:
            st, _ = inv.call(m, p, b)
            check(st == 404, "after withdrawal: %s %s -> 404" % (m, p), st)
        audit = db.execute("SELECT actor, before, after FROM audit WHERE action = "
                           "'listing.consent' AND target = ? ORDER BY id", (ent_uscc,)).fetchall()
        check([a[0] for a in audit] == ["ent7", "ent7"] and
              json.loads(audit[1][1]) == {"granted": True} and
              json.loads(audit[1][2]) == {"granted": False},
              "consent grant and withdrawal audited with before and after", audit)
        check(db.execute("SELECT count(*) FROM audit WHERE action = 'listing.engage'")
              .fetchone()[0] == 2, "engagements audited")

        # Stage changes: staff only, validated, audited, kept in the history.
        path = "/api/v1/listing/reserve/%s/progress" % ent_uscc
        for role in ("chief", "investor", "enterprise"):
            st, _ = s[role].call("PUT", path, {"stage": "tutoring"})
            check(st == 403, "%s may not move a stage -> 403" % role, st)
        for body, why in [({"stage": "ipo"}, "unknown stage"),
                          ({"stage": "tutoring", "board": "nasdaq"}, "unknown board"),
                          ({"stage": "tutoring", "date": "2026-02-30"}, "bad date"),
                          ({"stage": "tutoring", "sponsor": 999999}, "unknown sponsor")]:
            st, _ = s["analyst"].call("PUT", path, body)
            check(st in (400, 404), "progress with %s -> 4xx" % why, st)
        st, _ = s["analyst"].call("PUT", "/api/v1/listing/reserve/%s/progress" % off_list,
                                  {"stage": "tutoring"})
        check(st == 404, "progress of a firm not on the reserve -> 404", st)
        st, j = s["analyst"].call("PUT", path, {"stage": "shareholding", "date": "2025-01-10",
                                                "board": "star", "sponsor": sec})
        check(st == 200 and j["stage"] == "shareholding" and j["since"] == "2025-01-10" and
              j["board"] == "star" and j["sponsor"]["id"] == sec,
              "analyst records 股改 with its date, board and sponsor", j)
        st, j = s["analyst"].call("PUT", path, {"stage": "tutoring", "date": "2025-03-02"})
        check(st == 200 and j["stage"] == "tutoring" and j["board"] == "star" and
              {("shareholding", "2025-01-10"), ("tutoring", "2025-03-02")} <=
              {(h["stage"], h["date"]) for h in j["history"]},
              "辅导备案 keeps the board; the history holds both stages", j.get("history"))
        check(db.execute("SELECT count(*) FROM audit WHERE action = 'listing.stage' AND "
                         "target = ?", (ent_uscc,)).fetchone()[0] == 2, "stage changes audited")

        # The funnel against SQL over the reserve.
        st, f = s["chief"].call("GET", "/api/v1/listing/funnel")
        want = dict(db.execute("SELECT coalesce(p.stage, 'none'), count(*) FROM (" +
                               RESERVE_SQL + ") r LEFT JOIN listing_progress p ON "
                               "p.enterprise_id = r.enterprise_id GROUP BY 1").fetchall())
        got = {x["stage"]: x["count"] for x in f["by_stage"] if x["count"]}
        check(st == 200 and got == want and f["total"] == len(reserve),
              "funnel by stage = SQL's GROUP BY over the reserve", (got, want))
        check(sum(f["by_board"].values()) == f["total"] and
              sum(d["total"] for d in f["by_district"]) == f["total"],
              "funnel: boards and districts add up to the total")
        want_chain = dict(db.execute(
            "SELECT m.chain, count(DISTINCT m.enterprise_id) FROM chain_members m WHERE "
            "m.enterprise_id IN (" + RESERVE_SQL + ") GROUP BY m.chain").fetchall())
        check({c["chain"]: c["total"] for c in f["by_chain"]} == want_chain,
              "funnel by chain = SQL's distinct members per chain")
        check([x["id"] for x in f["stages"]][:6] ==
              ["shareholding", "tutoring", "accepted", "inquiry", "registered", "listed"],
              "stage names come with the funnel in the listing order")

        # The funnel over time: each month-end adds up to the reserve; at 2025-03-31 the
        # firm moved above stands in 辅导备案 (its stage of 2025-03-02), against SQL.
        st, hist = s["chief"].call("GET", "/api/v1/listing/funnel/history?months=6&today=2025-03-31")
        check(st == 200 and hist["dates"][-1] == "2025-03-31" and len(hist["months"]) == 6 and
              all(sum(x["counts"][k] for x in hist["series"]) == hist["total"] == len(reserve)
                  for k in range(6)),
              "history: six month-ends, each adding up to the reserve", hist.get("dates"))
        want = dict(db.execute(
            "SELECT (SELECT s.stage FROM listing_stages s WHERE s.enterprise_id = r.enterprise_id "
            "AND s.date <= '2025-03-31' ORDER BY s.date DESC LIMIT 1) AS st, count(*) FROM (" +
            RESERVE_SQL + ") r GROUP BY st").fetchall())
        want = {("none" if k is None else k): v for k, v in want.items()}
        got = {x["stage"]: x["counts"][-1] for x in hist["series"] if x["counts"][-1]}
        check(got == want, "history's last month-end = SQL's latest stage on or before it",
              (got, want))
        st, _ = s["chief"].call("GET", "/api/v1/listing/funnel/history?months=500")
        check(st == 400, "months above 120 -> 400", st)
        st, _ = s["chief"].call("GET", "/api/v1/listing/funnel/history?today=2025-02-30")
        check(st == 400, "a bad date -> 400", st)
        st, _ = s["investor"].call("GET", "/api/v1/listing/funnel/history")
        check(st == 403, "investors do not see the history -> 403", st)

        # Stalled cases: listed, then opened once per enterprise.
        st, j = s["chief"].call("POST", "/api/v1/listing/stalled", {})
        check(st == 403, "chief may not open stalled cases -> 403", st)
        st, g = s["chief"].call("GET", "/api/v1/listing/stalled?months=6&today=2026-12-15")
        stalled = {x["uscc"] for x in g["stalled"]}
        check(st == 200 and ent_uscc in stalled and g["cutoff"] == "2026-06-15",
              "the firm in 辅导备案 since 2025-03-02 is stalled at 6 months", g.get("cutoff"))
        st, o = s["analyst"].call("POST", "/api/v1/listing/stalled?months=6&today=2026-12-15", {})
        check(st == 200 and o["opened"] == len(stalled) and
              all(isinstance(x["case"], int) for x in o["stalled"]),
              "POST opens one 一企一策 case per stalled firm", o.get("opened"))
        st, o2 = s["analyst"].call("POST", "/api/v1/listing/stalled?months=6&today=2026-12-15",
                                   {})
        check(st == 200 and o2["opened"] == 0, "again: nothing new (one open case each)", o2)
        n = db.execute("SELECT count(*), count(DISTINCT enterprise_id) FROM cases WHERE title "
                       "LIKE '上市进程停滞%'").fetchone()
        check(n[0] == n[1] == len(stalled), "one case per stalled enterprise in the store", n)
        st, _ = s["analyst"].call("GET", "/api/v1/listing/stalled?months=0")
        check(st == 400, "months=0 -> 400", st)

        # Accounts and institutions over the API: an investor needs an existing institution.
        adm = s["admin"]
        st, j = adm.call("POST", "/api/v1/listing/institutions", {"name": "某基金", "kind": "fund"})
        check(st == 201 and isinstance(j.get("id"), int), "admin registers an institution", j)
        new_inst = j["id"]
        st, _ = adm.call("POST", "/api/v1/listing/institutions", {"name": "某基金", "kind": "fund"})
        check(st == 409, "the same institution name again -> 409", st)
        st, _ = adm.call("POST", "/api/v1/listing/institutions", {"name": "x", "kind": "hedge"})
        check(st == 400, "an unknown institution kind -> 400", st)
        st, _ = s["analyst"].call("POST", "/api/v1/listing/institutions", {"name": "y", "kind": "fund"})
        check(st == 403, "an analyst may not register institutions -> 403", st)
        for body, want in [({"username": "inv9", "password": PASSWORD, "role": "investor"}, 400),
                           ({"username": "inv9", "password": PASSWORD, "role": "investor",
                             "institution": 999999}, 400),
                           ({"username": "inv9", "password": PASSWORD, "role": "investor",
                             "institution": "1"}, 400),
                           ({"username": "inv9", "password": PASSWORD, "role": "investor",
                             "institution": new_inst}, 201)]:
            st, j = adm.call("POST", "/api/v1/users", body)
            check(st == want, "POST /users %r -> %d" % (body.get("institution"), want), (st, j))
        st, j = Session("inv9").call("GET", "/api/v1/listing/reserve")
        check(st == 200 and {x["uscc"] for x in j["items"]} == set(consenting) - {ent_uscc},
              "the new fund's investor sees the consenting firms", st)
        check(db.execute("SELECT count(*) FROM audit WHERE action = 'listing.institution'")
              .fetchone()[0] == 1, "the institution's registration audited")
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
