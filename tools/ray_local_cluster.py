"""A local Ray cluster of N nodes on this machine, every process on loopback
(tests and benches of `reliefflow site --ray`). Prints `address HOST:PORT` and
the Ray processes' pids (`pids ...`) once the nodes are up, then runs until its
standard input closes, and shuts the cluster down.

    python tools/ray_local_cluster.py [NODES] [CPUS_PER_NODE]

Ray binds its servers to the machine's outside address unless told otherwise;
with RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 it takes the loopback address as the
node's, and ray.cluster_utils.Cluster (Ray's own multi-node test harness) starts
the extra nodes without the CLI's refusal of that setting.
"""

import os
import sys

os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"

from ray.cluster_utils import Cluster  # noqa: E402


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/task/%d/children" % (p, p)) as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out.extend(kids)
        todo.extend(kids)
    return out


def main():
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    cpus = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    args = dict(
        node_ip_address="127.0.0.1",
        num_cpus=cpus,
        include_dashboard=False,
        object_store_memory=200 * 1024 * 1024,
    )
    c = Cluster(initialize_head=True, head_node_args=args)
    for _ in range(nodes - 1):
        c.add_node(**args)
    print("address", c.address, flush=True)
    print("pids", " ".join(str(p) for p in descendants(os.getpid())), flush=True)
    sys.stdin.read()
    c.shutdown()


if __name__ == "__main__":
    main()
