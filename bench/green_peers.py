#!/usr/bin/python3
"""The peers of bench/green.sh: percentile ranks within (year, industry class) of the same file.

    green_peers.py sqlite FILE.csv DB     SQLite's PERCENT_RANK() OVER (PARTITION BY year,
                                          industry ORDER BY v), summed (the file is loaded into
                                          DB first, untimed, once)
    green_peers.py pandas FILE.csv        groupby(['year','industry']).rank(method='min'), turned
                                          into PERCENT_RANK ((rank-1)/(n-1), 0 for n = 1)
    green_peers.py numpy FILE.csv         the same with numpy alone (lexsort, then runs)

Each prints RESULT seconds=... cpu=... checksum=... ranked=...; only the ranking is timed (cpu:
the process's CPU time, time.process_time()).
"""
import os
import sqlite3
import sys
import time


def run_sqlite(path, db):
    fresh = not os.path.exists(db)
    con = sqlite3.connect(db)
    if fresh:
        import csv
        con.execute("CREATE TABLE t(id INTEGER, year INTEGER, industry TEXT, v REAL)")
        with open(path) as f:
            r = csv.reader(f)
            next(r)
            con.executemany("INSERT INTO t VALUES(?,?,?,?)",
                            ((int(a), int(b), c, float(d) if d else None) for a, b, c, d in r))
        con.commit()
    t0, c0 = time.time(), time.process_time()
    s, n = con.execute(
        "SELECT sum(p), count(*) FROM (SELECT PERCENT_RANK() OVER (PARTITION BY year, industry "
        "ORDER BY v) AS p FROM t WHERE v IS NOT NULL)").fetchone()
    t, c = time.time() - t0, time.process_time() - c0
    print("RESULT seconds=%.4f cpu=%.4f checksum=%.6f ranked=%d" % (t, c, s, n))


def run_pandas(path):
    import pandas as pd
    df = pd.read_csv(path, dtype={"industry": "category"}).dropna(subset=["v"])
    t0, c0 = time.time(), time.process_time()
    g = df.groupby(["year", "industry"], observed=True)["v"]
    r = g.rank(method="min")
    n = g.transform("size")
    p = ((r - 1) / (n - 1)).where(n > 1, 0.0)
    s = float(p.sum())
    t, c = time.time() - t0, time.process_time() - c0
    print("RESULT seconds=%.4f cpu=%.4f checksum=%.6f ranked=%d" % (t, c, s, len(p)))


def run_numpy(path):
    import numpy as np
    year = np.loadtxt(path, delimiter=",", skiprows=1, usecols=1, dtype=np.int32)
    ind = np.loadtxt(path, delimiter=",", skiprows=1, usecols=2, dtype="U5")
    v = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=3)
    keep = ~np.isnan(v)
    year, ind, v = year[keep], ind[keep], v[keep]
    _, code = np.unique(ind, return_inverse=True)
    t0, c0 = time.time(), time.process_time()
    key = (year.astype(np.int64) - year.min()) * (code.max() + 1) + code
    order = np.lexsort((v, key))
    ks, vs = key[order], v[order]
    start = np.r_[0, np.nonzero(np.diff(ks))[0] + 1]
    gsize = np.diff(np.r_[start, len(ks)])
    gstart = np.repeat(start, gsize)
    pos = np.arange(len(ks))
    newv = np.r_[True, (vs[1:] != vs[:-1]) | (ks[1:] != ks[:-1])]
    first = np.maximum.accumulate(np.where(newv, pos, 0))
    n = np.repeat(gsize, gsize)
    p = np.where(n > 1, (first - gstart) / np.maximum(n - 1, 1), 0.0)
    s = float(p.sum())
    t, c = time.time() - t0, time.process_time() - c0
    print("RESULT seconds=%.4f cpu=%.4f checksum=%.6f ranked=%d" % (t, c, s, len(p)))


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "sqlite":
        run_sqlite(sys.argv[2], sys.argv[3])
    elif kind == "pandas":
        run_pandas(sys.argv[2])
    else:
        run_numpy(sys.argv[2])
