"""The issue 5 benchmark in numpy: entropy weights, vector-normalised TOPSIS and competition
ranks over the matrix bench_mcda wrote (raw little-endian float64, row-major), with the
conventions of src/eval/mcda.h, printing the same RESULT line as bench_mcda.

Usage: /usr/bin/python3 bench/mcda_numpy.py FILE [M] [N] [DUMP]
With DUMP, the scores and ranks are written to DUMP.scores (float64) and DUMP.ranks (int32)
after the measurement.
Criteria 4 and 8 (1-based) are costs, the others benefits.
"""
import resource
import sys
import time

import numpy as np


def main():
    path = sys.argv[1]
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    try:
        import threadpoolctl  # noqa: F401

        for info in threadpoolctl.threadpool_info():
            print("numpy thread pool:", info.get("internal_api"), info.get("architecture"),
                  info.get("num_threads"), file=sys.stderr)
    except ImportError:
        print("numpy thread pool: threadpoolctl not installed (elementwise numpy work here "
              "does not call BLAS)", file=sys.stderr)
    t0 = time.perf_counter()
    X = np.fromfile(path, dtype="<f8", count=m * n).reshape(m, n)
    t1 = time.perf_counter()
    benefit = np.array([not (j == 3 or j == 7) for j in range(n)])

    # Entropy weights: p = x / column sum of the raw values, 0 ln 0 = 0, k = 1 / ln m.
    P = X / X.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        L = np.where(P > 0, P * np.log(P), 0.0)
    E = -L.sum(axis=0) / np.log(m)
    d = np.clip(1.0 - E, 0.0, None)
    w = d / d.sum() if d.sum() > 0 else np.full(n, 1.0 / n)

    # TOPSIS on vector-normalised columns, ideal and anti-ideal by direction.
    V = X / np.sqrt((X * X).sum(axis=0)) * w
    ideal = np.where(benefit, V.max(axis=0), V.min(axis=0))
    anti = np.where(benefit, V.min(axis=0), V.max(axis=0))
    dp = np.sqrt(((V - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((V - anti) ** 2).sum(axis=1))
    total = dp + dm
    C = np.divide(dm, total, out=np.ones_like(dm), where=total > 0)

    # Competition ranks, best first; scores within 1e-10 * max(1, |s|) share a rank.
    order = np.argsort(-C, kind="stable")
    s = C[order]
    scale = np.maximum(1.0, np.maximum(np.abs(s[:-1]), np.abs(s[1:])))
    new = np.concatenate(([True], (s[:-1] - s[1:]) > 1e-10 * scale))
    start = np.maximum.accumulate(np.where(new, np.arange(m), 0))
    ranks = np.empty(m, dtype=np.int64)
    ranks[order] = start + 1
    t2 = time.perf_counter()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    idx = np.arange(m)
    print(f"numpy {np.__version__}: {m} x {n} matrix read in {t1 - t0:.2f} s")
    print("weights:", " ".join(f"{x:.6f}" for x in w))
    print(f"entropy weights + TOPSIS + ranks in {t2 - t1:.3f} s, peak RSS {rss:.0f} MB")
    print(f"RESULT seconds={t2 - t1:.4f} rss_mb={rss:.1f} score_sum={C.sum():.10f} "
          f"weight_check={(w * np.arange(1, n + 1)).sum():.15f} "
          f"rank_check={int((ranks * (idx % 13 + 1)).sum())} best={int(order[0])}")
    if len(sys.argv) > 4:
        C.astype("<f8").tofile(sys.argv[4] + ".scores")
        ranks.astype("<i4").tofile(sys.argv[4] + ".ranks")


if __name__ == "__main__":
    main()
