#!/usr/bin/env bash
# Planner-judged siting, local against a local Ray cluster of two nodes (one
# CPU each, every process on 127.0.0.1), side by side on the same machine:
#   benches/site_ray.sh [SCENARIO] [DAMAGE_SCENARIOS] [BATCH]
# (default scenarios/beijing-level1 200 10). Prints both wall times, the
# overhead, and checks that the files are the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
sc="${1:-scenarios/beijing-level1}"
n="${2:-200}"
batch="${3:-10}"
py="$(scripts/ensure-ray)"
cargo build --release -q
bin=target/release/reliefflow
work="$(mktemp -d)"
trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
# The cluster runs until its input (fd 3) closes.
mkfifo "$work/in"
"$py" tools/ray_local_cluster.py 2 1 < "$work/in" > "$work/cluster.log" 2>/dev/null &
exec 3> "$work/in"
for _ in $(seq 1 120); do grep -q '^address ' "$work/cluster.log" && break; sleep 0.5; done
addr="$(grep '^address ' "$work/cluster.log" | cut -d' ' -f2)"
echo "cluster at $addr"
run() {
  local out="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" site "$sc" --scenarios "$n" -o "$out" "$@" > "$out.txt" 2>/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
local_s=$(run "$work/local")
ray_s=$(run "$work/ray" --ray "$addr" --ray-batch "$batch" --ray-python "$py")
grep -E "plans, " "$work/local.txt" "$work/ray.txt" | sed "s|$work/||"
grep -A4 "judged by" "$work/local.txt"
for f in siting.csv siting_layouts.csv siting_planner.csv siting_planner_districts.csv siting_planner_stock.csv; do
  cmp -s "$work/local/$f" "$work/ray/$f" || { echo "$f differs"; exit 1; }
done
echo "local ${local_s} s, 2-node Ray cluster ${ray_s} s, overhead $(echo "scale=3; ($ray_s / $local_s - 1) * 100" | bc) %; files identical"
