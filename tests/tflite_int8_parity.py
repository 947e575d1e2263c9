#!/usr/bin/env python3
"""int8 parity with TFLite itself: Keras MobileNet blocks converted with full-integer quantization,
run by TFLite's reference kernels (BUILTIN_REF) and by its default XNNPACK path, and by the
`sepconv run --quantization` CLI on the weights, biases and quantization read back from the
converted model. sepconv must equal the reference kernels bit for bit, and be within 1 LSB of
XNNPACK (which rounds its requantization differently).

A block: DepthwiseConv2D with a bias and an optional ReLU(6), then a 1x1 Conv2D with a bias and an
optional ReLU(6); TFLite stores it as DEPTHWISE_CONV_2D and CONV_2D with fused activations.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import tflite_quantized as tq  # noqa: E402

# (name, H, W, C, M, Cout, kernel, stride, dilation, padding, depthwise activation, pointwise activation)
BLOCKS = [
    ("mobilenet_v1_block", 14, 14, 32, 1, 48, 3, 1, 1, "same", "relu6", "relu6"),
    ("mobilenet_v1_stride2", 15, 13, 24, 1, 40, 3, 2, 1, "same", "relu6", "relu6"),
    ("mobilenet_v2_projection", 12, 12, 48, 1, 16, 3, 1, 1, "same", "relu6", "none"),
    ("mobilenet_v2_stride2_projection", 16, 16, 36, 1, 24, 3, 2, 1, "same", "relu6", "none"),
    ("no_activations", 9, 11, 13, 1, 29, 3, 1, 1, "same", "none", "none"),
    ("relu", 10, 10, 17, 1, 33, 3, 1, 1, "same", "relu", "relu"),
    ("dilation2", 13, 12, 16, 1, 20, 3, 1, 2, "same", "relu6", "relu6"),
    ("multiplier2", 10, 9, 7, 2, 19, 3, 1, 1, "same", "relu6", "relu6"),
    ("multiplier3_stride2", 11, 11, 5, 3, 12, 3, 2, 1, "same", "relu6", "none"),
    ("valid_5x5", 12, 14, 11, 1, 27, 5, 1, 1, "valid", "relu6", "relu6"),
    ("odd_channels_1x1_image", 1, 1, 7, 1, 9, 3, 1, 1, "same", "relu6", "relu6"),
    ("wide_odd", 7, 23, 19, 1, 37, 3, 2, 1, "valid", "relu", "none"),
]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cli", required=True)
    p.add_argument("--emulator", default="", help="command prefix for a cross-compiled CLI")
    p.add_argument("--seed", type=int, default=20)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    tf.keras.utils.set_random_seed(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for block in BLOCKS:
            name, h, w, c, m, cout, k, s, d, padding, dw_act, pw_act = block
            model = tq.to_int8(tq.keras_block(h, w, c, m, cout, k, s, d, padding, dw_act, pw_act), rng)
            dw, pw, quant = tq.extract(model, dw_act)
            x = rng.integers(-128, 128, (1, h, w, c), dtype=np.int8)
            np.save(f"{tmp}/x.npy", x)
            np.save(f"{tmp}/dw.npy", dw)
            np.save(f"{tmp}/pw.npy", pw)
            with open(f"{tmp}/q.json", "w") as f:
                json.dump(quant, f)
            cmd = args.emulator.split() + [
                args.cli, "run", "--input", f"{tmp}/x.npy", "--depthwise-filter", f"{tmp}/dw.npy",
                "--pointwise-filter", f"{tmp}/pw.npy", "--strides", f"1,{s},{s},1", "--padding", padding.upper(),
                "--dilations", f"{d},{d}", "--activation", pw_act, "--quantization", f"{tmp}/q.json",
                "--output", f"{tmp}/y.npy"]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{name}: FAILED: sepconv refused: {proc.stderr.strip()}")
                failures += 1
                continue
            got = np.load(f"{tmp}/y.npy").astype(np.int32)
            ref = tq.run(tq.interpreter_for(model, 1, reference=True), x).astype(np.int32)
            xnnpack = tq.interpreter_for(model, 1)
            if not tq.delegate_took_all(xnnpack):
                print(f"{name}: FAILED: XNNPACK did not take both ops")
                failures += 1
                continue
            xnn = tq.run(xnnpack, x).astype(np.int32)
            differ = int(np.count_nonzero(got != ref))
            lsb = int(np.max(np.abs(got - xnn))) if got.shape == xnn.shape else -1
            spread = f"output values {got.min()}..{got.max()}, {len(np.unique(got))} distinct"
            ok = got.shape == ref.shape and differ == 0 and 0 <= lsb <= 1
            failures += not ok
            print(f"{name}: {'ok' if ok else 'FAILED'}: {differ} of {ref.size} values differ from BUILTIN_REF, "
                  f"at most {lsb} LSB from XNNPACK; {spread}")
    print(f"tflite_int8_parity: TensorFlow {tf.__version__}, {len(BLOCKS)} Keras blocks, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
