// The independent int8 reference: TFLite's integer arithmetic for a quantized MobileNet block,
// written plainly from its specification (TFLite's reference kernels integer_ops/depthwise_conv.h
// and conv.h, MultiplyByQuantizedMultiplier in kernels/internal/common.h with the double
// rounding that TF's pip package uses, QuantizeMultiplier in quantization_util.cc,
// CalculateActivationRangeQuantized), sharing no code with the library. Scalar C++ on int64, the
// way TFLite's portable code computes it; the library must equal it bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "naive_reference.h"

namespace sepconv_test::tflite {

// gemmlowp's SaturatingRoundingDoublingHighMul: the high 32 bits of 2*a*b, rounded to nearest with
// ties toward +infinity (the negative nudge is 1 - 2^30, and the division truncates); INT32_MIN *
// INT32_MIN saturates to INT32_MAX.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
    const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
    const int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
    return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));  // C++ division truncates toward zero
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero (0 <= exponent <= 31).
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
    const int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier, double rounding.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
    const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);  // TFLite's x * (1 << left)
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

// TFLite's QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
inline void quantize_multiplier(double real, int32_t *multiplier, int *shift) {
    *multiplier = 0, *shift = 0;
    if (real == 0.0) return;
    int exponent = 0;
    const double fraction = std::frexp(real, &exponent);
    int64_t q = static_cast<int64_t>(std::round(fraction * 2147483648.0));  // half away from zero
    if (q == int64_t(1) << 31) q /= 2, ++exponent;
    if (exponent < -31) return;  // every bit would shift out: TFLite flushes to zero
    *multiplier = static_cast<int32_t>(q), *shift = exponent;
}

// CalculateActivationRangeQuantized for an int8 tensor (0 none, 1 relu, 2 relu6).
inline void activation_range(int activation, float scale, int32_t zero_point, int32_t *lo, int32_t *hi) {
    auto quantize = [&](float f) { return zero_point + static_cast<int32_t>(std::round(f / scale)); };
    *lo = -128, *hi = 127;
    if (activation >= 1) *lo = std::max(*lo, quantize(0.0f));
    if (activation == 2) *hi = std::min(*hi, quantize(6.0f));
}

struct Params {
    float input_scale = 0;
    int32_t input_zero_point = 0;
    std::vector<float> depthwise_scales;  // C*M or 1
    std::vector<int32_t> depthwise_bias;  // C*M or empty
    float intermediate_scale = 0;
    int32_t intermediate_zero_point = 0;
    std::vector<float> pointwise_scales;  // Cout or 1
    std::vector<int32_t> pointwise_bias;  // Cout or empty
    float output_scale = 0;
    int32_t output_zero_point = 0;
};

// The block on int8 tensors in TF's layouts (input NHWC or NCHW per k.nchw, filters [kh, kw, C, M]
// and [C*M, Cout]); k.depthwise_activation and k.activation are the two fused activations.
inline std::vector<int8_t> separable_block(const ConvCase &k, const Params &p, const std::vector<int8_t> &input,
                                           const std::vector<int8_t> &dwf, const std::vector<int8_t> &pwf) {
    int64_t ho, wo, top, left;
    reference_output_hw(k, &ho, &wo, &top, &left);
    const int64_t cm = k.c * k.m;
    auto scale_of = [](const std::vector<float> &scales, int64_t i) { return scales.size() == 1 ? scales[0] : scales[i]; };
    std::vector<int32_t> dw_mult(cm), pw_mult(k.cout);
    std::vector<int> dw_shift(cm), pw_shift(k.cout);
    for (int64_t ch = 0; ch < cm; ++ch) {
        quantize_multiplier(double(p.input_scale) * double(scale_of(p.depthwise_scales, ch)) / double(p.intermediate_scale),
                            &dw_mult[ch], &dw_shift[ch]);
    }
    for (int64_t o = 0; o < k.cout; ++o) {
        quantize_multiplier(double(p.intermediate_scale) * double(scale_of(p.pointwise_scales, o)) / double(p.output_scale),
                            &pw_mult[o], &pw_shift[o]);
    }
    int32_t dw_lo, dw_hi, out_lo, out_hi;
    activation_range(k.depthwise_activation, p.intermediate_scale, p.intermediate_zero_point, &dw_lo, &dw_hi);
    activation_range(k.activation, p.output_scale, p.output_zero_point, &out_lo, &out_hi);

    auto in_at = [&](int64_t b, int64_t y, int64_t x, int64_t ch) -> int32_t {
        const int64_t i = k.nchw ? ((b * k.c + ch) * k.h + y) * k.w + x : ((b * k.h + y) * k.w + x) * k.c + ch;
        return input[i];
    };
    std::vector<int8_t> out(static_cast<size_t>(k.n * ho * wo * k.cout));
    std::vector<int32_t> intermediate(cm);
    for (int64_t b = 0; b < k.n; ++b) {
        for (int64_t i = 0; i < ho; ++i) {
            for (int64_t j = 0; j < wo; ++j) {
                // DEPTHWISE_CONV_2D: taps outside the image are skipped (the padding is the zero point).
                for (int64_t q = 0; q < k.c; ++q) {
                    for (int64_t r = 0; r < k.m; ++r) {
                        const int64_t ch = q * k.m + r;
                        int32_t acc = 0;
                        for (int64_t di = 0; di < k.kh; ++di) {
                            for (int64_t dj = 0; dj < k.kw; ++dj) {
                                const int64_t y = i * k.sh + di * k.dh - top, x = j * k.sw + dj * k.dw - left;
                                if (y < 0 || y >= k.h || x < 0 || x >= k.w) continue;
                                acc += int32_t(dwf[(di * k.kw + dj) * cm + ch]) * (in_at(b, y, x, q) - p.input_zero_point);
                            }
                        }
                        if (!p.depthwise_bias.empty()) acc += p.depthwise_bias[ch];
                        acc = multiply_by_quantized_multiplier(acc, dw_mult[ch], dw_shift[ch]) + p.intermediate_zero_point;
                        intermediate[ch] = std::min(std::max(acc, dw_lo), dw_hi);
                    }
                }
                // CONV_2D 1x1 on the int8 intermediate.
                for (int64_t o = 0; o < k.cout; ++o) {
                    int32_t acc = 0;
                    for (int64_t ch = 0; ch < cm; ++ch) {
                        acc += int32_t(pwf[ch * k.cout + o]) * (intermediate[ch] - p.intermediate_zero_point);
                    }
                    if (!p.pointwise_bias.empty()) acc += p.pointwise_bias[o];
                    acc = multiply_by_quantized_multiplier(acc, pw_mult[o], pw_shift[o]) + p.output_zero_point;
                    const int64_t idx = k.nchw ? ((b * k.cout + o) * ho + i) * wo + j : ((b * ho + i) * wo + j) * k.cout + o;
                    out[idx] = static_cast<int8_t>(std::min(std::max(acc, out_lo), out_hi));
                }
            }
        }
    }
    return out;
}

}  // namespace sepconv_test::tflite
