#!/usr/bin/python3
"""Write on server A, visible on server B (issue 18, item 4): one run.

    bench/servers.py DB [WRITES]

Serves DB (an SQLite file or a postgresql:// URL, already holding a demo and the account
bench1 / Bench-servers-pass-1) with two `chainchief serve` processes, renames one enterprise
WRITES times (default 200) through A and reads B's enterprise page on a kept-alive connection
until it shows each name. The latency of a write is from the moment A's PATCH is sent to the
first read of B that shows it. Prints `RESULT p50_ms=… p99_ms=… max_ms=… writes=N`.
$CC is the binary (default build/chainchief); CC_FOLLOW_LISTEN=0 in the environment makes the
servers poll instead of LISTEN (bench/servers.sh compares both). Standard library only; the
servers, the kept-alive connections and the percentiles are tests/api/harness.py's.
"""
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))
from harness import Server, pct  # noqa: E402 (tests/api on the path first)

PASSWORD = "Bench-servers-pass-1"


def main():
    db = sys.argv[1]
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    tmp = tempfile.mkdtemp(prefix="cc-bench-servers-")
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(Server(db, env={"CHAINCHIEF_FILES": os.path.join(tmp, name)},
                                  wait=120))
        a, b = servers
        a.cookie, a.csrf = a.login("bench1", PASSWORD)
        b.cookie = a.cookie
        uscc = a.call("GET", "/api/v1/enterprises?limit=1")[2]["items"][0]["uscc"]
        path = "/api/v1/enterprises/" + uscc
        lat = []
        for k in range(writes):
            name = "基准改名%04d有限公司" % k
            t0 = time.monotonic()
            st, _, j = a.call("PATCH", path, {"name": name})
            if st != 200:
                sys.exit("PATCH: %d %r" % (st, j))
            # B is read again at once, without a pause: the latency is the measurement.
            while b.call("GET", path)[2]["enterprise"]["name"] != name:
                if time.monotonic() - t0 > 10:
                    sys.exit("write %d not visible on B after 10 s" % k)
            lat.append((time.monotonic() - t0) * 1000)
        print("RESULT p50_ms=%.2f p99_ms=%.2f max_ms=%.2f writes=%d"
              % (pct(lat, 50), pct(lat, 99), max(lat), len(lat)))
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
