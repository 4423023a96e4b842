#!/usr/bin/env bash
# Cross-check reliefflow's exact siting MIPs (MCLP, LSCP, p-median) against PySAL
# spopt on the same travel-time matrix. Installs spopt from PyPI into a venv under
# benches/peers/work. Usage: benches/peers/compare_siting.sh
# Runs each case below (scenario, k, coverage deadline in hours): the tight
# deadlines make covering non-trivial.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=benches/peers/work
mkdir -p "$work"
venv="$work/spopt-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q spopt >/dev/null
fi
cargo build --release -q
status=0
for case in "scenarios/valley-flash-flood 3 6" "scenarios/valley-flash-flood 3 0.8" \
            "scenarios/valley-flash-flood 2 0.85" "scenarios/xicheng-earthquake 3 0.9" \
            "scenarios/xicheng-earthquake 5 0.85"; do
  set -- $case
  echo "== $1, k = $2, deadline $3 h"
  target/release/reliefflow site "$1" --k "$2" --deadline-h "$3" --scenarios 1 --exact \
    -o "$work/site" --export-instance "$work/site-instance" >/dev/null
  "$venv/bin/python" benches/peers/spopt_siting.py "$work/site-instance" || status=1
done
exit $status
