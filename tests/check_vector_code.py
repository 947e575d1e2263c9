#!/usr/bin/env python3
"""Asserts that each compiled variant's hot loop is vector code, from Halide's generated assembly.

The hot loop is the pointwise reduction (the basic blocks LLVM names after `pointwise...s1`, the
update stage). A schedule that silently fell back to scalar code there fails. Each file is one
piece's (a CPU variant's code for one target, <piece>.s); what counts as vector arithmetic depends
on the piece's target:
  avx512*  vfmadd...ps on zmm      avx2  vfmadd...ps on ymm      sse41  mulps/addps on xmm
  arm-64   fmla on .4s vectors
int8 variants (qs8_...): the int32 sums' multiply-adds (the update of pointwise_groups): in NHWC
VNNI's vpdpbusd on avx512_zen4 and sdot on ARM's dot-product target (four products a lane);
elsewhere, and in NCHW, vpmaddwd (or VNNI's vpdpwssd) on AVX2/AVX-512, pmaddwd on SSE4.1,
smlal on ARM. On ARM each int8 file must also requantize with sqrdmulh (TFLite's doubling high
multiply as one instruction, where a 64-bit product takes several).
float16 variants (f16_...): on ARM with FP16 (arm_fp16 targets) the NHWC hot loop is fmla on .8h
(float16 arithmetic, sums of 16 channels in float16: pointwise_partial); on x86 the arithmetic is
float32, the hot loop the float32 one, and each AVX2 and AVX-512 file must convert with F16C
(vcvtph2ps) somewhere: the weights are float32 already, so not necessarily in the hot loop.
"""
import argparse
import os
import re
import sys

VECTOR_OP = [
    # Any operand order: with one vector per row of the tile, LLVM folds the broadcast into the
    # FMA as a memory operand, e.g. "vfmadd231ps (%r15,%r13,4){1to16}, %zmm7, %zmm6".
    ("avx512", re.compile(r"\bvfmadd\d+ps\s[^#]*%zmm")),
    ("avx2", re.compile(r"\bvfmadd\d+ps\s[^#]*%ymm")),
    ("sse41", re.compile(r"\b(mulps|addps)\s+%xmm")),
    ("arm-64", re.compile(r"\bfmla\s+v\d+\.4s")),
]
# A basic block starts at a label line; LLVM's comment names the IR block, e.g.
#   .LBB0_178:    # %"12_for_pointwise$1.s1.r_channel$y"
BLOCK = re.compile(r'^(?:\.?L\S+:|# %bb\.\d+:|\S+:)\s*(?://|#|;)?\s*%"?([^"\s]*)')
HOT = re.compile(r"pointwise(_partial|_groups)?\$?\d*\.s1\.")
HALF_FMA = re.compile(r"\bfmla\s+v\d+\.8h")
INT8_OP = [  # (target feature, NHWC only, op): the first that applies
    ("avx512_zen4", True, re.compile(r"\bvpdpbusd\s[^#]*%zmm")),
    ("avx512", False, re.compile(r"\bvp(maddwd|dpwssd)\s[^#]*%zmm")),
    ("avx2", False, re.compile(r"\bvp(maddwd|dpwssd)\s[^#]*%ymm")),
    ("sse41", False, re.compile(r"\bpmaddwd\s+")),
    ("arm_dot_prod", True, re.compile(r"\bsdot\s+v\d+\.4s")),
    ("arm-64", False, re.compile(r"\bsmlal2?\s+v\d+\.4s")),
]
F16C = re.compile(r"\bvcvtph2ps\b")
SQRDMULH = re.compile(r"\bsqrdmulh\s+v\d+\.4s")
MIN_OPS = 8  # a register tile issues at least 8 vector FMAs per reduction step (cpu_tunables.cpp: fits)


def check(path, piece, target):
    # The type and layout from the piece's name (it starts with its variant's untuned name), the ISA
    # from its target.
    op = next((rx for isa, rx in VECTOR_OP if isa in target), None)
    if op is None:
        return f"{path}: no known ISA in its target {target}"
    with open(path) as f:
        text = f.read()
    if piece.startswith("qs8_"):
        op = next((rx for isa, nhwc_only, rx in INT8_OP if isa in target and (not nhwc_only or "_nhwc_" in piece)), None)
        if "arm-64" in target and not SQRDMULH.search(text):
            return f"{path}: an int8 piece's ARM code requantizes without sqrdmulh"
    half = piece.startswith("f16_")
    if half and "arm_fp16" in target and "_nhwc_" in piece:
        op = HALF_FMA
    if half and ("avx2" in target or "avx512" in target) and not F16C.search(text):
        return f"{path}: a float16 piece's code has no vcvtph2ps (F16C)"
    counts = {}  # hot block name -> vector ops in it
    block = None
    for line in text.splitlines():
        m = BLOCK.match(line)
        if m:
            block = m.group(1) if HOT.search(m.group(1) or "") else None
        elif block is not None and op.search(line):
            counts[block] = counts.get(block, 0) + 1
    best = max(counts.values(), default=0)
    if best < MIN_OPS:
        return f"{path}: the pointwise hot loop has {best} vector ops matching /{op.pattern}/ (need >= {MIN_OPS})"
    print(f"ok  {path.rsplit('/', 1)[-1]} ({target}): {best} vector ops in the hot loop")
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", required=True, help="where the variants' assembly was written")
    p.add_argument("--pieces", nargs="+", required=True, metavar="PIECE=TARGET")
    args = p.parse_args()
    failures = []
    for item in args.pieces:
        piece, _, target = item.partition("=")
        path = os.path.join(args.dir, piece + ".s")
        msg = check(path, piece, target) if os.path.exists(path) else f"{piece} for {target}: no assembly {path}"
        if msg:
            failures.append(msg)
    for msg in failures:
        print("FAIL " + msg)
    print(f"{len(args.pieces) - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
