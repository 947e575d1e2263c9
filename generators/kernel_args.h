// The arguments of every variant, in the order of the generator's Inputs
// (separable_conv2d_generator.cpp), stated once for its two callers: the runtime's call of an AOT
// variant (runtime/src/halide_call.cpp) and the tuner's call of a JIT-compiled candidate
// (tools/tune/jit_candidate.cpp). The buffers carry their element type. int8's quantization
// constants are arguments of every variant (the generator's contract); other types pass zeros and
// empty requantization buffers, which their code never reads.
#pragma once

#include <cstdint>

#include "HalideRuntime.h"

namespace sepconv {

struct KernelScalars {
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    int32_t activation;  // 0 = none, 1 = relu, 2 = relu6
    // The depthwise stage of a MobileNet block (TFLite's DEPTHWISE_CONV_2D with its bias and fused
    // activation): 0 = none (TF's op: the pointwise conv reads the raw sums), 1 = the depthwise
    // bias, 2 = bias then relu, 3 = bias then relu6.
    int32_t depthwise_epilogue;
    // int8 (zeros otherwise): the zero points, and the clamps (the activations, in quantized units)
    // of the intermediate and the output.
    int32_t input_zero_point = 0, intermediate_zero_point = 0, output_zero_point = 0;
    int32_t depthwise_min = 0, depthwise_max = 0, output_min = 0, output_max = 0;
};

// The scalars' names as the generator's Inputs are called (its `constants` parameter names them),
// in KernelScalars' order, and their values in that order.
constexpr const char *kKernelScalarNames[] = {
    "stride_h_in",      "stride_w_in",      "dilation_h_in",     "dilation_w_in",
    "pad_top",          "pad_left",         "activation",        "depthwise_epilogue",
    "input_zero_point", "intermediate_zero_point", "output_zero_point", "depthwise_min",
    "depthwise_max",    "output_min",       "output_max"};
inline void kernel_scalar_values(const KernelScalars &s, int32_t out[15]) {
    const int32_t v[15] = {s.stride_h,         s.stride_w,         s.dilation_h,   s.dilation_w,
                           s.pad_top,          s.pad_left,         s.activation,   s.depthwise_epilogue,
                           s.input_zero_point, s.intermediate_zero_point, s.output_zero_point,
                           s.depthwise_min,    s.depthwise_max,    s.output_min,   s.output_max};
    for (int i = 0; i < 15; ++i) out[i] = v[i];
}

// A call's buffers, in the generator's order; `depthwise_requant` and `pointwise_requant` are
// int8's per-channel (multiplier, shift) tables.
template <typename Buffer>
struct KernelBuffers {
    Buffer input, depthwise_filter, pointwise_filter, bias, depthwise_bias, depthwise_requant, pointwise_requant, output;
};

// An AOT variant's entry point (with the user_context feature).
using KernelFn = int (*)(const void *user_context, halide_buffer_t *input, halide_buffer_t *depthwise_filter,
                         halide_buffer_t *pointwise_filter, halide_buffer_t *bias,
                         halide_buffer_t *depthwise_bias, int32_t stride_h, int32_t stride_w, int32_t dilation_h,
                         int32_t dilation_w, int32_t pad_top, int32_t pad_left, int32_t activation,
                         int32_t depthwise_epilogue, halide_buffer_t *depthwise_requant,
                         halide_buffer_t *pointwise_requant, int32_t input_zero_point,
                         int32_t intermediate_zero_point, int32_t output_zero_point, int32_t depthwise_min,
                         int32_t depthwise_max, int32_t output_min, int32_t output_max, halide_buffer_t *output);

// Calls `kernel` (a KernelFn or a Halide::Callable) with the arguments in the generator's order.
template <typename Kernel, typename Context, typename Buffer>
int call_kernel(Kernel &&kernel, Context context, const KernelBuffers<Buffer> &b, const KernelScalars &s) {
    return kernel(context, b.input, b.depthwise_filter, b.pointwise_filter, b.bias, b.depthwise_bias, s.stride_h,
                  s.stride_w, s.dilation_h, s.dilation_w, s.pad_top, s.pad_left, s.activation, s.depthwise_epilogue,
                  b.depthwise_requant, b.pointwise_requant, s.input_zero_point, s.intermediate_zero_point,
                  s.output_zero_point, s.depthwise_min, s.depthwise_max, s.output_min, s.output_max, b.output);
}

}  // namespace sepconv
