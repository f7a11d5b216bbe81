#!/usr/bin/python3
"""Writes a patents interchange file for the patents benchmark (issue 17).

    bench/patents_gen.py N ENTERPRISES_CSV IPC_NODES_CSV OUT_CSV [SEED]

N patents with valid application numbers (ZC 0006-2003 check character), in number order,
each held by an enterprise of ENTERPRISES_CSV (its uscc column) and classified under one IPC
code: nine in ten under a prefix of a random node of IPC_NODES_CSV (data/innovation), the rest
in subclasses no node maps. Kinds: 45% invention, 45% utility model, 10% design (no IPC).
Filed 2010-2024; granted after 2-3 years (inventions) or 1 (utility models), some pending or
lapsed. Standard library only.
"""
import csv
import random
import sys

W = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]


def check(d):
    s = sum(int(c) * w for c, w in zip(d, W)) % 11
    return "X" if s == 10 else str(s)


def code_under(rng, prefix):
    if "/" in prefix:
        sub = prefix.split("/")[1]
        return prefix + ("0" if len(sub) < 2 else "")
    if " " in prefix:
        return "%s/%02d" % (prefix, rng.randrange(1, 40))
    return "%s %d/%02d" % (prefix, rng.randrange(1, 30), rng.randrange(0, 20))


def main():
    n, ents, nodes, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    with open(ents, encoding="utf-8-sig") as f:
        holders = [r["uscc"] for r in csv.DictReader(f)]
    prefixes = []
    with open(nodes, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            prefixes += [p.strip() for p in r["ipc"].split(";") if p.strip()]
    unmapped = ["A01K", "A63B", "B42D", "E04B", "F41A", "G10H", "H04N"]
    years = list(range(2010, 2025))
    per = n // (len(years) * 3) + 1
    written = 0
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["number", "kind", "title", "ipc", "filed", "granted", "lapsed", "status",
                    "holder"])
        for y in years:
            for kind in (1, 2, 3):
                share = {1: 0.45, 2: 0.45, 3: 0.10}[kind] * 3
                for s in range(int(per * share)):
                    if written >= n:
                        break
                    d = "%04d%d%07d" % (y, kind, 1000000 + s)
                    ipc = ""
                    if kind != 3:
                        pre = rng.choice(prefixes) if rng.random() < 0.9 else rng.choice(unmapped)
                        ipc = code_under(rng, pre)
                    m, day = rng.randrange(1, 13), rng.randrange(1, 29)
                    filed = "%04d-%02d-%02d" % (y, m, day)
                    lag = {1: 2 + rng.randrange(2), 2: 1, 3: 1}[kind]
                    gy = y + lag
                    granted = lapsed = ""
                    status = "pending"
                    if gy <= 2024 and rng.random() < 0.9:
                        granted = "%04d-%02d-%02d" % (gy, m, day)
                        status = "valid"
                        if rng.random() < 0.1 and gy + 3 <= 2024:
                            lapsed = "%04d-%02d-%02d" % (gy + 3, m, day)
                            status = "invalid"
                    elif gy <= 2024:
                        status = "invalid"  # rejected or withdrawn
                    w.writerow([d + "." + check(d), ("invention", "utility_model", "design")[kind - 1],
                                "bench %d" % written, ipc, filed, granted, lapsed, status,
                                rng.choice(holders)])
                    written += 1
    sys.stderr.write("%d patents written to %s\n" % (written, out))


main()
