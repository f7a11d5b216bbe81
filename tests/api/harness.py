"""
Shared set-up of the HTTP API tests (test_desk.py, test_map.py, test_search.py): a scratch
database, `chainchief` run on it, a server on a free port, a request helper, logging in and the
ok/FAIL counter. Not a test itself (CTest runs tests/api/test_*.py only); the tests import it
from their own directory, which Python puts first on sys.path.

Python 3 standard library only (psycopg2 on PostgreSQL). $CC is the chainchief binary (set by
CTest). With $CC_TEST_PG set (scripts/test.sh's PostgreSQL pass), the scratch database is a new
PostgreSQL database on that server instead of an SQLite file (testdb.py); H.db is what --db
takes either way, and H.connect() the tests' own connection to it.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import testdb

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("CC_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
CC = os.environ.get("CC") or os.path.join(SRC, "build", "chainchief")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Harness:
    """One test file's scratch database, server and ok/FAIL counts."""

    def __init__(self, name, password, timeout=120):
        self.tmp = tempfile.mkdtemp(prefix="cc-%s-" % name)
        self.db = testdb.new_database(self.tmp, name)
        self.password = password
        self.timeout = timeout
        self.port = free_port()
        self.server = None
        self.passed = self.failed = 0

    def check(self, cond, msg, detail=None):
        if cond:
            self.passed += 1
            print("ok - " + msg)
        else:
            self.failed += 1
            print("FAIL - " + msg + ("" if detail is None else ": " + str(detail)[:600]))
        return bool(cond)

    def run_cc(self, *args, ok=True):
        p = subprocess.run([CC, "--db", self.db] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        if ok and p.returncode != 0:
            raise RuntimeError("chainchief %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                              p.stderr.decode(errors="replace")))
        return p

    def request(self, method, path, body=None, cookie=None, csrf=None, ctype=None):
        """A dict body is sent as JSON; bytes are sent as they are, with ctype if given. The
        CSRF token, when given, goes with every method but GET."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            h = {}
            if cookie:
                h["Cookie"] = "cc_session=" + cookie
                if csrf and method != "GET":
                    h["X-CSRF-Token"] = csrf
            if isinstance(body, dict):
                body = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            elif ctype:
                h["Content-Type"] = ctype
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            conn.close()

    def login(self, user):
        """Logs user in; returns the session cookie and the CSRF token."""
        st, hd, body = self.request("POST", "/api/v1/login",
                                    {"username": user, "password": self.password})
        m = re.search(r"cc_session=([0-9a-f]{64})", hd.get("set-cookie", ""))
        if st != 200 or not m:
            raise RuntimeError("login %s: %d %r" % (user, st, body[:200]))
        return m.group(1), json.loads(body)["csrf"]

    def serve(self):
        """Starts `chainchief serve` on the database and waits (60 s at most) for it to answer."""
        env = dict(os.environ, CC_NO_ACCESS_LOG="1", **testdb.files_env(self.db, self.tmp))
        self.server = subprocess.Popen(
            [CC, "--db", self.db, "serve", "--listen", "127.0.0.1:%d" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.request("GET", "/api/v1/openapi.json")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)

    def connect(self):
        """The test's own connection to the database (sqlite3's, or testdb's on PostgreSQL)."""
        return testdb.connect(self.db)

    def close(self):
        """Stops the server (if it runs), drops the PostgreSQL database and removes the scratch
        directory."""
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
        try:
            testdb.drop_database(self.db)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def summary(self):
        """Prints the counts; returns the exit status (1 if anything failed)."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
