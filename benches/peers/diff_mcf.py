"""Differential test of our min-cost-flow solver against LEMON's NetworkSimplex.

Usage: python3 benches/peers/diff_mcf.py REliefflow_BIN LEMON_BIN WORKDIR [N] [SEED]

Writes N small instances (default 3000) in adversarial families as DIMACS
files, solves each with `reliefflow solve-mcf` (exact supplies) and with
LEMON (`lemon_ns FILE ns`; LEMON's GEQ supply type, the same as exact
supplies when they sum to 0 and infeasible like ours when they sum above 0,
the only unbalanced case generated), and requires the same status
(optimal / infeasible / unbounded) and, when optimal, the same cost. A second
set breaks the documented overflow limits (sums of supplies or lower bounds,
|cost| · nodes past 2^61): ours must refuse each with a typed error naming the
line, exit 1, never a panic. Prints a summary per family; exits 1 on any
disagreement.
"""
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict

SUM_LIMIT = (2**63 - 1) // 4
UNBOUNDED_CAP = 1 << 62


def balanced_supplies(rng, n, total):
    sup = [0] * n
    for _ in range(rng.randint(1, 4)):
        s, t = rng.randrange(n), rng.randrange(n)
        q = rng.randint(0, total)
        sup[s] += q
        sup[t] -= q
    return sup


def instance(rng, family):
    n = rng.randint(2, 24)
    arcs = []
    sup = balanced_supplies(rng, n, 30)
    m = rng.randint(1, 60)
    cost_range = 50
    for _ in range(m):
        t, h = rng.randrange(n), rng.randrange(n)
        if t == h:
            h = (h + 1) % n
        cap = rng.randint(0, 25)
        lo = rng.randint(0, cap) if rng.random() < 0.15 else 0
        c = rng.randint(-cost_range, cost_range)
        arcs.append([t, h, lo, cap, c])
    if family == "degenerate":
        c = rng.choice([0, 1, 7])
        for a in arcs:
            a[4] = c
        arcs += [list(a) for a in arcs[: len(arcs) // 2]]  # parallel copies
    elif family == "parallel":
        base = arcs[: max(1, len(arcs) // 4)]
        arcs = [list(a) for a in base for _ in range(rng.randint(1, 4))]
        for a in arcs:
            a[4] = rng.randint(-5, 5)
    elif family == "zero_caps":
        for a in arcs:
            if rng.random() < 0.7:
                a[2], a[3] = 0, 0
    elif family == "near_limits":
        # |cost| · n · (total flow) stays inside 2^61, so both sides' 64-bit
        # totals are exact; the costs themselves are huge.
        flow_bound = sum(a[3] for a in arcs) + 1
        big = SUM_LIMIT // (n * flow_bound * 4)
        for a in arcs:
            a[4] = rng.choice([-1, 1]) * rng.randint(big // 2, big)
    elif family == "disconnected":
        half = n // 2
        arcs = [a for a in arcs if (a[0] < half) == (a[1] < half)] or [[0, 1, 0, 5, 1]]
        sup = [0] * n
        q = rng.randint(1, 20)
        sup[0], sup[n - 1] = q, -q
    elif family == "unbalanced":
        sup[rng.randrange(n)] += rng.randint(1, 10)
    elif family == "uncapacitated":
        # Costs ≥ 0: with a negative cycle of unlimited capacity ours answers
        # "unbounded" while LEMON, which reads 2^62 as a number, overflows.
        for a in arcs:
            a[4] = abs(a[4])
            if rng.random() < 0.5:
                a[3] = UNBOUNDED_CAP
                a[2] = 0
    elif family == "lower_bounds":
        for a in arcs:
            if a[3] > 0:
                a[2] = rng.randint(0, a[3])
    if family not in ("disconnected", "unbalanced") and rng.random() < 0.7:
        # A ring through every node (capacity for the whole supply) makes most
        # instances feasible, so optimal costs get compared, not only statuses.
        same = arcs[0][4] if family == "degenerate" else None
        for v in range(n):
            c = same if same is not None else rng.randint(0, cost_range)
            arcs.append([v, (v + 1) % n, 0, 60, c])
    return n, arcs, sup


def write(path, n, arcs, sup):
    with open(path, "w") as f:
        f.write(f"p min {n} {len(arcs)}\n")
        for i, s in enumerate(sup):
            if s:
                f.write(f"n {i + 1} {s}\n")
        for t, h, lo, cap, c in arcs:
            f.write(f"a {t + 1} {h + 1} {lo} {cap} {c}\n")


def first_line(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return r.returncode, (r.stdout.splitlines() or [""])[0].strip(), r.stderr


def main():
    ours, lemon, work = sys.argv[1], sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    os.makedirs(work, exist_ok=True)
    families = ["random", "degenerate", "parallel", "zero_caps", "near_limits",
                "disconnected", "unbalanced", "uncapacitated", "lower_bounds"]
    tally = defaultdict(Counter)
    bad = []
    for k in range(count):
        fam = families[k % len(families)]
        n, arcs, sup = instance(rng, fam)
        path = os.path.join(work, f"{fam}-{k}.min")
        write(path, n, arcs, sup)
        rc, a, err = first_line([ours, "solve-mcf", path])
        _, b, _ = first_line([lemon, path, "ns"])
        if rc != 0 or "panicked" in err:
            bad.append(f"{path}: ours exit {rc}: {err.strip()}")
            continue
        tally[fam][a if not a.lstrip("-").isdigit() else "optimal"] += 1
        if a != b:
            bad.append(f"{path}: ours {a!r}, LEMON {b!r}")
        else:
            os.remove(path)
    # Past the documented limits: a typed error naming the line, exit 1.
    limits = [
        "p min 3 2\nn 1 %d\nn 2 %d\na 1 2 0 10 1\na 2 3 0 10 1\n" % (SUM_LIMIT, -SUM_LIMIT),
        "p min 3 2\nn 1 5\nn 3 -5\na 1 2 %d %d 1\na 2 3 %d %d 1\n" % (SUM_LIMIT, SUM_LIMIT, SUM_LIMIT, SUM_LIMIT),
        "p min 3 2\nn 1 5\nn 3 -5\na 1 2 0 10 %d\na 2 3 0 10 1\n" % (SUM_LIMIT // 2),
        "p min 3 1\nn 1 %d\nn 2 %d\na 1 2 0 10 1\n" % (2**63 - 1, -(2**63 - 1)),
    ]
    for i, text in enumerate(limits):
        path = os.path.join(work, f"limit-{i}.min")
        with open(path, "w") as f:
            f.write(text)
        rc, _, err = first_line([ours, "solve-mcf", path])
        ok = rc == 1 and "panicked" not in err and "line" in err
        tally["overflow_limits"]["typed error" if ok else "WRONG"] += 1
        if not ok:
            bad.append(f"{path}: exit {rc}: {err.strip()}")
    for fam in families + ["overflow_limits"]:
        print(f"{fam:<15} " + ", ".join(f"{v} {k}" for k, v in sorted(tally[fam].items())))
    print(f"{count} instances against LEMON, {len(limits)} past the limits: {len(bad)} disagreements")
    for b in bad[:20]:
        print("  " + b)
    sys.exit(1 if bad else 0)


main()
