#!/usr/bin/python3
"""The HTTP API on PostgreSQL against SQLite: the same demo in both, a server on each, every
GET route of the OpenAPI document without path parameters answered alike (JSON with time
stamps and the CSRF token masked), then writes through the API (a case opened, commented and
moved; an enterprise edited) read back alike from both. Needs CC (the binary) and CC_TEST_PG
(a throw-away database: its public schema is dropped); scripts/test.sh runs it on the server
of scripts/pg_tmp.sh. Python standard library only."""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CC = os.environ["CC"]
PG = os.environ["CC_TEST_PG"]
TMP = tempfile.mkdtemp(prefix="cc-pgroutes-")
PASSWORD = "Routes-test-pass-1"
passed = failed = 0


def check(cond, msg, detail=None):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + msg)
    else:
        failed += 1
        print("FAIL - " + msg + ("" if detail is None else ": " + str(detail)[:800]))


def run(*args):
    p = subprocess.run([CC] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    if p.returncode != 0:
        raise RuntimeError("chainchief %s: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout.decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, db, name):
        self.name = name
        self.port = free_port()
        env = dict(os.environ, CC_NO_ACCESS_LOG="1", CHAINCHIEF_FILES=os.path.join(TMP, name))
        self.proc = subprocess.Popen([CC, "--db", db, "serve", "--listen",
                                      "127.0.0.1:%d" % self.port], env=env,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(TMP, name + ".err"), "wb"))
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                self.call("GET", "/api/v1/openapi.json")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        self.csrf = self.call("POST", "/api/v1/login",
                              {"username": "admin1", "password": PASSWORD})[1]["csrf"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data,
                                     method=method)
        req.add_header("Content-Type", "application/json")
        if getattr(self, "csrf", None):
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=120) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


STAMP = re.compile(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def masked(v):
    s = json.dumps(v, ensure_ascii=False, sort_keys=True)
    s = STAMP.sub("STAMP", s)
    return re.sub(r'"csrf": "[0-9a-f]+"', '"csrf": "X"', s)


def main():
    subprocess.run(["psql", "-X", "-q", PG, "-c", "SET client_min_messages = warning; "
                    "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], check=True)
    lite = os.path.join(TMP, "s.db")
    for db in (lite, PG):
        run("--db", db, "demo", "--enterprises", "300", "--no-accounts")
        run("--db", db, "user", "add", "admin1", "--role", "admin", "--password", PASSWORD)
    a, b = Server(lite, "sqlite"), Server(PG, "postgresql")
    try:
        doc = a.call("GET", "/api/v1/openapi.json")[1]
        paths = sorted(p for p, ops in doc["paths"].items() if "get" in ops and "{" not in p)
        check(len(paths) >= 40, "the OpenAPI document lists the GET routes", len(paths))
        for p in paths:
            sa, ja = a.call("GET", p)
            sb, jb = b.call("GET", p)
            if p == "/api/v1/audit":  # ids and actions alike; the login rows' times differ
                ja = [(x["action"], x["target"]) for x in ja["items"]]
                jb = [(x["action"], x["target"]) for x in jb["items"]]
            check(sa == sb and masked(ja) == masked(jb), "GET %s alike (%d)" % (p, sb),
                  "%d/%d %s" % (sa, sb, masked(jb)[:300]) if sa != sb or masked(ja) != masked(jb)
                  else None)
        # Writes: an enterprise's case opened, commented and moved; read back alike.
        uscc = a.call("GET", "/api/v1/enterprises?limit=1")[1]["items"][0]["uscc"]
        for s in (a, b):
            st, c = s.call("POST", "/api/v1/cases", {"uscc": uscc, "kind": "finance",
                                                     "title": "贷款贴息申请",
                                                     "department": "金融办"})
            check(st in (200, 201), "%s: case opened" % s.name, c)
            cid = c.get("id") if isinstance(c, dict) else None
            st, c = s.call("POST", "/api/v1/cases/%s/comments" % cid, {"text": "已受理"})
            check(st in (200, 201), "%s: case commented" % s.name, c)
            st, c = s.call("POST", "/api/v1/cases/%s/moves" % cid, {"to": "in_progress",
                                                                "comment": "材料齐全"})
            check(st in (200, 201), "%s: case moved" % s.name, c)
        ca, cb = a.call("GET", "/api/v1/cases")[1], b.call("GET", "/api/v1/cases")[1]
        check(masked(ca) == masked(cb), "the cases read back alike", masked(cb)[:300])
    finally:
        a.stop()
        b.stop()
    print("%d passed, %d failed" % (passed, failed))
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
