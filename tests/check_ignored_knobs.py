#!/usr/bin/env python3
"""Two configurations that differ only in a knob the registry marks ignored must lower to the same
machine code (else the rule hides real configurations from the tuner and merges variants that
differ). Compiles every case tests/ignored_knob_cases.cpp prints with the generator, for AVX2 on a
3x3 stride-1 layer, and compares the assembly up to symbol names; a knob that is read must change
the code.

  check_ignored_knobs.py --generator GEN --cases CASES_EXE --work DIR
"""
import argparse
import os
import re
import subprocess
import sys

def assembly(generator, work, params, tunables, cache):
    if tunables not in cache:
        out = os.path.join(work, "c%d" % len(cache))
        os.makedirs(out, exist_ok=True)
        subprocess.run([generator, "-g", "separable_conv2d", "-o", out, "-e", "assembly", "-f", "case",
                        "target=x86-64-linux-avx2-fma-no_runtime"] + params + ["tunables=" + tunables], check=True)
        with open(os.path.join(out, "case.s")) as f:
            text = f.read()
        # Symbol names carry Halide's unique-name counters; the instructions are what must match.
        lines = [l for l in text.splitlines() if not re.match(r"\s*\.(file|ident)", l)]
        names = {}
        cache[tunables] = re.sub(r"\bcase\w*", lambda m: names.setdefault(m.group(0), "S%d" % len(names)),
                                 "\n".join(lines))
    return cache[tunables]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--generator", required=True)
    p.add_argument("--cases", required=True)
    p.add_argument("--work", required=True)
    a = p.parse_args()
    lines = subprocess.run([a.cases], check=True, capture_output=True, text=True).stdout.split("\n")
    params = lines[0].split()[1:]  # the generator parameters, as the build's variant list writes them
    cache, failures, count = {}, [], 0
    for line in filter(None, lines[1:]):
        expect, knob, first, second = line.split()
        same = (assembly(a.generator, a.work, params, first, cache) ==
                assembly(a.generator, a.work, params, second, cache))
        count += 1
        if same != (expect == "same"):
            failures.append(f"{knob}: expected {expect} code for\n  {first}\n  {second}")
    for f in failures:
        print("FAIL " + f)
    print(f"{count - len(failures)} passed, {len(failures)} failed")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
