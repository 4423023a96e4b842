#!/usr/bin/env bash
# First-batch kg delivered by the first deadline: reliefflow's plan against PyVRP
# (PyPI `pyvrp` 0.14, installed into a venv under benches/peers/work) on the same
# travel times (`reliefflow network matrix` under the scenario's disruption), on
# the bundled scenarios with their fleets scaled to 100 %, 50 % and 25 %
# (⌈trucks × scale⌉ per warehouse).
# Usage: benches/peers/compare_vrp.sh [SECONDS] [SCENARIO ...]
#   SECONDS: PyVRP's time limit per case (default 60).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(xicheng-earthquake beijing-level1)
work=benches/peers/work
mkdir -p "$work"
venv="$work/pyvrp-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyvrp==0.14.1" >/dev/null
fi
cargo build --release -q
rf=target/release/reliefflow
printf '%-20s %6s %12s %12s %12s %12s %9s %9s %9s %7s\n' scenario fleet "ours kg" "pyvrp kg" "pv@stock kg" "bound kg" "ours/pv" "ours/pv@s" "ours/bnd" "plan s"
for sc in "${scenarios[@]}"; do
  for scale in 1.0 0.5 0.25; do
    dir="$work/vrp/$sc-$scale"
    rm -rf "$dir" && mkdir -p "$dir"
    cp -r "scenarios/$sc/." "$dir/"
    python3 - "$dir" "$scale" "$PWD/scenarios/$sc" <<'PY'
import csv, math, os, re, sys
d, scale, src = sys.argv[1], float(sys.argv[2]), sys.argv[3]
t = open(os.path.join(d, "scenario.toml")).read()
t = re.sub(r'"(\.\./[^"]*)"', lambda m: '"' + os.path.normpath(os.path.join(src, m.group(1))) + '"', t)
open(os.path.join(d, "scenario.toml"), "w").write(t)
rows = list(csv.DictReader(open(os.path.join(d, "warehouses.csv"))))
with open(os.path.join(d, "warehouses.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rows[0].keys()); w.writeheader()
    for r in rows:
        r["trucks"] = str(math.ceil(int(r["trucks"]) * scale)); w.writerow(r)
with open(os.path.join(d, "points.csv"), "w", newline="") as f:
    w = csv.writer(f); w.writerow(["id", "lon", "lat"])
    for r in rows:
        w.writerow(["W:" + r["id"], r["lon"], r["lat"]])
    for r in csv.DictReader(open(os.path.join(d, "shelters.csv"))):
        w.writerow(["S:" + r["id"], r["lon"], r["lat"]])
PY
    start=$(date +%s.%N)
    $rf plan "$dir" -o "$dir/out" >/dev/null
    end=$(date +%s.%N)
    pbf=$(python3 -c "import tomllib,sys,os; t=tomllib.load(open('$dir/scenario.toml','rb')); print(os.path.join('$dir', t['network']))")
    $rf network matrix "$pbf" --from "$dir/points.csv" --to "$dir/points.csv" \
      --scenario "$dir/scenario.toml" -o "$dir/matrix.csv" >/dev/null
    pv=$("$venv/bin/python" benches/peers/pyvrp_first_batch.py "$dir" "$dir/matrix.csv" "$secs")
    python3 - "$sc" "$scale" "$dir/out/plan.json" "$pv" "$start" "$end" <<'PY'
import json, sys
sc, scale, plan, pv, start, end = sys.argv[1:7]
k = json.load(open(plan))["kpis"]
f = dict(x.split("=") for x in pv.split()[1:])
ours, theirs, bound = k["first_kg"], float(f["delivered_kg"]), k["first_kg_bound"]
at_stock = float(f["at_stock_kg"])
print(f"{sc:<20} {float(scale):6.0%} {ours:12.0f} {theirs:12.0f} {at_stock:12.0f} {bound:12.0f} "
      f"{ours / max(theirs, 1):9.3f} {ours / max(at_stock, 1):9.3f} {ours / max(bound, 1):9.3f} "
      f"{float(end) - float(start):7.2f}"
      f"   (pyvrp: {f['kg_per_trip']} kg/trip, {f['iterations']} iterations)")
PY
  done
done
