#!/usr/bin/env python3
"""Prints the tuned database (schedules/tuned/*.db) as one table: per layer, ISA and thread count,
the GFLOP/s of the tuned schedule, the hand default and Halide's autoschedulers, all measured side by
side in one run of sepconv-tune, with the ratios of tuned to default and to Adams2019, and the search
time per layer. Layers of bench/layers.csv are the hand table; the others (MobileNetV2,
EfficientNet-B0 lists) are "outside" it.

  .venv/bin/python tools/tuned_report.py [--db schedules/tuned/sepconv_tuned.db] [--hand bench/layers.csv]
"""
import argparse
import math
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_db(path):
    entries, current = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                current = entries.setdefault(line[1:-1], {})
            else:
                name, _, value = line.partition("=")
                current[name.strip()] = value.strip()
    return entries


def layer_names(path):
    with open(path) as f:
        return {line.split(",")[0] for line in f if line.strip() and not line.startswith("#")}


def gflops(entry, field):
    out = {}
    for item in entry.get(field, "").split(","):
        words = item.split()
        if len(words) == 2:
            out[words[0]] = float(words[1])
    return out


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default=os.path.join(ROOT, "schedules/tuned/sepconv_tuned.db"))
    p.add_argument("--hand", default=os.path.join(ROOT, "bench/layers.csv"))
    args = p.parse_args()
    entries = read_db(args.db)
    hand = layer_names(args.hand)

    print("| layer | ISA | threads | tuned | default | Adams2019 | Mullapudi2016 | tuned/default | tuned/Adams2019 | search |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ratios = {"hand": [], "outside": []}
    worst_default, worst_adams = math.inf, math.inf
    for key, e in sorted(entries.items(), key=lambda kv: kv[1].get("layers", "")):
        group = "hand" if set(e.get("layers", "").split(",")) & hand else "outside"
        # An entry keyed by a microarchitecture ("<shape>@amd-zen4") was measured on that core.
        label = e.get("layers", key) + (" @" + key.split("@", 1)[1] if "@" in key else "")
        # Each ISA's fields ("avx2.gflops_1_thread") describe the run that configured that ISA.
        for field in sorted(f for f in e if re.match(r"[a-z0-9_]+\.gflops_", f)):
            isa = field.split(".")[0]
            search = re.search(r"(\d+) candidates in ([\d.]+) s", e.get(isa + ".tuned", ""))
            threads = re.search(r"gflops_(\d+)", field).group(1)
            g = gflops(e, field)
            r_default = g["tuned"] / g["default"]
            r_adams = g["tuned"] / g["adams2019"] if g.get("adams2019") else float("nan")
            ratios[group].append(r_default)
            worst_default = min(worst_default, r_default)
            if not math.isnan(r_adams):
                worst_adams = min(worst_adams, r_adams)
            print(f"| {label} | {isa} | {threads} | {g['tuned']:.1f} | {g['default']:.1f} | "
                  f"{g.get('adams2019', float('nan')):.1f} | {g.get('mullapudi2016', float('nan')):.1f} | "
                  f"{r_default:.2f} | {r_adams:.2f} | "
                  f"{search.group(1) + ' in ' + search.group(2) + ' s' if search else ''} |")
    print()
    print(f"tuned/default geomean: hand table {geomean(ratios['hand']):.3f}, "
          f"outside it {geomean(ratios['outside']):.3f}; lowest {worst_default:.3f}")
    print(f"tuned/Adams2019 lowest: {worst_adams:.2f}")


if __name__ == "__main__":
    main()
