#!/usr/bin/env bash
# Draft-plan latency through HTTP: starts `reliefflow serve` on a scenario with a
# fresh SQLite store on 127.0.0.1, then times N drafts (`POST
# /v1/incidents/{id}/plans`, curl's time_total) and prints each and the median.
# Before each draft after the first, one shelter's headcount goes up by one
# (`PATCH /v1/shelters/{id}`), so every draft is planned anew on the cached
# matrices (identical drafts would be answered from the draft memo); the last
# line times one identical repeat.
# Usage: benches/serve_draft.sh [SCENARIO_DIR] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/beijing-level1}
n=${2:-5}
cargo build --release -q
rf=target/release/reliefflow
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
db="sqlite://$work/store.sqlite"
tok=$($rf serve token create --role officer --db "$db")
$rf serve --scenario "$scenario" --db "$db" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/out")
auth="Authorization: Bearer $tok"
inc=$(curl -sf -H "$auth" -H 'Content-Type: application/json' -d '{"name": "bench"}' "$base/v1/incidents" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
shelter=$(curl -sf -H "$auth" "$base/v1/shelters" | python3 -c 'import json,sys; s=json.load(sys.stdin)["shelters"][0]; print(s["id"], s["headcount"])')
sid=${shelter% *}; head=${shelter#* }
times=()
for k in $(seq 1 "$n"); do
  if [ "$k" -gt 1 ]; then
    curl -sf -o /dev/null -X PATCH -H "$auth" -H 'Content-Type: application/json' \
      -d "{\"headcount\": $((head + k))}" "$base/v1/shelters/$sid"
  fi
  t=$(curl -sf -o /dev/null -w '%{time_total}' -X POST -H "$auth" "$base/v1/incidents/$inc/plans")
  times+=("$t")
  echo "draft $k: $t s"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " s over " NR " drafts"}'
t=$(curl -sf -o /dev/null -w '%{time_total}' -X POST -H "$auth" "$base/v1/incidents/$inc/plans")
echo "identical repeat (draft memo): $t s"
