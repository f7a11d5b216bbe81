#!/usr/bin/python3
"""The HTTP API on PostgreSQL against SQLite: the same demo in both, a server on each, every
GET route of the OpenAPI document without path parameters answered alike (JSON with time
stamps and the CSRF token masked), then writes through the API (a case opened, commented and
moved; an enterprise renamed and an indicator written) read back alike from both. Needs
CC_TEST_PG (a throw-away database: its public schema is dropped) and CC (the binary; default
build/chainchief); scripts/test.sh runs it on the server of scripts/pg_tmp.sh. Python standard
library only; the helpers are tests/api/harness.py's."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from harness import Checks, Server, run_cc  # noqa: E402 (tests/api on the path first)

PG = os.environ["CC_TEST_PG"]
TMP = tempfile.mkdtemp(prefix="cc-pgroutes-")
PASSWORD = "Routes-test-pass-1"
C = Checks()
check = C.check


STAMP = re.compile(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def masked(v):
    s = json.dumps(v, ensure_ascii=False, sort_keys=True)
    s = STAMP.sub("STAMP", s)
    return re.sub(r'"csrf": "[0-9a-f]+"', '"csrf": "X"', s)


def main():
    servers = []
    try:
        subprocess.run(["psql", "-X", "-q", PG, "-c", "SET client_min_messages = warning; "
                        "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], check=True)
        lite = os.path.join(TMP, "s.db")
        for db, name in ((lite, "sqlite"), (PG, "postgresql")):
            run_cc("--db", db, "demo", "--enterprises", "300", "--no-accounts", timeout=600)
            run_cc("--db", db, "user", "add", "admin1", "--role", "admin", "--password",
                   PASSWORD)
            s = Server(db, env={"CHAINCHIEF_FILES": os.path.join(TMP, name)},
                       err=os.path.join(TMP, name + ".err"))
            servers.append(s)
            s.name = name
            s.cookie, s.csrf = s.login("admin1", PASSWORD)
        a, b = servers
        doc = a.call("GET", "/api/v1/openapi.json")[2]
        paths = sorted(p for p, ops in doc["paths"].items() if "get" in ops and "{" not in p)
        check(len(paths) >= 40, "the OpenAPI document lists the GET routes", len(paths))
        for p in paths:
            sa, _, ja = a.call("GET", p)
            sb, _, jb = b.call("GET", p)
            if p == "/api/v1/audit":  # ids and actions alike; the login rows' times differ
                ja = [(x["action"], x["target"]) for x in ja["items"]]
                jb = [(x["action"], x["target"]) for x in jb["items"]]
            check(sa == sb and masked(ja) == masked(jb), "GET %s alike (%d)" % (p, sb),
                  "%d/%d %s" % (sa, sb, masked(jb)[:300]) if sa != sb or masked(ja) != masked(jb)
                  else None)
        # Writes: an enterprise's case opened, commented and moved; read back alike.
        uscc = a.call("GET", "/api/v1/enterprises?limit=1")[2]["items"][0]["uscc"]
        for s in (a, b):
            st, _, c = s.call("POST", "/api/v1/cases", {"uscc": uscc, "kind": "finance",
                                                        "title": "贷款贴息申请",
                                                        "department": "金融办"})
            check(st in (200, 201), "%s: case opened" % s.name, c)
            cid = c.get("id") if isinstance(c, dict) else None
            st, _, c = s.call("POST", "/api/v1/cases/%s/comments" % cid, {"text": "已受理"})
            check(st in (200, 201), "%s: case commented" % s.name, c)
            st, _, c = s.call("POST", "/api/v1/cases/%s/moves" % cid, {"to": "in_progress",
                                                                   "comment": "材料齐全"})
            check(st in (200, 201), "%s: case moved" % s.name, c)
        ca, cb = a.call("GET", "/api/v1/cases")[2], b.call("GET", "/api/v1/cases")[2]
        check(masked(ca) == masked(cb), "the cases read back alike", masked(cb)[:300])
        # The enterprise edited (its name and an indicator), as the docstring says.
        path = "/api/v1/enterprises/" + uscc
        for s in (a, b):
            st, _, j = s.call("PATCH", path, {"name": "两库同改有限公司"})
            check(st == 200, "%s: enterprise renamed" % s.name, j)
            st, _, j = s.call("PUT", path + "/indicators/2024", {"employees": 4321})
            check(st == 200, "%s: indicator written" % s.name, j)
        ea, eb = a.call("GET", path)[2], b.call("GET", path)[2]
        check(masked(ea) == masked(eb) and eb["enterprise"]["name"] == "两库同改有限公司",
              "the edited enterprise reads back alike", masked(eb)[:300])
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(TMP, ignore_errors=True)
    return C.summary()


if __name__ == "__main__":
    sys.exit(main())
