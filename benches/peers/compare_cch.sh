#!/usr/bin/env bash
# The CCH routing engine against RoutingKit's (PyPI `routingkit-cch`, installed
# into a venv under benches/peers/work) on the same graph and the same points,
# side by side in one run: order (nested dissection by inertial flow),
# contraction, customization (RoutingKit's keeps travel times only, as our
# times-only customization; ours with routes — lengths and middle nodes for
# unpacking — is shown beside), and a 100 × 5 000 one-to-many matrix on one thread.
# Both sides check their matrix: the sums of all distances must be equal.
# Usage: benches/peers/compare_cch.sh [GRAPH ...]
#   GRAPH: a bundled extract name or `city` (the generated 10⁶-node grid city);
#   default: malta-latest city.
set -euo pipefail
cd "$(dirname "$0")/../.."
graphs=("$@")
[ ${#graphs[@]} -gt 0 ] || graphs=(malta-latest city)
work=benches/peers/work
mkdir -p "$work"
venv="$work/cch-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "routingkit-cch==0.1.4" numpy >/dev/null
fi
cargo build --release -q --example cch_peer
printf '%-14s %9s %10s | %8s %8s %8s %6s | %8s %8s %8s %6s | %9s %9s %6s | %9s\n' \
  graph nodes arcs "order1t" "order2t" "rk" "ratio" "times" "routes" "rk" "ratio" "query1t" "rk" "ratio" "dijkstra"
for g in "${graphs[@]}"; do
  src=$g
  [ "$g" = city ] || src="network-data/$g.osm.pbf"
  dir="$work/cch/$g"
  mkdir -p "$dir"
  ours=$(target/release/examples/cch_peer "$src" "$dir")
  rk=$("$venv/bin/python" benches/peers/rk_cch.py "$dir")
  python3 - "$g" "$ours" "$rk" <<'PY'
import json, sys
g, o, r = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
assert o["sum_ms"] == r["sum_ms"], f"distance sums differ: {o['sum_ms']} vs {r['sum_ms']}"
ratio = lambda a, b: f"{a / b:.2f}"
print(f"{g:<14} {o['nodes']:>9} {o['arcs']:>10} | {o['order_1t_s']:>8.3f} {o['order_2t_s']:>8.3f} {r['order_s']:>8.3f} {ratio(o['order_1t_s'], r['order_s']):>6} |"
      f" {o['customize_times_s']:>8.4f} {o['customize_s']:>8.4f} {r['customize_s']:>8.4f} {ratio(o['customize_times_s'], r['customize_s']):>6} |"
      f" {o['query_1t_s']:>9.4f} {r['query_1t_s']:>9.4f} {ratio(o['query_1t_s'], r['query_1t_s']):>6} | {o['dijkstra_1t_s']:>9.4f}")
PY
done
