#!/usr/bin/env python3
"""The JIT tier's report: on layers that no layer list names and no database entry was tuned for
(bench/layers_heldout.csv), the AOT variant the table picks, the JIT tier's autotuned kernel (at
its default budget) and oneDNN 2.6.3, side by side in one interleaved run of bench_sepconv; and
what the JIT tier cost: the first call of each layer (the search, in the first process), and in
every later process the first call served from the disk cache (load time, compiles: 0 expected).

    .venv/bin/python tools/jit_report.py [--bench build/release/bench/bench_sepconv]
        [--processes 3] [--repetitions 3] [--min-time 0.2] [--isa native|avx2]
        [--cache-dir build/release/bench/jit_cache (emptied first)] [--out build/release/bench/jit_report.json]

Process 1 tunes every layer (about 30 s each per thread count); processes 2.. start from the disk
cache, as a second process of a user's program would. --isa avx2 caps sepconv's dispatch (and so
the JIT's target) and oneDNN at AVX2, as tools/bench_report.py does.
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bench", default="build/release/bench/bench_sepconv")
    p.add_argument("--layers", default="bench/layers_heldout.csv")
    p.add_argument("--processes", type=int, default=3)
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--isa", choices=("native", "avx2"), default="native")
    p.add_argument("--cache-dir", default="build/release/bench/jit_cache")
    p.add_argument("--filter", default="", help="a layer-name regex (default: all)")
    p.add_argument("--out", default="build/release/bench/jit_report.json")
    args = p.parse_args()
    shutil.rmtree(args.cache_dir, ignore_errors=True)
    env = dict(os.environ, SEPCONV_BENCH_LAYERS=os.path.abspath(args.layers),
               SEPCONV_CACHE_DIR=os.path.abspath(args.cache_dir))
    if args.isa == "avx2":
        env.update(SEPCONV_MAX_TARGET="x86-64-linux-avx2-fma", DNNL_MAX_CPU_ISA="AVX2", ONEDNN_MAX_CPU_ISA="AVX2")
    cmd = [args.bench, f"--benchmark_filter=^(sepconv|sepconv_jit|onednn)/{args.filter or '.*'}",
           f"--benchmark_repetitions={args.repetitions}", f"--benchmark_min_time={args.min_time}",
           "--benchmark_enable_random_interleaving=true", "--benchmark_format=json"]
    print(f"running {args.processes} time(s): " + " ".join(cmd), file=sys.stderr)
    benchmarks, context = [], {}
    for process in range(args.processes):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(f"jit_report: the bench failed:\n{proc.stderr[-2000:]}")
        run = json.loads(proc.stdout)
        context = run["context"]
        for b in run["benchmarks"]:
            b["process"] = process
        benchmarks += run["benchmarks"]
    with open(args.out, "w") as f:
        json.dump({"context": context, "benchmarks": benchmarks}, f, indent=1)

    samples, jit, errors = {}, {}, {}
    for b in benchmarks:
        m = re.match(r"(\w+)/([\w.]+)/threads:(\d+)", b.get("run_name", b["name"]))
        if not m:
            continue
        impl, layer, threads = m.group(1), m.group(2), int(m.group(3))
        if b.get("error_occurred"):
            errors[(layer, threads, impl)] = b.get("error_message", "error")
        elif b.get("run_type", "iteration") == "iteration" and "GFLOP" in b:
            g = b["GFLOP"] * 1e-9 if b["GFLOP"] > 1e6 else b["GFLOP"]
            samples.setdefault((layer, threads, impl), []).append(g)
            if impl == "sepconv_jit":
                jit.setdefault((layer, threads), {}).setdefault(b["process"], b)
    median = lambda k: statistics.median(samples[k]) if k in samples else math.nan  # noqa: E731
    with open(args.layers) as f:
        order = [line.split(",")[0] for line in f if line.strip() and not line.startswith("#")]
    layers = [name for name in order if any(k[0] == name for k in samples)]
    print(f"dispatch {context.get('sepconv_dispatch')}; {context.get('onednn')}; host {context.get('host_name')}")
    header = (f"{'layer':30} {'thr':>3} {'AOT':>7} {'JIT':>7} {'oneDNN':>7} {'JIT/dnnl':>8} {'AOT/dnnl':>8}"
              f" {'JIT/AOT':>7} {'tune s':>7} {'hit ms':>7} {'load ms':>7} {'hit compiles':>12}")
    print(header)
    print("-" * len(header))
    ratios = {1: ([], [], []), 2: ([], [], [])}
    for layer in layers:
        for threads in (1, 2):
            aot, ours, dnnl = (median((layer, threads, i)) for i in ("sepconv", "sepconv_jit", "onednn"))
            per_process = jit.get((layer, threads), {})
            tune = per_process.get(0, {}).get("first_call_s", math.nan)
            later = [b for proc, b in per_process.items() if proc > 0] or list(per_process.values())
            hit = max((b.get("hit_first_call_ms", math.nan) for b in later), default=math.nan)
            load = max((b.get("load_ms", math.nan) for b in later), default=math.nan)
            compiles = max((b.get("hit_compiles", math.nan) for b in later), default=math.nan)
            # Processes after the first: their own first call (a cache hit) too.
            hit = max([hit] + [b.get("first_call_s", 0) * 1e3 for proc, b in per_process.items() if proc > 0])
            r = (ours / dnnl, aot / dnnl, ours / aot)
            for values, v in zip(ratios[threads], r):
                if v == v:
                    values.append(v)
            print(f"{layer:30} {threads:3} {aot:7.1f} {ours:7.1f} {dnnl:7.1f} {r[0]:8.2f} {r[1]:8.2f} {r[2]:7.2f}"
                  f" {tune:7.1f} {hit:7.1f} {load:7.2f} {compiles:12.0f}")
    geomean = lambda v: math.exp(statistics.mean(map(math.log, v))) if v else math.nan  # noqa: E731
    for threads in (1, 2):
        j, a, ja = ratios[threads]
        print(f"geomean, {threads} thread(s): JIT/oneDNN {geomean(j):.2f}, AOT/oneDNN {geomean(a):.2f}, "
              f"JIT/AOT {geomean(ja):.2f}" + (f", JIT/oneDNN lowest {min(j):.2f}" if j else ""))
    for key, message in sorted(errors.items()):
        print(f"not measured: {key[2]} {key[0]} threads={key[1]}: {message}")
    print(f"raw JSON: {args.out}")


if __name__ == "__main__":
    main()
