#!/usr/bin/env python3
"""One table from one run of bench_sepconv: layer x threads -> sepconv GFLOP/s, oneDNN GFLOP/s,
their ratio, sepconv's % of the measured FMA peak; today's XNNPACK through TFLite and sepconv's ratio
to it, and TF's own tf.nn.separable_conv2d (tools/tflite_peer.py, checked against sepconv's output);
Debian's 2022 XNNPACK snapshot, for history; and float16 beside float32.

The machine is shared and noisy, so the run interleaves the implementations at random
(--benchmark_enable_random_interleaving), repeats each (--repetitions), does all of that in
several processes one after the other (--processes), and reports the medians of all samples.
Separate processes matter on a VM: a whole process can run a layer markedly slower or faster (where
its tensors land in physical memory, who shares the host at the time), so one process's samples
agree with each other and still mislead. The raw Google Benchmark JSON of every process is saved
next to the table, as one file (each benchmark entry tagged with its "process").

    .venv/bin/python tools/bench_report.py [--bench build/release/bench/bench_sepconv]
        [--repetitions 3] [--processes 3] [--min-time 0.2] [--out build/release/bench/report.json] [--filter REGEX]
        [--isa native|avx2]

--isa avx2 measures an AVX2 machine's code on an AVX-512 one: sepconv's dispatch is capped at
AVX2+FMA (SEPCONV_MAX_TARGET) and oneDNN's JIT at AVX2 (DNNL_MAX_CPU_ISA, ONEDNN_MAX_CPU_ISA).
XNNPACK has no such cap and runs its best code. The FMA peak is measured at the width of sepconv's
dispatched code: 512-bit FMAs on an AVX-512 dispatch, 256-bit ones otherwise (and under --isa avx2).
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bench", default="build/release/bench/bench_sepconv")
    p.add_argument("--repetitions", type=int, default=3, help="repetitions per process")
    p.add_argument("--processes", type=int, default=3, help="bench processes, run one after the other")
    p.add_argument("--min-time", type=float, default=0.2, help="seconds per repetition")
    p.add_argument("--out", default="build/release/bench/report.json")
    p.add_argument("--filter", default="^(sepconv|sepconv_f16|sepconv_block|sepconv_int8|onednn|xnnpack|peak)/",
                   help="benchmarks to run (regex)")
    p.add_argument("--layers", default="bench/layers.csv", help="the layer list, for the row order")
    p.add_argument("--no-tflite", action="store_true",
                   help="skip today's peers (TFLite's XNNPACK and TF's op, tools/tflite_peer.py)")
    p.add_argument("--isa", choices=("native", "avx2"), default="native",
                   help="native: each library's best code here; avx2: sepconv and oneDNN capped at AVX2")
    args = p.parse_args()
    # The bench and the TFLite peer time the same list.
    env = dict(os.environ, SEPCONV_BENCH_LAYERS=os.path.abspath(args.layers))
    if args.isa == "avx2":
        env.update(SEPCONV_MAX_TARGET="x86-64-linux-avx2-fma", DNNL_MAX_CPU_ISA="AVX2", ONEDNN_MAX_CPU_ISA="AVX2")

    cmd = [args.bench, f"--benchmark_filter={args.filter}", f"--benchmark_repetitions={args.repetitions}",
           f"--benchmark_min_time={args.min_time}", "--benchmark_enable_random_interleaving=true",
           "--benchmark_format=json"]
    print("running, " + str(args.processes) + " time(s): " + " ".join(cmd), file=sys.stderr)
    report = None
    for process in range(args.processes):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(f"bench_report: the bench failed:\n{proc.stderr[-2000:]}")
        run = json.loads(proc.stdout)
        # Today's peers, in their own processes (TF's thread count is fixed once per process), after
        # each bench process: the processes interleave, the layers inside each do not.
        if not args.no_tflite:
            for threads in (1, 2):
                peer = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "tflite_peer.py"),
                                       f"--threads={threads}", f"--layers={args.layers}",
                                       f"--repetitions={args.repetitions}", f"--min-time={args.min_time}"],
                                      capture_output=True, text=True, env=env)
                if peer.returncode != 0:
                    sys.exit(f"bench_report: tools/tflite_peer.py failed:\n{peer.stderr[-2000:]}")
                peers = json.loads(peer.stdout)
                run["benchmarks"] += peers["benchmarks"]
                run["context"]["tensorflow"] = peers["context"]["tensorflow"]
                run.setdefault("peer_errors", []).extend(peers["errors"])
        for b in run["benchmarks"]:
            b["process"] = process
        if report is None:
            report = run
        else:
            report["benchmarks"] += run["benchmarks"]
            report.setdefault("peer_errors", []).extend(run.get("peer_errors", []))
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)

    context = report["context"]
    samples, errors = {}, {}
    for b in report["benchmarks"]:
        m = re.match(r"(\w+)/([\w.]+)/threads:(\d+)", b.get("run_name", b["name"]))
        if not m:
            continue
        key = (m.group(2), int(m.group(3)), m.group(1))
        if b.get("error_occurred"):
            errors[key] = b.get("error_message", "error")
        elif b.get("run_type", "iteration") == "iteration" and "GFLOP" in b:
            samples.setdefault(key, []).append(b["GFLOP"] * 1e-9 if b["GFLOP"] > 1e6 else b["GFLOP"])

    def median(layer, threads, impl):
        v = samples.get((layer, threads, impl))
        return statistics.median(v) if v else math.nan

    # The peak: the median of peak/fma, sampled interleaved with the layers (a busy moment then
    # weighs on it as on them); the bench's start-up measurement when peak/ was filtered out.
    peak = {t: median("fma", t, "peak") for t in (1, 2)}
    for t in (1, 2):
        if peak[t] != peak[t]:
            peak[t] = float(context.get(f"fma_peak_gflops_{t}t", "nan"))

    # Rows in the order of bench/layers.csv (the run itself is interleaved at random).
    with open(args.layers) as f:
        order = [line.split(",")[0] for line in f if line.strip() and not line.startswith("#")]
    layers = sorted({k[0] for k in samples if k[2] != "peak"}, key=lambda name: order.index(name) if name in order else len(order))
    print(f"dispatch {context.get('sepconv_dispatch')}; {context.get('onednn')}; {context.get('xnnpack')}"
          f"; TFLite/TF {context.get('tensorflow', 'not run')} (XNNPACK delegate)")
    print(f"FMA peak ({context.get('fma_peak_bits', '?')}-bit): {peak[1]:.1f} GFLOP/s on 1 thread, {peak[2]:.1f} on 2"
          f" (medians of {args.processes} processes x "
          f"{args.repetitions} interleaved runs below)")
    header = (f"{'layer':24} {'thr':>3} {'sepconv':>9} {'oneDNN':>9} {'ratio':>6} {'% peak':>7} {'TFLite':>9}"
              f" {'ratio':>6} {'TF':>7} {'XNN 2022':>9} {'f16':>9} {'f16/f32':>7} {'block':>9} {'blk/f32':>7}"
              f" {'int8':>9} {'i8/f32':>6} {'TFLite i8':>9} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    ratios, percents, halves, tflite, blocks, int8s, lite8s = ({1: [], 2: []} for _ in range(7))
    for layer in layers:
        for threads in (1, 2):
            ours, dnnl, xnn, f16, lite, tf, block, i8, lite8 = (median(layer, threads, impl) for impl in (
                "sepconv", "onednn", "xnnpack", "sepconv_f16", "tflite_xnnpack", "tf", "sepconv_block",
                "sepconv_int8", "tflite_xnnpack_int8"))
            ratio = ours / dnnl if dnnl == dnnl and dnnl > 0 else math.nan
            lite_ratio = ours / lite if lite == lite and lite > 0 else math.nan
            percent = 100 * ours / peak[threads] if peak[threads] > 0 else math.nan
            half = f16 / ours if ours == ours and ours > 0 else math.nan
            block_ratio = block / ours if ours == ours and ours > 0 else math.nan
            int8_ratio = i8 / ours if ours == ours and ours > 0 else math.nan
            lite8_ratio = i8 / lite8 if lite8 == lite8 and lite8 > 0 else math.nan
            for values, v in ((ratios, ratio), (percents, percent), (halves, half), (tflite, lite_ratio),
                              (blocks, block_ratio), (int8s, int8_ratio), (lite8s, lite8_ratio)):
                if v == v:
                    values[threads].append(v)
            print(f"{layer:24} {threads:3} {ours:9.1f} {dnnl:9.1f} {ratio:6.2f} {percent:6.1f}% {lite:9.1f}"
                  f" {lite_ratio:6.2f} {tf:7.1f} {xnn:9.1f} {f16:9.1f} {half:7.2f} {block:9.1f} {block_ratio:7.2f}"
                  f" {i8:9.1f} {int8_ratio:6.2f} {lite8:9.1f} {lite8_ratio:6.2f}")
    geomean = lambda v: math.exp(statistics.mean(map(math.log, v)))  # noqa: E731
    for threads in (1, 2):
        if ratios[threads]:
            print(f"geomean, {threads} thread(s): sepconv/oneDNN {geomean(ratios[threads]):.2f}, "
                  f"{geomean(percents[threads]):.1f}% of peak")
        if tflite[threads]:
            print(f"geomean, {threads} thread(s): sepconv/TFLite's XNNPACK {geomean(tflite[threads]):.2f}")
        for what, values, lowest in (("float16/float32", halves, True),
                                     ("int8/float32 (GOP/s over GFLOP/s)", int8s, True),
                                     ("sepconv int8/TFLite's XNNPACK int8", lite8s, False),
                                     ("MobileNet block (both biases, relu6 twice)/TF's op", blocks, True)):
            if values[threads]:
                print(f"{what}, {threads} thread(s): geomean {geomean(values[threads]):.2f}"
                      + (f", lowest {min(values[threads]):.2f}" if lowest else ""))
    for message in report.get("peer_errors", []):
        print(f"not measured: {message}")
    for key, message in sorted(errors.items()):
        print(f"not measured: {key[2]} {key[0]} threads={key[1]}: {message}")
    print(f"raw JSON: {args.out}")


if __name__ == "__main__":
    main()
