#!/usr/bin/python3
"""Several servers on one PostgreSQL database (issue 18, item 4). Needs CC (the binary) and
CC_TEST_PG (a throw-away database: its public schema is dropped); scripts/test.sh runs it on
the server of scripts/pg_tmp.sh. Python standard library only.

  1. Two servers A and B on CC_TEST_PG: B's follower LISTENs (it says so); a session made on A
     answers on B with its CSRF token; failed logins on A and B count together; a logout on A
     and an account disabled by the CLI end the session on both servers within the session
     cache's second (refused on A at once after its own logout); N renames on
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
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
from harness import Checks, Server, pct, run_cc, until  # noqa: E402 (tests/api first)

PG = os.environ["CC_TEST_PG"]
PG_TMP = os.path.join(HERE, "..", "..", "scripts", "pg_tmp.sh")
TMP = tempfile.mkdtemp(prefix="cc-pgservers-")
PASSWORD = "Servers-test-pass-1"
WRITES = int(os.environ.get("CC_TEST_WRITES", "120"))
BOUND = 2.0
# What a read of B may raise or find while a server reconnects (taken as not seen yet).
NOT_YET = (OSError, http.client.HTTPException, KeyError, TypeError)
C = Checks()
check = C.check


def run(*args):
    run_cc(*args, timeout=600)


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", url, "-c", sql], check=True,
                          stdout=subprocess.PIPE).stdout.decode()


def serve(name, db, *args):
    """A server on db (args after its listen address), its files and stderr (NAME.err) in
    TMP."""
    return Server(db, env={"CHAINCHIEF_FILES": os.path.join(TMP, name)},
                  err=os.path.join(TMP, name + ".err"), args=args)


def login(s, user="admin1"):
    """Logs user in on server s; its calls go with the session from then on."""
    s.cookie, s.csrf = s.login(user, PASSWORD)


def seen(fn, bound=BOUND):
    """until(), a reconnecting server's errors taken as not seen yet."""
    return until(fn, bound, NOT_YET)


def rename_until_seen(a, b, path, name, tries=1):
    """PATCH the name on A (retrying a failed call TRIES times), then read B until it shows;
    returns the seconds from sending to seen, or None."""
    t0 = time.monotonic()
    for k in range(tries):
        try:
            if a.call("PATCH", path, {"name": name})[0] == 200:
                break
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    else:
        return None
    took = seen(lambda: b.call("GET", path)[2]["enterprise"]["name"] == name)
    return None if took is None else time.monotonic() - t0


def two_servers():
    psql(PG, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; "
         "CREATE SCHEMA public; CREATE EXTENSION IF NOT EXISTS pg_trgm")
    run("--db", PG, "demo", "--enterprises", "300", "--no-accounts")
    run("--db", PG, "user", "add", "admin1", "--role", "admin", "--password", PASSWORD)
    run("--db", PG, "user", "add", "analyst1", "--role", "analyst", "--password", PASSWORD)
    servers = []
    try:
        servers.append(serve("a", PG))
        servers.append(serve("b", PG))
        a, b = servers
        # The follower thread says so once its connection is made, which may be after the
        # server first answers.
        check(seen(lambda: "LISTEN cc_changes" in b.stderr(), 30) is not None,
              "B's follower listens for changes", b.stderr()[-400:])
        login(a)
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

        # The session cache (auth.c; CC_SESSION_CACHE_MS, 1 s by default): a logout on A ends
        # the session on A at once and on B within that time, where B still knew it from a
        # moment before; disabling the account from another process (the CLI) ends a
        # session on both within that time. (Checked against 2.5 s: a loaded test machine.)
        run("--db", PG, "user", "add", "analyst2", "--role", "analyst", "--password", PASSWORD)
        ck, cs = a.login("analyst2", PASSWORD)
        session = lambda s, c: s.call("GET", "/api/v1/session", cookie=c)[0]  # noqa: E731
        t0 = time.monotonic()
        st_b = session(b, ck)  # B keeps it
        st_out = a.call("POST", "/api/v1/logout", cookie=ck, csrf=cs)[0]
        st_a, st_b2 = session(a, ck), session(b, ck)
        quick = time.monotonic() - t0 < 0.5
        gone = until(lambda: session(b, ck) == 401, 5)
        check(st_b == 200 and st_out == 200 and st_a == 401 and (st_b2 == 200 or not quick)
              and gone is not None and gone <= 2.5,
              "a logout on A: refused on A at once, on B %s later (B knew it a moment "
              "before: %d)" % ("%.2f s" % gone if gone is not None else "never", st_b2),
              (st_b, st_out, st_a, st_b2, quick, gone))
        ck2, _ = b.login("analyst2", PASSWORD)
        st = [session(s, ck2) for s in (a, b)]
        run("--db", PG, "user", "disable", "analyst2")
        gone2 = [until(lambda s=s: session(s, ck2) == 401, 5) for s in (a, b)]
        check(st == [200, 200] and all(g is not None and g <= 2.5 for g in gone2),
              "an account disabled by the CLI: its session refused on A and B within 2.5 s",
              (st, gone2))

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
        lat2 = [rename_until_seen(a, b, path, "重连之后改名%d" % k) for k in range(10)]
        ok = [x for x in lat2 if x is not None]
        check(len(ok) == 10, "and the next 10 as well (B listens again)", lat2)
        if ok:
            print("# after the reconnection: p50 %.1f ms, max %.1f ms"
                  % (pct(ok, 50) * 1000, max(ok) * 1000))
    finally:
        for s in servers:
            s.stop()


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
        servers.append(serve("w", primary))
        servers.append(serve("c", both, "--db-read", replica))
        w, c = servers
        check(seen(lambda: "built and followed from the standby" in c.stderr()
                   and "polling the change log" in c.stderr(), 30) is not None,
              "C builds and follows its frame from the standby", c.stderr()[-400:])
        login(w)
        login(c)
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
        t = seen(lambda: c.call("GET", path)[2]["enterprise"]["name"] == "经备库服务器写入")
        check(t is not None, "and C reads its own write from the standby", t)
        # Failover: the primary stops, the standby is promoted.
        subprocess.run(["bash", PG_TMP, "kill", primary], check=True)
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
    return C.summary()


if __name__ == "__main__":
    sys.exit(main())
