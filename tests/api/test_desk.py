#!/usr/bin/python3
"""
The official at the desk (issue 14, items 4 and 10).

One truth for totals: for every chain and every scope (the three named ones, a district and a
city), GET /api/v1/dashboard?scope=S gives each chain the same firms and output as
GET /api/v1/chains/{chain}?scope=S, the dashboard states the scope it counted (the chain
pages' default when none is asked), and its counts are those of the scope, not of the whole
registry. A chief's dashboard lists only their chains.

Import at the desk: GET /api/v1/imports/templates/{kind} for every kind is an XLSX (opened with
zipfile) whose first sheet has the Chinese column names and an example row, with a sheet of
the values each column takes; the template imported back loads its row without a reject. A
file of 130 bad rows is answered with the reasons of the first 100 rows (line, column, value,
Chinese and English reason), the CSV report holding all 130.

Python 3 standard library only. $CC is the chainchief binary (set by CTest).
"""
import io
import json
import re
import sys
import urllib.parse
import zipfile

from harness import Harness

PASSWORD = "desk-test-pass-2026"
H = Harness("desk", PASSWORD)
check, run_cc = H.check, H.run_cc
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Session:
    def __init__(self, user):
        self.cookie, self.csrf = H.login(user)

    def raw(self, method, path, body=None, ctype=None):
        return H.request(method, path, body, self.cookie, self.csrf, ctype)

    def json(self, path):
        st, _, body = self.raw("GET", path)
        return st, (json.loads(body) if body[:1] in (b"{", b"[") else None)


def same_money(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def sheet_cells(z, n):
    """The rows of sheet N (1-based) of an XLSX zip as lists of cell text (inline or shared)."""
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        sx = z.read("xl/sharedStrings.xml").decode()
        shared = [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", sx, re.S)]
    xml = z.read("xl/worksheets/sheet%d.xml" % n).decode()
    rows = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", xml, re.S):
        cells = []
        for attrs, inner in re.findall(r"<c([^>]*?)(?:/>|>(.*?)</c>)", row, re.S):
            if 't="s"' in attrs:
                v = re.search(r"<v>(.*?)</v>", inner)
                cells.append(shared[int(v.group(1))] if v else "")
            elif "inlineStr" in attrs:
                cells.append("".join(re.findall(r"<t[^>]*>(.*?)</t>", inner, re.S)))
            else:
                v = re.search(r"<v>(.*?)</v>", inner or "")
                cells.append(v.group(1) if v else "")
        rows.append(cells)
    return rows


def test_totals(ana, chief):
    st, chains = ana.json("/api/v1/chains")
    ids = [c["id"] for c in chains or []]
    check(st == 200 and len(ids) >= 30, "the catalogue lists the chains", st)
    st, d = ana.json("/api/v1/dashboard")
    st2, c = ana.json("/api/v1/chains/compare")
    check(st == 200 and st2 == 200 and d.get("scope") == c.get("scope"),
          "the dashboard's default scope is the chain pages' and is stated",
          (d or {}).get("scope"))
    check(d["scope"]["name_zh"] == "重庆市" and d["counts"]["enterprises"] < d["counts"]["registered"],
          "by default it counts the home region, not the whole registry", d.get("counts"))
    for scope in ["chongqing", "chengdu", "both", "500112", "510100"]:
        st, d = ana.json("/api/v1/dashboard?scope=" + scope)
        if not check(st == 200 and isinstance(d.get("by_chain"), list), "dashboard scope=" + scope,
                     st):
            continue
        mine = {x["id"]: x for x in d["by_chain"]}
        check(sorted(mine) == sorted(ids), "scope=%s: the dashboard has every chain" % scope)
        bad = []
        for cid in ids:
            st, page = ana.json("/api/v1/chains/%s?scope=%s" % (cid, scope))
            if st != 200:
                bad.append((cid, st))
                continue
            x = mine.get(cid, {})
            if (x.get("enterprises") != page["chain"]["enterprises"]
                    or not same_money(x.get("output_value"), page["chain"]["output"])
                    or page["scope"] != d["scope"]):
                bad.append((cid, x.get("enterprises"), page["chain"]["enterprises"],
                            x.get("output_value"), page["chain"]["output"]))
        check(not bad, "scope=%s: every chain's firms and output on the dashboard equal its chain "
              "page's (%d chains)" % (scope, len(ids)), bad[:4])
        st, cmp_ = ana.json("/api/v1/chains/compare?scope=" + scope)
        diff = [it["id"] for it in (cmp_ or {}).get("items", [])
                if it["enterprises"] != mine.get(it["id"], {}).get("enterprises")]
        check(st == 200 and not diff, "scope=%s: and the comparison page's" % scope, diff[:4])
        total = sum(r["enterprises"] for r in d["by_region"])
        check(total == d["counts"]["enterprises"],
              "scope=%s: the regions add up to the firms in scope (%d)" % (scope, total),
              (total, d["counts"]))
    st, d = chief.json("/api/v1/dashboard")
    check(st == 200 and sorted(x["id"] for x in d["by_chain"]) == ["icv", "nev"],
          "a chief's dashboard lists only their chains", st)
    st, _ = ana.json("/api/v1/dashboard?scope=nowhere")
    check(st == 400, "an unknown scope is a 400, as on the chain pages", st)


def test_templates(ana):
    kinds = ["enterprises", "indicators", "chain_members", "supply", "postings"]
    for kind in kinds:
        st, hd, body = ana.raw("GET", "/api/v1/imports/templates/" + kind)
        if not check(st == 200 and hd.get("content-type", "").startswith(XLSX),
                     "template %s is an XLSX download" % kind, (st, hd.get("content-type"))):
            continue
        try:
            z = zipfile.ZipFile(io.BytesIO(body))
        except zipfile.BadZipFile as e:
            check(False, "template %s opens as a zip" % kind, e)
            continue
        names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
        check(len(names) >= 2 and "填写说明" in names, "template %s has its sheets" % kind, names)
        rows = sheet_cells(z, 1)
        head = rows[0] if rows else []
        check(head and all(re.search(r"[\u4e00-\u9fff]", h) for h in head),
              "template %s: every header is Chinese" % kind, head)
        check(len(rows) == 2 and any(rows[1]), "template %s: one example row" % kind, rows[1:3])
        rules = sheet_cells(z, names.index("填写说明") + 1)
        check(len(rules) >= len(head) + 1 and rules[0][:4] == ["列名", "字段", "必填", "可填写的值"],
              "template %s: what every column takes" % kind, rules[:2])
        if kind == "enterprises":
            text = json.dumps(rules, ensure_ascii=False)
            check("大型" in text and "科创板" in text and "专精特新" in text,
                  "the enterprise template names scales, listings and certificates")
        st, _, r = ana.raw("POST", "/api/v1/imports?kind=%s&filename=%s" % (
            kind, urllib.parse.quote("模板-%s.xlsx" % kind)), body, XLSX)
        j = json.loads(r) if r[:1] == b"{" else {}
        check(st == 200 and j.get("rows") == 1 and j.get("accepted") == 1 and j.get("rejected") == 0,
              "template %s imported back: its example row loads without a reject" % kind,
              (st, r[:300]))
    st, _, _ = ana.raw("GET", "/api/v1/imports/templates/nothing")
    check(st == 404, "an unknown template kind is a 404", st)


def test_rejects(ana):
    rows = ["uscc,name,region,scale"]
    for i in range(130):
        rows.append("91500000BADCODE%03d,坏企业%d,999999,巨型" % (i, i))
    st, _, r = ana.raw("POST", "/api/v1/imports?kind=enterprises&filename=bad.csv",
                       ("\n".join(rows) + "\n").encode(), "text/csv")
    j = json.loads(r) if r[:1] == b"{" else {}
    check(st == 200 and j.get("rejected") == 130, "130 bad rows are rejected", r[:200])
    rej = j.get("rejects") or []
    lines = sorted({x["line"] for x in rej})
    check(j.get("rejects_shown") == 100 and lines == list(range(2, 102)),
          "the answer lists the first 100 rejected rows", (j.get("rejects_shown"), lines[:3],
                                                           lines[-3:]))
    x = rej[0] if rej else {}
    check(x.get("column") == "uscc" and x.get("column_zh") == "统一社会信用代码"
          and x.get("value") == "91500000BADCODE000" and x.get("reason_zh") and x.get("reason_en"),
          "each with its column, value and reason in both languages", x)
    check(any(y["column"] == "scale" and y["value"] == "巨型" and "大型" in y["reason_zh"]
              for y in rej), "the scale's reason names the allowed values")
    st, _, csv = ana.raw("GET", j.get("rejects_url") or "/none")
    lines_csv = {l.split(",")[0] for l in csv.decode("utf-8-sig").splitlines()[1:]}
    check(st == 200 and len(lines_csv) == 130, "the reject report holds all 130 rows",
          len(lines_csv))


def main():
    try:
        run_cc("demo", "--enterprises", "1500", "--seed", "4", "--no-accounts")
        run_cc("user", "add", "desk1", "--role", "analyst", "--password", PASSWORD)
        run_cc("user", "add", "chief7", "--role", "chief", "--password", PASSWORD,
               "--chains", "nev,icv")
        H.serve()
        ana, chief = Session("desk1"), Session("chief7")
        test_totals(ana, chief)
        test_templates(ana)
        test_rejects(ana)
    finally:
        H.close()
    return H.summary()


if __name__ == "__main__":
    sys.exit(main())
