#!/usr/bin/env python3
"""Copies scenarios/beijing-level1 to DIR with N shelters (default 20 000): the
605 real sites, copy k of site k mod 605 moved by up to ±0.004° (SplitMix64, so the
same folder on every machine), headcounts divided by 17 and rounded up, priority
shares 20/10/1/2/3 %. The same scenario tests/plan_scale.rs builds.

    python3 benches/scale/many_shelters.py /tmp/big 20000
    reliefflow plan /tmp/big
"""
import math
import os
import re
import shutil
import sys

M = (1 << 64) - 1


def mix(k):
    z = (k + 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def unit(k):
    return (mix(k) >> 11) / float(1 << 52) - 1.0


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src = os.path.join(repo, "scenarios", "beijing-level1")
    if os.path.exists(out):
        sys.exit(f"{out} exists; choose a new folder")
    shutil.copytree(src, out)
    toml = os.path.join(out, "scenario.toml")
    text = open(toml, encoding="utf-8").read()
    text = re.sub(r'"(\.\./[^"]*)"', lambda m: '"' + os.path.normpath(os.path.join(src, m.group(1))) + '"', text)
    open(toml, "w", encoding="utf-8").write(text)
    lines = open(os.path.join(src, "shelters.csv"), encoding="utf-8").read().splitlines()
    cols = lines[0].split(",")
    col = {c: i for i, c in enumerate(cols)}
    base = [l.split(",") for l in lines[1:]]
    rows = [lines[0]]
    for k in range(n):
        r = list(base[k % len(base)])
        r[col["id"]] = f"big{k}"
        r[col["name"]] = f"shelter big{k}"
        r[col["lon"]] = f"{float(r[col['lon']]) + 0.004 * unit(2 * k):.7f}"
        r[col["lat"]] = f"{float(r[col['lat']]) + 0.004 * unit(2 * k + 1):.7f}"
        people = math.ceil(float(r[col["headcount"]]) / 17.0)
        r[col["headcount"]] = str(people)
        for c, share in [("elderly", 0.2), ("children", 0.1), ("pregnant", 0.01), ("disabled", 0.02), ("injured", 0.03)]:
            r[col[c]] = str(math.floor(people * share))
        rows.append(",".join(r))
    open(os.path.join(out, "shelters.csv"), "w", encoding="utf-8").write("\n".join(rows) + "\n")


main()
