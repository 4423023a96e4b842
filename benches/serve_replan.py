#!/usr/bin/env python3
"""Re-plan latency through HTTP, warm against cold start, side by side.

Starts `reliefflow serve` on a scenario (default beijing-level1) with a fresh
SQLite store on 127.0.0.1, drafts and issues a plan for an incident over every
shelter, marks its first trip departed, then N times: reports one more road
closed (a way in the middle of the fastest route from a warehouse to a shelter
a trip not yet gone visits), and re-plans it twice, `start=auto` (matrices
repaired from the first draft's trees) and `start=cold` (computed afresh).
Prints each pair (curl-like wall time of the HTTP request, and the matrix time
the answer reports) and the medians.

Usage: benches/serve_replan.py [SCENARIO_DIR] [N]   (needs only python3)
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
scenario = sys.argv[1] if len(sys.argv) > 1 else "scenarios/beijing-level1"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
subprocess.run(["cargo", "build", "--release", "-q"], cwd=root, check=True)
rf = os.path.join(root, "target/release/reliefflow")
work = tempfile.mkdtemp()
db = f"sqlite://{work}/store.sqlite"
tok = subprocess.run([rf, "serve", "token", "create", "--role", "officer", "--db", db],
                     check=True, capture_output=True, text=True).stdout.strip()
srv = subprocess.Popen([rf, "serve", "--scenario", scenario, "--db", db, "--listen", "127.0.0.1:0"],
                       cwd=root, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "log"), "w"), text=True,
                       env=dict(os.environ, RELIEFFLOW_LOG=os.environ.get("RELIEFFLOW_LOG", "warn")))
try:
    base = None
    for line in srv.stdout:
        if line.startswith("listening on "):
            base = line.split()[-1]
            break

    def req(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        r = urllib.request.Request(base + path, data=data, method=method,
                                   headers={"Authorization": f"Bearer {tok}",
                                            "Content-Type": "application/json"})
        t = time.perf_counter()
        with urllib.request.urlopen(r, timeout=300) as a:
            out = json.load(a)
        return out, time.perf_counter() - t

    inc, _ = req("POST", "/v1/incidents", {"name": "bench"})
    d, t_first = req("POST", f"/v1/incidents/{inc['id']}/plans")
    m = d['plan']['matrices']
    print(f"first draft: {t_first:.3f} s, matrices {m['start']} ({m['seconds']:.3f} s to compute)")
    plan = d["plan_id"]
    _, t_issue = req("POST", f"/v1/plans/{plan}/issue")
    print(f"issue ({len(d['plan']['trips'])} trips booked): {t_issue:.3f} s")
    trips, _ = req("GET", f"/v1/plans/{plan}/trips")
    req("POST", f"/v1/plans/{plan}/trips/{trips['trips'][0]['trip']}/depart")
    while not req("GET", "/v1/health")[0]["warm_start_ready"]:
        time.sleep(0.2)
    wh = {w["id"]: w["location"] for w in req("GET", "/v1/warehouses")[0]["warehouses"]}
    sh = {s["id"]: s["location"] for s in req("GET", "/v1/shelters")[0]["shelters"]}
    warm, cold, warm_m, cold_m = [], [], [], []
    for k in range(n):
        t = trips["trips"][1 + 7 * k]
        a, b = wh[t["warehouse_id"]], sh[t["stops"][0]]
        r, _ = req("GET", f"/v1/route?coordinates={a[0]},{a[1]};{b[0]},{b[1]}&incident={inc['id']}")
        ways = r["routes"][0]["legs"][0]["ways"]
        req("POST", f"/v1/incidents/{inc['id']}/disruptions", {"closed_ways": [ways[len(ways) // 2]]})
        w, tw = req("POST", f"/v1/plans/{plan}/replan")
        c, tc = req("POST", f"/v1/plans/{plan}/replan?start=cold")
        assert w["plan"]["matrices"]["start"] == "warm", w["plan"]["matrices"]
        assert w["plan"]["trips"] == c["plan"]["trips"], "warm and cold re-plans differ"
        warm.append(tw); cold.append(tc)
        warm_m.append(w["plan"]["matrices"]["seconds"]); cold_m.append(c["plan"]["matrices"]["seconds"])
        ch = {key: len(v) for key, v in w["changes"].items()}
        print(f"closure {k + 1}: re-plan warm {tw:.3f} s (matrices {warm_m[-1]:.3f}), "
              f"cold {tc:.3f} s (matrices {cold_m[-1]:.3f}); changes {ch}")
    print(f"median over {n}: warm {statistics.median(warm):.3f} s (matrices {statistics.median(warm_m):.3f}), "
          f"cold {statistics.median(cold):.3f} s (matrices {statistics.median(cold_m):.3f}); "
          f"cold/warm {statistics.median(cold) / statistics.median(warm):.2f}")
finally:
    srv.kill()
    srv.wait()
    if os.environ.get("RELIEFFLOW_LOG"):
        print(open(os.path.join(work, "log")).read()[-3000:])
