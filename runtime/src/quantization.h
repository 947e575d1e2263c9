// int8's quantization, checked and prepared once per layer: TFLite's per-channel multipliers and
// shifts (the generator's depthwise_requant and pointwise_requant tables), the activations as
// clamps in quantized units, and the zero points folded into the int32 biases.
#pragma once

#include <cstdint>
#include <vector>

#include "conv_geometry.h"
#include "sepconv/sepconv.h"

namespace sepconv::internal {

// TFLite's QuantizeMultiplier (kernels/internal/quantization_util.cc): real = multiplier * 2^(shift
// - 31), the multiplier in [2^30, 2^31), rounded half away from zero (a multiplier of 2^31 is
// renormalized); 0 gives 0, and a shift below -31 flushes to 0.
struct QuantizedMultiplier {
    int32_t multiplier = 0;
    int32_t shift = 0;
};
QuantizedMultiplier quantize_multiplier(double real_multiplier);

// TFLite's CalculateActivationRangeQuantized for int8 output of (scale, zero_point).
void activation_range(Activation a, float scale, int32_t zero_point, int32_t *min, int32_t *max);

// What an int8 variant reads besides the tensors.
struct Requantization {
    // (channels, 2) in Halide's order: every channel's multiplier, then every channel's shift. The
    // pointwise table has a third row, each output channel's weight sum (pointwise_weight_sums),
    // which Weights::prepare appends: the weights are not known here.
    std::vector<int32_t> depthwise, pointwise;
    int32_t input_zero_point = 0, intermediate_zero_point = 0, output_zero_point = 0;
    int32_t depthwise_min = 0, depthwise_max = 0, output_min = 0, output_max = 0;
};

// Checks o.quantization for filters `f` (every rule of Quantization, with a message naming the
// field), and that the float-only bias fields are empty; then computes the requantization.
Status prepare_quantization(const FilterGeometry &f, const Options &o, Requantization *r);

// Each output channel's sum of its C*M weights (`pointwise` is TF's [C*M, Cout]).
std::vector<int32_t> pointwise_weight_sums(const FilterGeometry &f, const int8_t *pointwise);

// The int32 biases an int8 variant reads: the caller's (zeros when absent) minus each zero point
// times the weights it multiplies, so that the kernels' sums multiply the stored int8 values.
// `depthwise` is TF's [kh, kw, C, M]; the 1x1's weights come as their pointwise_weight_sums.
std::vector<int32_t> folded_depthwise_bias(const FilterGeometry &f, const Quantization &q, const int8_t *depthwise);
std::vector<int32_t> folded_pointwise_bias(const Quantization &q, const std::vector<int32_t> &weight_sums);

}  // namespace sepconv::internal
