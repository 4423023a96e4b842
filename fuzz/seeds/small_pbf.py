"""Writes the PBF fuzz seeds: small real extracts cut from a bundled one.

Usage (pyosmium in a venv): python fuzz/seeds/small_pbf.py SOURCE.osm.pbf OUT_DIR
Takes the first N highway ways of SOURCE with every node they use, for
N = 5, 30 and 150, and writes each as its own .osm.pbf: inputs small enough
for a fuzzer to run many times a second, with real tags and geometry.
"""
import os
import sys

import osmium


class Ways(osmium.SimpleHandler):
    def __init__(self, limit):
        super().__init__()
        self.limit, self.ways, self.needed = limit, [], set()

    def way(self, w):
        if len(self.ways) < self.limit and "highway" in w.tags:
            self.ways.append((w.id, [n.ref for n in w.nodes], dict(w.tags)))
            self.needed.update(n.ref for n in w.nodes)


class Nodes(osmium.SimpleHandler):
    def __init__(self, needed):
        super().__init__()
        self.needed, self.nodes = needed, []

    def node(self, n):
        if n.id in self.needed:
            self.nodes.append((n.id, n.location.lon, n.location.lat, dict(n.tags)))


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for limit in (5, 30, 150):
        ways = Ways(limit)
        ways.apply_file(src)
        nodes = Nodes(ways.needed)
        nodes.apply_file(src)
        path = os.path.join(out, f"first-{limit}-ways.osm.pbf")
        if os.path.exists(path):
            os.remove(path)
        w = osmium.SimpleWriter(path)
        for i, lon, lat, tags in sorted(nodes.nodes):
            w.add_node(osmium.osm.mutable.Node(id=i, location=(lon, lat), tags=tags, version=1))
        for i, refs, tags in ways.ways:
            w.add_way(osmium.osm.mutable.Way(id=i, nodes=refs, tags=tags, version=1))
        w.close()
        print(path, os.path.getsize(path), "bytes")


main()
