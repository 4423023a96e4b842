"""Ray driver of `reliefflow site --ray ADDRESS` (embedded in the binary and
run with the cluster's Python; see src/site/ray.rs).

Protocol on stdin / stdout, one JSON document per line:
  in:  {"base": WorkerRequest}              once, first
  out: {"ready": true, "nodes": N}
  in:  {"layouts": [[...]], "damage": [...], "detail": bool}   any number
  out: {"ok": [ScenarioOutcome, ...]} in the order of "damage", or {"error": "..."}

Each request is cut into near-equal batches of at most --batch damage
scenarios, at least as many as the cluster has CPUs, one Ray task each. A task runs `reliefflow site-worker` with the batch as its input. The
road graph's cache file is put into the object store once; the first task on a
node writes it to that node's temporary folder, later tasks there reuse it.
Tasks are retried when their worker process dies or the binary fails.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile

# On a loopback address every Ray process of this driver stays on loopback
# (Ray otherwise registers the driver under the machine's outside address).
ADDRESS_ARG = sys.argv[sys.argv.index("--address") + 1] if "--address" in sys.argv else ""
if ADDRESS_ARG.startswith(("127.", "localhost", "[::1]")):
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

# The protocol gets standard output to itself: Ray's own messages (a raylet
# reporting a dead worker, say) print to file descriptor 1, now standard error.
PROTOCOL = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr

import ray  # noqa: E402


def say(doc):
    PROTOCOL.write(json.dumps(doc) + "\n")
    PROTOCOL.flush()


def node_graph(sha, box):
    """The graph cache file on this node, written from the object store once."""
    folder = os.path.join(tempfile.gettempdir(), "reliefflow-ray")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, sha + ".rfgraph")
    if not os.path.exists(path):
        data = ray.get(box[0])
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return path


def judge_batch(binary, request, sha, box):
    request = dict(request)
    request["graph"] = [node_graph(sha, box), sha]
    run = subprocess.run(
        [binary, "site-worker"],
        input=json.dumps(request).encode(),
        capture_output=True,
    )
    if run.returncode != 0:
        raise RuntimeError(
            "site-worker failed (%d): %s" % (run.returncode, run.stderr.decode()[-2000:])
        )
    return json.loads(run.stdout)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--address", required=True)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--binary", required=True)
    a = p.parse_args()
    setup = json.loads(sys.stdin.readline())
    base = setup["base"]
    graph_file, sha = base.pop("graph")
    # Ray retries a wrong address for minutes: say at once when nothing answers.
    host, _, port = a.address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except (OSError, ValueError) as e:
        say({"error": "no Ray cluster answers at %s (%s)" % (a.address, e)})
        os._exit(1)
    ray.init(address=a.address, logging_level="WARNING", log_to_driver=False)
    with open(graph_file, "rb") as f:
        graph_ref = ray.put(f.read())
    task = ray.remote(num_cpus=1, max_retries=5, retry_exceptions=True)(judge_batch)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    say({"ready": True, "nodes": len(ray.nodes())})
    for line in sys.stdin:
        req = json.loads(line)
        damage = req["damage"]
        # At most --batch per task, and at least one task per CPU of the
        # cluster, in near-equal parts (so no task runs alone at the end).
        parts = max(-(-len(damage) // a.batch), min(cpus, len(damage)), 1)
        size, extra = divmod(len(damage), parts)
        batches, at = [], 0
        for i in range(parts):
            n = size + (1 if i < extra else 0)
            batches.append(damage[at : at + n])
            at += n
        futures = [
            task.remote(
                a.binary,
                dict(base, layouts=req["layouts"], damage=b, detail=req["detail"]),
                sha,
                [graph_ref],
            )
            for b in batches
        ]
        try:
            results = ray.get(futures)
        except Exception as e:  # reported to the binary, which stops with it
            say({"error": str(e)[-4000:]})
            continue
        say({"ok": [o for r in results for o in r]})
    # End of input: leave at once (the cluster keeps running for others).
    os._exit(0)


if __name__ == "__main__":
    main()
