#!/usr/bin/env bash
# Differential test of our network simplex against LEMON's on thousands of
# small adversarial instances (benches/peers/diff_mcf.py says which), plus the
# overflow limits. Installs its own peer (Debian liblemon-dev + g++).
# Usage: benches/peers/diff_mcf.sh [N] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=benches/peers/work
mkdir -p "$work"
if [ ! -f /usr/include/lemon/network_simplex.h ] || ! command -v g++ >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get install -y -qq liblemon-dev g++ || ($sudo apt-get update -qq && $sudo apt-get install -y -qq liblemon-dev g++)) >/dev/null
fi
g++ -O2 -o "$work/lemon_ns" benches/peers/lemon_ns.cpp
cargo build --release --locked -q
rm -rf "$work/diff_mcf"
python3 benches/peers/diff_mcf.py target/release/reliefflow "$work/lemon_ns" "$work/diff_mcf" "${1:-3000}" "${2:-1}"
