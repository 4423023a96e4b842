"""Times OR-Tools' SimpleMinCostFlow on a DIMACS min-cost-flow file.

Prints: cost, status, read_s, solve_s (same keys as `reliefflow solve-mcf`).
SimpleMinCostFlow has no lower bounds; the generated instances have none.
"""
import sys
import time

from ortools.graph.python import min_cost_flow

import numpy as np


def main(path):
    t0 = time.perf_counter()
    tails, heads, caps, costs = [], [], [], []
    supplies = {}
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"a"):
                _, t, h, lo, cap, c = line.split()
                if int(lo) != 0:
                    sys.exit("lower bounds are not supported by SimpleMinCostFlow")
                tails.append(int(t) - 1)
                heads.append(int(h) - 1)
                caps.append(min(int(cap), 2**62))
                costs.append(int(c))
            elif line.startswith(b"n"):
                _, v, s = line.split()
                supplies[int(v) - 1] = int(s)
            elif line.startswith(b"p"):
                n = int(line.split()[2])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64), np.array(costs, dtype=np.int64))
    for v in range(n):
        smcf.set_node_supply(v, supplies.get(v, 0))
    t1 = time.perf_counter()
    status = smcf.solve()
    t2 = time.perf_counter()
    ok = status == smcf.OPTIMAL
    print(smcf.optimal_cost() if ok else "not-optimal")
    print("status", "optimal" if ok else f"status-{status}")
    print(f"read_s {t1 - t0:.6f}")
    print(f"solve_s {t2 - t1:.6f}")


if __name__ == "__main__":
    main(sys.argv[1])
