#!/usr/bin/env python3
"""One table and one chart from one run of bench_sepconv: layer x threads -> sepconv GFLOP/s, oneDNN
GFLOP/s, their ratio, sepconv's % of the measured FMA peak; today's XNNPACK through TFLite and
sepconv's ratio to it, and TF's own tf.nn.separable_conv2d (tools/tflite_peer.py, checked against
sepconv's output); Debian's 2022 XNNPACK snapshot, for history; and float16 beside float32.

The layers: every row of the layer lists (--layers, comma-separated or repeated), in their order, a
name that two lists give the same shape timed once. By default MobileNet v1 and Xception
(bench/layers.csv), MobileNetV2, EfficientNet-B0, and bench/layers_report_extra.csv (batch 8, and
an image whose depthwise result outgrows the L2). The lists are merged into one file that the bench
(SEPCONV_BENCH_LAYERS) and the TFLite peer both time.

The machine is shared and noisy, so the run interleaves the implementations at random
(--benchmark_enable_random_interleaving), repeats each (--repetitions), does all of that in
several processes one after the other (--processes), and reports the medians of all samples.
Separate processes matter on a VM: a whole process can run a layer markedly slower or faster (where
its tensors land in physical memory, who shares the host at the time), so one process's samples
agree with each other and still mislead. The raw Google Benchmark JSON of every process is saved
next to the table, as one file (each benchmark entry tagged with its "process"), and the chart
(GFLOP/s of each implementation per layer, 1 and 2 threads, the FMA peak as a line) beside it.
--from-json prints the table and draws the chart of a saved report without running anything.

    .venv/bin/python tools/bench_report.py [--bench build/release/bench/bench_sepconv]
        [--layers LIST[,LIST...]] [--repetitions 3] [--processes 3] [--min-time 0.2]
        [--out build/release/bench/report.json] [--chart PATH (default: --out's, .png)]
        [--filter REGEX] [--isa native|avx2] [--no-tflite]
    .venv/bin/python tools/bench_report.py --from-json build/release/bench/report.json [--chart PATH]

--isa avx2 measures an AVX2 machine's code on an AVX-512 one: sepconv's dispatch is capped at
AVX2+FMA (SEPCONV_MAX_TARGET) and oneDNN's JIT at AVX2 (DNNL_MAX_CPU_ISA, ONEDNN_MAX_CPU_ISA).
XNNPACK has no such cap and runs its best code. The FMA peak is measured at the width of sepconv's
dispatched code: 512-bit FMAs on an AVX-512 dispatch, 256-bit ones otherwise (and under --isa avx2);
int8's peak with the instructions its 1x1 multiply-adds with there (vpdpbusd, or pmaddwd and an
add), whose ratio to the FMA peak bounds int8/float32.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_peer import read_layers  # noqa: E402  (the Python reader of the layer-list grammar)

DEFAULT_LAYERS = ("bench/layers.csv", "bench/layers_mobilenet_v2.csv", "bench/layers_efficientnet_b0.csv",
                  "bench/layers_report_extra.csv")

# Each implementation's benchmark prefix and its name in the chart, in the legend's order.
IMPLEMENTATIONS = (("sepconv", "sepconv"), ("onednn", "oneDNN"), ("tflite_xnnpack", "TFLite (XNNPACK)"),
                   ("tf", "TF separable_conv2d"), ("xnnpack", "XNNPACK 2022"), ("sepconv_f16", "sepconv float16"),
                   ("sepconv_block", "sepconv MobileNet block"), ("sepconv_jit", "sepconv JIT"),
                   ("sepconv_int8", "sepconv int8 (GOP/s)"), ("sepconv_int8_jit", "sepconv int8 JIT (GOP/s)"),
                   ("tflite_xnnpack_int8", "TFLite int8 (GOP/s)"))


def merge_layer_lists(paths):
    """The rows of all lists in order, each name once (a name listed again must name the same shape)."""
    rows = {}
    for path in paths:
        try:
            listed = read_layers(path)
        except (OSError, ValueError) as e:
            sys.exit(f"bench_report: the layer list {path}: {e}")
        for row in listed:
            if row[0] in rows and rows[row[0]] != row:
                sys.exit(f"bench_report: {path} names {row[0]} with another shape than an earlier list: "
                         f"{row[1:]} vs {rows[row[0]][1:]}")
            rows.setdefault(row[0], row)
    return list(rows.values())


def run(args, lists):
    """Runs the bench (and the peers) args.processes times; the merged Google Benchmark JSON."""
    rows = merge_layer_lists(lists)
    with tempfile.NamedTemporaryFile("w", prefix="bench_report_layers_", suffix=".csv") as merged:
        merged.write("".join(",".join(map(str, row)) + "\n" for row in rows))
        merged.flush()
        # The bench and the TFLite peer time the same list.
        env = dict(os.environ, SEPCONV_BENCH_LAYERS=merged.name)
        if args.isa == "avx2":
            env.update(SEPCONV_MAX_TARGET="x86-64-linux-avx2-fma", DNNL_MAX_CPU_ISA="AVX2", ONEDNN_MAX_CPU_ISA="AVX2")

        cmd = [args.bench, f"--benchmark_filter={args.filter}", f"--benchmark_repetitions={args.repetitions}",
               f"--benchmark_min_time={args.min_time}", "--benchmark_enable_random_interleaving=true",
               "--benchmark_format=json"]
        print(f"running, {args.processes} time(s), {len(rows)} layers of {','.join(lists)}: " + " ".join(cmd),
              file=sys.stderr)
        report = None
        for process in range(args.processes):
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                sys.exit(f"bench_report: the bench failed:\n{proc.stderr[-2000:]}")
            result = json.loads(proc.stdout)
            # Today's peers, in their own processes (TF's thread count is fixed once per process),
            # after each bench process: the processes interleave, the layers inside each do not.
            if not args.no_tflite:
                for threads in (1, 2):
                    peer = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "tflite_peer.py"),
                                           f"--threads={threads}", f"--layers={merged.name}",
                                           f"--repetitions={args.repetitions}", f"--min-time={args.min_time}"],
                                          capture_output=True, text=True, env=env)
                    if peer.returncode != 0:
                        sys.exit(f"bench_report: tools/tflite_peer.py failed:\n{peer.stderr[-2000:]}")
                    peers = json.loads(peer.stdout)
                    result["benchmarks"] += peers["benchmarks"]
                    result["context"]["tensorflow"] = peers["context"]["tensorflow"]
                    result.setdefault("peer_errors", []).extend(peers["errors"])
            for b in result["benchmarks"]:
                b["process"] = process
            if report is None:
                report = result
            else:
                report["benchmarks"] += result["benchmarks"]
                report.setdefault("peer_errors", []).extend(result.get("peer_errors", []))
    report["layer_lists"] = lists
    report["layers"] = [row[0] for row in rows]  # the table's row order
    return report


def collect(report):
    """(samples, errors): GFLOP/s samples and error messages by (layer, threads, implementation)."""
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
    return samples, errors


def print_table(report, samples, errors, layers, peak, source):
    """The table, the geomeans and what was not measured, on stdout."""
    context = report["context"]
    processes = 1 + max((b.get("process", 0) for b in report["benchmarks"]), default=0)
    repetitions = next((b["repetitions"] for b in report["benchmarks"] if "repetitions" in b), "?")

    def median(layer, threads, impl):
        v = samples.get((layer, threads, impl))
        return statistics.median(v) if v else math.nan

    print(f"dispatch {context.get('sepconv_dispatch')}; {context.get('onednn')}; {context.get('xnnpack')}"
          f"; TFLite/TF {context.get('tensorflow', 'not run')} (XNNPACK delegate)")
    print(f"FMA peak ({context.get('fma_peak_bits', '?')}-bit): {peak[1]:.1f} GFLOP/s on 1 thread, {peak[2]:.1f} on 2"
          f" (medians of {processes} processes x {repetitions} interleaved runs below)")
    if peak[("int8", 1)] == peak[("int8", 1)]:
        print(f"int8 peak ({context.get('int8_peak_form', '?')}): {peak[('int8', 1)]:.1f} GOP/s on 1 thread,"
              f" {peak[('int8', 2)]:.1f} on 2: {peak[('int8', 1)] / peak[1]:.2f} and {peak[('int8', 2)] / peak[2]:.2f}"
              " times the FMA peak, the ceiling of int8/float32")
    header = (f"{'layer':28} {'thr':>3} {'sepconv':>9} {'oneDNN':>9} {'ratio':>6} {'% peak':>7} {'TFLite':>9}"
              f" {'ratio':>6} {'TF':>7} {'XNN 2022':>9} {'f16':>9} {'f16/f32':>7} {'block':>9} {'blk/f32':>7}"
              f" {'int8':>9} {'i8/f32':>6} {'TFLite i8':>9} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    ratios, percents, halves, tflite, blocks, int8s, lite8s, int8_percents = ({1: [], 2: []} for _ in range(8))
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
            int8_percent = 100 * i8 / peak[("int8", threads)]
            for values, v in ((ratios, ratio), (percents, percent), (halves, half), (tflite, lite_ratio),
                              (blocks, block_ratio), (int8s, int8_ratio), (lite8s, lite8_ratio),
                              (int8_percents, int8_percent)):
                if v == v:
                    values[threads].append(v)
            print(f"{layer:28} {threads:3} {ours:9.1f} {dnnl:9.1f} {ratio:6.2f} {percent:6.1f}% {lite:9.1f}"
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
        if int8_percents[threads]:
            print(f"int8, {threads} thread(s): {geomean(int8_percents[threads]):.1f}% of the int8 peak (geomean)")
    for message in report.get("peer_errors", []):
        print(f"not measured: {message}")
    for key, message in sorted(errors.items()):
        print(f"not measured: {key[2]} {key[0]} threads={key[1]}: {message}")
    print(f"raw JSON: {source}")


def draw_chart(path, report, samples, layers, peak):
    """GFLOP/s per layer of each implementation in the run, one panel per thread count, the FMA
    peak as a line; says so and returns when matplotlib is missing. The rate axis is logarithmic:
    int8's GOP/s run to several times float32's GFLOP/s, and equal ratios then look equal."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator
    except ImportError:
        print("chart skipped: matplotlib is not installed (.venv/bin/pip install -r tools/requirements.txt)")
        return
    context = report["context"]
    present = [(impl, label) for impl, label in IMPLEMENTATIONS if any(k[2] == impl for k in samples)]
    fig, axes = plt.subplots(2, 1, figsize=(max(10.0, 3 + 0.35 * len(layers)), 10), sharex=True, layout="constrained")
    for ax, threads in zip(axes, (1, 2)):
        for i, ((impl, label), marker) in enumerate(zip(present, "os^vD<>ph*")):
            dodge = 0.7 * (i + 0.5) / len(present) - 0.35  # side by side within the layer's slot
            points = [(x + dodge, statistics.median(samples[(layer, threads, impl)])) for x, layer in enumerate(layers)
                      if (layer, threads, impl) in samples]
            if points:
                ax.plot(*zip(*points), marker=marker, linestyle="none", label=label, color=f"C{i}")
        if peak[threads] == peak[threads]:
            ax.axhline(peak[threads], color="black", linestyle="--", linewidth=1,
                       label=f"FMA peak, {context.get('fma_peak_bits', '?')}-bit ({peak[threads]:.0f})")
        ax.set_title(f"{threads} thread{'s' if threads > 1 else ''}")
        ax.set_ylabel("GFLOP/s (log scale)")
        ax.set_yscale("log")
        low, high = ax.get_ylim()
        ax.yaxis.set_minor_locator(LogLocator(subs=(2, 3, 5, 7) if high < 100 * low else (2, 5)))
        for formatter in (ax.yaxis.set_major_formatter, ax.yaxis.set_minor_formatter):
            formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.tick_params(axis="y", which="both", labelsize="small")
        ax.grid(axis="y", which="both", alpha=0.3)
        for x in range(len(layers) + 1):
            ax.axvline(x - 0.5, color="grey", alpha=0.15, linewidth=0.8)
    axes[0].legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    axes[1].set_xticks(range(len(layers)), layers, rotation=90, fontsize="small")
    axes[1].set_xlim(-0.5, len(layers) - 0.5)
    fig.suptitle(f"sepconv and its peers, {context.get('sepconv_dispatch', '?')} dispatch"
                 f" ({context.get('host_name', '')}, {context.get('date', '')[:10]})")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"chart: {path}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bench", default="build/release/bench/bench_sepconv")
    p.add_argument("--repetitions", type=int, default=3, help="repetitions per process")
    p.add_argument("--processes", type=int, default=3, help="bench processes, run one after the other")
    p.add_argument("--min-time", type=float, default=0.2, help="seconds per repetition")
    p.add_argument("--out", default="build/release/bench/report.json")
    p.add_argument("--chart", help="the chart's PNG (default: the JSON's path with .png)")
    p.add_argument("--from-json", metavar="PATH", help="print and chart this saved report; run nothing")
    p.add_argument("--filter", default="^(sepconv|sepconv_f16|sepconv_block|sepconv_int8|onednn|xnnpack|peak)/",
                   help="benchmarks to run (regex)")
    p.add_argument("--layers", action="append",
                   help="layer lists, comma-separated or repeated (default: " + ",".join(DEFAULT_LAYERS) + ")")
    p.add_argument("--no-tflite", action="store_true",
                   help="skip today's peers (TFLite's XNNPACK and TF's op, tools/tflite_peer.py)")
    p.add_argument("--isa", choices=("native", "avx2"), default="native",
                   help="native: each library's best code here; avx2: sepconv and oneDNN capped at AVX2")
    args = p.parse_args()

    if args.from_json:
        source = args.from_json
        with open(source) as f:
            report = json.load(f)
    else:
        source = args.out
        lists = [path for item in (args.layers or [",".join(DEFAULT_LAYERS)]) for path in item.split(",") if path]
        report = run(args, lists)
        with open(source, "w") as f:
            json.dump(report, f, indent=1)

    samples, errors = collect(report)
    # The peak: the median of peak/fma, sampled interleaved with the layers (a busy moment then
    # weighs on it as on them); the bench's start-up measurement when peak/ was filtered out.
    peak = {}
    for t in (1, 2):
        v = samples.get(("fma", t, "peak"))
        peak[t] = statistics.median(v) if v else float(report["context"].get(f"fma_peak_gflops_{t}t", "nan"))
        # int8's (GOP/s), where the run timed peak/int8: the denominator of int8's % of peak.
        v = samples.get(("int8", t, "peak"))
        peak[("int8", t)] = statistics.median(v) if v else math.nan
    # Rows in the lists' order (the run itself is interleaved at random); a report saved before the
    # order was recorded takes the default lists' order.
    order = report.get("layers") or [row[0] for row in merge_layer_lists(DEFAULT_LAYERS)]
    measured = {k[0] for k in samples if k[2] != "peak"}
    layers = [name for name in order if name in measured] + sorted(measured - set(order))

    print_table(report, samples, errors, layers, peak, source)
    draw_chart(args.chart or os.path.splitext(source)[0] + ".png", report, samples, layers, peak)


if __name__ == "__main__":
    main()
