#!/usr/bin/python3
"""
Enterprise reporting over the API (issue 15): an analyst creates a plan for three firms and
opens two periods; an enterprise sees and fills only its own reports (403 on another's, on
review and on plans); a hard rule refuses a submission naming the field, a soft one asks for
an explanation (422 with the warnings); the analyst returns it with a comment the enterprise
reads in its notices, the corrected report is accepted, and the value becomes the
enterprise's indicator with its provenance and an audit row. Completion counts are checked
against SQL run here on the database, and the districts add up to the total.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import datetime
import json
import os
import sys
import time
import urllib.parse

from harness import Harness

PASSWORD = "report-test-pass-2026"
H = Harness("report", PASSWORD)
check, run_cc, request = H.check, H.run_cc, H.request


class Session:
    def __init__(self, user):
        self.cookie, self.csrf = H.login(user)

    def req(self, method, path, body=None):
        st, _, raw = request(method, path, body, cookie=self.cookie, csrf=self.csrf)
        return st, (json.loads(raw) if raw[:1] in (b"{", b"[") else None)


def utc_today():
    """Today in UTC as YYYY-MM-DD: SQLite's date('now'), as a parameter on both engines."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def month_back(today, k):
    y, m = today.year, today.month - k
    while m < 1:
        y, m = y - 1, m + 12
    return "%04d-%02d" % (y, m)


def fill_from_history(form):
    """Values that trip no soft rule: each field's value a year earlier, else last period's."""
    out = {}
    for f in form["fields"]:
        v = f["last_year"] if f["last_year"] is not None else f["last"]
        out[f["metric"]] = v if v is not None else 1
    out["rd_staff"] = 0
    out["rd_expense"] = 0
    if out.get("employees") is None or out["employees"] < 1:
        out["employees"] = 5
    return out


def main():
    try:
        run_cc("demo", "--enterprises", "600", "--seed", "3", "--no-accounts")
        codes = [e["uscc"] for e in json.loads(run_cc("--format", "json", "enterprise", "list",
                                                      "--limit", "3").stdout)]
        a, b, c = codes
        run_cc("user", "add", "ana", "--role", "analyst", "--password", PASSWORD)
        run_cc("user", "add", "boss", "--role", "admin", "--password", PASSWORD)
        run_cc("user", "add", "chief1", "--role", "chief", "--password", PASSWORD,
               "--chains", "nev")
        run_cc("user", "add", "enta", "--role", "enterprise", "--password", PASSWORD,
               "--uscc", a)
        run_cc("user", "add", "entb", "--role", "enterprise", "--password", PASSWORD,
               "--uscc", b)
        os.environ["CC_REMIND_SECONDS"] = "1"
        H.serve()
        ana, boss, chief = Session("ana"), Session("boss"), Session("chief1")
        enta, entb = Session("enta"), Session("entb")

        plan = {"name": "月度直报", "metrics": ["revenue", "employees", "rd_staff", "rd_expense"],
                "rule": "list:%s;%s;%s" % (a, b, c), "frequency": "monthly", "due_days": 15}
        for who, s in (("chief", chief), ("enterprise", enta)):
            st, j = s.req("POST", "/api/v1/report-plans", plan)
            check(st == 403, "a %s cannot create a plan (403)" % who, (st, j))
        st, j = ana.req("POST", "/api/v1/report-plans", plan)
        check(st == 201 and j["id"] >= 1, "the analyst creates a plan", (st, j))
        pid = j["id"]
        st, j = ana.req("POST", "/api/v1/report-plans", dict(plan, metrics=["revenue_yoy"],
                                                              name="x"))
        check(st == 400, "a derived metric is refused in a plan", (st, j))
        today = datetime.datetime.now(datetime.timezone.utc).date()
        p_late, p_now = month_back(today, 2), month_back(today, 1)
        for p in (p_late, p_now):
            st, j = ana.req("POST", "/api/v1/report-plans/%d/open" % pid, {"period": p})
            check(st == 200 and j["opened"] == 3, "period %s opens three reports" % p, (st, j))
        st, j = ana.req("POST", "/api/v1/report-plans/%d/open" % pid,
                        {"period": month_back(today, -1)})
        check(st == 400, "a period not yet open is refused", (st, j))

        # The enterprise sees its own reports only.
        # (the demo's plan may hold reports of it too: the count is SQL's).
        c0 = H.connect()
        own = c0.execute("SELECT count(*) FROM reports r JOIN enterprises e ON e.id = "
                         "r.enterprise_id WHERE e.uscc = ?", (a,)).fetchone()[0]
        c0.close()
        st, j = enta.req("GET", "/api/v1/reports")
        check(st == 200 and j["count"] == own and own >= 2
              and sum(r["plan"] == pid for r in j["reports"]) == 2
              and all(r["uscc"] == a for r in j["reports"]),
              "an enterprise lists only its own reports (%d)" % own, (st, j))
        st, j = ana.req("GET", "/api/v1/reports?plan=%d&period=%s" % (pid, p_late))
        check(st == 200 and j["count"] == 3, "the analyst lists every report of a period",
              (st, j))
        ids = {r["uscc"]: r["id"] for r in j["reports"]}
        mine, theirs = ids[a], ids[b]
        st, j = enta.req("GET", "/api/v1/reports/%d" % theirs)
        check(st == 403, "another enterprise's report is refused (403)", (st, j))
        st, j = enta.req("PUT", "/api/v1/reports/%d" % theirs, {"values": {"revenue": 1}})
        check(st == 403, "another enterprise's report cannot be filled (403)", (st, j))
        st, j = chief.req("PUT", "/api/v1/reports/%d" % mine, {"values": {"revenue": 1}})
        check(st == 403, "a chief cannot fill a report (403)", (st, j))
        st, form = enta.req("GET", "/api/v1/reports/%d" % mine)
        check(st == 200 and [f["metric"] for f in form["fields"]] == plan["metrics"]
              and form["overdue"] is True and "last_year" in form["fields"][0],
              "the form: the plan's fields with last period and a year earlier; overdue",
              (st, form))

        # Draft, hard rule, soft rule.
        good = fill_from_history(form)
        st, j = enta.req("PUT", "/api/v1/reports/%d" % mine, {"values": {"revenue": 10}})
        check(st == 200 and j["status"] == "draft", "a draft is saved", (st, j))
        st, j = enta.req("PUT", "/api/v1/reports/%d" % mine, {"values": {"tax": 10}})
        check(st == 400 and j["error"]["field"] == "tax", "a metric outside the plan is named",
              (st, j))
        bad = dict(good, revenue=100, rd_expense=101)
        st, j = enta.req("POST", "/api/v1/reports/%d/submit" % mine, {"values": bad})
        check(st == 400 and j["error"]["field"] == "rd_expense",
              "R&D expense above revenue is refused naming rd_expense", (st, j))
        bad = dict(good, employees=3, rd_staff=4)
        st, j = enta.req("POST", "/api/v1/reports/%d/submit" % mine, {"values": bad})
        check(st == 400 and j["error"]["field"] == "rd_staff",
              "R&D staff above employees is refused naming rd_staff", (st, j))
        st, j = enta.req("POST", "/api/v1/reports/%d/submit" % mine,
                         {"values": dict(good, employees=-1)})
        check(st == 400 and j["error"]["field"] == "employees",
              "a negative value is refused naming it", (st, j))
        base = good["revenue"] or 1
        jump = dict(good, revenue=base * 20 + 1000)
        st, j = enta.req("POST", "/api/v1/reports/%d/submit" % mine, {"values": jump})
        check(st == 422 and j["error"]["code"] == "explanation_required"
              and any(w["metric"] == "revenue" for w in j["warnings"]),
              "a big jump needs an explanation (422 with warnings)", (st, j))
        st, j = enta.req("POST", "/api/v1/reports/%d/submit" % mine,
                         {"values": jump, "explanation": "新产线投产"})
        check(st == 200 and j["status"] == "submitted", "with an explanation it is submitted",
              (st, j))
        st, j = enta.req("PUT", "/api/v1/reports/%d" % mine, {"values": {"revenue": 1}})
        check(st == 409, "a submitted report cannot be edited (409)", (st, j))

        # Review: return with a comment, correct, accept.
        st, j = enta.req("POST", "/api/v1/reports/%d/accept" % mine)
        check(st == 403, "an enterprise cannot accept (403)", (st, j))
        st, j = ana.req("POST", "/api/v1/reports/%d/return" % mine, {"comment": ""})
        check(st == 400, "returning needs a comment", (st, j))
        st, j = ana.req("POST", "/api/v1/reports/%d/return" % mine,
                        {"comment": "营业收入单位应为万元"})
        check(st == 200 and j["status"] == "returned", "the analyst returns it", (st, j))
        st, j = enta.req("GET", "/api/v1/report-notices")
        check(st == 200 and j["notices"][0]["kind"] == "returned"
              and j["notices"][0]["comment"] == "营业收入单位应为万元",
              "the enterprise reads the comment in its notices", (st, j))
        # B's late report may have its overdue reminder by now (the server reminds every
        # second here): B's notices are overdue reminders of B's own reports, none A's return.
        st_b, jb = entb.req("GET", "/api/v1/reports")
        b_reports = {r["id"] for r in jb["reports"]} if st_b == 200 else set()
        st, j = entb.req("GET", "/api/v1/report-notices")
        if st_b != 200 or st != 200:
            print("# reports %s, notices %s (busy on a loaded machine?): once more" % (st_b, st))
            time.sleep(1)
            st_b, jb = entb.req("GET", "/api/v1/reports")
            b_reports = {r["id"] for r in jb["reports"]} if st_b == 200 else set()
            st, j = entb.req("GET", "/api/v1/report-notices")
        check(st == 200 and theirs in b_reports
              and all(n["report"] in b_reports and n["kind"] == "overdue" for n in j["notices"]),
              "another enterprise has no such notice (its own overdue reminders at most)",
              (st_b, sorted(b_reports), st, j))
        fixed = dict(good, revenue=base)
        st, j = enta.req("POST", "/api/v1/reports/%d/submit" % mine, {"values": fixed})
        check(st == 200 and j["status"] == "submitted", "the corrected report is submitted",
              (st, j))
        st, j = ana.req("POST", "/api/v1/reports/%d/accept" % mine)
        check(st == 200 and j["status"] == "accepted" and j["reviewed_by"] == "ana",
              "the analyst accepts it", (st, j))
        period_int = int(p_late.replace("-", ""))
        con = H.connect()
        v = con.execute("SELECT i.revenue, i.rd_staff FROM indicators i JOIN enterprises e ON "
                        "e.id = i.enterprise_id WHERE e.uscc = ? AND i.period = ?",
                        (a, period_int)).fetchone()
        check(v is not None and abs(v[0] - base) < 1e-9 and v[1] == 0,
              "the accepted values are the indicators of the period", v)
        st, j = enta.req("GET", "/api/v1/enterprises/%s/provenance?period=%s" % (a, p_late))
        src = {x["metric"]: x for x in j["values"]} if st == 200 else {}
        check(src.get("revenue", {}).get("source") == "report"
              and src["revenue"].get("ref") == mine and src["revenue"].get("actor") == "ana",
              "the value's provenance names the report and who accepted it", (st, j))
        st, j = enta.req("GET", "/api/v1/enterprises/%s/provenance" % b)
        check(st == 403, "another enterprise's provenance is refused", (st, j))
        st, j = boss.req("GET", "/api/v1/audit?limit=50")
        acts = [x["action"] for x in j["items"]] if st == 200 else []
        check("report.accept" in acts and "report.return" in acts and "report.submit" in acts,
              "submit, return and accept are audited", acts[:12])
        # A manual edit records its own provenance.
        st, j = ana.req("PUT", "/api/v1/enterprises/%s/indicators/%s" % (a, p_late),
                        {"tax": 7})
        st, j = ana.req("GET", "/api/v1/enterprises/%s/provenance?period=%s" % (a, p_late))
        src = {x["metric"]: x for x in j["values"]} if st == 200 else {}
        check(src.get("tax", {}).get("source") == "manual"
              and src.get("revenue", {}).get("source") == "report",
              "a manual edit is recorded as manual, the report's value stays the report's",
              (st, j))

        # Completion against SQL.
        for p in (p_late, p_now):
            st, j = chief.req("GET", "/api/v1/report-plans/%d/completion?period=%s" % (pid, p))
            pi = int(p.replace("-", ""))
            # Portable SQL (testdb.py): CASE for the sums, today's UTC date (SQLite's
            # date('now')) as a parameter.
            row = con.execute(
                "SELECT count(*), "
                "sum(CASE WHEN status IN ('submitted','accepted') THEN 1 ELSE 0 END), "
                "sum(CASE WHEN status NOT IN ('submitted','accepted') AND due < ? "
                "THEN 1 ELSE 0 END), "
                "sum(CASE WHEN status NOT IN ('submitted','accepted') AND due >= ? "
                "THEN 1 ELSE 0 END) "
                "FROM reports WHERE plan_id = ? AND period = ?",
                (utc_today(), utc_today(), pid, pi)).fetchone()
            ok = st == 200 and (j["total"], j["reported"], j["overdue"], j["pending"]) == row
            check(ok, "completion of %s equals SQL's counts %r" % (p, row), (st, j))
            if st == 200:
                check(sum(d["total"] for d in j["by_district"]) == j["total"]
                      and sum(d["overdue"] for d in j["by_district"]) == j["overdue"],
                      "the districts add up to the total (%s)" % p)
                check(len(j["overdue_firms"]) == j["overdue"],
                      "every overdue firm is listed (%s)" % p)
        st, j = ana.req("GET", "/api/v1/report-plans/%d/completion" % pid)
        check(st == 200 and [s["period"] for s in j["series"]] == [p_late, p_now],
              "the series holds both periods, oldest first", (st, j))
        # Reminders: the server writes them by itself (CC_REMIND_SECONDS=1 here, hourly by
        # default), each once per report; asking again writes none.
        deadline, seen = time.time() + 10, False
        while time.time() < deadline and not seen:
            st, j = entb.req("GET", "/api/v1/report-notices")
            seen = st == 200 and any(n["kind"] == "overdue" for n in j["notices"])
            time.sleep(0.2)
        check(seen, "the server reminds the late enterprise by itself (an overdue notice)",
              (st, j))
        st, j = ana.req("POST", "/api/v1/report-plans/%d/remind" % pid)
        check(st == 200 and j["notices"] == 0, "each reminder is written once", (st, j))
        n_overdue = con.execute("SELECT count(*) FROM report_notices n JOIN reports r ON "
                                "r.id = n.report_id WHERE r.plan_id = ? AND n.kind = "
                                "'overdue'", (pid,)).fetchone()[0]
        late = con.execute("SELECT count(*) FROM reports WHERE plan_id = ? AND status NOT IN "
                           "('submitted','accepted') AND due < ?", (pid, utc_today())).fetchone()[0]
        check(n_overdue >= late > 0, "every late report has its overdue notice (%d)" % late)
        # Bulk: the template, then a file with bad rows through the upload.
        st, hd, raw = request("GET", "/api/v1/report-plans/%d/template?period=%s" % (pid, p_now),
                              cookie=ana.cookie)
        check(st == 200 and raw[:2] == b"PK", "the template is an XLSX", (st, raw[:80]))
        st, hd, raw = request("GET", "/api/v1/report-plans/%d/template?period=%s" % (pid, p_now),
                              cookie=enta.cookie)
        check(st == 403, "an enterprise gets no template (403)", st)
        head = "统一社会信用代码,企业名称,营业收入（万元）,从业人员,研发人员,研发费用,情况说明\n"
        rows = ("%s,甲,,,,,\n"              # nothing filled: left for later
                "%s,乙,abc,10,1,1,\n"        # not a number
                "%s,丙,100,10,20,1,\n"       # R&D staff above employees
                "91500000MA00000000,丁,1,1,1,1,\n"  # an invalid code
                "%s,丙,100,10,2,1,核实无误\n")  # good
        body = (head + rows % (a, b, c, c)).encode("utf-8")
        st, _, raw = request("POST", "/api/v1/report-plans/%d/upload?period=%s&filename=up.csv"
                             % (pid, p_now), body, cookie=ana.cookie, csrf=ana.csrf,
                             ctype="text/csv")
        j = json.loads(raw) if raw[:1] == b"{" else None
        ok = st == 200 and j["rows"] == 4 and j["accepted"] == 1 and j["rejected"] == 3
        ok = ok and j["skipped"] == 1 and j["rejects_url"]
        check(ok, "the upload submits the good row, skips the empty one and rejects three",
              (st, j))
        if ok:
            fields = sorted((x["line"], x["column"]) for x in j["rejects"])
            check(fields == [(3, "revenue"), (4, "rd_staff"), (5, "uscc")],
                  "each refused row names its line and column", fields)
            st, _, csv = request("GET", j["rejects_url"], cookie=ana.cookie)
            text = csv.decode("utf-8-sig")
            check(st == 200 and text.startswith("line,column,value,reason_zh,reason_en")
                  and "研发人员多于从业人员" in text and len(text.strip().splitlines()) == 4,
                  "the reject report has the importer's shape, reasons in Chinese and English",
                  text[:400])
            r = con.execute("SELECT r.status FROM reports r JOIN enterprises e ON e.id = "
                            "r.enterprise_id WHERE e.uscc = ? AND r.plan_id = ? AND r.period = ?",
                            (c, pid, int(p_now.replace("-", "")))).fetchone()
            check(r and r[0] == "submitted", "the good row's report is submitted", r)

        # 数据截至 of a district against SQL: its firms, the latest month and year with any
        # revenue or output value, and how many of its firms have neither.
        district = con.execute("SELECT region FROM enterprises WHERE uscc = ?", (a,)).fetchone()[0]
        st, j = ana.req("GET", "/api/v1/freshness?scope=%d" % district)
        firms = con.execute("SELECT count(*) FROM enterprises WHERE region = ?",
                            (district,)).fetchone()[0]
        def known(where):
            return con.execute(
                "SELECT i.period, count(*) FROM indicators i JOIN enterprises e ON e.id = "
                "i.enterprise_id WHERE e.region = ? AND (i.revenue IS NOT NULL OR "
                "i.output_value IS NOT NULL) AND " + where + " GROUP BY i.period ORDER BY "
                "i.period DESC LIMIT 1", (district,)).fetchone()
        mp, mk = known("i.period % 100 <> 0")
        yp, yk = known("i.period % 100 = 0")
        ok = st == 200 and j["firms"] == firms
        ok = ok and j["month"]["period"] == "%d-%02d" % (mp // 100, mp % 100)
        ok = ok and j["month"]["missing"] == firms - mk and j["year"]["missing"] == firms - yk
        ok = ok and j["year"]["period"] == str(yp // 100) and j["last_report_at"] is not None
        check(ok, "freshness of district %d equals SQL's (%d firms, month %d missing %d)" % (
            district, firms, mp, firms - mk), (st, j))
        # 数据截至 on every aggregating route: the "as_of" object, and the dashboard's for the
        # district equal to SQL's rule (the latest year at least 80% of its firms report).
        share = 0.8
        need = -(-int(share * firms * 1000) // 1000)
        years = con.execute(
            "SELECT i.period, count(*) FROM indicators i JOIN enterprises e ON e.id = "
            "i.enterprise_id WHERE e.region = ? AND i.period % 100 = 0 AND (i.revenue IS NOT "
            "NULL OR i.output_value IS NOT NULL) GROUP BY i.period ORDER BY i.period DESC",
            (district,)).fetchall()
        want = next(((p, k) for p, k in years if k >= need), None)
        st, j = ana.req("GET", "/api/v1/dashboard?scope=%d" % district)
        ao = (j or {}).get("as_of") or {}
        check(st == 200 and want and ao.get("period") == str(want[0] // 100)
              and ao.get("firms") == firms and ao.get("missing") == firms - want[1]
              and ao.get("complete") is True and ao.get("share") == share,
              "the dashboard's as_of for district %d equals SQL's (%r)" % (district, want), ao)
        lst = con.execute("SELECT name FROM lists LIMIT 1").fetchone()
        routes = ["/api/v1/dashboard", "/api/v1/areas", "/api/v1/areas?chain=ic",
                  "/api/v1/chains/compare", "/api/v1/chains/ic", "/api/v1/brief",
                  "/api/v1/brief?chain=ic", "/api/v1/green/summary", "/api/v1/green/laggards",
                  "/api/v1/digital/summary", "/api/v1/innovation/chains/ic",
                  "/api/v1/risk/overview", "/api/v1/risk/chains/ic"]
        if lst:
            routes.append("/api/v1/lists/" + urllib.parse.quote(lst[0]))
        check(lst is not None, "the demo has a list whose version shows as_of", lst)
        for path in routes:
            st, j = ana.req("GET", path)
            ao = (j or {}).get("as_of") if isinstance(j, dict) else None
            ok = st == 200 and isinstance(ao, dict) and isinstance(ao.get("firms"), int)
            ok = ok and ao["firms"] >= ao["missing"] >= 0 and ao["reported"] + ao["missing"] \
                == ao["firms"] and isinstance(ao.get("period"), str) and len(ao["period"]) in (4, 7)
            check(ok, "%s answers as_of {period, firms, missing}" % path, (st, ao))
        st, j = chief.req("GET", "/api/v1/chains/compare")
        ao = (j or {}).get("as_of") or {}
        members = con.execute(
            "SELECT count(DISTINCT m.enterprise_id) FROM chain_members m JOIN enterprises e ON "
            "e.id = m.enterprise_id WHERE m.chain = 'nev' AND (e.region / 10000 = 50)").fetchone()[0]
        check(st == 200 and ao.get("firms") == members,
              "a chief's comparison is as of the members of their chain (%d)" % members, ao)
        st, j = chief.req("GET", "/api/v1/freshness?chain=ic")
        check(st == 403, "a chief asks freshness of its own chains only", (st, j))
        st, j = enta.req("GET", "/api/v1/freshness")
        check(st == 403, "an enterprise has no freshness of aggregates", (st, j))
        con.close()
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
