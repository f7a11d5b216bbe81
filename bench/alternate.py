#!/usr/bin/python3
"""Runs commands alternately and prints medians with their spread (issue 19).

    bench/alternate.py [--runs N] [--metric SPEC]... -- LABEL CMD [-- LABEL CMD]...

The first command is ours, the others are peers. Each command is run through the shell
N times (default 5, at least 5 asked by the benchmarks), in rounds: ours, peer 1, peer 2,
ours, ... so that a machine that slows down or speeds up during the run weighs on all of
them alike. Every command is timed by /usr/bin/time (keys `wall` in seconds and `rss` in MB,
its peak resident memory) and may print lines `RESULT key=value ...` of its own.

A metric SPEC is `KEY[:LABEL[:lower|higher]]`, or `KEYA=KEYB[...]` when a peer names it
otherwise (KEYA ours, KEYB every peer's). A `--pair OURS,PEER[:LABEL[:lower|higher]]` compares
two keys of the same command's output (a program that times ours and the peer side by side,
query by query), with their ratio run by run. For each metric the table shows, per command, the
median and the spread [min-max] over the runs, and for each peer the ratio of the peer to
ours computed round by round (lower-is-better metrics: peer / ours, so above 1 means ours is
faster; higher-is-better: ours / peer), again as median [min-max].

--no-ratio leaves the ratios out (commands that are not ours against a peer, say the same
route under different loads). With --keep DIR the output of the last run of each command is kept as DIR/LABEL.txt (for
checks that compare results). Standard library only (runs on Debian's python3).
"""
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile


def usage(msg):
    sys.stderr.write("alternate.py: %s\n%s" % (msg, __doc__))
    sys.exit(2)


def parse_args(argv):
    runs, metrics, keep, pairs = 5, [], None, []
    i = 0
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a == "--runs" and i + 1 < len(argv):
            runs = int(argv[i + 1])
            i += 2
        elif a == "--metric" and i + 1 < len(argv):
            metrics.append(argv[i + 1])
            i += 2
        elif a == "--pair" and i + 1 < len(argv):
            parts = argv[i + 1].split(":")
            keys = parts[0].split(",")
            if len(keys) != 2:
                usage("--pair OURS,PEER")
            pairs.append((keys[0], keys[1], parts[1] if len(parts) > 1 and parts[1] else parts[0],
                          parts[2] if len(parts) > 2 else "lower"))
            i += 2
        elif a == "--no-ratio":
            metrics.append("!noratio")
            i += 1
        elif a == "--keep" and i + 1 < len(argv):
            keep = argv[i + 1]
            i += 2
        else:
            usage("unknown option %r" % a)
    cmds = []
    while i < len(argv):
        if argv[i] != "--" or i + 2 >= len(argv):
            usage("expected -- LABEL COMMAND")
        cmds.append((argv[i + 1], argv[i + 2]))
        i += 3
    if len(cmds) < 1:
        usage("no command")
    if runs < 1:
        usage("--runs must be at least 1")
    noratio = "!noratio" in metrics
    metrics = [m for m in metrics if m != "!noratio"]
    specs = []
    for m in metrics or ([] if pairs else ["wall:seconds:lower", "rss:peak RSS MB:lower"]):
        parts = m.split(":")
        keys = parts[0].split("=")
        label = parts[1] if len(parts) > 1 and parts[1] else keys[0]
        better = parts[2] if len(parts) > 2 else "lower"
        if better not in ("lower", "higher"):
            usage("metric %r: lower or higher" % m)
        specs.append((keys[0], keys[1] if len(keys) > 1 else keys[0], label, better))
    return runs, specs, keep, cmds, pairs, noratio


RESULT = re.compile(r"^RESULT\s+(.*)$")


def run_once(cmd):
    """Runs CMD; returns (values, output). Exits on failure."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = "/usr/bin/time -f '%%e %%M' -o %s sh -c %s" % (shlex.quote(t.name), shlex.quote(cmd))
        p = subprocess.run(full, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace")
        if p.returncode != 0:
            sys.stderr.write(p.stdout[-4000:])
            sys.stderr.write("alternate.py: command failed (exit %d): %s\n" % (p.returncode, cmd))
            sys.exit(1)
        line = t.read().strip().splitlines()[-1].split()
    vals = {"wall": float(line[0]), "rss": float(line[1]) / 1024}
    for l in p.stdout.splitlines():
        m = RESULT.match(l.strip())
        if m:
            for kv in m.group(1).split():
                if "=" in kv:
                    k, v = kv.split("=", 1)
                    try:
                        vals[k] = float(v)
                    except ValueError:
                        pass
    return vals, p.stdout


def spread(xs, fmt):
    return "%s [%s-%s]" % (fmt(statistics.median(xs)), fmt(min(xs)), fmt(max(xs)))


def num(x):
    if x == 0:
        return "0"
    a = abs(x)
    return "%.0f" % x if a >= 1000 else "%.1f" % x if a >= 100 else "%.3g" % x


def main():
    runs, specs, keep, cmds, pairs, noratio = parse_args(sys.argv[1:])
    got = [[] for _ in cmds]
    for r in range(runs):
        for c, (label, cmd) in enumerate(cmds):
            vals, out = run_once(cmd)
            got[c].append(vals)
            shown = " ".join("%s=%s" % (k, num(v)) for k, v in sorted(vals.items()))
            print("round %d/%d %-28s %s" % (r + 1, runs, label, shown), flush=True)
            if keep and r == runs - 1:
                os.makedirs(keep, exist_ok=True)
                with open(os.path.join(keep, re.sub(r"[^A-Za-z0-9_.-]", "_", label) + ".txt"),
                          "w") as f:
                    f.write(out)
    print()
    print("%d runs each, alternating; median [min-max]" % runs)
    for key_a, key_b, label, better in specs:
        print("%s (%s is better)" % (label, better))
        series = []
        for c, (clabel, _) in enumerate(cmds):
            key = key_a if c == 0 else key_b
            xs = [v[key] for v in got[c] if key in v]
            series.append(xs)
            if len(xs) == runs:
                print("  %-34s %s" % (clabel, spread(xs, num)))
            else:
                print("  %-34s (no %s in its output)" % (clabel, key))
        for c in range(1, 1 if noratio else len(cmds)):
            a, b = series[0], series[c]
            if len(a) != runs or len(b) != runs or any(x == 0 for x in a + b):
                continue
            ratios = [(y / x if better == "lower" else x / y) for x, y in zip(a, b)]
            name = ("%s / %s" % (cmds[c][0], cmds[0][0]) if better == "lower"
                    else "%s / %s" % (cmds[0][0], cmds[c][0]))
            print("  %-34s %s  (above 1: %s is better)" % (name, spread(ratios, lambda v: "%.2fx" % v),
                                                          cmds[0][0]))

    for ours, peer, label, better in pairs:
        for c, (clabel, _) in enumerate(cmds):
            a = [v[ours] for v in got[c] if ours in v]
            b = [v[peer] for v in got[c] if peer in v]
            if len(a) != runs or len(b) != runs:
                print("%s: %s lacks %s or %s" % (label, clabel, ours, peer))
                continue
            print("%s (%s is better; %s)" % (label, better, clabel))
            print("  %-34s %s" % (ours, spread(a, num)))
            print("  %-34s %s" % (peer, spread(b, num)))
            if all(x != 0 for x in a + b):
                ratios = [(y / x if better == "lower" else x / y) for x, y in zip(a, b)]
                print("  %-34s %s  (above 1: %s is better)" % (
                    "%s / %s" % ((peer, ours) if better == "lower" else (ours, peer)),
                    spread(ratios, lambda v: "%.2fx" % v), ours))


if __name__ == "__main__":
    main()
