// One tester for the int8 variants: random int8 tensors and quantization for a ConvCase, a run
// through the library (forcing a variant by name when asked), and a bit-for-bit comparison with
// TFLite's integer arithmetic (tflite_int8_reference.h). k.bias and k.depthwise_bias ask for the
// int32 biases; k.activation and k.depthwise_activation are the fused activations.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "case_options.h"
#include "tflite_int8_reference.h"
#include "sepconv/sepconv.h"

namespace sepconv_test {

struct Int8Tensors : CaseShapes {
    std::vector<int8_t> input, dwf, pwf, expected;
    tflite::Params params;
};

// How a case draws its quantization.
struct Int8Draw {
    bool per_channel = true;  // one scale per channel, else one per tensor
    // Multiplies each requantization's real multiplier: near 1 and above it takes TFLite's left-shift path.
    double multiplier_scale = 1.0;
    // Only the int8 range's ends (and weights of -128, which TFLite's quantizer never makes): the
    // largest products, and intermediates clamped at -128 and 127 (the operands that widen, offset
    // or pair differently in each target's dot product).
    bool extremes = false;
};

inline sepconv::Quantization to_quantization(const tflite::Params &p) {
    sepconv::Quantization q;
    q.input_scale = p.input_scale, q.input_zero_point = p.input_zero_point;
    q.depthwise_scales = p.depthwise_scales, q.depthwise_bias = p.depthwise_bias;
    q.intermediate_scale = p.intermediate_scale, q.intermediate_zero_point = p.intermediate_zero_point;
    q.pointwise_scales = p.pointwise_scales, q.pointwise_bias = p.pointwise_bias;
    q.output_scale = p.output_scale, q.output_zero_point = p.output_zero_point;
    return q;
}

// Random tensors over the whole int8 range; scales chosen so that each sum lands in a few tens of
// the next tensor's quantized units (the clamps still bite now and then), times a random factor.
inline Int8Tensors make_int8_tensors(const ConvCase &k, uint32_t seed, const Int8Draw &draw = {}) {
    std::mt19937 rng(seed);
    auto ints = [&](int64_t n, int lo, int hi) {
        std::uniform_int_distribution<int> d(lo, hi), end(0, 2);
        std::vector<int8_t> v(static_cast<size_t>(n));
        const int ends[3] = {-128, lo, hi};
        for (int8_t &x : v) x = static_cast<int8_t>(draw.extremes ? ends[end(rng)] : d(rng));
        return v;
    };
    auto real = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
    auto zero_point = [&] { return std::uniform_int_distribution<int>(-30, 30)(rng); };
    Int8Tensors t;
    static_cast<CaseShapes &>(t) = case_shapes(k);
    const int64_t cm = k.c * k.m;
    t.dwf = ints(k.kh * k.kw * cm, -127, 127);  // symmetric weights: TFLite never uses -128
    t.pwf = ints(cm * k.cout, -127, 127);

    tflite::Params &p = t.params;
    p.input_scale = static_cast<float>(real(0.005, 0.05));
    p.input_zero_point = zero_point();
    const double weight_scale = real(0.002, 0.02);
    auto scales = [&](int64_t n) {
        std::vector<float> s(static_cast<size_t>(draw.per_channel ? n : 1));
        for (float &x : s) x = static_cast<float>(weight_scale * real(0.5, 2.0));
        return s;
    };
    p.depthwise_scales = scales(cm);
    p.pointwise_scales = scales(k.cout);
    // A sum of T products of int8 values has a standard deviation of about 5461 * sqrt(T).
    const double dw_sum = 5461.0 * std::sqrt(double(k.kh * k.kw)), pw_sum = 2960.0 * std::sqrt(double(cm));
    p.intermediate_scale = static_cast<float>(p.input_scale * weight_scale * dw_sum / 40 * real(0.5, 2.0) / draw.multiplier_scale);
    p.intermediate_zero_point = zero_point();
    p.output_scale = static_cast<float>(p.intermediate_scale * weight_scale * pw_sum / 40 * real(0.5, 2.0) / draw.multiplier_scale);
    p.output_zero_point = zero_point();
    auto biases = [&](int64_t n, double sum) {
        std::vector<int32_t> b(static_cast<size_t>(n));
        std::uniform_int_distribution<int32_t> d(-static_cast<int32_t>(sum), static_cast<int32_t>(sum));
        for (int32_t &x : b) x = d(rng);
        return b;
    };
    if (k.depthwise_bias) p.depthwise_bias = biases(cm, dw_sum);
    if (k.bias) p.pointwise_bias = biases(k.cout, pw_sum);
    // The input last: one seed gives the same filters and quantization whatever the input size.
    t.input = ints(k.n * k.h * k.w * k.c, -128, 127);
    t.expected = tflite::separable_block(k, p, t.input, t.dwf, t.pwf);
    return t;
}

inline sepconv::Options int8_options(const ConvCase &k, const Int8Tensors &t) {
    sepconv::Options o = options_for(k);
    o.quantization = to_quantization(t.params);
    return o;
}

// One call on t's tensors; the output starts as a sentinel (0x5a).
inline sepconv::Status run_int8(const Int8Tensors &t, const sepconv::Options &o, std::vector<int8_t> *out) {
    using sepconv::DataType;
    out->assign(t.expected.size(), int8_t(0x5a));
    return sepconv::separable_conv2d({t.input.data(), DataType::kInt8, t.in_shape},
                                     {t.dwf.data(), DataType::kInt8, t.dw_shape},
                                     {t.pwf.data(), DataType::kInt8, t.pw_shape}, o,
                                     {out->data(), DataType::kInt8, t.out_shape});
}

inline ::testing::AssertionResult bit_equal(const std::vector<int8_t> &expected, const std::vector<int8_t> &actual) {
    if (expected.size() != actual.size()) {
        return ::testing::AssertionFailure() << "size " << actual.size() << " != expected " << expected.size();
    }
    int mismatches = 0;
    size_t first = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        if (expected[i] != actual[i] && mismatches++ == 0) first = i;
    }
    if (mismatches == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << mismatches << " of " << expected.size() << " values differ; first: element "
                                         << first << ", got " << int(actual[first]) << ", TFLite's arithmetic gives "
                                         << int(expected[first]);
}

// Case k through the library in int8, forcing `variant` if non-empty, against the reference.
inline ::testing::AssertionResult run_and_compare_int8(const ConvCase &k, const std::string &variant, uint32_t seed,
                                                       const Int8Draw &draw = {}) {
    const Int8Tensors t = make_int8_tensors(k, seed, draw);
    sepconv::Options o = int8_options(k, t);
    o.variant = variant;
    std::vector<int8_t> out;
    const sepconv::Status s = run_int8(t, o, &out);
    if (!s.ok()) return ::testing::AssertionFailure() << "status error: " << s.message;
    return bit_equal(t.expected, out);
}

}  // namespace sepconv_test
