#!/usr/bin/env python3
"""Live-data benchmark (issue 12), driven by bench/live.sh against a running server.

Measures, on the server's database:
  (a) write-to-visible: one indicator write (PUT employees) by an analyst session, until a
      second session's list sorted by employees shows it (and the chain page answers);
  (b) read latency of the list and chain queries, with no writes and while 50 writes/s
      stream in (another session, other enterprises);
  (c) the longest read stall while a CLI import of 10,000 indicator rows runs beside;
and prints each beside its no-write baseline. Standard library only.
"""
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time

PORT = int(os.environ["PORT"])
DB = os.environ["DB"]
CC = os.environ["CC"]
WORK = os.environ["WORK"]
# (a)'s writes (not RUNS: bench/live.sh's RUNS counts its bench_frame runs).
RUNS = int(os.environ.get("WRITES_A", "200"))


def request(method, path, body=None, cookie=None, csrf=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        h = {}
        if cookie:
            h["Cookie"] = "cc_session=" + cookie
        if csrf:
            h["X-CSRF-Token"] = csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return r.status, r.getheader("Set-Cookie") or "", r.read()
    finally:
        conn.close()


def login(user, password):
    st, cookie, body = request("POST", "/api/v1/login", {"username": user, "password": password})
    if st != 200:
        sys.exit("login %s failed: %s" % (user, body[:200]))
    m = re.search(r"cc_session=([0-9a-f]{64})", cookie)
    return m.group(1), json.loads(body)["csrf"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def summary(xs):
    return "p50 %7.2f  p99 %7.2f  max %7.2f ms (n=%d)" % (
        pct(xs, 50) * 1e3, pct(xs, 99) * 1e3, max(xs) * 1e3, len(xs))


def main():
    a_cookie, a_csrf = login("bench_writer", "bench-writer-pass-1")
    b_cookie, _ = login("bench_reader", "bench-reader-pass-1")
    w_cookie, w_csrf = login("bench_stream", "bench-stream-pass-1")
    st, _, body = request("GET", "/api/v1/enterprises?limit=1&sort=revenue&order=desc",
                          cookie=b_cookie)
    year = json.loads(body)["items"][0].get("year")
    import sqlite3
    con = sqlite3.connect(DB)
    ids = [r[0] for r in con.execute(
        "SELECT e.uscc FROM enterprises e JOIN indicators i ON i.enterprise_id = e.id "
        "AND i.period = ? WHERE e.region BETWEEN 500000 AND 509999 ORDER BY e.id LIMIT 10000", (year * 100,))]
    con.close()
    rnd = random.Random(12)
    lst = "/api/v1/enterprises?region=500000&sort=employees&order=desc&year=%d&limit=50" % year
    chain = "/api/v1/chains/nev?year=%d" % year

    def timed_get(path, cookie):
        t = time.perf_counter()
        st, _, body = request("GET", path, cookie=cookie)
        if st != 200:
            raise RuntimeError("%s: %d %s" % (path, st, body[:200]))
        return time.perf_counter() - t, body

    # Warm: the sorted order and the chain page.
    timed_get(lst, b_cookie)
    timed_get(chain, b_cookie)

    sections = os.environ.get("SECTIONS", "abc")
    if "a" in sections:
        section_a(lst, chain, ids, year, a_cookie, a_csrf, b_cookie, timed_get)
    if "b" in sections:
        section_b(lst, chain, ids, year, rnd, b_cookie, w_cookie, w_csrf, timed_get)
    if "c" in sections:
        section_c(lst, ids, year, b_cookie, timed_get)


def section_a(lst, chain, ids, year, a_cookie, a_csrf, b_cookie, timed_get):
    # (a) write to visible.
    vis, chain_after = [], []
    big = 10_000_000
    for k in range(RUNS):
        u = ids[k % len(ids)]
        big += 1
        t0 = time.perf_counter()
        st, _, body = request("PUT", "/api/v1/enterprises/%s/indicators/%d" % (u, year),
                              {"employees": big}, cookie=a_cookie, csrf=a_csrf)
        if st != 200:
            sys.exit("write failed: %s" % body[:200])
        while True:
            if time.perf_counter() - t0 > 30:
                sys.exit("write %d to %s not visible after 30 s" % (big, u))
            _, body = timed_get(lst, b_cookie)
            items = json.loads(body)["items"]
            if items and items[0]["uscc"] == u and items[0]["employees"] == big:
                break
        vis.append(time.perf_counter() - t0)
        chain_after.append(timed_get(chain, b_cookie)[0])
    print("(a) write-to-visible, another session's list sorted by the metric: " + summary(vis))
    print("    chain page right after each write:                         " +
          summary(chain_after))



def section_b(lst, chain, ids, year, rnd, b_cookie, w_cookie, w_csrf, timed_get):
    # (b) reads with no writes, then with 50 writes/s.
    def reads(seconds):
        lat_l, lat_c = [], []
        end = time.time() + seconds
        while time.time() < end:
            lat_l.append(timed_get(lst, b_cookie)[0])
            lat_c.append(timed_get(chain, b_cookie)[0])
        return lat_l, lat_c

    base_l, base_c = reads(10)
    stop = threading.Event()
    writes = [0]

    def stream():
        t_next = time.time()
        while not stop.is_set():
            u = ids[rnd.randrange(len(ids))]
            request("PUT", "/api/v1/enterprises/%s/indicators/%d" % (u, year),
                    {"revenue": rnd.randrange(1, 10 ** 6)}, cookie=w_cookie, csrf=w_csrf)
            writes[0] += 1
            t_next += 0.02
            time.sleep(max(0.0, t_next - time.time()))

    th = threading.Thread(target=stream)
    th.start()
    live_l, live_c = reads(10)
    stop.set()
    th.join()
    print("(b) list, no writes:              " + summary(base_l))
    print("    list, %4.0f writes/s:          " % (writes[0] / 10.0) + summary(live_l))
    print("    chain page, no writes:        " + summary(base_c))
    print("    chain page, with the writes:  " + summary(live_c))



def section_c(lst, ids, year, b_cookie, timed_get):
    # (c) a CLI import of 10,000 indicator rows while serving.
    path = os.path.join(WORK, "ind10k.csv")
    with open(path, "w") as f:
        f.write("uscc,period,employees\n")
        for k in range(10000):
            # Employees above any firm's R&D staff (the importer rejects fewer employees
            # than R&D staff), new on every run so each row writes.
            f.write("%s,%d,%d\n" % (ids[k % len(ids)], year - k // len(ids),
                                    1000000 + k + int(time.time()) % 1000))
    stop = threading.Event()
    stall = []

    def poll():
        while not stop.is_set():
            stall.append(timed_get(lst, b_cookie)[0])

    th = threading.Thread(target=poll)
    th.start()
    time.sleep(1)
    t0 = time.time()
    out = subprocess.run([CC, "--db", DB, "import", path], check=True, capture_output=True,
                         text=True).stdout.strip()
    t_imp = time.time() - t0
    time.sleep(2)
    stop.set()
    th.join()
    print("(c) reads during a CLI import of 10,000 indicator rows (%.1f s): " % t_imp +
          summary(stall) + "; longest stall %.1f ms" % (max(stall) * 1e3))
    print("    " + out)


if __name__ == "__main__":
    main()
