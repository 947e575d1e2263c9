#!/usr/bin/env python3
"""Parity with TensorFlow itself: random argument sets through tf.nn.separable_conv2d and through
the `sepconv run` CLI, compared element-wise. Some cases are MobileNet blocks (a depthwise bias and
activation too): TF runs them as tf.nn.depthwise_conv2d + bias + activation, then a 1x1 tf.nn.conv2d.

Where TF defines the call, TF is the truth. Where TF refuses it or leaves it undefined but
sepconv defines it (dilations combined with strides > 1), the truth is the plain NumPy reference
below. Where sepconv must refuse (VALID with a filter larger than the image), it must refuse.
"""
import argparse
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def numpy_reference(x, dwf, pwf, strides, dilations, pads, bias, activation, dw_bias=None, dw_activation="none"):
    """NHWC; pads = (top, bottom, left, right); strides = (sh, sw); dilations = (dh, dw)."""
    n, h, w, c = x.shape
    kh, kw, _, m = dwf.shape
    sh, sw = strides
    dh, dw = dilations
    xp = np.pad(x.astype(np.float64), ((0, 0), (pads[0], pads[1]), (pads[2], pads[3]), (0, 0)))
    ho = (xp.shape[1] - ((kh - 1) * dh + 1)) // sh + 1
    wo = (xp.shape[2] - ((kw - 1) * dw + 1)) // sw + 1
    depthwise = np.zeros((n, ho, wo, c, m))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, i * dh: i * dh + (ho - 1) * sh + 1: sh, j * dw: j * dw + (wo - 1) * sw + 1: sw, :]
            depthwise += patch[..., None] * dwf[i, j].astype(np.float64)
    depthwise = apply_epilogue(depthwise.reshape(n, ho, wo, c * m), dw_bias, dw_activation)
    out = depthwise @ pwf[0, 0].astype(np.float64)
    return apply_epilogue(out, bias, activation)


def apply_epilogue(out, bias, activation):
    if bias is not None:
        out = out + bias
    if activation == "relu":
        out = np.maximum(out, 0)
    elif activation == "relu6":
        out = np.clip(out, 0, 6)
    return out


def same_pads(size, k, stride, dilation):
    out = -(-size // stride)
    total = max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def tf_separable(x, dwf, pwf, strides, dilations, padding, explicit, bias, activation, dw_bias, dw_activation):
    """Runs TF on NHWC data; returns None when TF refuses the arguments."""
    try:
        xt = x
        tf_padding = padding
        if padding == "EXPLICIT":
            # TF's CPU separable_conv2d takes string paddings; explicit padding is tf.pad + VALID.
            t, b, l, r = explicit
            xt = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
            tf_padding = "VALID"
        tf_strides = [1, strides[0], strides[1], 1]
        if dw_bias is None and dw_activation == "none":
            y = tf.nn.separable_conv2d(xt, dwf, pwf, strides=tf_strides, padding=tf_padding,
                                       dilations=list(dilations)).numpy().astype(np.float64)
        else:
            # TF's own types throughout, as a TFLite float model computes the block.
            d = tf.nn.depthwise_conv2d(xt, dwf, strides=tf_strides, padding=tf_padding, dilations=list(dilations))
            if dw_bias is not None:
                d = tf.nn.bias_add(d, dw_bias)
            d = {"none": d, "relu": tf.nn.relu(d), "relu6": tf.nn.relu6(d)}[dw_activation]
            y = tf.nn.conv2d(d, pwf, strides=1, padding="VALID").numpy().astype(np.float64)
    except (tf.errors.InvalidArgumentError, ValueError, tf.errors.UnimplementedError):
        return None
    return apply_epilogue(y, bias, activation)


def random_case(rng):
    k = dict(
        n=int(rng.integers(1, 4)), h=int(rng.integers(1, 13)), w=int(rng.integers(1, 13)),
        c=int(rng.integers(1, 21)), m=int(rng.integers(1, 4)), cout=int(rng.integers(1, 21)),
        kh=int(rng.choice([1, 2, 3, 3, 3, 5])), kw=int(rng.choice([1, 2, 3, 3, 3, 5])),
        padding=str(rng.choice(["SAME", "VALID", "EXPLICIT"])),
        nchw=bool(rng.random() < 0.3), bias=bool(rng.random() < 0.5),
        activation=str(rng.choice(["none", "relu", "relu6"])),
    )
    if rng.random() < 0.05:
        # A model-sized 3x3 layer, large enough for the full register blocks of the fast path.
        k.update(h=int(rng.integers(14, 31)), w=int(rng.integers(14, 31)), c=int(rng.integers(24, 97)),
                 m=1, cout=int(rng.integers(24, 129)), kh=3, kw=3, padding="SAME")
    # Mostly what models use (equal strides, no dilation), plus the combinations TF refuses.
    shape = rng.random()
    if shape < 0.5:
        s = int(rng.integers(1, 4))
        k.update(strides=(s, s), dilations=(1, 1))
    elif shape < 0.75:
        d = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        k.update(strides=(1, 1), dilations=d)
    else:
        k.update(strides=(int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                 dilations=(int(rng.integers(1, 4)), int(rng.integers(1, 4))))
    k["explicit"] = tuple(int(v) for v in rng.integers(0, 3, size=4))
    # A third of the cases are MobileNet blocks.
    block = rng.random() < 1 / 3
    k["dw_bias"] = block and bool(rng.random() < 0.8)
    k["dw_activation"] = str(rng.choice(["none", "relu", "relu6"])) if block else "none"
    return k


def tf_documents(k):
    """Whether TF defines the call. TF's documentation requires strides of 1 wherever a dilation
    exceeds 1; TF 2.21 does not check it and silently returns something other than the natural
    (PyTorch) definition that sepconv implements, so those calls are checked against NumPy."""
    return max(k["dilations"]) == 1 or max(k["strides"]) == 1


def sepconv_defines(k):
    """Whether the call is legal in sepconv (TF's rules, without TF's needless refusals)."""
    for size, kern, dil, pad in ((k["h"], k["kh"], k["dilations"][0], k["explicit"][:2]),
                                 (k["w"], k["kw"], k["dilations"][1], k["explicit"][2:])):
        span = (kern - 1) * dil + 1
        if k["padding"] == "VALID" and span > size:
            return False
        if k["padding"] == "EXPLICIT" and span > size + pad[0] + pad[1]:
            return False
    return True


def save(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=DTYPE))


def tolerance(k, x, dwf, pwf, pads, bias, dw_bias, expected):
    """float32: the shared atol/rtol. float16: the float16 rounding of the output plus
    n * 2^-11 * (sum of |terms|), n = taps + C*M + 5: the bound for float16 arithmetic throughout
    (a depthwise bias included), which covers TF's own float16 kernels (whatever they accumulate
    in) as well as sepconv's."""
    if DTYPE == np.float32:
        return ARGS.atol + ARGS.rtol * np.abs(expected)
    magnitude = numpy_reference(np.abs(x), np.abs(dwf), np.abs(pwf), k["strides"], k["dilations"], pads,
                                None if bias is None else np.abs(bias), "none",
                                None if dw_bias is None else np.abs(dw_bias))
    n = k["kh"] * k["kw"] + k["c"] * k["m"] + 5
    return 2.0 ** -11 * np.abs(expected) + 2.0 ** -24 + n * 2.0 ** -11 * magnitude


def run_case(cli, tmp, k, rng):
    # float16 runs draw the same float32 values and round them to float16: both sides see those.
    x = rng.uniform(-1, 1, (k["n"], k["h"], k["w"], k["c"])).astype(np.float32).astype(DTYPE)
    dwf = rng.uniform(-1, 1, (k["kh"], k["kw"], k["c"], k["m"])).astype(np.float32).astype(DTYPE)
    pwf = rng.uniform(-1, 1, (1, 1, k["c"] * k["m"], k["cout"])).astype(np.float32).astype(DTYPE)
    bias = rng.uniform(-1, 1, (k["cout"],)).astype(np.float32).astype(DTYPE) if k["bias"] else None
    dw_bias = rng.uniform(-1, 1, (k["c"] * k["m"],)).astype(np.float32).astype(DTYPE) if k["dw_bias"] else None

    fmt = "NCHW" if k["nchw"] else "NHWC"
    save(f"{tmp}/x.npy", x.transpose(0, 3, 1, 2) if k["nchw"] else x)
    save(f"{tmp}/dw.npy", dwf)
    save(f"{tmp}/pw.npy", pwf)
    sh, sw = k["strides"]
    args = EMULATOR + [cli, "run", "--input", f"{tmp}/x.npy", "--depthwise-filter", f"{tmp}/dw.npy",
            "--pointwise-filter", f"{tmp}/pw.npy", "--data-format", fmt,
            "--strides", f"1,1,{sh},{sw}" if k["nchw"] else f"1,{sh},{sw},1",
            "--dilations", "{},{}".format(*k["dilations"]), "--padding", k["padding"],
            "--activation", k["activation"], "--output", f"{tmp}/y.npy"]
    if k["padding"] == "EXPLICIT":
        args += ["--explicit-padding", ",".join(map(str, k["explicit"]))]
    if bias is not None:
        save(f"{tmp}/b.npy", bias)
        args += ["--bias", f"{tmp}/b.npy"]
    if dw_bias is not None:
        save(f"{tmp}/db.npy", dw_bias)
        args += ["--depthwise-bias", f"{tmp}/db.npy"]
    if k["dw_activation"] != "none":
        args += ["--depthwise-activation", k["dw_activation"]]
    if os.path.exists(f"{tmp}/y.npy"):
        os.remove(f"{tmp}/y.npy")
    proc = subprocess.run(args, capture_output=True, text=True)

    source = "tf"
    if not sepconv_defines(k):
        # The dilated filter is larger than the (padded) image: TF's own size rule gives an output
        # size <= 0. TF 2.21 does not always refuse (it may return a tensor as large as the input),
        # so only sepconv's refusal is checked here.
        if proc.returncode == 0 or os.path.exists(f"{tmp}/y.npy"):
            return "fail", "sepconv accepted a call it must refuse"
        if "filter" not in proc.stderr:
            return "fail", "the refusal does not name the filter: " + proc.stderr.strip()
        return "refused", ""
    expected = None
    if tf_documents(k):
        expected = tf_separable(x, dwf, pwf, k["strides"], k["dilations"], k["padding"], k["explicit"], bias,
                                k["activation"], dw_bias, k["dw_activation"])
    if k["padding"] == "SAME":
        pads = same_pads(k["h"], k["kh"], sh, k["dilations"][0]) + same_pads(k["w"], k["kw"], sw, k["dilations"][1])
    elif k["padding"] == "VALID":
        pads = (0, 0, 0, 0)
    else:
        pads = k["explicit"]
    if expected is None:
        source = "numpy"
        expected = numpy_reference(x, dwf, pwf, k["strides"], k["dilations"], pads, bias, k["activation"], dw_bias,
                                   k["dw_activation"])
    if proc.returncode != 0:
        return "fail", f"sepconv refused a legal call: {proc.stderr.strip()}"
    got = np.load(f"{tmp}/y.npy")
    if k["nchw"]:
        got = got.transpose(0, 2, 3, 1)
    if got.shape != expected.shape:
        return "fail", f"shape {got.shape} != {source} {expected.shape}"
    if got.dtype != DTYPE:
        return "fail", f"the output file holds {got.dtype}, expected {np.dtype(DTYPE)}"
    got = got.astype(np.float64)
    err = np.abs(got - expected) - tolerance(k, x, dwf, pwf, pads, bias, dw_bias, expected)
    if (err > 0).any():
        return "fail", f"max excess error {err.max():.3g} vs {source}"
    return source, ""


EMULATOR = []
DTYPE = np.float32


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cli", required=True)
    p.add_argument("--emulator", default="", help="command prefix for a cross-compiled CLI, e.g. qemu-aarch64 -L ...")
    p.add_argument("--cases", type=int, default=300)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--atol", type=float, required=True)
    p.add_argument("--rtol", type=float, required=True)
    p.add_argument("--dtype", choices=("float32", "float16"), default="float32",
                   help="the tensors' type: TF runs on tf.float16 tensors for float16")
    ARGS = p.parse_args()
    global DTYPE
    DTYPE = np.float16 if ARGS.dtype == "float16" else np.float32
    EMULATOR.extend(ARGS.emulator.split())
    rng = np.random.default_rng(ARGS.seed)
    counts = {"tf": 0, "numpy": 0, "refused": 0, "fail": 0}
    blocks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(ARGS.cases):
            k = random_case(rng)
            kind, why = run_case(ARGS.cli, tmp, k, rng)
            counts[kind] += 1
            blocks += k["dw_bias"] or k["dw_activation"] != "none"
            if kind == "fail":
                print(f"case {i} FAILED: {why}\n  {k}", flush=True)
    print(f"tf_parity: TensorFlow {tf.__version__}, {ARGS.dtype}, {ARGS.cases} random cases: {counts['tf']} matched TF, "
          f"{counts['numpy']} matched the NumPy reference (TF does not define them), {counts['refused']} refused (filter larger than the image), "
          f"{counts['fail']} failed; {blocks} of them MobileNet blocks (a depthwise bias or activation)")
    sys.exit(1 if counts["fail"] else 0)


if __name__ == "__main__":
    main()
