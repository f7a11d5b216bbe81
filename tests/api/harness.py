"""
Shared set-up of the HTTP API tests (test_desk.py, test_map.py, test_search.py, ...): a
scratch database, `chainchief` run on it, a server on a free port, a request helper, logging in
and the ok/FAIL counter. Not a test itself (CTest runs tests/api/test_*.py only); the tests
import it from their own directory, which Python puts first on sys.path; tests/pg/*.py and
bench/servers.py put tests/api on it.

Besides the Harness: free_port, request and login on any port; Server, one more `chainchief
serve` (several on one database); Client, a kept-alive connection for latencies; until, a
wait-until; pct, a percentile.

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


def run_cc(*args, ok=True, timeout=300):
    """Runs chainchief with args; raises, with its stderr, when ok and it fails."""
    p = subprocess.run([CC] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if ok and p.returncode != 0:
        raise RuntimeError("chainchief %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                          p.stderr.decode(errors="replace")))
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None, cookie=None, csrf=None, ctype=None, timeout=120):
    """One request on a new connection to the server on port; returns the status, the headers
    (names in lower case) and the body. A dict body is sent as JSON; bytes are sent as they
    are, with ctype if given. The CSRF token, when given, goes with every method but GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
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


def login(port, user, password, timeout=120):
    """Logs user in on the server on port; returns the session cookie and the CSRF token."""
    st, hd, body = request(port, "POST", "/api/v1/login",
                           {"username": user, "password": password}, timeout=timeout)
    m = re.search(r"cc_session=([0-9a-f]{64})", hd.get("set-cookie", ""))
    if st != 200 or not m:
        raise RuntimeError("login %s on port %d: %d %r" % (user, port, st, body[:200]))
    return m.group(1), json.loads(body)["csrf"]


class Client:
    """A kept-alive connection to the server on port, for requests again and again (latencies
    without a connection's set-up): cookie and csrf go with every call unless the call names
    its own; a call that fails drops the connection, and the next one makes a new one."""

    def __init__(self, port, cookie=None, csrf=None, timeout=60):
        self.port = port
        self.cookie, self.csrf = cookie, csrf
        self.timeout = timeout
        self.conn = None

    def call(self, method, path, body=None, cookie=None, csrf=None):
        """One request (a body as JSON); returns the status, the headers (names in lower case)
        and the body's JSON (None when empty)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        h = {"Content-Type": "application/json"}
        cookie = cookie or self.cookie
        csrf = csrf or self.csrf
        if cookie:
            h["Cookie"] = "cc_session=" + cookie
        if csrf and method != "GET":
            h["X-CSRF-Token"] = csrf
        try:
            self.conn.request(method, path, headers=h,
                              body=None if body is None else json.dumps(body).encode())
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        hd = dict((k.lower(), v) for k, v in r.getheaders())
        return r.status, hd, json.loads(data or b"null")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Server(Client):
    """`chainchief serve` on db (a file or a postgresql:// URL) on a free port (or port), with
    the environment's variables and env's, CC_NO_ACCESS_LOG=1, and args after the listen
    address. Its stderr goes to the file err (stderr() reads it), else nowhere. Waits (wait
    seconds at most) for it to answer; raises, the process stopped, when it exits or does not
    answer by then. A Client of itself besides (call, with the cookie and csrf set on it)."""

    def __init__(self, db, port=None, env=None, err=None, args=(), wait=60):
        Client.__init__(self, port or free_port())
        self.errpath = err
        full = dict(os.environ, CC_NO_ACCESS_LOG="1", **(env or {}))
        with open(err, "wb") if err else open(os.devnull, "wb") as f:
            self.proc = subprocess.Popen(
                [CC, "--db", db, "serve", "--listen", "127.0.0.1:%d" % self.port] + list(args),
                stdout=subprocess.DEVNULL, stderr=f, env=full)
        deadline = time.time() + wait
        while True:
            try:
                if request(self.port, "GET", "/api/v1/openapi.json", timeout=10)[0] == 200:
                    return
            except OSError:
                pass
            rc = self.proc.poll()
            if rc is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("chainchief serve on %s (port %d) %s: %s" % (
                    db, self.port, "did not answer within %d s" % wait if rc is None
                    else "exited with status %d" % rc, self.stderr()[-600:]))
            time.sleep(0.1)

    def request(self, method, path, body=None, cookie=None, csrf=None, ctype=None,
                timeout=120):
        """request() on this server."""
        return request(self.port, method, path, body, cookie, csrf, ctype, timeout)

    def login(self, user, password):
        """login() on this server."""
        return login(self.port, user, password)

    def stderr(self):
        """What the server wrote to its stderr file so far ("" without one)."""
        if not self.errpath:
            return ""
        with open(self.errpath, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        """SIGTERM, then SIGKILL if it has not stopped within 30 s."""
        self.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def until(fn, bound, catch=()):
    """Calls fn until it returns true (an exception of catch counting as false) or bound
    seconds pass; returns the seconds taken, or None."""
    t0 = time.monotonic()
    while True:
        try:
            if fn():
                return time.monotonic() - t0
        except catch:
            pass
        if time.monotonic() - t0 > bound:
            return None
        time.sleep(0.001)


def pct(xs, p):
    """The p-th percentile of xs (the nearest rank, halves up)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * (len(xs) - 1) + 0.5))]


class Checks:
    """ok/FAIL lines and their counts."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, cond, msg, detail=None):
        if cond:
            self.passed += 1
            print("ok - " + msg)
        else:
            self.failed += 1
            print("FAIL - " + msg + ("" if detail is None else ": " + str(detail)[:600]))
        return bool(cond)

    def summary(self):
        """Prints the counts; returns the exit status (1 if anything failed)."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


class Harness(Checks):
    """One test file's scratch database, server and ok/FAIL counts."""

    def __init__(self, name, password, timeout=120):
        Checks.__init__(self)
        self.tmp = tempfile.mkdtemp(prefix="cc-%s-" % name)
        self.db = testdb.new_database(self.tmp, name)
        self.password = password
        self.timeout = timeout
        self.port = free_port()
        self.server = None

    def run_cc(self, *args, ok=True):
        """run_cc on the database."""
        return run_cc("--db", self.db, *args, ok=ok)

    def request(self, method, path, body=None, cookie=None, csrf=None, ctype=None):
        """request() on this harness's server."""
        return request(self.port, method, path, body, cookie, csrf, ctype, self.timeout)

    def login(self, user):
        """Logs user in; returns the session cookie and the CSRF token."""
        return login(self.port, user, self.password, self.timeout)

    def serve(self):
        """Starts `chainchief serve` on the database and waits (60 s at most) for it to answer."""
        self.server = Server(self.db, port=self.port, env=testdb.files_env(self.db, self.tmp))

    def connect(self):
        """The test's own connection to the database (sqlite3's, or testdb's on PostgreSQL)."""
        return testdb.connect(self.db)

    def close(self):
        """Stops the server (if it runs), drops the PostgreSQL database and removes the scratch
        directory."""
        if self.server is not None:
            self.server.stop()
        try:
            testdb.drop_database(self.db)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
