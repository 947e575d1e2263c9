#!/usr/bin/env python3
"""Assembles the PTX of every CUDA variant with ptxas, for each requested GPU architecture (or
the PTX's own, where that is newer), and fails on register spills. No GPU is needed: this is as far as a machine without one can check the
CUDA code. Prints registers per thread and spill bytes per kernel and architecture.

A float16 variant (its file named f16_...) must also compute in half2: `fma.rn.f16x2` in its PTX.

Exit 77 (ctest's skip code here) when ptxas is not installed, saying so.
"""
import argparse
import os
import re
import subprocess
import sys

SKIP = 77
KERNEL = re.compile(r"Compiling entry function '(\S+)' for '(\S+)'")
SPILLS = re.compile(r"(\d+) bytes spill stores, (\d+) bytes spill loads")
REGISTERS = re.compile(r"Used (\d+) registers")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ptxas", default="/usr/local/cuda/bin/ptxas")
    p.add_argument("--arch", nargs="+", default=["sm_80", "sm_90"])
    p.add_argument("ptx", nargs="+", help="PTX files (Halide's device_code output of the CUDA variants)")
    args = p.parse_args()
    if not os.access(args.ptxas, os.X_OK):
        print(f"check_ptx: SKIPPED: {args.ptxas} not found; the CUDA toolkit is needed to assemble PTX")
        sys.exit(SKIP)

    failures, rows = [], []
    for path in args.ptx:
        # PTX assembles for its own .target or newer: an sm_86 variant is checked for sm_86, not sm_80.
        with open(path) as f:
            ptx = f.read()
        target = re.search(r"^\.target\s+sm_(\d+)", ptx, re.M)
        if os.path.basename(path).startswith("f16_") and "fma.rn.f16x2" not in ptx:
            failures.append(f"{os.path.basename(path)}: a float16 variant without half2 FMAs (fma.rn.f16x2)")
        own = int(target.group(1)) if target else 0
        archs = sorted({a if int(a[3:]) >= own else f"sm_{own}" for a in args.arch}, key=lambda a: int(a[3:]))
        for arch in archs:
            proc = subprocess.run([args.ptxas, f"-arch={arch}", "-v", "-o", os.devnull, path],
                                  capture_output=True, text=True)
            name = os.path.basename(path)
            if proc.returncode != 0:
                failures.append(f"{name} for {arch}: ptxas failed: {proc.stderr.strip()[:400]}")
                continue
            kernel = None
            for line in proc.stderr.splitlines():
                if m := KERNEL.search(line):
                    kernel = m.group(1)
                elif (m := SPILLS.search(line)) and kernel:
                    spill = int(m.group(1)) + int(m.group(2))
                    rows.append([name, arch, kernel, None, spill])
                    if spill:
                        failures.append(f"{name} for {arch}: kernel {kernel} spills {spill} bytes")
                elif (m := REGISTERS.search(line)) and rows and rows[-1][3] is None:
                    rows[-1][3] = int(m.group(1))
    for name, arch, kernel, registers, spill in rows:
        print(f"{name:44} {arch:6} {kernel:40} {registers:4} registers/thread, {spill} bytes spilled")
    for f in failures:
        print("FAIL " + f)
    print(f"{len(rows) - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures or not rows else 0)


if __name__ == "__main__":
    main()
