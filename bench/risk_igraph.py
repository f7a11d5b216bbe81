#!/usr/bin/python3
"""The peer of bench_risk (issue 7): python-igraph doing the same dominator and articulation
work on the same supply graph, timed, and checked against chainchief's counts.

Usage: risk_igraph.py DIR [named|ids]
  DIR holds what bench_risk exported (roots*.txt, ours.txt, edges.txt) and, for 'named' (the
  default), edges_named.txt: every supply edge as "buyer_code supplier_code", exported from the
  database with sqlite3 before the run (not timed).

Timed:
  build         named: Graph.Read_Ncol of the 10M edge records (codes mapped to vertices in
                igraph's C core) and simplify() (parallel edges and self-loops merged, as
                chainchief merges them) -- the same records chainchief reads from SQLite.
                ids: Graph.Read_Edgelist of chainchief's already merged integer graph.
  spof          one virtual root per chain with edges to the chain's final producers (added
                once), Graph.dominator from each (igraph's C Lengauer-Tarjan), and with numpy
                the vertices reached and the vertices dominating another.
  articulation  Graph.articulation_points on the graph without the virtual roots (removing
                them is not timed).
"""
import sys
import time

import igraph as ig
import numpy as np

d = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "named"
ours = [line.split() for line in open(f"{d}/ours.txt")]
t0 = time.time()
if mode == "named":
    g = ig.Graph.Read_Ncol(f"{d}/edges_named.txt", names=True, weights=False, directed=True)
    g.simplify(multiple=True, loops=True)
    index = {name: i for i, name in enumerate(g.vs["name"])}
    roots = []
    missing = []
    for line in open(f"{d}/roots_named.txt"):
        rs = []
        for code in line.split():
            if code not in index:  # a final producer without any supply edge
                index[code] = g.vcount() + len(missing)
                missing.append(code)
            rs.append(index[code])
        roots.append(rs)
    g.add_vertices(len(missing))
else:
    n = int(ours[-1][1])
    g = ig.Graph.Read_Edgelist(f"{d}/edges.txt", directed=True)
    if g.vcount() < n:
        g.add_vertices(n - g.vcount())
    roots = [list(map(int, line.split())) for line in open(f"{d}/roots.txt")]
n = g.vcount()
t1 = time.time()
nchains = len(roots)
g.add_vertices(nchains)
g.add_edges([(n + c, v) for c, rs in enumerate(roots) for v in rs])
results = []
for c in range(nchains):
    r = n + c
    dom = np.array(g.dominator(r, mode="out"), dtype=float)
    ok = ~np.isnan(dom)
    reached = int(ok.sum()) - 1  # the virtual root itself
    doms = dom[ok]
    doms = doms[(doms >= 0) & (doms != r)]
    results.append((reached, len(np.unique(doms))))
t2 = time.time()
g.delete_vertices(range(n, n + nchains))
t3 = time.time()
aps = g.articulation_points()
t4 = time.time()
agree = all(int(o[1]) == r[0] and int(o[2]) == r[1] for o, r in zip(ours, results))
agree_ap = int(ours[-2][1]) == len(aps)
print(f"igraph ({mode}): {g.vcount()} vertices, {g.ecount()} links built in {t1 - t0:.2f} s; "
      f"dominators of {nchains} chains in {t2 - t1:.2f} s; articulation ({len(aps)} points) in "
      f"{t4 - t3:.2f} s")
print(f"agree with chainchief: dominators {'yes' if agree else 'NO'}, "
      f"articulation points {'yes' if agree_ap else 'NO'}")
print(f"RESULT build_seconds={t1 - t0:.3f} spof_seconds={t2 - t1:.3f} "
      f"articulation_seconds={t4 - t3:.3f} total_seconds={(t1 - t0) + (t2 - t1) + (t4 - t3):.3f}")
