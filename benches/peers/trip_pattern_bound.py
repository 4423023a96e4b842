"""An upper bound on first-batch kg by the deadline that counts whole trips per
truck, solved by column generation with HiGHS (scipy): how far the plan's own
bound (`plan.json` -> `kpis.first_kg_bound`) could tighten with an LP.

Usage: trip_pattern_bound.py <case folder> [bands]
  <case folder>: a folder `compare_vrp.sh` writes (scenario files, matrix.csv).
  bands: round-trip bands per warehouse (default 40; more is tighter and slower).
Needs numpy and scipy (`pip install scipy`); the first-batch catalogue as in
pyvrp_first_batch.py (reliefflow's default).

The LP. Variables: kg of each item from warehouse w to shelter s (only where a
truck loaded at once arrives by the deadline), and how many of w's trucks drive
each truck schedule. A schedule is a sequence of whole trips, each with a band
and a stop count: a trip whose farthest stop (by drive out and back) lies in
band b takes at least loading + the band's least round trip + stops x unloading,
the last trip of the day only has to arrive (loading + the band's least drive
out); every schedule fits in the deadline. Rows: stock of each item at each
warehouse, each shelter's demand of each item, trucks per warehouse, and for
every band b of every warehouse: kg to shelters in bands >= b is at most payload
x trips of bands >= b, and visits to them (kg / min(demand, payload), a visit
delivers at most that) at most the stops of those trips. Every plan gives a
feasible point, so the optimum bounds every plan. Schedules are priced by a
knapsack over time (durations rounded down, so still a bound); the loop stops
when no schedule has positive reduced cost. Left out (so the bound is looser
than the truth): drives between stops, the pieces a split delivery takes.
"""

import csv
import math
import sys
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

# (kg/unit, m3/unit, first batch per person): reliefflow's default catalogue.
NORMS = {
    "water": (1.0, 0.001, 3.0),
    "ready_meal": (0.35, 0.0008, 1.0),
    "quilt": (2.0, 0.02, 1.0),
    "medical_kit": (10.0, 0.04, 0.01),
}
GRID_H = 0.005


def main():
    case = Path(sys.argv[1])
    nb = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    targets = tomllib.loads((case / "scenario.toml").read_text()).get("targets", {})
    deadline = targets.get("first_delivery_h", 6.0)
    unload = targets.get("unloading_h", 0.25)
    max_stops = targets.get("max_stops", 6)
    warehouses = list(csv.DictReader(open(case / "warehouses.csv")))
    need = Counter()
    for s in csv.DictReader(open(case / "shelters.csv")):
        for i, (kg, _, per) in NORMS.items():
            need[(s["id"], i)] = math.ceil(int(s["headcount"]) * per - 1e-9) * kg
    shelter_kg = Counter()
    for (s, _), kg in need.items():
        shelter_kg[s] += kg
    shelters = [s for s in shelter_kg if shelter_kg[s] > 0]
    stock = Counter()
    for r in csv.DictReader(open(case / "stock.csv")):
        if r["item"] in NORMS:
            stock[(r["warehouse_id"], r["item"])] += float(r["quantity"]) * NORMS[r["item"]][0]
    hours = {}
    for r in csv.DictReader(open(case / "matrix.csv")):
        hours[(r["from_id"], r["to_id"])] = float(r["seconds"]) / 3600 if r["seconds"] else math.inf
    densest = max(kg / m3 for kg, m3, _ in NORMS.values())

    # Bands of each warehouse's reachable shelters by round trip.
    fleets = []
    for w in warehouses:
        load, trucks = float(w["loading_h"]), int(w["trucks"])
        payload = min(float(w["truck_payload_kg"]), float(w["truck_volume_m3"]) * densest)
        reach = []
        for s in shelters:
            out = hours.get(("W:" + w["id"], "S:" + s), math.inf)
            back = hours.get(("S:" + s, "W:" + w["id"]), math.inf)
            if load + out <= deadline + 1e-9:
                reach.append((out + (back if math.isfinite(back) else 0.0), out, s))
        reach.sort()
        bands, band_of = [], {}
        for k in range(nb):
            chunk = reach[k * len(reach) // nb:(k + 1) * len(reach) // nb]
            if chunk:
                bands.append((chunk[0][0], min(c[1] for c in chunk)))
                for c in chunk:
                    band_of[c[2]] = len(bands) - 1
        fleets.append((load, payload, trucks, bands, band_of))

    def price(w, mu, nu):
        """The schedule of most value at band prices mu (per kg) and nu (per stop)."""
        load, payload, _, bands, _ = fleets[w]
        per_kg, per_stop = np.cumsum(mu), np.cumsum(nu)
        steps = int(deadline / GRID_H + 1e-9)
        kinds = []
        for b, (trip, out) in enumerate(bands):
            for k in range(1, max_stops + 1):
                kinds.append((
                    payload * per_kg[b] + k * per_stop[b],
                    int(math.floor((load + trip + k * unload) / GRID_H + 1e-9)),
                    int(math.floor((load + max(out, (k - 1) * unload)) / GRID_H + 1e-9)),
                    b, k,
                ))
        best, choice = np.zeros(steps + 1), [None] * (steps + 1)
        for t in range(1, steps + 1):
            best[t], choice[t] = best[t - 1], "idle"
            for value, ret, _, b, k in kinds:
                if 0 < ret <= t and best[t - ret] + value > best[t] + 1e-12:
                    best[t], choice[t] = best[t - ret] + value, (ret, b, k)
        value, t, last = best[steps], steps, None
        for v, _, arrive, b, k in kinds:
            if arrive <= steps and best[steps - arrive] + v > value:
                value, t, last = best[steps - arrive] + v, steps - arrive, (b, k)
        trips, stops = [0] * len(bands), [0] * len(bands)
        if last:
            trips[last[0]] += 1
            stops[last[0]] += last[1]
        while t > 0:
            if choice[t] == "idle":
                t -= 1
                continue
            ret, b, k = choice[t]
            trips[b] += 1
            stops[b] += k
            t -= ret
        return value, trips, stops

    flows = [
        (w, s, i)
        for w, f in enumerate(fleets)
        for s in f[4]
        for i in NORMS
        if need[(s, i)] > 0 and stock[(warehouses[w]["id"], i)] > 0
    ]
    si = {k: n for n, k in enumerate((s, i) for s in shelters for i in NORMS)}
    wi = {k: n for n, k in enumerate((w["id"], i) for w in warehouses for i in NORMS)}
    r_stock, r_trucks = len(si), len(si) + len(wi)
    r_bands = r_trucks + len(warehouses)
    band_row = [r_bands + 2 * nb * w for w in range(len(warehouses))]
    columns = [(w, [0] * len(f[3]), [0] * len(f[3])) for w, f in enumerate(fleets)]
    for it in range(500):
        a = lil_matrix((r_bands + 2 * nb * len(warehouses), len(flows) + len(columns)))
        rhs = np.zeros(a.shape[0])
        for (s, i), n in si.items():
            rhs[n] = need[(s, i)]
        for (w, i), n in wi.items():
            rhs[r_stock + n] = stock[(w, i)]
        for w, f in enumerate(fleets):
            rhs[r_trucks + w] = f[2]
        for j, (w, s, i) in enumerate(flows):
            _, payload, _, _, band_of = fleets[w]
            a[si[(s, i)], j] = 1
            a[r_stock + wi[(warehouses[w]["id"], i)], j] = 1
            for b in range(band_of[s] + 1):
                a[band_row[w] + 2 * b, j] = 1
                a[band_row[w] + 2 * b + 1, j] = 1 / min(shelter_kg[s], payload)
        for c, (w, trips, stops) in enumerate(columns):
            j = len(flows) + c
            a[r_trucks + w, j] = 1
            for b in range(len(trips)):
                a[band_row[w] + 2 * b, j] = -fleets[w][1] * sum(trips[b:])
                a[band_row[w] + 2 * b + 1, j] = -sum(stops[b:])
        cost = np.zeros(a.shape[1])
        cost[: len(flows)] = -1
        res = linprog(cost, A_ub=a.tocsr(), b_ub=rhs, bounds=(0, None), method="highs")
        dual = -res.ineqlin.marginals
        lp, added = -res.fun, 0
        # LP value + every truck's best reduced cost: a bound at every iteration.
        bound = lp
        for w, f in enumerate(fleets):
            nbw = len(f[3])
            mu = np.array([dual[band_row[w] + 2 * b] for b in range(nbw)])
            nu = np.array([dual[band_row[w] + 2 * b + 1] for b in range(nbw)])
            value, trips, stops = price(w, mu, nu)
            if value - dual[r_trucks + w] > 1e-6:
                bound += f[2] * (value - dual[r_trucks + w])
                columns.append((w, trips, stops))
                added += 1
        if added == 0:
            break
    print(
        f"trip_pattern_bound first_kg_bound={bound:.0f} demand_kg={sum(need.values()):.0f} "
        f"bands={nb} schedules={len(columns)} iterations={it + 1}"
    )


if __name__ == "__main__":
    main()
