#!/usr/bin/env bash
# Side-by-side min-cost-flow timings: reliefflow's network simplex vs LEMON's
# NetworkSimplex (C++) vs OR-Tools' SimpleMinCostFlow, on the same DIMACS files,
# in one run, with ratios. Installs its own peers (Debian liblemon-dev + g++,
# PyPI ortools). Usage: benches/peers/compare_mcf.sh [small]
#   (no argument: the 10⁶-arc instances the targets are stated for)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=benches/peers/work
mkdir -p "$work"

if [ ! -f /usr/include/lemon/network_simplex.h ]; then
  (apt-get update -qq && apt-get install -y -qq liblemon-dev g++) >/dev/null
fi
python3 -c "import ortools" 2>/dev/null || pip install -q ortools numpy >/dev/null
g++ -O3 -march=native -o "$work/lemon_ns" benches/peers/lemon_ns.cpp
cargo build --release -q
rf=target/release/reliefflow

if [ "${1:-}" = small ]; then
  sizes=("grid 100 100" "transport 20 1000")
else
  sizes=("grid 160 160" "grid 500 500" "transport 100 10000")
fi

field() { awk -v k="$1" '$1==k {print $2}'; }
printf "%-24s %9s %12s | %9s %9s %9s | %8s %8s | %s\n" instance arcs cost "ours_s" "lemon_s" "ortools_s" "lemon/us" "ortl/us" "costs agree"
for s in "${sizes[@]}"; do
  set -- $s
  f="$work/$1-$2x$3.min"
  [ -f "$f" ] || $rf gen-mcf --shape "$1" "$2" "$3" -o "$f" >/dev/null
  arcs=$(awk '/^p/ {print $4}' "$f")
  ours=$($rf solve-mcf "$f"); lemon=$("$work/lemon_ns" "$f"); ortl=$(python3 benches/peers/ortools_mcf.py "$f")
  c1=$(echo "$ours" | head -1); c2=$(echo "$lemon" | head -1); c3=$(echo "$ortl" | head -1)
  t1=$(echo "$ours" | field solve_s); t2=$(echo "$lemon" | field solve_s); t3=$(echo "$ortl" | field solve_s)
  agree=$([ "$c1" = "$c2" ] && [ "$c1" = "$c3" ] && echo yes || echo "NO ($c1 / $c2 / $c3)")
  printf "%-24s %9s %12s | %9.3f %9.3f %9.3f | %8.2f %8.2f | %s\n" "$1 $2x$3" "$arcs" "$c1" "$t1" "$t2" "$t3" \
    "$(echo "$t2 / $t1" | bc -l)" "$(echo "$t3 / $t1" | bc -l)" "$agree"
done
echo "(solve time only, excluding file reading; ratio > 1 means reliefflow is faster)"
