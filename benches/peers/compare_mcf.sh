#!/usr/bin/env bash
# Side-by-side min-cost-flow timings: reliefflow's network simplex vs LEMON's
# NetworkSimplex (C++) vs OR-Tools' SimpleMinCostFlow, on the same DIMACS files,
# in one run, with ratios. Installs its own peers (Debian liblemon-dev + g++,
# PyPI ortools). Usage: benches/peers/compare_mcf.sh [small]
#   (no argument: the 10⁶-arc instances the targets are stated for)
# Each solver runs REPEATS times (default 3), interleaved, and the median solve
# time is reported: these machines are noisy (±20 % between runs).
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
runs=${REPEATS:-3}
# Median of the arguments; empty if any run timed out.
median() {
  for x in "$@"; do [ -n "$x" ] || return 0; done
  printf "%s\n" "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
# A peer that exceeds the time limit is reported as "timeout" and its ratio as
# ">limit/ours".
limit=${PEER_TIMEOUT_S:-120}
timed() { timeout "$limit" "$@" || echo "timeout"; }
ratio() { if [ "$1" = "" ]; then echo ">$(echo "$limit / $2" | bc -l | xargs printf '%.1f')"; else echo "$1 / $2" | bc -l | xargs printf '%.2f'; fi; }
printf "%-20s %8s %11s | %8s %8s | %8s %8s %8s | %7s %7s %7s %7s | %s\n" instance arcs cost \
  ours_s ours_art lemon_ns lemon_cs ortools ns/us cs/us ortl/us art/us "costs agree"
for s in "${sizes[@]}"; do
  set -- $s
  f="$work/$1-$2x$3.min"
  [ -f "$f" ] || $rf gen-mcf --shape "$1" "$2" "$3" -o "$f" >/dev/null
  arcs=$(awk '/^p/ {print $4}' "$f")
  # LEMON's CostScaling stalls on 2^62 'unbounded' capacities; give it an
  # equivalent copy with those capped at the total supply.
  total=$(awk '/^n/ && $3 > 0 {s += $3} END {print s}' "$f")
  sed "s/ 4611686018427387904 / $total /" "$f" > "$work/capped.min"
  agree=yes
  T=(); TA=(); TN=(); TC=(); TO=()
  for _ in $(seq "$runs"); do
    ours=$($rf solve-mcf "$f"); art=$($rf solve-mcf --start artificial "$f")
    lns=$("$work/lemon_ns" "$f" ns); lcs=$(timed "$work/lemon_ns" "$work/capped.min" cs)
    ortl=$(python3 benches/peers/ortools_mcf.py "$f")
    c=$(echo "$ours" | head -1)
    for other in "$art" "$lns" "$ortl" "$lcs"; do
      o=$(echo "$other" | head -1)
      [ "$o" = timeout ] || [ "$o" = "$c" ] || agree="NO ($c / $o)"
    done
    T+=("$(echo "$ours" | field solve_s)"); TA+=("$(echo "$art" | field solve_s)")
    TN+=("$(echo "$lns" | field solve_s)"); TC+=("$(echo "$lcs" | field solve_s)")
    TO+=("$(echo "$ortl" | field solve_s)")
  done
  t=$(median "${T[@]}"); ta=$(median "${TA[@]}"); tn=$(median "${TN[@]}")
  tc=$(median "${TC[@]}"); to=$(median "${TO[@]}")
  tcs=$([ -n "$tc" ] && printf "%.3f" "$tc" || echo timeout)
  printf "%-20s %8s %11s | %8.3f %8.3f | %8.3f %8s %8.3f | %7s %7s %7s %7s | %s\n" "$1 $2x$3" "$arcs" "$c" \
    "$t" "$ta" "$tn" "$tcs" "$to" "$(ratio "$tn" "$t")" "$(ratio "$tc" "$t")" "$(ratio "$to" "$t")" \
    "$(ratio "$ta" "$t")" "$agree"
done
echo "(median solve time of $runs runs, excluding file reading; ratio peer/us > 1 means reliefflow is faster;"
echo " ours_s: shortest-path crash start (default), ours_art: LEMON's artificial start)"
