#!/usr/bin/python3
"""
Before/after comparison of the two self-assessments (GB/T 39116 digital maturity, GB/T 36132
green factory): runs every route and CLI command of both on one demo database and prints what
they answer (status + body bytes; CLI stdout, stderr and exit code) and the stored rows, with
the clock's timestamps masked. Run it with $CC = the old binary and $CC = the new one and diff
the two outputs:

    CC=/path/old/chainchief scripts/compare_selfassess.py > before.txt
    CC=build/chainchief     scripts/compare_selfassess.py > after.txt
    diff before.txt after.txt

Python 3 standard library only.
"""
import json
import os
import re
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "api"))
from harness import Harness  # noqa: E402

PASSWORD = "compare-pass-2026"
H = Harness("compare", PASSWORD)
STAMP = re.compile(rb"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ|/tmp/cc-compare-[A-Za-z0-9_]+")
out = sys.stdout.buffer


def emit(label, data):
    out.write(b"=== " + label.encode() + b"\n" + STAMP.sub(b"<masked>", data) + b"\n")


def main():
    try:
        H.run_cc("demo", "--enterprises", "1500", "--seed", "7", "--no-accounts")
        db = sqlite3.connect(H.db)
        own, other = [r[0] for r in db.execute(
            "SELECT uscc FROM enterprises ORDER BY uscc LIMIT 2")]
        assessed_d = db.execute("SELECT e.uscc FROM maturity_assessments m JOIN enterprises e "
                                "ON e.id = m.enterprise_id ORDER BY e.uscc LIMIT 1").fetchone()[0]
        assessed_g = db.execute("SELECT e.uscc FROM green_factory_assessments m JOIN enterprises "
                                "e ON e.id = m.enterprise_id ORDER BY e.uscc LIMIT 1").fetchone()[0]
        for user, role in [("admin9", "admin"), ("ana9", "analyst"), ("chief9", "chief")]:
            extra = ["--chains", "nev"] if role == "chief" else []
            H.run_cc("user", "add", user, "--role", role, "--password", PASSWORD, *extra)
        H.run_cc("user", "add", "ent9", "--role", "enterprise", "--password", PASSWORD,
                 "--uscc", own)
        tmp = tempfile.mkdtemp(prefix="cc-compare-")
        bodies = {
            "digital": [{"answers": {"l1_plan": 1, "l1_process": 1, "l1_infra": 0.8,
                                     "l2_equipment": 1, "l2_systems": 0.8, "l2_data": 0.5},
                         "cnc_rate": 0.55, "factory_5g": True, "networking_rate": None},
                        {"answers": {"l1_plan": 0.7}}, {"answers": {"x": 1}}, {"cnc_rate": 2},
                        {"level": 5}, [], {"answers": 3}, {"factory_5g": 1},
                        {"answers": {"l1_plan": None, "l3_plan": 1}}],
            "green-factory": [{"answers": {"b_compliance": 1, "b_planning": 0.5, "e_ghg": 1,
                                          "f_land": 0, "i_metering": 0.5}},
                              {"answers": {"nope": 1}}, {"answers": {"b_compliance": 0.3}},
                              {"other": 1}, [], {"answers": []},
                              {"answers": {"b_compliance": None, "m_energy": 1}}],
        }
        # CLI first (on the database as the demo left it, then the assessments it writes).
        cli = [["digital", "model"], ["--format", "json", "digital", "model"],
               ["digital", "show", assessed_d], ["--format", "json", "digital", "show", assessed_d],
               ["digital", "show", "nope"], ["digital", "summary"],
               ["digital", "summary", "--year", "2000"], ["digital", "summary", "--region", "500101"],
               ["green", "factory-model"], ["--format", "json", "green", "factory-model"],
               ["green", "factory", assessed_g], ["--format", "json", "green", "factory", assessed_g],
               ["--format", "csv", "green", "factory", assessed_g],
               ["green", "factory", "nope"], ["green", "factory-summary"],
               ["--format", "json", "green", "factory-summary"],
               ["green", "factory-summary", "--year", "2000"],
               ["green", "factory-summary", "--region", "500101"],
               ["digital", "assess", own], ["green", "factory-assess", own]]
        for kind, cmd in (("digital", ["digital", "assess"]), ("green-factory", ["green", "factory-assess"])):
            for k, b in enumerate(bodies[kind]):
                path = os.path.join(tmp, "%s-%d.json" % (kind, k))
                with open(path, "w") as fh:
                    json.dump(b, fh)
                cli.append(cmd + [other, "--year", "2023", "--answers", path])
                cli.append(["--format", "json"] + cmd + [other, "--year", "2022", "--answers", path])
            cli.append(cmd + [other, "--year", "1800", "--answers", path])
            cli.append(cmd + [other, "--year", "2023", "--answers", os.path.join(tmp, "none.json")])
        for args in cli:
            p = H.run_cc(*args, ok=False)
            emit("cli " + " ".join(a if tmp not in a else os.path.basename(a) for a in args),
                 b"rc=%d\n" % p.returncode + p.stdout + b"\n--stderr\n" + p.stderr)
        H.serve()
        sess = {}
        for role, user in [("admin", "admin9"), ("analyst", "ana9"), ("chief", "chief9"),
                           ("enterprise", "ent9"), ("anonymous", None)]:
            sess[role] = H.login(user) if user else (None, None)
        reqs = [("GET", "/api/v1/digital/model", None), ("GET", "/api/v1/green/factory/model", None)]
        for base, kind in (("digital", "digital"), ("green-factory", "green-factory")):
            for u in (own, other, assessed_d, assessed_g, "91500000NOPE00000X"):
                reqs.append(("GET", "/api/v1/enterprises/%s/%s" % (u, base), None))
            for b in bodies[kind]:
                for u in (own, other):
                    reqs.append(("PUT", "/api/v1/enterprises/%s/%s/2024" % (u, base), b))
            reqs.append(("PUT", "/api/v1/enterprises/%s/%s/1800" % (own, base), bodies[kind][0]))
            reqs.append(("PUT", "/api/v1/enterprises/%s/%s/20x4" % (own, base), bodies[kind][0]))
        for summ in ("/api/v1/digital/summary", "/api/v1/green/factory/summary"):
            for q in ("", "?year=2024", "?year=1990", "?region=500101", "?region=5001",
                      "?year=abc", "?region=0"):
                reqs.append(("GET", summ + q, None))
        for role, (cookie, csrf) in sess.items():
            for method, path, body in reqs:
                st, _, raw = H.request(method, path, body, cookie=cookie, csrf=csrf)
                emit("%s %s %s %s" % (role, method, path, json.dumps(body, sort_keys=True)),
                     b"%d\n" % st + raw)
        db = sqlite3.connect(H.db)
        for table in ("maturity_assessments", "green_factory_assessments"):
            rows = db.execute("SELECT * FROM %s ORDER BY enterprise_id, year" % table).fetchall()
            emit("rows " + table, "\n".join(repr(r) for r in rows).encode())
        rows = db.execute("SELECT actor, action, target FROM audit WHERE action LIKE 'digital%' "
                          "OR action LIKE 'green%' ORDER BY id").fetchall()
        emit("audit", "\n".join(repr(r) for r in rows).encode())
    finally:
        H.close()


main()
