#!/usr/bin/python3
"""Several servers on one PostgreSQL database (issue 18, item 4). Needs CC (the binary) and
CC_TEST_PG (a throw-away database: its public schema is dropped); scripts/test.sh runs it on
the server of scripts/pg_tmp.sh. Python standard library only.

  1. Two servers A and B on CC_TEST_PG: B's follower LISTENs (it says so); a session made on A
     answers on B with its CSRF token; failed logins on A and B count together; N renames on
     A (N = CC_TEST_WRITES, default 120) each show on B's enterprise page, then its list:
     write-on-A to visible-on-B latency printed as p50/p99 (the issue's target: p99 <= 100
     ms; checked against 250 ms here, for a loaded test machine), measured from the moment
     A's PATCH is sent to the first read of B that shows it.
  2. The fallback: every connection of both servers is terminated; after the first failed
     call the handles connect again, and a rename on A still reaches B (polled, then told
     again once B's follower has listened again).
  3. A standby: a second throw-away cluster (scripts/pg_tmp.sh start) with a streaming
     replica (pg_tmp.sh replica); server C writes to the primary and builds and follows its
     frame from the replica (--db-read); a write through another server on the primary shows
     on C. Then the primary stops and the replica is promoted (pg_tmp.sh promote): C, whose
     --db names both hosts with target_session_attrs=read-write, carries on — a rename through
     C succeeds on the promoted server and C serves it.
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import shutil
import socket

CC = os.environ["CC"]
PG = os.environ["CC_TEST_PG"]
HERE = os.path.dirname(os.path.abspath(__file__))
PG_TMP = os.path.join(HERE, "..", "..", "scripts", "pg_tmp.sh")
TMP = tempfile.mkdtemp(prefix="cc-pgservers-")
PASSWORD = "Servers-test-pass-1"
WRITES = int(os.environ.get("CC_TEST_WRITES", "120"))
BOUND = 2.0
passed = failed = 0


def check(cond, msg, detail=None):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + msg)
    else:
        failed += 1
        print("FAIL - " + msg + ("" if detail is None else ": " + str(detail)[:800]))
    return bool(cond)


def run(*args):
    p = subprocess.run([CC] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    if p.returncode != 0:
        raise RuntimeError("chainchief %s: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout.decode()


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", url, "-c", sql], check=True,
                          stdout=subprocess.PIPE).stdout.decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


class Server:
    def __init__(self, name, db, *extra):
        self.name = name
        self.port = free_port()
        self.errpath = os.path.join(TMP, name + ".err")
        env = dict(os.environ, CC_NO_ACCESS_LOG="1", CHAINCHIEF_FILES=os.path.join(TMP, name))
        self.proc = subprocess.Popen([CC, "--db", db, "serve", "--listen",
                                      "127.0.0.1:%d" % self.port] + list(extra), env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(self.errpath, "wb"))
        self.conn = None
        self.cookie = self.csrf = None
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.call("GET", "/api/v1/openapi.json")[0] == 200:
                    break
            except OSError:
                self.conn = None
                time.sleep(0.2)

    def call(self, method, path, body=None, cookie=None, csrf=None):
        """One request on a kept-alive connection; returns (status, headers, JSON)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Content-Type": "application/json"}
        cookie = cookie or self.cookie
        csrf = csrf or self.csrf
        if cookie:
            h["Cookie"] = "cc_session=" + cookie
        if csrf and method != "GET":
            h["X-CSRF-Token"] = csrf
        try:
            self.conn.request(method, path, body=None if body is None else
                              json.dumps(body).encode(), headers=h)
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.conn = None
            raise
        hd = dict((k.lower(), v) for k, v in r.getheaders())
        return r.status, hd, json.loads(data or b"null")

    def login(self, user="admin1"):
        st, hd, j = self.call("POST", "/api/v1/login", {"username": user, "password": PASSWORD})
        if st != 200:
            raise RuntimeError("login on %s: %d %r" % (self.name, st, j))
        cookie = hd["set-cookie"].split("cc_session=")[1].split(";")[0]
        return cookie, j["csrf"]

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def until(fn, bound=BOUND):
    t0 = time.monotonic()
    while True:
        try:
            if fn():
                return time.monotonic() - t0
        except (OSError, http.client.HTTPException, KeyError, TypeError):
            pass
        if time.monotonic() - t0 > bound:
            return None
        time.sleep(0.001)


def rename_until_seen(a, b, path, name, tries=1):
    """PATCH the name on A (retrying a failed call TRIES times), then read B until it shows;
    returns the seconds from sending to seen, or None."""
    t0 = time.monotonic()
    for k in range(tries):
        try:
            st, _, j = a.call("PATCH", path, {"name": name})
            if st == 200:
                break
        except (OSError, http.client.HTTPException):
            st = None
        time.sleep(0.3)
    else:
        return None
    took = until(lambda: b.call("GET", path)[2]["enterprise"]["name"] == name)
    return None if took is None else time.monotonic() - t0


def two_servers():
    psql(PG, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; "
         "CREATE SCHEMA public; CREATE EXTENSION IF NOT EXISTS pg_trgm")
    run("--db", PG, "demo", "--enterprises", "300", "--no-accounts")
    run("--db", PG, "user", "add", "admin1", "--role", "admin", "--password", PASSWORD)
    run("--db", PG, "user", "add", "analyst1", "--role", "analyst", "--password", PASSWORD)
    a, b = Server("a", PG), Server("b", PG)
    try:
        check("LISTEN cc_changes" in b.stderr(), "B's follower listens for changes",
              b.stderr()[-400:])
        a.cookie, a.csrf = a.login()
        st, _, who = b.call("GET", "/api/v1/session", cookie=a.cookie)
        check(st == 200 and who["user"]["username"] == "admin1" and who["csrf"] == a.csrf,
              "a session made on A answers on B with its CSRF token", (st, who))
        b.cookie, b.csrf = a.cookie, a.csrf
        st, _, _ = b.call("PATCH", "/api/v1/enterprises/x", {"name": "x"}, csrf="0" * 64)
        check(st == 403, "B refuses A's session with a wrong CSRF token", st)
        statuses = []
        for k in range(5):
            s = (a, b)[k % 2]
            statuses.append(s.call("POST", "/api/v1/login",
                                   {"username": "analyst1", "password": "wrong-%d" % k},
                                   cookie="-", csrf="-")[0])
        st_b = b.call("POST", "/api/v1/login", {"username": "analyst1",
                                                "password": PASSWORD}, cookie="-", csrf="-")[0]
        check(statuses == [401] * 5 and st_b == 429,
              "failed logins on A and B count together (5 then 429)", (statuses, st_b))

        uscc = a.call("GET", "/api/v1/enterprises?limit=1")[2]["items"][0]["uscc"]
        path = "/api/v1/enterprises/" + uscc
        lat, late = [], []
        for k in range(WRITES):
            t = rename_until_seen(a, b, path, "甲改名%03d有限公司" % k)
            if t is None:
                late.append(k)
                continue
            lat.append(t)
            if k % 10 == 0:
                items = b.call("GET", "/api/v1/enterprises?uscc=%s&limit=1" % uscc)[2]["items"]
                if items[0]["name"] != "甲改名%03d有限公司" % k:
                    late.append(("list", k))
        check(not late, "%d renames on A each shown by B's enterprise page (and list) within "
              "%.0f s" % (WRITES, BOUND), late)
        if lat:
            p50, p99 = pct(lat, 50) * 1000, pct(lat, 99) * 1000
            print("# write on A -> visible on B (PostgreSQL, LISTEN/NOTIFY): p50 %.1f ms, "
                  "p99 %.1f ms, max %.1f ms over %d writes (target p99 <= 100 ms)"
                  % (p50, p99, max(lat) * 1000, len(lat)))
            check(p99 <= 250, "p99 write-on-A to visible-on-B %.1f ms (<= 250 ms checked)" % p99)

        # The fallback: every connection of the servers cut.
        psql(PG, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
             "datname = current_database() AND pid <> pg_backend_pid()")
        t = rename_until_seen(a, b, path, "断线之后改名有限公司", tries=5)
        check(t is not None, "after every connection was cut, a rename on A reaches B", t)
        time.sleep(1.5)
        lat2 = [rename_until_seen(a, b, path, "重连之后改名%d" % k) for k in range(10)]
        ok = [x for x in lat2 if x is not None]
        check(len(ok) == 10, "and the next 10 as well (B listens again)", lat2)
        if ok:
            print("# after the reconnection: p50 %.1f ms, max %.1f ms"
                  % (pct(ok, 50) * 1000, max(ok) * 1000))
    finally:
        a.stop()
        b.stop()


def standby():
    # synchronous_commit on, as in production: WAL is streamed at each commit (off, the
    # standby would lag by the WAL writer's 200 ms rounds).
    primary = subprocess.run(["bash", PG_TMP, "start"], check=True, stdout=subprocess.PIPE,
                             env=dict(os.environ, PG_TMP_SYNCHRONOUS_COMMIT="on")
                             ).stdout.decode().strip()
    servers = []
    try:
        run("--db", primary, "demo", "--enterprises", "200", "--no-accounts")
        run("--db", primary, "user", "add", "admin1", "--role", "admin", "--password",
            PASSWORD)
        replica = subprocess.run(["bash", PG_TMP, "replica", primary], check=True,
                                 stdout=subprocess.PIPE).stdout.decode().strip()
        check(replica.startswith("postgresql://"), "a streaming standby started", replica)
        # --db names both servers: libpq connects to whichever is the primary.
        q = dict(kv.split("=", 1) for kv in primary.split("?", 1)[1].split("&"))
        rq = dict(kv.split("=", 1) for kv in replica.split("?", 1)[1].split("&"))
        both = ("postgresql:///chainchief?host=%s,%s&port=%s,%s&user=postgres"
                "&target_session_attrs=read-write" % (q["host"], rq["host"], q["port"],
                                                      rq["port"]))
        w = Server("w", primary)
        c = Server("c", both, "--db-read", replica)
        servers = [w, c]
        err = c.stderr()
        check("built and followed from the standby" in err and "polling the change log"
              in err, "C builds and follows its frame from the standby", err[-400:])
        w.cookie, w.csrf = w.login()
        c.cookie, c.csrf = c.login()
        uscc = w.call("GET", "/api/v1/enterprises?limit=1")[2]["items"][0]["uscc"]
        path = "/api/v1/enterprises/" + uscc
        lat = [rename_until_seen(w, c, path, "主库写入%02d" % k) for k in range(20)]
        ok = [x for x in lat if x is not None]
        check(len(ok) == 20, "20 writes on the primary shown by C from the standby", lat)
        if ok:
            print("# write on the primary -> visible on C (standby, polled): p50 %.1f ms, "
                  "max %.1f ms" % (pct(ok, 50) * 1000, max(ok) * 1000))
        t = rename_until_seen(c, w, path, "经备库服务器写入")
        check(t is not None, "a write through C goes to the primary (W serves it)", t)
        t = until(lambda: c.call("GET", path)[2]["enterprise"]["name"] == "经备库服务器写入")
        check(t is not None, "and C reads its own write from the standby", t)
        # Failover: the primary stops, the standby is promoted.
        pdir = q["host"]
        subprocess.run(["bash", "-c", 'as=""; [ "$(id -u)" -eq 0 ] && as="runuser -u '
                        'postgres --"; $as "$(ls -d /usr/lib/postgresql/*/bin | sort -V | '
                        'tail -1)/pg_ctl" -D "%s/data" -m immediate -w stop' % pdir],
                       check=True, stdout=subprocess.DEVNULL)
        w.stop()
        subprocess.run(["bash", PG_TMP, "promote", replica], check=True)
        t = rename_until_seen(c, c, path, "切换之后写入", tries=10)
        check(t is not None, "after the promotion C writes to the promoted server and "
              "serves the write", t)
        st, _, j = c.call("GET", "/api/v1/session")
        check(st == 200, "the session made before the failover still answers", (st, j))
    finally:
        for s in servers:
            s.stop()
        subprocess.run(["bash", PG_TMP, "stop", primary])


def main():
    try:
        two_servers()
        standby()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
