#!/usr/bin/python3
"""One run of the reporting benchmark (issue 15), printing `RESULT key=value` lines for
bench/alternate.py. Run by bench/report.sh.

    report.py api     PORT=… DB=… SUBMIT=N WRITERS=W READ_RATE=R
    report.py sqlite  DB=… SUBMIT=N

api: a fresh annual plan over every enterprise is created and its period opened through the
API; W writer threads (analyst sessions: an account per enterprise would cost 100,000 Argon2id
log-ins first) submit N reports as fast as the server takes them, with an explanation (so soft
rules never hold a submission back), while one reader thread asks for the plan's completion
page and another for the district totals (GET /areas), each R times a second. Then one report
is accepted with a new output value and the district totals are polled until they show it.
Prints subs_per_s, submit_p50/p99 (ms), completion_p99 and areas_p99 (ms, under the load),
accept_ms and visible_ms (from sending the accept to the district total holding the value).

sqlite: the floor the store allows: the same rows a submission writes (its values, the status,
an audit row), one transaction per report, written straight into the database by Python's
sqlite3 on one connection (WAL, synchronous=NORMAL as the server sets it), with no HTTP, no
session, no rules and no reads. Prints subs_per_s.

Standard library only.
"""
import http.client
import json
import os
import random
import sqlite3
import sys
import threading
import time

PASSWORD = "bench-report-pass-1"
VALUES = {"output_value": 1.2e6, "revenue": 1e6, "employees": 1e5, "rd_staff": 4.0}


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


class Client:
    def __init__(self, port, user):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        st, hd, body = self.call("POST", "/api/v1/login", {"username": user, "password": PASSWORD})
        if st != 200:
            raise SystemExit("login %s: %d %s" % (user, st, body[:200]))
        self.cookie = [v for k, v in hd if k.lower() == "set-cookie"][0].split(";")[0]
        self.csrf = json.loads(body)["csrf"]

    def call(self, method, path, body=None):
        h = {}
        if getattr(self, "cookie", None):
            h["Cookie"] = self.cookie
            if method != "GET":
                h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=data, headers=h)
                r = self.conn.getresponse()
                return r.status, r.getheaders(), r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        raise SystemExit("%s %s failed three times" % (method, path))


def run_api():
    port = int(os.environ["PORT"])
    n = int(os.environ.get("SUBMIT", "5000"))
    writers = int(os.environ.get("WRITERS", "8"))
    rate = float(os.environ.get("READ_RATE", "2"))
    admin = Client(port, "bench_w0")
    name = "bench-%d-%d" % (os.getpid(), int(time.time() * 1000))
    st, _, body = admin.call("POST", "/api/v1/report-plans", {
        "name": name, "metrics": list(VALUES), "rule": "all", "frequency": "annual"})
    if st != 201:
        raise SystemExit("plan: %d %s" % (st, body[:300]))
    plan = json.loads(body)["id"]
    year = time.gmtime().tm_year - 1
    st, _, body = admin.call("POST", "/api/v1/report-plans/%d/open" % plan, {"period": str(year)})
    if st != 200:
        raise SystemExit("open: %d %s" % (st, body[:300]))
    st, _, body = admin.call("GET", "/api/v1/reports?plan=%d&limit=%d" % (plan, n + 1))
    reports = json.loads(body)["reports"]
    # The probe (accepted at the end): a Chongqing firm, so its district is a map area, a
    # different one each run (another run's accepted value must not hide this one's).
    cq = [r for r in reports if r["region"] // 10000 == 50] or reports
    probe = random.choice(cq)
    todo = [r for r in reports if r["id"] != probe["id"]][:n]
    clients = [admin] + [Client(port, "bench_w%d" % i) for i in range(1, writers)]
    readers = [Client(port, "bench_r0"), Client(port, "bench_r1")]

    lat, errors, lock, nxt = [], [0], threading.Lock(), [0]
    done = threading.Event()

    def writer(c):
        mine = []
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(todo):
                break
            t0 = time.perf_counter()
            st, _, body = c.call("POST", "/api/v1/reports/%d/submit" % todo[i]["id"],
                                 {"values": VALUES, "explanation": "bench"})
            mine.append(time.perf_counter() - t0)
            if st != 200:
                with lock:
                    errors[0] += 1
                    if errors[0] <= 3:
                        sys.stderr.write("submit: %d %s\n" % (st, body[:200]))
        with lock:
            lat.extend(mine)

    reads = {"completion": [], "areas": []}
    district = str(probe["region"])

    def reader(c, what):
        path = ("/api/v1/report-plans/%d/completion" % plan) if what == "completion" else \
            ("/api/v1/areas?scope=%s&year=%d" % (district, year))
        while not done.is_set():
            t0 = time.perf_counter()
            st, _, _ = c.call("GET", path)
            reads[what].append(time.perf_counter() - t0)
            done.wait(max(0.0, 1.0 / rate - (time.perf_counter() - t0)))

    rts = [threading.Thread(target=reader, args=(readers[0], "completion")),
           threading.Thread(target=reader, args=(readers[1], "areas"))]
    for t in rts:
        t.start()
    t0 = time.perf_counter()
    wts = [threading.Thread(target=writer, args=(c,)) for c in clients]
    for t in wts:
        t.start()
    for t in wts:
        t.join()
    wall = time.perf_counter() - t0
    done.set()
    for t in rts:
        t.join()

    # Accept one report with a new output value; poll the district's total until it shows.
    def area_output():
        st, _, body = readers[1].call("GET", "/api/v1/areas?scope=%s&year=%d" % (district, year))
        a = json.loads(body)
        return sum((x.get("output_value") or 0) for x in a["areas"]) + \
            (a["unplaced"].get("output_value") or 0)
    before = area_output()
    v = dict(VALUES, output_value=1.5e6 + random.randint(1, 10 ** 6))
    admin.call("POST", "/api/v1/reports/%d/submit" % probe["id"], {"values": v, "explanation": "b"})
    t0 = time.perf_counter()
    st, _, body = admin.call("POST", "/api/v1/reports/%d/accept" % probe["id"])
    accept_ms = (time.perf_counter() - t0) * 1000
    if st != 200:
        raise SystemExit("accept: %d %s" % (st, body[:300]))
    while abs(area_output() - before) < 1e-6 and time.perf_counter() - t0 < 30:
        time.sleep(0.005)
    visible_ms = (time.perf_counter() - t0) * 1000
    print("RESULT subs_per_s=%.1f submit_p50=%.2f submit_p99=%.2f completion_p99=%.1f "
          "areas_p99=%.1f accept_ms=%.1f visible_ms=%.1f errors=%d submitted=%d" % (
              len(lat) / wall, pct(lat, 0.5) * 1000, pct(lat, 0.99) * 1000,
              pct(reads["completion"], 0.99) * 1000, pct(reads["areas"], 0.99) * 1000,
              accept_ms, visible_ms, errors[0], len(lat)))


def run_sqlite():
    n = int(os.environ.get("SUBMIT", "5000"))
    con = sqlite3.connect(os.environ["DB"], isolation_level=None, timeout=30)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    name = "peer-%d-%d" % (os.getpid(), int(time.time() * 1000))
    year = time.gmtime().tm_year - 1
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO report_plans(name, metrics, rule, frequency, open_days, due_days) "
                "VALUES(?, ?, 'all', 'annual', 1, 90)", (name, ",".join(VALUES)))
    plan = con.execute("SELECT last_insert_rowid()").fetchone()[0]
    con.execute("INSERT INTO reports(plan_id, enterprise_id, period, due) SELECT ?, id, ?, "
                "'2099-01-01' FROM enterprises", (plan, year * 100))
    con.execute("COMMIT")
    ids = [r[0] for r in con.execute("SELECT id FROM reports WHERE plan_id = ? ORDER BY id "
                                     "LIMIT ?", (plan, n))]
    t0 = time.perf_counter()
    for rid in ids:
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM report_values WHERE report_id = ?", (rid,))
        con.executemany("INSERT INTO report_values(report_id, metric, value) VALUES(?, ?, ?)",
                        [(rid, k, v) for k, v in VALUES.items()])
        con.execute("UPDATE reports SET status = 'submitted', explanation = 'bench', "
                    "submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), submitted_by = 'peer' "
                    "WHERE id = ?", (rid,))
        con.execute("INSERT INTO audit(actor, action, target, after) VALUES('peer', "
                    "'report.submit', ?, ?)", ("report %d" % rid, json.dumps(VALUES)))
        con.execute("COMMIT")
    wall = time.perf_counter() - t0
    print("RESULT subs_per_s=%.1f submitted=%d" % (len(ids) / wall, len(ids)))


if __name__ == "__main__":
    {"api": run_api, "sqlite": run_sqlite}[sys.argv[1]]()
