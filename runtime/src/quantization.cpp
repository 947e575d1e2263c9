#include "quantization.h"

#include <cmath>
#include <sstream>
#include <string>

namespace sepconv::internal {
namespace {

template <typename... Parts>
Status invalid(const Parts &...parts) {
    std::ostringstream s;
    (s << ... << parts);
    return Status::InvalidArgument(s.str());
}

Status check_scale(const char *name, float scale) {
    if (std::isfinite(scale) && scale > 0) return Status::Ok();
    return invalid("quantization.", name, " must be positive and finite, got ", scale);
}

Status check_zero_point(const char *name, int32_t zero_point) {
    if (zero_point >= -128 && zero_point <= 127) return Status::Ok();
    return invalid("quantization.", name, " must be in [-128, 127], got ", zero_point);
}

// A per-channel scale list: `channels` entries, or 1 for the whole tensor.
Status check_scales(const char *name, const std::vector<float> &scales, int64_t channels, const char *what) {
    if (scales.size() != 1 && static_cast<int64_t>(scales.size()) != channels) {
        return invalid("quantization.", name, " must have ", what, " = ", channels, " entries (or 1), got ",
                       scales.size());
    }
    for (float s : scales) {
        if (!(std::isfinite(s) && s > 0)) return invalid("quantization.", name, " must be positive and finite, got ", s);
    }
    return Status::Ok();
}

Status check_bias(const char *name, const std::vector<int32_t> &bias, int64_t channels, const char *what) {
    if (bias.empty() || static_cast<int64_t>(bias.size()) == channels) return Status::Ok();
    return invalid("quantization.", name, " must have ", what, " = ", channels, " entries (or none), got ", bias.size());
}

// Each channel's (multiplier, shift) for input_scale * scales[i] / output_scale, laid out as the
// generator's (channels, 2) table.
std::vector<int32_t> requant_table(float input_scale, const std::vector<float> &scales, float output_scale,
                                   int64_t channels) {
    std::vector<int32_t> table(static_cast<size_t>(2 * channels));
    for (int64_t i = 0; i < channels; ++i) {
        const float scale = scales.size() == 1 ? scales[0] : scales[static_cast<size_t>(i)];
        const QuantizedMultiplier q = quantize_multiplier(static_cast<double>(input_scale) * static_cast<double>(scale) /
                                                          static_cast<double>(output_scale));
        table[static_cast<size_t>(i)] = q.multiplier;
        table[static_cast<size_t>(channels + i)] = q.shift;
    }
    return table;
}

}  // namespace

QuantizedMultiplier quantize_multiplier(double real_multiplier) {
    if (real_multiplier == 0.0) return {};
    int shift = 0;
    const double fraction = std::frexp(real_multiplier, &shift);  // in [0.5, 1)
    int64_t fixed = static_cast<int64_t>(std::round(fraction * static_cast<double>(int64_t(1) << 31)));
    if (fixed == (int64_t(1) << 31)) {
        fixed /= 2;
        ++shift;
    }
    if (shift < -31) return {};
    return {static_cast<int32_t>(fixed), shift};
}

void activation_range(Activation a, float scale, int32_t zero_point, int32_t *min, int32_t *max) {
    // zero_point + round(f / scale), with TFLite's float32 division; past the int8 range it is
    // clamped anyway (a huge quotient must not reach the int32 conversion).
    auto quantize = [&](float f) -> int64_t {
        const float q = std::round(f / scale);
        return zero_point + (q > 1000.f ? 1000 : q < -1000.f ? -1000 : static_cast<int64_t>(q));
    };
    int64_t lo = -128, hi = 127;
    if (a == Activation::kRelu || a == Activation::kRelu6) lo = std::max<int64_t>(lo, quantize(0.f));
    if (a == Activation::kRelu6) hi = std::min<int64_t>(hi, quantize(6.f));
    *min = static_cast<int32_t>(lo);
    *max = static_cast<int32_t>(hi);
}

Status prepare_quantization(const FilterGeometry &f, const Options &o, Requantization *r) {
    const Quantization &q = o.quantization;
    if (o.bias.data != nullptr || !o.bias.shape.empty()) {
        return invalid("bias: an int8 call takes its int32 bias in quantization.pointwise_bias");
    }
    if (o.depthwise_bias.data != nullptr || !o.depthwise_bias.shape.empty()) {
        return invalid("depthwise_bias: an int8 call takes its int32 bias in quantization.depthwise_bias");
    }
    const int64_t cm = f.channels * f.multiplier;
    for (Status s : {check_scale("input_scale", q.input_scale), check_scale("intermediate_scale", q.intermediate_scale),
                     check_scale("output_scale", q.output_scale),
                     check_zero_point("input_zero_point", q.input_zero_point),
                     check_zero_point("intermediate_zero_point", q.intermediate_zero_point),
                     check_zero_point("output_zero_point", q.output_zero_point),
                     check_scales("depthwise_scales", q.depthwise_scales, cm, "in_channels * channel_multiplier"),
                     check_scales("pointwise_scales", q.pointwise_scales, f.out_channels, "out_channels"),
                     check_bias("depthwise_bias", q.depthwise_bias, cm, "in_channels * channel_multiplier"),
                     check_bias("pointwise_bias", q.pointwise_bias, f.out_channels, "out_channels")}) {
        if (!s.ok()) return s;
    }
    r->depthwise = requant_table(q.input_scale, q.depthwise_scales, q.intermediate_scale, cm);
    r->pointwise = requant_table(q.intermediate_scale, q.pointwise_scales, q.output_scale, f.out_channels);
    r->input_zero_point = q.input_zero_point;
    r->intermediate_zero_point = q.intermediate_zero_point;
    r->output_zero_point = q.output_zero_point;
    activation_range(o.depthwise_activation, q.intermediate_scale, q.intermediate_zero_point, &r->depthwise_min,
                     &r->depthwise_max);
    activation_range(o.activation, q.output_scale, q.output_zero_point, &r->output_min, &r->output_max);
    return Status::Ok();
}

std::vector<int32_t> folded_depthwise_bias(const FilterGeometry &f, const Quantization &q, const int8_t *depthwise) {
    const int64_t cm = f.channels * f.multiplier;
    std::vector<int32_t> out(static_cast<size_t>(cm));
    for (int64_t ch = 0; ch < cm; ++ch) {
        int64_t taps = 0;
        for (int64_t t = 0; t < f.kh * f.kw; ++t) taps += depthwise[t * cm + ch];
        const int64_t bias = q.depthwise_bias.empty() ? 0 : q.depthwise_bias[static_cast<size_t>(ch)];
        out[static_cast<size_t>(ch)] = static_cast<int32_t>(bias - q.input_zero_point * taps);
    }
    return out;
}

std::vector<int32_t> pointwise_weight_sums(const FilterGeometry &f, const int8_t *pointwise) {
    const int64_t cm = f.channels * f.multiplier;
    std::vector<int32_t> sums(static_cast<size_t>(f.out_channels), 0);
    for (int64_t k = 0; k < cm; ++k) {
        for (int64_t co = 0; co < f.out_channels; ++co) sums[static_cast<size_t>(co)] += pointwise[k * f.out_channels + co];
    }
    return sums;
}

std::vector<int32_t> folded_pointwise_bias(const Quantization &q, const std::vector<int32_t> &sums) {
    std::vector<int32_t> out(sums.size());
    for (size_t co = 0; co < sums.size(); ++co) {
        const int64_t bias = q.pointwise_bias.empty() ? 0 : q.pointwise_bias[co];
        out[co] = static_cast<int32_t>(bias - int64_t{q.intermediate_zero_point} * sums[co]);
    }
    return out;
}

}  // namespace sepconv::internal
