#!/usr/bin/env bash
# MCDA benchmark (issue 5): a 12-indicator entropy-weight TOPSIS model over 1,000,000
# enterprises, chainchief's eval/mcda (bench_mcda) against the same computation in numpy
# (Debian's python3-numpy, bench/mcda_numpy.py) on the same matrix, in one run: time, peak
# RSS, and checksums that must agree.
#   bench/mcda.sh [M] [N]        (defaults 1000000 and 12)
# Target: at least 10x faster than numpy at the median (issue 19), peak memory at most twice
# the input matrix. RUNS=N runs each N times, alternating (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:-1000000}
N=${2:-12}
B=${BUILD:-build}
W=${BENCH_DIR:-/tmp/cc-bench-mcda-$M-$N}
mkdir -p "$W"
[ -x "$B/bench_mcda" ] || { echo "build first: $B/bench_mcda is missing"; exit 1; }
if [ ! -f "$W/matrix.f64" ]; then
  echo "writing a deterministic $M x $N float64 matrix ..."
  "$B/bench_mcda" gen "$W/matrix.f64" "$M" "$N"
fi
input_mb=$(echo "$M * $N * 8 / 1048576" | bc -l)
# Ours and numpy alternately, RUNS times (default 5): medians and spread (bench/alternate.py).
# Older OpenBLAS builds need OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE on some processors, and they
# slow a current numpy: unset both for numpy's command (never in tests or CI).
bench/alternate.py --runs "${RUNS:-5}" --keep "$W" \
  --metric seconds:seconds:lower --metric rss_mb:"peak RSS MB":lower \
  -- ours "$B/bench_mcda run $W/matrix.f64 $M $N $W/ours" \
  -- numpy "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/mcda_numpy.py $W/matrix.f64 $M $N $W/numpy"
echo
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$B/CMakeCache.txt" | cut -d= -f2) ($B, as make builds it); input matrix $(printf %.0f "$input_mb") MB"
echo "checks on the last run of each:"
/usr/bin/python3 - "$W/ours.txt" "$W/numpy.txt" "$input_mb" "$W" <<'PY'
import sys
import numpy as np
def parse(p):
    line = [l for l in open(p) if l.startswith("RESULT")][0]
    return dict(kv.split("=") for kv in line.split()[1:])
a, b, input_mb = parse(sys.argv[1]), parse(sys.argv[2]), float(sys.argv[3])
ratio = float(a['rss_mb']) / input_mb
print(f"our peak RSS {ratio:.2f}x the input (target <= 2x)")
ok = True
for k, tol in (("score_sum", 1e-9), ("weight_check", 1e-9)):
    x, y = float(a[k]), float(b[k])
    good = abs(x - y) <= tol * max(1.0, abs(x))
    ok &= good
    print(f"checksum {k}: {x!r} vs {y!r}: {'agree' if good else 'DIFFER'}")
good = a["best"] == b["best"]
ok &= good
print(f"best alternative: {a['best']} vs {b['best']}: {'agree' if good else 'DIFFER'}")
# Element-wise: scores to 1e-9; ranks equal except where two scores sit within rounding
# (~1e-12) of the 1e-10 tie tolerance, where the two computations may group them differently.
w = sys.argv[4]
sa, sb = np.fromfile(w + "/ours.scores", "<f8"), np.fromfile(w + "/numpy.scores", "<f8")
ra, rb = np.fromfile(w + "/ours.ranks", "<i4"), np.fromfile(w + "/numpy.ranks", "<i4")
dmax = float(np.abs(sa - sb).max())
good = dmax <= 1e-9
ok &= good
print(f"scores: largest difference {dmax:.2e}: {'agree' if good else 'DIFFER'}")
bad = np.nonzero(ra != rb)[0]
explained = all(abs(int(ra[i]) - int(rb[i])) <= 2 for i in bad)
good = len(bad) <= 10 and explained
ok &= good
print(f"ranks: {len(ra) - len(bad)} of {len(ra)} identical, {len(bad)} differ by at most "
      f"{max([abs(int(ra[i]) - int(rb[i])) for i in bad], default=0)} "
      f"(near-ties at the tolerance): {'agree' if good else 'DIFFER'}")
sys.exit(0 if ok else 1)
PY
