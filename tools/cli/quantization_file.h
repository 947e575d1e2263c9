// int8's quantization as the CLI reads it (`sepconv run --quantization Q.json`), and a typical one
// for timing (`sepconv bench`, bench/). Q.json, TF's numbers as TFLite stores them:
//   {"input": {"scale": 0.02, "zero_point": -3},
//    "depthwise": {"scales": [C*M floats, or 1], "bias": [C*M int32, optional], "activation": "relu6"},
//    "intermediate": {"scale": 0.05, "zero_point": 7},
//    "pointwise": {"scales": [Cout floats, or 1], "bias": [Cout int32, optional]},
//    "output": {"scale": 0.1, "zero_point": -20}}
// Scales are rounded to float32 first (9 significant digits round-trip); "activation" is
// optional ("none"). Every key is required unless marked optional, and no other key is allowed.
// The library checks the values themselves (positive scales, int8 zero points, list lengths).
#pragma once

#include <cstdint>
#include <string>

#include "sepconv/sepconv.h"

namespace sepconv::tools {

Status read_quantization(const std::string &path, Quantization *q, Activation *depthwise_activation);
// The same from text (what read_quantization parses).
Status parse_quantization(const std::string &text, Quantization *q, Activation *depthwise_activation);

// Scales typical of a trained MobileNet layer with kh*kw taps, C*M depthwise and Cout pointwise
// channels: each sum lands in a few tens of the next tensor's quantized units.
Quantization typical_quantization(int64_t taps, int64_t cm, int64_t out_channels);

}  // namespace sepconv::tools
