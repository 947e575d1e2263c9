"""TFLite int8 models of sepconv's layers, shared by tests/tflite_int8_parity.py and
tools/tflite_peer.py: a Keras block converted with full-integer quantization, and its tensors and
quantization read back as `sepconv run --quantization` takes them (Q.json, TF's layouts)."""
import numpy as np
import tensorflow as tf


def keras_block(h, w, c, m, cout, k, stride, dilation, padding, dw_act, pw_act, use_bias=True, batch=1):
    """DepthwiseConv2D (+ bias, + ReLU/ReLU6) then a 1x1 Conv2D (+ bias, + ReLU/ReLU6)."""
    act = {"none": None, "relu": lambda: tf.keras.layers.ReLU(), "relu6": lambda: tf.keras.layers.ReLU(6.0)}
    x = inputs = tf.keras.Input((h, w, c), batch_size=batch)
    x = tf.keras.layers.DepthwiseConv2D(k, strides=stride, padding=padding, depth_multiplier=m, dilation_rate=dilation,
                                        use_bias=use_bias, bias_initializer="random_normal")(x)
    if act[dw_act]:
        x = act[dw_act]()(x)
    x = tf.keras.layers.Conv2D(cout, 1, use_bias=use_bias, bias_initializer="random_normal")(x)
    if act[pw_act]:
        x = act[pw_act]()(x)
    return tf.keras.Model(inputs, x)


def to_int8(model, rng, input_range=2.0):
    """Full-integer quantization (int8 input and output) from a representative dataset."""
    shape = tuple(model.inputs[0].shape)

    def representative():
        for _ in range(16):
            yield [rng.uniform(-1, 1, shape).astype(np.float32) * input_range]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def _quantization(interpreter, index):
    for t in interpreter.get_tensor_details():
        if t["index"] == index:
            return t["quantization_parameters"]
    raise KeyError(index)


def extract(model, dw_act):
    """(dw [kh, kw, C, M], pw [1, 1, C*M, Cout], Q.json dict) of a converted block whose ops are
    exactly DEPTHWISE_CONV_2D then CONV_2D (activations fused); `dw_act` is the depthwise one."""
    interpreter = tf.lite.Interpreter(model_content=model,  # no delegate: the model's own ops
                                      experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    ops = interpreter._get_ops_details()
    names = [op["op_name"] for op in ops]
    if names != ["DEPTHWISE_CONV_2D", "CONV_2D"]:
        raise RuntimeError(f"the converted model is {names}, not a fused DEPTHWISE_CONV_2D + CONV_2D")
    dw_op, pw_op = ops
    x_i, dw_i, dwb_i = dw_op["inputs"]
    mid_i = dw_op["outputs"][0]
    mid_in, pw_i, pwb_i = pw_op["inputs"]
    out_i = pw_op["outputs"][0]
    assert mid_in == mid_i
    q = {i: _quantization(interpreter, i) for i in (x_i, dw_i, mid_i, pw_i, out_i)}
    for i in (dw_i, pw_i):
        assert not np.any(q[i]["zero_points"]), "weights must be symmetric"
    dw = interpreter.get_tensor(dw_i)  # [1, kh, kw, C*M]
    pw = interpreter.get_tensor(pw_i)  # [Cout, 1, 1, C*M]
    cout, cm = pw.shape[0], pw.shape[3]
    x_shape = [t for t in interpreter.get_tensor_details() if t["index"] == x_i][0]["shape"]
    channels = int(x_shape[-1])
    dw = dw.reshape(dw.shape[1], dw.shape[2], channels, cm // channels)
    quant = {
        "input": {"scale": float(q[x_i]["scales"][0]), "zero_point": int(q[x_i]["zero_points"][0])},
        "depthwise": {"scales": [float(v) for v in q[dw_i]["scales"]],
                      "bias": [int(v) for v in interpreter.get_tensor(dwb_i)], "activation": dw_act},
        "intermediate": {"scale": float(q[mid_i]["scales"][0]), "zero_point": int(q[mid_i]["zero_points"][0])},
        "pointwise": {"scales": [float(v) for v in q[pw_i]["scales"]],
                      "bias": [int(v) for v in interpreter.get_tensor(pwb_i)]},
        "output": {"scale": float(q[out_i]["scales"][0]), "zero_point": int(q[out_i]["zero_points"][0])},
    }
    return (np.ascontiguousarray(dw, dtype=np.int8),
            np.ascontiguousarray(pw.reshape(cout, cm).T.reshape(1, 1, cm, cout), dtype=np.int8), quant)


def interpreter_for(model, threads, reference=False):
    kwargs = {"experimental_op_resolver_type": tf.lite.experimental.OpResolverType.BUILTIN_REF} if reference else {}
    interpreter = tf.lite.Interpreter(model_content=model, num_threads=threads, **kwargs)
    interpreter.allocate_tensors()
    return interpreter


def delegate_took_all(interpreter):
    """Whether one XNNPACK delegate node reads the input and writes the output: the graph is a chain
    (input -> depthwise -> 1x1 -> output), so that node has taken both ops. (The node list keeps
    the replaced ops.)"""
    x = interpreter.get_input_details()[0]["index"]
    y = interpreter.get_output_details()[0]["index"]
    nodes = [n for n in interpreter._get_ops_details() if n["op_name"] == "DELEGATE"]
    return len(nodes) == 1 and x in list(nodes[0]["inputs"]) and y in list(nodes[0]["outputs"])


def run(interpreter, x):
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
