#!/usr/bin/env python3
"""Today's peers of sepconv, timed on the bench layers in one process for one thread count:

  tflite_xnnpack  a one-layer TFLite model (Keras SeparableConv2D, no bias) run by
                  tf.lite.Interpreter(num_threads=N) with its default XNNPACK delegate, which must
                  have taken the op (otherwise the layer is reported as not measured)
  tf              TF's own tf.nn.separable_conv2d in a tf.function, intra-op threads N
  tflite_xnnpack_int8
                  the same layer as an int8 MobileNet block (depthwise + bias + ReLU6, 1x1 + bias +
                  ReLU6, full-integer quantization from a representative dataset), XNNPACK delegate;
                  its output must be within 1 LSB of sepconv's int8 result on the weights and
                  quantization read back from the model (tools/tflite_quantized.py)

Each layer's TFLite output is first checked against sepconv's, computed by the CLI (`sepconv run`)
on the same .npy tensors. Timing: warm-up, then `invoke()` in a loop without tensor copies (the
input is set once), `--repetitions` samples of at least `--min-time` seconds each, GFLOP counted as
the bench counts it (2 * N * Ho * Wo * C * (k * k + Cout), sepconv::flop_count).

Prints Google Benchmark-like JSON ({"benchmarks": [...]}, one "iteration" entry per sample), which
tools/bench_report.py merges into its report.

    .venv/bin/python tools/tflite_peer.py --threads N [--layers bench/layers.csv]
        [--cli build/release/tools/cli/sepconv] [--repetitions 3] [--min-time 0.2] [--require-all]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def read_layers(path):
    """The rows of a layer list (tools/cli/layer_list.h): name,height,width,in_channels,out_channels,
    stride[,kernel[,type[,batch]]], kernel 3, type float32 and batch 1 when absent."""
    layers = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(",")
            name, h, w, c, cout, stride = fields[0], *map(int, fields[1:6])
            kernel = int(fields[6]) if len(fields) > 6 and fields[6] else 3
            dtype = fields[7] if len(fields) > 7 and fields[7] else "float32"
            batch = int(fields[8]) if len(fields) > 8 and fields[8] else 1
            layers.append((name, h, w, c, cout, stride, kernel, dtype, batch))
    return layers


def samples(run, repetitions, min_time):
    """Seconds per call: `repetitions` samples, each the mean over calls for at least `min_time` seconds."""
    for _ in range(3):
        run()
    out = []
    for _ in range(repetitions):
        n, start = 0, time.perf_counter()
        while True:
            run()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        out.append(elapsed / n)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--layers", default="bench/layers.csv")
    p.add_argument("--cli", default="build/release/tools/cli/sepconv")
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--require-all", action="store_true", help="exit 1 unless every layer was measured (the smoke test)")
    args = p.parse_args()

    # The JSON goes to the real stdout; everything TF and its converter print goes to stderr.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import tflite_quantized as tq

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    rng = np.random.default_rng(7)
    benchmarks, errors = [], []

    def record(impl, name, seconds, gflop, label):
        for s in seconds:
            benchmarks.append({"name": f"{impl}/{name}/threads:{args.threads}/real_time",
                               "run_name": f"{impl}/{name}/threads:{args.threads}/real_time",
                               "run_type": "iteration", "GFLOP": gflop / s, "label": label})

    for name, h, w, c, cout, stride, kernel, dtype, batch in read_layers(args.layers):
        if dtype != "float32":
            errors.append(f"tflite_xnnpack {name}: a {dtype} layer (the peers run float32)")
            continue
        ho, wo = -(-h // stride), -(-w // stride)
        gflop = 2.0 * batch * ho * wo * c * (kernel * kernel + cout) * 1e-9
        x = rng.uniform(-1, 1, (batch, h, w, c)).astype(np.float32)
        dw = rng.uniform(-1, 1, (kernel, kernel, c, 1)).astype(np.float32)
        pw = rng.uniform(-1, 1, (1, 1, c, cout)).astype(np.float32)

        # TFLite: the Keras layer with these weights, converted; XNNPACK is the default delegate.
        inp = tf.keras.Input((h, w, c), batch_size=batch)
        layer = tf.keras.layers.SeparableConv2D(cout, kernel, strides=stride, padding="same", use_bias=False)
        model = tf.keras.Model(inp, layer(inp))
        layer.set_weights([dw, pw])
        tflite = tf.lite.TFLiteConverter.from_keras_model(model).convert()
        interpreter = tq.interpreter_for(tflite, args.threads)
        if not tq.delegate_took_all(interpreter):
            nodes = [n["op_name"] for n in interpreter._get_ops_details()]
            errors.append(f"tflite_xnnpack {name}: XNNPACK did not take both ops (nodes: {nodes})")
            continue
        got = tq.run(interpreter, x)

        # sepconv's result on the same tensors, through the CLI.
        with tempfile.TemporaryDirectory() as d:
            for fname, a in (("x", x), ("dw", dw), ("pw", pw)):
                np.save(os.path.join(d, fname + ".npy"), a)
            cmd = [args.cli, "run", "--input", f"{d}/x.npy", "--depthwise-filter", f"{d}/dw.npy",
                   "--pointwise-filter", f"{d}/pw.npy", "--strides", f"1,{stride},{stride},1", "--padding", "SAME",
                   "--threads", str(args.threads), "--output", f"{d}/y.npy"]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"tflite_peer: {' '.join(cmd)} failed: {proc.stderr}")
            ours = np.load(f"{d}/y.npy")
        scale = np.abs(ours).max() + 1
        worst = float(np.abs(got - ours).max() / scale)
        if got.shape != ours.shape or not worst < 1e-4:
            errors.append(f"tflite_xnnpack {name}: output differs from sepconv's (max error {worst:.3g} of the range)")
            continue
        record("tflite_xnnpack", name, samples(interpreter.invoke, args.repetitions, args.min_time), gflop,
               f"TFLite {tf.__version__} XNNPACK")

        # TFLite int8: the MobileNet block, checked against sepconv's int8 result.
        model = tq.to_int8(tq.keras_block(h, w, c, 1, cout, kernel, stride, 1, "same", "relu6", "relu6", batch=batch),
                           rng)
        dwq, pwq, quant = tq.extract(model, "relu6")
        interpreter = tq.interpreter_for(model, args.threads)
        if not tq.delegate_took_all(interpreter):
            errors.append(f"tflite_xnnpack_int8 {name}: XNNPACK did not take both ops")
        else:
            xq = rng.integers(-128, 128, (batch, h, w, c), dtype=np.int8)
            got = tq.run(interpreter, xq).astype(np.int32)
            with tempfile.TemporaryDirectory() as d:
                for fname, a in (("x", xq), ("dw", dwq), ("pw", pwq)):
                    np.save(os.path.join(d, fname + ".npy"), a)
                with open(f"{d}/q.json", "w") as f:
                    json.dump(quant, f)
                cmd = [args.cli, "run", "--input", f"{d}/x.npy", "--depthwise-filter", f"{d}/dw.npy",
                       "--pointwise-filter", f"{d}/pw.npy", "--strides", f"1,{stride},{stride},1", "--padding", "SAME",
                       "--activation", "relu6", "--quantization", f"{d}/q.json", "--threads", str(args.threads),
                       "--output", f"{d}/y.npy"]
                proc = subprocess.run(cmd, capture_output=True, text=True)
                if proc.returncode != 0:
                    sys.exit(f"tflite_peer: {' '.join(cmd)} failed: {proc.stderr}")
                ours = np.load(f"{d}/y.npy").astype(np.int32)
            lsb = int(np.abs(got - ours).max()) if got.shape == ours.shape else -1
            if not 0 <= lsb <= 1:
                errors.append(f"tflite_xnnpack_int8 {name}: output differs from sepconv's by {lsb} LSB")
            else:
                record("tflite_xnnpack_int8", name, samples(interpreter.invoke, args.repetitions, args.min_time), gflop,
                       f"TFLite {tf.__version__} XNNPACK int8")

        # TF's own op.
        xt, dwt, pwt = tf.constant(x), tf.constant(dw), tf.constant(pw)
        op = tf.function(lambda: tf.nn.separable_conv2d(xt, dwt, pwt, [1, stride, stride, 1], "SAME"))
        record("tf", name, samples(op, args.repetitions, args.min_time), gflop,
               f"TF {tf.__version__} tf.nn.separable_conv2d")

    json.dump({"context": {"tensorflow": tf.__version__}, "benchmarks": benchmarks, "errors": errors}, out)
    out.flush()
    if args.require_all and errors:
        sys.exit("tflite_peer: " + "; ".join(errors))


if __name__ == "__main__":
    main()
