#!/usr/bin/python3
"""Cross-checks the resilience module's dominators and articulation points (risk/risk_graph.c,
through tests/oracle/oracle_graph.c) against python3-igraph and python3-networkx on random
directed graphs: sizes from 1 to 400 vertices, sparse to dense, with cycles, self-loops,
parallel edges, disconnected parts and one or several roots of the virtual source. A fixed
seed makes failures reproducible; the failing graph is printed.

Run by CTest with ORACLE_DIR set to the build folder (or pass the oracle_graph binary).
"""
import os
import random
import subprocess
import sys

import igraph as ig
import networkx as nx

ORACLE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ["ORACLE_DIR"], "oracle_graph")
rng = random.Random(20261127)


def random_graph(i):
    n = rng.choice([1, 2, 3, 5, 8, 13, 30, 60, 120, 400]) if i % 7 else rng.randint(1, 25)
    density = rng.choice([0.5, 1.0, 1.5, 2.5, 5.0])
    m = int(n * density * rng.random()) + (1 if n > 1 else 0)
    edges = []
    for _ in range(m):
        u = rng.randrange(n)
        if rng.random() < 0.6 and n > 1:
            v = min(n - 1, u + 1 + int(rng.expovariate(0.3)))  # mostly forward: long chains
        else:
            v = rng.randrange(n)  # back edges, cycles, self-loops
        edges.append((u, v))
    if rng.random() < 0.3 and edges:
        edges += rng.sample(edges, min(len(edges), 3))  # parallel edges
    k = 1 if rng.random() < 0.5 else rng.randint(1, max(1, n // 4))
    roots = rng.sample(range(n), min(k, n))
    return n, edges, roots


graphs = [random_graph(i) for i in range(600)]
# Textbook cases: the Lengauer-Tarjan paper's example flow graph (R=0, A..L = 1..12) and
# a graph of two cycles joined at one vertex.
lt = "R A B C D E F G H I J K L".split()
lt_edges = [("R", "A"), ("R", "B"), ("R", "C"), ("A", "D"), ("B", "A"), ("B", "D"),
            ("B", "E"), ("C", "F"), ("C", "G"), ("D", "L"), ("E", "H"), ("F", "I"),
            ("G", "I"), ("G", "J"), ("H", "E"), ("H", "K"), ("I", "K"), ("J", "I"),
            ("K", "I"), ("K", "R"), ("L", "H")]
graphs.insert(0, (13, [(lt.index(a), lt.index(b)) for a, b in lt_edges], [0]))
graphs.insert(1, (5, [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 2)], [0]))

text = []
for n, edges, roots in graphs:
    text.append(f"{n} {len(edges)} {len(roots)}\n{' '.join(map(str, roots))}\n")
    text.append("".join(f"{u} {v}\n" for u, v in edges))
out = subprocess.run([ORACLE], input="".join(text), capture_output=True, text=True, check=True)
lines = out.stdout.splitlines()
assert len(lines) == 2 * len(graphs), f"oracle printed {len(lines)} lines"

fails = 0
checked_dom = checked_ap = 0
for gi, (n, edges, roots) in enumerate(graphs):
    ours_idom = lines[2 * gi].split()[1:]
    ours_ap = sorted(map(int, lines[2 * gi + 1].split()[1:]))
    # igraph: a virtual vertex n with an edge to each root.
    g = ig.Graph(n=n + 1, edges=edges + [(n, r) for r in roots], directed=True)
    dom = g.dominator(n, mode="out")
    want = []
    for v in range(n):
        d = dom[v]
        want.append("x" if d != d else str(int(d)))  # NaN: unreachable
    # networkx agrees on the same flow graph (a second, independent implementation).
    G = nx.DiGraph()
    G.add_nodes_from(range(n + 1))
    G.add_edges_from(edges + [(n, r) for r in roots])
    nxd = nx.immediate_dominators(G, n)
    want_nx = [str(nxd[v]) if v in nxd else "x" for v in range(n)]
    U = nx.Graph()
    U.add_nodes_from(range(n))
    U.add_edges_from((u, v) for u, v in edges if u != v)
    want_ap = sorted(nx.articulation_points(U))
    want_ap_ig = sorted(ig.Graph(n=n, edges=[(u, v) for u, v in edges if u != v]).articulation_points())
    ok = ours_idom == want == want_nx and ours_ap == want_ap == want_ap_ig
    checked_dom += 1
    checked_ap += 1
    if not ok:
        fails += 1
        if fails <= 3:
            print(f"FAIL graph {gi}: n={n} roots={roots} edges={edges}")
            print(f"  idom ours {ours_idom}\n  igraph   {want}\n  networkx {want_nx}")
            print(f"  ap ours {ours_ap}\n  networkx {want_ap}\n  igraph {want_ap_ig}")
print(f"{checked_dom} graphs: dominators and articulation points, "
      f"{len(graphs) - fails} agree with igraph and networkx, {fails} differ")
sys.exit(1 if fails else 0)
