"""
The tests' own access to the database, on either backend (issue 18): the API tests (harness.py,
test_api.py, test_hostile.py) and the CLI tests (tests/cli/lib.bash, through the command line
below) create their scratch database and run their set-up and assertion SQL through here.

Which backend: $CC_TEST_PG unset, an SQLite file in the test's temporary folder (Python's
sqlite3, as before). $CC_TEST_PG set to a PostgreSQL URL (scripts/pg_tmp.sh's, as
scripts/test.sh's PostgreSQL pass sets it), a new database per test on that server (CREATE
DATABASE from template0, UTF8; the schema comes from chainchief's migrations as on SQLite),
dropped when the test ends; the SQL goes through psycopg2 (Debian python3-psycopg2, installed
by scripts/setup.sh test) in autocommit, as Python's sqlite3 outside a transaction.

The SQL the tests write is the portable subset both engines share, with qmark placeholders
(`?`, rewritten to psycopg2's %s here). Values read back as on SQLite: NUMERIC (sum of
BIGINT, avg) as int when whole, else float.

Command line (for the shell tests): testdb.py rows|one|exec DB SQL prints repr(fetchall()),
the first column of the first row (None as an empty line), or nothing; testdb.py new NAME
(with $CC_TEST_PG set) makes a new database as new_database does and prints its URL;
testdb.py drop DB drops it as drop_database does.

Python 3 standard library, plus psycopg2 on PostgreSQL.
"""
import contextlib
import os
import re
import secrets
import sqlite3
import subprocess
import sys

PG_SERVER = os.environ.get("CC_TEST_PG") or None
# The writers' advisory lock of src/store/pg.c (WRITER_LOCK): SQLite's BEGIN IMMEDIATE there.
PG_WRITER_LOCK = 1128487762


def is_url(db):
    return db.startswith("postgresql://") or db.startswith("postgres://")


def url_with_dbname(url, name):
    """url (postgresql://[auth@host]/[db][?params]) naming the database name instead."""
    m = re.match(r"^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$", url)
    if not m:
        raise ValueError("CC_TEST_PG: not a postgresql:// URL: %r" % url)
    return m.group(1) + "/" + name + (m.group(3) or "")


def dbname_of(url):
    m = re.match(r"^postgres(?:ql)?://[^/?]*/([^?]*)", url)
    return m.group(1) if m else ""


def _psql_admin(sql):
    """Runs sql on the server's `postgres` database (CREATE/DROP DATABASE)."""
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                        url_with_dbname(PG_SERVER, "postgres"), "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("psql %s: %s" % (sql, p.stderr.decode(errors="replace").strip()))


def new_database(tmpdir, name):
    """A fresh, empty database for one test and what --db takes for it: tmpdir/name.db on
    SQLite; on PostgreSQL a new database cct_<name>_<pid>_<random> on $CC_TEST_PG's server
    (drop_database removes it)."""
    if not PG_SERVER:
        return os.path.join(tmpdir, name + ".db")
    db = "cct_%s_%d_%s" % (re.sub(r"[^a-z0-9_]", "_", name.lower())[:30], os.getpid(),
                           secrets.token_hex(3))
    _psql_admin("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'" % db)
    return url_with_dbname(PG_SERVER, db)


def drop_database(db):
    """Drops a database new_database made on PostgreSQL (its connections ended first); does
    nothing for an SQLite file (the test's temporary folder goes with it)."""
    if db and is_url(db):
        name = dbname_of(db)
        if re.fullmatch(r"cct_[a-z0-9_]+", name):
            _psql_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


def files_env(db, tmpdir):
    """The environment a server on db needs for its files folder: beside the SQLite file by
    itself; on PostgreSQL $CHAINCHIEF_FILES in the test's folder (the default,
    ./chainchief.files, would be shared by the tests running at once)."""
    return {"CHAINCHIEF_FILES": os.path.join(tmpdir, "files")} if is_url(db) else {}


def files_dir(db, tmpdir):
    """The server's files folder for db (with files_env's environment)."""
    return files_env(db, tmpdir).get("CHAINCHIEF_FILES") or db + ".files"


def _qmark_to_format(sql):
    """sql with ? placeholders as psycopg2's %s and every other % doubled (quoted text and
    identifiers kept as they are but for the %)."""
    out = []
    quote = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        out.append("%%" if ch == "%" else ch)
    return "".join(out)


class PgConnection:
    """The part of sqlite3.Connection the tests use, on PostgreSQL: execute and executemany
    (qmark placeholders) return a cursor to fetch from or iterate; autocommit, so commit does
    nothing; close."""

    def __init__(self, url):
        try:
            import psycopg2
            import psycopg2.extensions
        except ImportError:
            raise RuntimeError("the tests on PostgreSQL need psycopg2 for /usr/bin/python3 "
                               "(Debian python3-psycopg2; scripts/setup.sh test installs it)")
        self.con = psycopg2.connect(url)
        self.con.autocommit = True
        numeric = psycopg2.extensions.new_type(
            (1700,), "CC_NUMERIC",
            lambda v, cur: None if v is None else int(v) if re.fullmatch(r"-?[0-9]+", v)
            else float(v))
        psycopg2.extensions.register_type(numeric, self.con)

    def execute(self, sql, args=()):
        cur = self.con.cursor()
        if args:
            cur.execute(_qmark_to_format(sql), tuple(args))
        else:
            cur.execute(sql)
        return cur

    def executemany(self, sql, rows):
        cur = self.con.cursor()
        cur.executemany(_qmark_to_format(sql), [tuple(r) for r in rows])
        return cur

    def commit(self):
        pass

    def close(self):
        self.con.close()


def connect(db):
    """A connection to db (a file or a postgresql:// URL), as sqlite3.connect(db, timeout=10)."""
    return PgConnection(db) if is_url(db) else sqlite3.connect(db, timeout=10)


def _error_classes():
    try:
        import psycopg2
        return (sqlite3.DatabaseError, psycopg2.DatabaseError)
    except ImportError:
        return (sqlite3.DatabaseError,)


# What a refused statement raises on either backend (for `except testdb.Error`).
Error = _error_classes()


def table_exists(db, name):
    """Whether db has a table called name (sqlite_master on SQLite, the catalogue on
    PostgreSQL)."""
    con = connect(db)
    try:
        if is_url(db):
            sql = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ?"
        else:
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
        return con.execute(sql, (name,)).fetchone()[0] == 1
    finally:
        con.close()


@contextlib.contextmanager
def writer_lock(db):
    """Holds the database's write lock from another process while the block runs, as a
    concurrent writer would: BEGIN IMMEDIATE on SQLite, the store's writers' advisory lock in
    a transaction on PostgreSQL. Rolled back after."""
    if is_url(db):
        con = connect(db)
        con.execute("BEGIN")
        con.execute("SELECT pg_advisory_xact_lock(%d)" % PG_WRITER_LOCK)
    else:
        con = sqlite3.connect(db, timeout=10, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def main(argv):
    if len(argv) == 3 and argv[1] == "new" and PG_SERVER:
        print(new_database(None, argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "drop":
        drop_database(argv[2])
        return 0
    if len(argv) != 4 or argv[1] not in ("rows", "one", "exec"):
        sys.stderr.write("usage: testdb.py rows|one|exec DB SQL | new NAME ($CC_TEST_PG set) "
                         "| drop DB\n")
        return 2
    con = connect(argv[2])
    try:
        cur = con.execute(argv[3])
        if argv[1] == "rows":
            print(cur.fetchall())
        elif argv[1] == "one":
            row = cur.fetchone()
            print("" if row is None or row[0] is None else row[0])
        else:
            con.commit()
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
