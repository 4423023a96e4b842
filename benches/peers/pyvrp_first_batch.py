"""The first phase of a reliefflow scenario posed to PyVRP, on reliefflow's own
travel times; prints the first-batch kg PyVRP delivers by the deadline.

Usage: pyvrp_first_batch.py SCENARIO_DIR MATRIX_CSV SECONDS [SEED]

Model (PyVRP 0.14):
- each warehouse is a depot; its trucks are one vehicle type starting and ending
  there, reloading there (`reload_depots`, unlimited reloads), with the depot's
  loading time as the depot's service duration;
- capacity has three dimensions: payload (kg), volume (litres), and stops per
  trip (`max_stops`, one per shelter visit), so every trip keeps the stop limit;
- each shelter's first batch (headcount x the default norms, rounded up per item,
  as reliefflow computes it) is split into pieces of at most a quarter of the
  smallest truck's payload; every piece is an optional client with a prize of
  1 000 per kg, due by the first deadline (arrival), unloading time as service;
  only a shelter's first piece counts a stop and pays the unloading time, so
  PyVRP may split a shelter's delivery over trips at no extra stop (slightly in
  its favour);
- stock: PyVRP has no depot inventory, so each item's demand is scaled down to the
  city's total stock of it where stock is short (stock is then available at any
  warehouse, in PyVRP's favour); relief items riding along are not modelled.

Because of that last point, PyVRP's routes are also scored under each warehouse's
own stock (`at_stock_kg`): the trucks of each warehouse, in the order they reach
their stops, unload what the shelter still needs of its first batch (highest
priority first, within the trip's payload and volume) from what that warehouse
still holds — the rule reliefflow's own trips follow.
"""

import csv
import math
import sys
import tomllib
from pathlib import Path

import pyvrp
from pyvrp.stop import MaxRuntime

# (kg/unit, m3/unit, first batch per person): reliefflow's default catalogue.
NORMS = {
    "water": (1.0, 0.001, 3.0),
    "ready_meal": (0.35, 0.0008, 1.0),
    "quilt": (2.0, 0.02, 1.0),
    "medical_kit": (10.0, 0.04, 0.01),
}
# Loading order of the catalogue (its priorities: 10, 9, 8, 6).
PRIORITY = ["water", "medical_kit", "ready_meal", "quilt"]
PRIZE_PER_KG = 1000
UNREACHABLE = 10**9


def main():
    scen, matrix_csv, seconds = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    toml = tomllib.loads((scen / "scenario.toml").read_text())
    targets = toml.get("targets", {})
    deadline = round(3600 * targets.get("first_delivery_h", 6.0))
    unloading = round(3600 * targets.get("unloading_h", 0.25))
    max_stops = targets.get("max_stops", 6)
    warehouses = list(csv.DictReader(open(scen / "warehouses.csv")))
    shelters = list(csv.DictReader(open(scen / "shelters.csv")))
    if (scen / "items.csv").exists():
        sys.exit("pyvrp_first_batch.py knows only the default catalogue")
    dur = {}
    for r in csv.DictReader(open(matrix_csv)):
        dur[(r["from_id"], r["to_id"])] = (
            round(float(r["seconds"])) if r["seconds"] else UNREACHABLE
        )

    m = pyvrp.Model()
    ids, locs = [], []
    client_shelter = []  # client index -> shelter row
    depots = []
    for w in warehouses:
        loc = m.add_location(x=0, y=0, name="W:" + w["id"])
        ids.append("W:" + w["id"])
        locs.append(loc)
        depots.append(m.add_depot(loc, service_duration=round(3600 * float(w["loading_h"]))))
    need = {i: 0 for i in NORMS}
    for s in shelters:
        for i, (_, _, f) in NORMS.items():
            need[i] += math.ceil(int(s["headcount"]) * f - 1e-9)
    held = {i: 0.0 for i in NORMS}
    for r in csv.DictReader(open(scen / "stock.csv")):
        if r["item"] in held:
            held[r["item"]] += float(r["quantity"])
    share = {i: min(1.0, held[i] / need[i]) if need[i] else 1.0 for i in NORMS}
    min_payload = min(float(w["truck_payload_kg"]) for w in warehouses if int(w["trucks"]) > 0)
    piece_kg = min_payload / 4
    total_kg = 0.0
    for s in shelters:
        n = int(s["headcount"])
        kg = sum(math.ceil(n * f - 1e-9) * share[i] * k for i, (k, _, f) in NORMS.items())
        m3 = sum(math.ceil(n * f - 1e-9) * share[i] * v for i, (_, v, f) in NORMS.items())
        if kg <= 0:
            continue
        total_kg += sum(math.ceil(n * f - 1e-9) * k for k, _, f in NORMS.values())
        loc = m.add_location(x=0, y=0, name="S:" + s["id"])
        ids.append("S:" + s["id"])
        locs.append(loc)
        pieces = max(1, math.ceil(kg / piece_kg))
        for p in range(pieces):
            client_shelter.append(s)
            pk, pv = kg / pieces, m3 / pieces
            m.add_client(
                loc,
                delivery=[round(pk), round(1000 * pv), 1 if p == 0 else 0],
                service_duration=unloading if p == 0 else 0,
                tw_late=deadline,
                prize=round(PRIZE_PER_KG * pk),
                required=False,
                name=f"{s['id']}#{p}",
            )
    for a, la in zip(ids, locs):
        for b, lb in zip(ids, locs):
            d = 0 if a == b else dur.get((a, b), UNREACHABLE)
            m.add_edge(la, lb, distance=d, duration=d)
    for w, dep in zip(warehouses, depots):
        if int(w["trucks"]) == 0:
            continue
        m.add_vehicle_type(
            num_available=int(w["trucks"]),
            capacity=[
                round(float(w["truck_payload_kg"])),
                round(1000 * float(w["truck_volume_m3"])),
                max_stops,
            ],
            start_depot=dep,
            end_depot=dep,
            reload_depots=[dep],
            name=w["id"],
        )
    res = m.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    best = res.best
    delivered = sum(r.delivery()[0] for r in best.routes())
    trips = sum(r.num_trips() for r in best.routes())
    at_stock = at_stock_kg(best, warehouses, client_shelter, scen)
    print(
        f"pyvrp feasible={res.is_feasible()} delivered_kg={delivered} at_stock_kg={at_stock:.0f} "
        f"demand_kg={round(total_kg)} share={delivered / total_kg:.4f} trips={trips} "
        f"kg_per_trip={delivered / max(trips, 1):.0f} iterations={res.num_iterations} "
        f"runtime_s={res.runtime:.1f}"
    )


def at_stock_kg(best, warehouses, client_shelter, scen):
    """Kg PyVRP's routes deliver when each warehouse gives only what it holds."""
    held = {}
    for r in csv.DictReader(open(scen / "stock.csv")):
        if r["item"] in NORMS:
            key = (r["warehouse_id"], r["item"])
            held[key] = held.get(key, 0) + int(float(r["quantity"]))
    # Visits per warehouse: (arrival, route, trip, shelter).
    visits = {}
    for n, route in enumerate(best.routes()):
        w = [x for x in warehouses if int(x["trucks"]) > 0][route.vehicle_type()]
        for act in route.schedule():
            if act.is_client:
                s = client_shelter[act.idx]
                visits.setdefault(w["id"], []).append((act.start_time, n, act.trip, s["id"], s))
    due = {}
    total = 0.0
    for wid, vs in visits.items():
        w = next(x for x in warehouses if x["id"] == wid)
        payload, volume = float(w["truck_payload_kg"]), float(w["truck_volume_m3"])
        room = {}
        for _, n, trip, sid, s in sorted(vs, key=lambda v: (v[0], v[1])):
            kg, m3 = room.get((n, trip), (payload, volume))
            for i in PRIORITY:
                k, v, f = NORMS[i]
                left = due.setdefault((sid, i), math.ceil(int(s["headcount"]) * f - 1e-9))
                q = min(left, held.get((wid, i), 0), math.floor(kg / k + 1e-9), math.floor(m3 / v + 1e-9))
                if q > 0:
                    due[(sid, i)] -= q
                    held[(wid, i)] -= q
                    kg, m3 = kg - q * k, m3 - q * v
                    total += q * k
            room[(n, trip)] = (kg, m3)
    return total


if __name__ == "__main__":
    main()
