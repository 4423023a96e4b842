"""RoutingKit's CCH (PyPI `routingkit-cch`) on the arrays `examples/cch_peer.rs`
wrote: order (inertial flow), contraction, customization, and 100 x 5 000
one-to-many distances on one thread. Prints one JSON line."""
import json
import sys
import time

import numpy as np
import routingkit_cch as rk

d = sys.argv[1]
load = lambda name, t: np.fromfile(f"{d}/{name}", dtype=t)
tail, head, weight = load("tail.u32", "<u4"), load("head.u32", "<u4"), load("weight.u32", "<u4")
lat, lon = load("lat.f32", "<f4"), load("lon.f32", "<f4")
src, dst = load("from.u32", "<u4"), load("to.u32", "<u4")
n = len(lat)
tail_l, head_l, w_l = tail.tolist(), head.tolist(), weight.tolist()

t = time.perf_counter()
order = rk.compute_order_inertial(n, tail_l, head_l, lat.tolist(), lon.tolist())
order_s = time.perf_counter() - t
t = time.perf_counter()
cch = rk.CCH(order, tail_l, head_l, False)
contract_s = time.perf_counter() - t
t = time.perf_counter()
metric = rk.CCHMetric(cch, w_l)
customize_s = time.perf_counter() - t
q = rk.CCHOneToMany(metric, dst.tolist())
t = time.perf_counter()
rows = [q.distances_from(s) for s in src.tolist()]
query_s = time.perf_counter() - t
total = sum(x for r in rows for x in r if x is not None)
print(json.dumps({"order_s": round(order_s, 4), "contract_s": round(contract_s, 4),
                  "customize_s": round(customize_s, 4), "query_1t_s": round(query_s, 4),
                  "sum_ms": total}))
