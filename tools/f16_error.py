#!/usr/bin/env python3
"""The float16 error, measured: model layers through `sepconv run` on float16 files, against the
float64 reference on the same float16 values. Prints, per layer, the median error in float16 ulps
of the result, and the largest as a fraction of 2^-11 times the sum of |terms| (the quantity the
tests' tolerance bounds, README "float16"; ulps mislead where a sum cancels to near zero). `--emulator` runs a cross-compiled CLI (e.g. the aarch64 build under qemu)."""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np


def reference(x, dwf, pwf, stride):
    """NHWC, SAME, 3x3 (the layer lists' convolution), in float64."""
    n, h, w, c = x.shape
    ho, wo = -(-h // stride), -(-w // stride)
    pad_h, pad_w = max((ho - 1) * stride + 3 - h, 0), max((wo - 1) * stride + 3 - w, 0)
    xp = np.pad(x.astype(np.float64), ((0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)))
    dw = np.zeros((n, ho, wo, c))
    for i in range(3):
        for j in range(3):
            dw += xp[:, i:i + (ho - 1) * stride + 1:stride, j:j + (wo - 1) * stride + 1:stride, :] * dwf[i, j, :, 0]
    return dw @ pwf[0, 0].astype(np.float64)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cli", default="build/release/tools/cli/sepconv")
    p.add_argument("--emulator", default="")
    p.add_argument("--layers", default="bench/layers.csv")
    p.add_argument("--only", default="", help="comma-separated layer names (default: all)")
    args = p.parse_args()
    rng = np.random.default_rng(16)
    rows = [l.strip().split(",") for l in open(args.layers) if l.strip() and not l.startswith("#")]
    only = set(filter(None, args.only.split(",")))
    print(f"{'layer':24} {'C':>5} {'median err (ulps)':>18} {'max err / (2^-11 sum|terms|)':>29}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, h, w, c, co, s, *_ in rows:
            if only and name not in only:
                continue
            h, w, c, co, s = map(int, (h, w, c, co, s))
            x = rng.uniform(-1, 1, (1, h, w, c)).astype(np.float16)
            dwf = rng.uniform(-1, 1, (3, 3, c, 1)).astype(np.float16)
            pwf = rng.uniform(-1, 1, (1, 1, c, co)).astype(np.float16)
            for f, a in (("x", x), ("dw", dwf), ("pw", pwf)):
                np.save(f"{tmp}/{f}.npy", a)
            cmd = args.emulator.split() + [args.cli, "run", "--input", f"{tmp}/x.npy", "--depthwise-filter",
                                           f"{tmp}/dw.npy", "--pointwise-filter", f"{tmp}/pw.npy", "--strides",
                                           f"1,{s},{s},1", "--padding", "SAME", "--output", f"{tmp}/y.npy"]
            subprocess.run(cmd, check=True)
            y = np.load(f"{tmp}/y.npy")
            assert y.dtype == np.float16, y.dtype
            ref = reference(x, dwf, pwf, s)
            magnitude = reference(np.abs(x), np.abs(dwf), np.abs(pwf), s)
            err = np.abs(y.astype(np.float64) - ref)
            ulp = np.spacing(np.abs(ref).astype(np.float16)).astype(np.float64)
            print(f"{name:24} {c:5} {np.median(err / ulp):18.2f} {np.max(err / (2.0 ** -11 * magnitude)):29.3f}")


if __name__ == "__main__":
    sys.exit(main())
