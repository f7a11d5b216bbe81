#!/usr/bin/python3
"""
The server against a hostile client (issue 13, items 4, 5, 7, 11), over real sockets.

Starts `chainchief serve` on a small demo database with its access log on, a header deadline of
2 s (CC_HEADER_SECONDS) and 16 connections per client address (CC_MAX_CONN_PER_IP), and checks:
  - bodies are refused from the headers, before they are read: unfinished 60 MB POSTs to the
    login route (no session) and to the upload route without a session get their 413 / 401 at
    once and the server's memory does not grow with them; JSON routes cap at 1 MB, the login
    route at 16 KB, chunked bodies too;
  - uploads are streamed to a file (a 40 MB upload does not grow the server by 40 MB), land
    in the database's folder and are gone after the import;
  - a client address holds at most 16 connections; slow headers are cut after the deadline
    while other clients are served; 5,000 query parameters are refused at once;
  - the access log escapes control characters ("%0a" cannot forge a line);
  - login takes JSON only; an unknown user name costs the same time as a wrong password;
    sessions end 24 h after login whatever their use; the cookie is Secure behind a TLS
    proxy; the password policy refuses "12345678";
  - the file folder beside the database: a crash's leftovers are cleaned at start, reject
    reports are kept (7 days) and downloaded with their length (streamed).

Python 3 standard library only; $CC is the chainchief binary. With $CC_TEST_PG set the database
is a fresh PostgreSQL database on that server (testdb.py), else an SQLite file. Prints ok/FAIL lines and
`N passed, N failed`; exits 1 on any failure.
"""
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import testdb

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("CC_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
CC = os.environ.get("CC") or os.path.join(SRC, "build", "chainchief")
TMP = tempfile.mkdtemp(prefix="cc-hostile-")
DB = testdb.new_database(TMP, "h")
FILES = testdb.files_dir(DB, TMP)
LOG = os.path.join(TMP, "server.log")
PORT = 0
server = None
passed = failed = 0


def check(cond, msg, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + msg)
    else:
        failed += 1
        print("FAIL - %s %s" % (msg, str(detail)[:600]))
    sys.stdout.flush()
    return cond


def run_cc(*args):
    p = subprocess.run([CC, "--db", DB] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def request(method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        h = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        try:
            j = json.loads(data)
        except ValueError:
            j = None
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data, j
    finally:
        c.close()


def login(user, password):
    st, h, _, j = request("POST", "/api/v1/login", {"username": user, "password": password})
    if st != 200:
        raise RuntimeError("login %s: %d" % (user, st))
    tok = re.search(r"cc_session=([0-9a-f]{64})", h["set-cookie"]).group(1)
    return {"Cookie": "cc_session=" + tok, "X-CSRF-Token": j["csrf"]}, tok


def rss_kb():
    for line in open("/proc/%d/status" % server.pid):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
    return 0


def start_server(extra_env=None):
    global server, PORT
    PORT = free_port()
    env = dict(os.environ, CC_HEADER_SECONDS="2", CC_MAX_CONN_PER_IP="16")
    env.pop("CC_NO_ACCESS_LOG", None)
    env.update(testdb.files_env(DB, TMP))
    env.update(extra_env or {})
    server = subprocess.Popen([CC, "--db", DB, "serve", "--listen", "127.0.0.1:%d" % PORT],
                              stdout=subprocess.DEVNULL, stderr=open(LOG, "ab"), env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError("server exited: " + open(LOG).read()[-2000:])
        try:
            if request("GET", "/api/v1/openapi.json", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def stop_server():
    global server
    if server and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server = None


def raw_post(path, length, headers=b""):
    """Sends only the headers of a POST declaring LENGTH bytes; returns the socket."""
    s = socket.create_connection(("127.0.0.1", PORT))
    s.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: "
              b"application/json\r\n" + headers + b"Content-Length: %d\r\n\r\n" % length)
    return s


def status_of(sock, timeout=3):
    sock.settimeout(timeout)
    try:
        data = sock.recv(4096)
    except OSError:
        return 0
    m = re.match(rb"HTTP/1\.1 (\d+)", data)
    return int(m.group(1)) if m else 0


def test_bodies_from_headers(auth):
    rss0 = rss_kb()
    t0 = time.time()
    socks = [raw_post("/api/v1/login", 62914560) for _ in range(10)]
    sts = [status_of(s) for s in socks]
    check(sts == [413] * 10, "10 unfinished 60 MB POSTs to /login: 413 from the headers", sts)
    check(time.time() - t0 < 3, "answered at once, without waiting for the bodies",
          "%.1fs" % (time.time() - t0))
    for s in socks:
        try:
            s.sendall(b"x" * 1000000)
        except OSError:
            pass
        s.close()
    grow = rss_kb() - rss0
    check(grow < 20000, "the server did not buffer them (RSS grew %d KB)" % grow, grow)
    s = raw_post("/api/v1/imports?kind=enterprises", 62914560)
    check(status_of(s) == 401, "an upload without a session: 401 before its body")
    s.close()
    s = raw_post("/api/v1/users", 2 << 20, ("Cookie: %s\r\nX-CSRF-Token: %s\r\n" % (
        auth["Cookie"], auth["X-CSRF-Token"])).encode())
    check(status_of(s) == 413, "a 2 MB body to a JSON route (logged in): 413 from the headers")
    s.close()
    s = raw_post("/api/v1/users", 1000, b"Cookie: cc_session=" + b"0" * 64 + b"\r\n")
    check(status_of(s) == 401, "a JSON route with a dead session: 401 before the body")
    s.close()
    # A chunked body to the login route passes its 16 KB cap: 413.
    c = socket.create_connection(("127.0.0.1", PORT))
    c.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    try:
        for _ in range(40):
            c.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
        c.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    check(status_of(c, 10) == 413, "a chunked 40 KB login body: 413")
    c.close()


def test_upload_streamed(auth):
    rows = ["uscc,name,region,industry,founded,scale"]
    # 40 MB of rows that are all rejected quickly (bad credit codes): the point is the size.
    line = "BADCODE%011d,企业名称有限公司" + "x" * 150 + ",500112,C3670,2001-01-01,small"
    n = 40 * 1024 * 1024 // len(line.encode())
    body = ("\n".join(rows + [line % i for i in range(n)]) + "\n").encode()
    rss0 = rss_kb()
    peak = [0]
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    c.putrequest("POST", "/api/v1/imports?kind=enterprises&filename=big.csv")
    for k, v in auth.items():
        c.putheader(k, v)
    c.putheader("Content-Type", "text/csv")
    c.putheader("Content-Length", str(len(body)))
    c.endheaders()
    seen_file = False
    for off in range(0, len(body), 1 << 20):
        c.send(body[off:off + (1 << 20)])
        peak[0] = max(peak[0], rss_kb())
        if not seen_file and os.path.isdir(FILES):
            seen_file = any(f.startswith("upload-") for f in os.listdir(FILES))
    r = c.getresponse()
    data = r.read()
    c.close()
    j = json.loads(data) if data[:1] == b"{" else {}
    check(r.status == 200 and j.get("rows") == n, "a %d MB upload is imported (%s rows)" % (
        len(body) >> 20, j.get("rows")), data[:300])
    check(seen_file, "the upload went to a file in the database's folder while it arrived")
    grow = peak[0] - rss0
    check(grow < 20000, "the server's memory did not grow with the upload while receiving it "
          "(%d KB for %d MB)" % (grow, len(body) >> 20), grow)
    left = [f for f in os.listdir(FILES) if f.startswith("upload-")]
    check(not left, "no upload file is left after the import", left)
    # An upload that cannot be imported is named as the user named it, never by the server's
    # file ("upload-N") or folder.
    st, _, data, j2 = request("POST", "/api/v1/imports?kind=enterprises&filename=" +
                              "%E6%88%91%E7%9A%84.xlsx", b"PK\x03\x04 not a workbook", auth)
    msg = json.dumps(j2, ensure_ascii=False) if j2 else data.decode(errors="replace")
    check(st == 422 and "我的.xlsx" in msg and "upload-" not in msg and FILES not in msg,
          "an unimportable upload's error names the user's file, not the server's", msg)
    # A rejected value is shown as the file had it: the report's formula guard ('-5 in the
    # CSV) is taken off when the page's list is read from it.
    st, _, data, j3 = request("POST", "/api/v1/imports?kind=indicators&filename=neg.csv",
                              ("uscc,period,employees\n%s,2024,-5\n" % first_uscc()).encode(),
                              dict(auth, **{"Content-Type": "text/csv"}))
    shown = [x.get("value") for x in (j3 or {}).get("rejects", [])]
    check(st == 200 and shown == ["-5"], "a rejected -5 is listed as -5, not the report's '-5",
          (st, shown))
    url = j.get("rejects_url", "")
    st, h, data, _ = request("GET", url, headers=auth)
    check(st == 200 and int(h.get("content-length", "0")) == len(data) and len(data) > 1000,
          "the reject report downloads with its length (streamed from its file)",
          (st, h.get("content-length"), len(data)))


def first_uscc():
    con = testdb.connect(DB)
    try:
        return con.execute("SELECT uscc FROM enterprises ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        con.close()


def connections_held():
    """Opens 24 connections with unfinished requests; returns how many the server kept."""
    socks = []
    for _ in range(24):
        try:
            socks.append(socket.create_connection(("127.0.0.1", PORT), timeout=2))
        except OSError:
            break
    for s in socks:
        s.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\n")
    time.sleep(0.5)
    open_ = 0
    for s in socks:
        s.settimeout(0.05)
        try:
            if s.recv(1) != b"":
                open_ += 1
        except socket.timeout:
            open_ += 1
        except OSError:
            pass
    for s in socks:
        s.close()
    return open_, len(socks)


def test_connections():
    # An earlier test's connection the server has not yet closed counts against the address
    # on a loaded machine (ASan, 2 cores shared), and the excess may take longer than
    # connections_held's pause to be cut: tried again every 0.5 s until 16 stay, 15 s at
    # most. A slot the server never gives back (or no limit) fails every time.
    deadline = time.time() + 15
    while True:
        open_, tried = connections_held()
        if open_ == 16 or time.time() > deadline:
            break
        time.sleep(0.5)
    check(open_ == 16, "one client address holds at most 16 connections (%d of %d stayed)" % (
        open_, tried), open_)
    time.sleep(0.3)
    # Slow headers: one line every 0.5 s is cut after the 2 s deadline; others are served.
    slow = socket.create_connection(("127.0.0.1", PORT))
    slow.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\n")
    t0 = time.time()
    cut = None
    while time.time() - t0 < 8:
        time.sleep(0.5)
        try:
            slow.sendall(b"X-Slow: 1\r\n")
            slow.settimeout(0.01)
            if slow.recv(1) == b"":
                cut = time.time() - t0
                break
        except socket.timeout:
            pass
        except OSError:
            cut = time.time() - t0
            break
        if request("GET", "/api/v1/openapi.json", timeout=5)[0] != 200:
            check(False, "another client is served while a slow one sends headers")
            break
    check(cut is not None and 1.5 <= cut <= 5, "headers sent one line every 0.5 s are cut at "
          "the 2 s deadline (after %s s)" % (cut and round(cut, 1)), cut)
    slow.close()
    t0 = time.time()
    qs = "&".join("a%d=1" % i for i in range(5000))
    try:
        st, _, _, j = request("GET", "/api/v1/openapi.json?" + qs, timeout=10)
    except (OSError, http.client.HTTPException) as e:
        st, j = 0, str(e)
    # 414 from libmicrohttpd when the line outgrows its 32 KB pool, 400 from ours below that.
    check(st in (400, 414, 431) and time.time() - t0 < 2,
          "5,000 query parameters are refused at once (%d in %.2f s)" % (st, time.time() - t0), j)
    t0 = time.time()
    st, _, _, j = request("GET", "/api/v1/openapi.json?" + "&".join(
        "a%d=1" % i for i in range(3000)), timeout=10)  # 20 KB: within the pool, ours refuses
    check(st == 400 and time.time() - t0 < 2, "3,000 query parameters -> 400 at once", j)
    st, _, _, j = request("GET", "/api/v1/openapi.json?" + "&".join(
        "a%d=1" % i for i in range(70)))
    check(st == 400 and j and "64" in j["error"]["message"], "70 query parameters -> 400", j)


def test_access_log():
    request("GET", "/api/v1/nothing%0a2026-01-01T00:00:00Z%20127.0.0.1%20GET%20/forged%20200")
    time.sleep(0.3)
    lines = open(LOG, encoding="utf-8", errors="replace").read().splitlines()
    forged = [x for x in lines if x.startswith("2026-01-01T00:00:00Z")]
    check(not forged, "a %0a in the URL does not forge an access-log line", forged)
    check(any("/api/v1/nothing\\x0a2026" in x for x in lines),
          "the control character is logged escaped as \\x0a")


def test_login(auth):
    st, _, _, j = request("POST", "/api/v1/login", json.dumps(
        {"username": "hadmin", "password": "hostile-pass-1"}).encode(),
        {"Content-Type": "text/plain"})
    check(st == 415 and j["error"]["code"] == "unsupported_media_type",
          "login from a text/plain body (a cross-site form) -> 415", j)
    st, _, _, _ = request("POST", "/api/v1/login", b"username=hadmin&password=hostile-pass-1",
                          {"Content-Type": "application/x-www-form-urlencoded"})
    check(st == 415, "login from a form body -> 415")

    def timed(user):
        t = time.time()
        request("POST", "/api/v1/login", {"username": user, "password": "wrong-pass-123"})
        return time.time() - t
    known, unknown = [], []
    for i in range(5):
        known.append(timed("htime%d" % i))
        unknown.append(timed("nosuchuser%d" % i))
    k, u = statistics.median(known), statistics.median(unknown)
    check(u > 0.5 * k and k > 0.01, "an unknown user name takes as long as a wrong password "
          "(median %.0f ms vs %.0f ms)" % (u * 1000, k * 1000), (known, unknown))
    st, h, _, _ = request("POST", "/api/v1/login", {"username": "hadmin",
                                                    "password": "hostile-pass-1"},
                          {"X-Forwarded-Proto": "https"})
    check(st == 200 and "; Secure" in h.get("set-cookie", ""),
          "behind a TLS proxy the session cookie is Secure", h.get("set-cookie"))
    st, h, _, _ = request("POST", "/api/v1/login", {"username": "hadmin",
                                                    "password": "hostile-pass-1"})
    check(st == 200 and "Secure" not in h.get("set-cookie", ""),
          "over plain HTTP it is not (the browser would drop it)", h.get("set-cookie"))
    # Absolute lifetime: a session in use all the time still ends 24 h after login.
    a2, tok = login("hadmin", "hostile-pass-1")
    con = testdb.connect(DB)
    import hashlib
    th = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
    con.execute("UPDATE sessions SET created = ?, last_seen = ? WHERE token_hash = ?",
                (int(time.time()) - 25 * 3600, int(time.time()), th))
    con.commit()
    con.close()
    st, _, _, _ = request("GET", "/api/v1/session", headers=a2)
    check(st == 401, "a session used a minute ago but created 25 h ago -> 401", st)
    st, _, _, j = request("POST", "/api/v1/users", {"username": "weak1", "password": "12345678",
                                                    "role": "analyst"}, auth)
    check(st == 400 and "password" in json.dumps(j), "password 12345678 is refused", j)
    st, _, _, j = request("POST", "/api/v1/users", {"username": "strong1",
                                                    "password": "strong-pass-2026",
                                                    "role": "analyst"}, auth)
    check(st in (200, 201), "a password of the policy is accepted", j)


def test_files_folder():
    os.makedirs(FILES, exist_ok=True)
    open(os.path.join(FILES, "upload-77"), "w").write("left by a crash")
    open(os.path.join(FILES, "export-78.csv"), "w").write("left by a crash")
    old = os.path.join(FILES, "rejects-79.csv")
    open(old, "w").write("line,reason\n")
    os.utime(old, (time.time() - 8 * 86400, time.time() - 8 * 86400))
    recent = os.path.join(FILES, "rejects-80.csv")
    open(recent, "w").write("line,reason\n2,x\n")
    start_server()
    names = sorted(os.listdir(FILES))
    check(names == ["rejects-80.csv"], "at start: a crash's upload and export are removed, a "
          "report older than 7 days too, a recent one kept", names)
    check(oct(os.stat(FILES).st_mode & 0o777) == "0o700", "the folder is private (0700)")
    auth, _ = login("hadmin", "hostile-pass-1")
    st, _, data, _ = request("GET", "/api/v1/imports/80/rejects", headers=auth)
    check(st == 200 and data == b"line,reason\n2,x\n", "a report survives a restart", st)
    return auth


def main():
    global server
    try:
        rc, out = run_cc("demo", "--enterprises", "300")
        if rc:
            raise RuntimeError(out)
        rc, out = run_cc("user", "add", "hadmin", "--role", "admin", "--password",
                         "hostile-pass-1")
        if rc:
            raise RuntimeError(out)
        for i in range(5):
            run_cc("user", "add", "htime%d" % i, "--role", "analyst", "--password",
                   "timing-pass-%d" % i)
        auth = test_files_folder()
        test_bodies_from_headers(auth)
        test_upload_streamed(auth)
        test_connections()
        test_access_log()
        test_login(auth)
        stop_server()
        check(not any(f.startswith("upload-") for f in os.listdir(FILES)),
              "no upload is left when the server stops")
    finally:
        stop_server()
        testdb.drop_database(DB)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
