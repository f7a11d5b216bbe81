#!/usr/bin/python3
"""Write on server A, visible on server B (issue 18, item 4): one run.

    bench/servers.py DB [WRITES]

Serves DB (an SQLite file or a postgresql:// URL, already holding a demo and the account
bench1 / Bench-servers-pass-1) with two `chainchief serve` processes, renames one enterprise
WRITES times (default 200) through A and reads B's enterprise page on a kept-alive connection
until it shows each name. The latency of a write is from the moment A's PATCH is sent to the
first read of B that shows it. Prints `RESULT p50_ms=… p99_ms=… max_ms=… writes=N`.
$CC is the binary (default build/chainchief); CC_FOLLOW_LISTEN=0 in the environment makes the
servers poll instead of LISTEN (bench/servers.sh compares both). Standard library only.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CC = os.environ.get("CC") or os.path.join(HERE, "..", "build", "chainchief")
PASSWORD = "Bench-servers-pass-1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, db, files):
        self.port = free_port()
        env = dict(os.environ, CC_NO_ACCESS_LOG="1", CHAINCHIEF_FILES=files)
        self.proc = subprocess.Popen([CC, "--db", db, "serve", "--listen",
                                      "127.0.0.1:%d" % self.port], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.conn = None
        self.headers = {"Content-Type": "application/json"}
        deadline = time.time() + 120
        while True:
            try:
                self.call("GET", "/api/v1/openapi.json")
                break
            except OSError:
                self.conn = None
                if time.time() > deadline:
                    raise
                time.sleep(0.1)

    def call(self, method, path, body=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.conn.request(method, path, body=None if body is None else json.dumps(body),
                          headers=self.headers)
        r = self.conn.getresponse()
        return r.status, r.getheader("Set-Cookie"), json.loads(r.read() or b"null")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def main():
    db = sys.argv[1]
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    tmp = tempfile.mkdtemp(prefix="cc-bench-servers-")
    a = Server(db, os.path.join(tmp, "a"))
    b = Server(db, os.path.join(tmp, "b"))
    try:
        st, cookie, j = a.call("POST", "/api/v1/login",
                               {"username": "bench1", "password": PASSWORD})
        if st != 200:
            sys.exit("login: %d %r" % (st, j))
        token = cookie.split("cc_session=")[1].split(";")[0]
        for s in (a, b):
            s.headers["Cookie"] = "cc_session=" + token
        a.headers["X-CSRF-Token"] = j["csrf"]
        uscc = a.call("GET", "/api/v1/enterprises?limit=1")[2]["items"][0]["uscc"]
        path = "/api/v1/enterprises/" + uscc
        lat = []
        for k in range(writes):
            name = "基准改名%04d有限公司" % k
            t0 = time.monotonic()
            st, _, j = a.call("PATCH", path, {"name": name})
            if st != 200:
                sys.exit("PATCH: %d %r" % (st, j))
            while b.call("GET", path)[2]["enterprise"]["name"] != name:
                if time.monotonic() - t0 > 10:
                    sys.exit("write %d not visible on B after 10 s" % k)
            lat.append((time.monotonic() - t0) * 1000)
        lat.sort()
        print("RESULT p50_ms=%.2f p99_ms=%.2f max_ms=%.2f writes=%d"
              % (lat[len(lat) // 2], lat[min(len(lat) - 1, int(0.99 * (len(lat) - 1) + 0.5))],
                 lat[-1], len(lat)))
    finally:
        a.stop()
        b.stop()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
