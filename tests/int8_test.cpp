// int8: TFLite's integer arithmetic to the bit, through every int8 variant, on the sweep's edge
// cases and on random ones; the quantization's rules refused with clear messages.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <sstream>

#include "cpu_dispatch.h"
#include "families.h"
#include "quantization.h"
#include "support/cpu_runs.h"
#include "support/int8_tester.h"
#include "support/sweep_cases.h"
#include "support/tester.h"
#include "support/variant_expectations.h"

namespace sepconv_test {
namespace {

using sepconv::DataType;

// The reference's primitives on values worked out by hand: RoundingDivideByPOT rounds ties away
// from zero, SaturatingRoundingDoublingHighMul toward +infinity.
TEST(Int8Arithmetic, ReferencePrimitivesRoundHalfAwayFromZero) {
    EXPECT_EQ(tflite::rounding_divide_by_pot(3, 1), 2);     // 1.5
    EXPECT_EQ(tflite::rounding_divide_by_pot(-3, 1), -2);   // -1.5
    EXPECT_EQ(tflite::rounding_divide_by_pot(-5, 2), -1);   // -1.25
    EXPECT_EQ(tflite::rounding_divide_by_pot(-6, 2), -2);   // -1.5
    EXPECT_EQ(tflite::rounding_divide_by_pot(7, 0), 7);
    const int32_t min = std::numeric_limits<int32_t>::min(), max = std::numeric_limits<int32_t>::max();
    EXPECT_EQ(tflite::saturating_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
    EXPECT_EQ(tflite::saturating_rounding_doubling_high_mul(min, min), max);
    EXPECT_EQ(tflite::saturating_rounding_doubling_high_mul(3, 1 << 30), 2);    // 1.5
    EXPECT_EQ(tflite::saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);  // -1.5
    EXPECT_EQ(tflite::saturating_rounding_doubling_high_mul(-3, (1 << 30) + 2), -2);  // -1.5000000056
    int32_t m = 0;
    int shift = 0;
    tflite::quantize_multiplier(1.0, &m, &shift);
    EXPECT_EQ(m, 1 << 30);
    EXPECT_EQ(shift, 1);
    tflite::quantize_multiplier(0.75, &m, &shift);
    EXPECT_EQ(m, 1610612736);
    EXPECT_EQ(shift, 0);
    tflite::quantize_multiplier(1.0 - 0x1p-40, &m, &shift);  // rounds up to 2^31: renormalized
    EXPECT_EQ(m, 1 << 30);
    EXPECT_EQ(shift, 1);
    tflite::quantize_multiplier(0x1p-40, &m, &shift);  // shift -39: flushed to zero
    EXPECT_EQ(m, 0);
    EXPECT_EQ(shift, 0);
}

// The library's QuantizeMultiplier and activation ranges equal the reference's, over scales from
// 2^-40 to 2^8 and every int8 zero point.
TEST(Int8Arithmetic, LibraryQuantizationEqualsTheReference) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> exponent(-40.0, 8.0);
    for (int i = 0; i < 20000; ++i) {
        const double real = std::exp2(exponent(rng));
        int32_t m = 0;
        int shift = 0;
        tflite::quantize_multiplier(real, &m, &shift);
        const sepconv::internal::QuantizedMultiplier q = sepconv::internal::quantize_multiplier(real);
        ASSERT_EQ(q.multiplier, m) << real;
        ASSERT_EQ(q.shift, shift) << real;
    }
    std::uniform_real_distribution<float> scale(0.001f, 0.1f);
    for (int zp = -128; zp <= 127; ++zp) {
        for (int activation = 0; activation <= 2; ++activation) {
            const float s = scale(rng);
            int32_t lo, hi, want_lo, want_hi;
            sepconv::internal::activation_range(static_cast<sepconv::Activation>(activation), s, zp, &lo, &hi);
            tflite::activation_range(activation, s, zp, &want_lo, &want_hi);
            ASSERT_EQ(lo, want_lo) << zp << " " << s;
            ASSERT_EQ(hi, want_hi) << zp << " " << s;
        }
    }
}

// The sweep's cases (with both biases and the activations they carry), each through every int8
// variant: bit-equal where it serves, refused where it does not.
std::vector<CaseOnVariant> int8_sweep() {
    std::vector<CaseOnVariant> params;
    for (ConvCase k : cases_both_layouts()) {
        for (const VariantExpectation &v : quantized_variants()) params.push_back({k, v.name, v.type});
    }
    return params;
}

class Int8Sweep : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(Int8Sweep, EqualsTfliteOrRefuses) {
    const CaseOnVariant &p = GetParam();
    bool serves = false;
    for (const VariantExpectation &v : quantized_variants()) serves |= v.name == p.variant && v.serves(p.k);
    if (serves) {
        EXPECT_TRUE(run_and_compare_int8(p.k, p.variant, 1));
        return;
    }
    const Int8Tensors t = make_int8_tensors(p.k, 1);
    sepconv::Options o = int8_options(p.k, t);
    o.variant = p.variant;
    std::vector<int8_t> out;
    const sepconv::Status s = run_int8(t, o, &out);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << s.message;
    EXPECT_NE(s.message.find("cannot serve"), std::string::npos) << s.message;
    EXPECT_EQ(out, std::vector<int8_t>(out.size(), int8_t(0x5a))) << "a refused call wrote to the output";
}

INSTANTIATE_TEST_SUITE_P(AllCasesAllVariants, Int8Sweep, ::testing::ValuesIn(int8_sweep()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             return "case" + std::to_string(info.index / quantized_variants().size()) + "_" +
                                    info.param.variant;
                         });

// Each compiled target's int8 code, which sums a group of channels in its own way (VNNI's u8 x s8
// vpdpbusd on the depthwise result offset by 128, pmaddwd's pairs, ARM's sdot or smlal): the
// dispatch capped at every target this CPU runs, the sweep's cases through automatic selection,
// on random values and on the int8 range's ends.
class Int8IsaSweep : public CappedDispatchTest {};

TEST_P(Int8IsaSweep, EveryCaseEqualsTflite) {
    const std::string target = GetParam();
    Int8Draw extremes;
    extremes.extremes = true;
    for (const ConvCase &k : cases_both_layouts()) {
        EXPECT_TRUE(run_and_compare_int8(k, "", 5)) << describe(k) << " on " << target;
        EXPECT_TRUE(run_and_compare_int8(k, "", 6, extremes)) << describe(k) << ", the range's ends, on " << target;
    }
}

// The same through every int8 variant that serves the case, by name: a basis variant's code for a
// capped ISA (e.g. AVX2's one-pixel tiles over runs of rows) runs only where the cost model picks it.
TEST_P(Int8IsaSweep, EveryVariantEqualsTflite) {
    for (const ConvCase &k : cases_both_layouts()) {
        for (const VariantExpectation &v : quantized_variants()) {
            if (!v.serves(k)) continue;
            EXPECT_TRUE(run_and_compare_int8(k, v.name, 7)) << describe(k) << " on " << v.name << " at " << GetParam();
        }
    }
}

INSTANTIATE_TEST_SUITE_P(CompiledTargets, Int8IsaSweep, ::testing::ValuesIn(sepconv::compiled_targets()),
                         [](const ::testing::TestParamInfo<std::string> &info) { return target_test_name(info.param); });

// The untuned int8 NHWC variants read the family's configuration of the ISA that runs here with its
// int8 items over it (families.cpp: the int16 copy of the padded input, and pmaddwd's tiles on 16
// registers); NCHW's schedule has no such knob.
TEST(Int8Selection, NhwcVariantsReadTheIsasInt8Configuration) {
    const std::string target = sepconv::internal::dispatched_target();
    const sepconv::Family *family = sepconv::family_for_target(target);
    const sepconv::IsaRow *isa = family == nullptr ? nullptr : family->isa_for(target);
    if (isa == nullptr) GTEST_SKIP() << "no CPU schedule family for " << target;
    sepconv::Options o;
    o.variant = "qs8_sepconv_nhwc_k3x3_s1_d1_m1";  // (automatic selection may take a basis variant)
    sepconv::Explanation e;
    ASSERT_TRUE(sepconv::explain({1, 56, 56, 32}, {3, 3, 32, 1}, {1, 1, 32, 64}, o, &e, DataType::kInt8).ok());
    EXPECT_EQ(e.variant, "qs8_sepconv_nhwc_k3x3_s1_d1_m1");
    std::string expected, error;
    const std::string int8_items =
        isa->int8_defaults.empty() ? "" : sepconv::section_text(isa->isa.name, isa->int8_defaults);
    ASSERT_TRUE(sepconv::isa_configuration(*family, *isa, /*nchw=*/false, int8_items, &expected, &error)) << error;
    EXPECT_EQ(e.configuration, expected);
    o.data_format = sepconv::DataFormat::kNCHW;
    o.variant.clear();
    ASSERT_TRUE(sepconv::explain({1, 32, 56, 56}, {3, 3, 32, 1}, {1, 1, 32, 64}, o, &e, DataType::kInt8).ok());
    EXPECT_EQ(e.variant, "qs8_sepconv_nchw_generic");
    EXPECT_EQ(e.configuration.find("pad_copy"), std::string::npos) << e.configuration;
}

// Random cases through automatic selection: shapes, strides, dilations, multipliers, padding,
// batch, layout, per-tensor or per-channel scales, either bias, every activation, and now and
// then a requantization multiplier near or above 1 (TFLite's left-shift path).
ConvCase random_case(std::mt19937 &rng) {
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    ConvCase k;
    k.n = pick(1, 3), k.h = pick(1, 12), k.w = pick(1, 12), k.c = pick(1, 21), k.m = pick(1, 3), k.cout = pick(1, 37);
    k.kh = pick(1, 5), k.kw = pick(1, 5);
    k.nchw = pick(0, 3) == 0;
    k.bias = pick(0, 1), k.depthwise_bias = pick(0, 1);
    k.activation = pick(0, 2), k.depthwise_activation = pick(0, 2);
    if (pick(0, 1)) {
        k.sh = k.sw = pick(1, 3);
    } else {
        k.sh = pick(1, 3), k.sw = pick(1, 3), k.dh = pick(1, 3), k.dw = pick(1, 3);
    }
    if (pick(0, 4) == 0) k.kh = k.kw = 3, k.dh = k.dw = k.m = 1, k.nchw = false, k.sh = k.sw = pick(1, 2);  // the 3x3 variants
    k.pad = static_cast<Pad>(pick(0, 2));
    k.pad_top = pick(0, 2), k.pad_bottom = pick(0, 2), k.pad_left = pick(0, 2), k.pad_right = pick(0, 2);
    // A filter larger than the (padded) image has no output: draw again.
    const bool fits_h = k.pad == Pad::kSame || (k.kh - 1) * k.dh + 1 <= k.h + (k.pad == Pad::kExplicit ? k.pad_top + k.pad_bottom : 0);
    const bool fits_w = k.pad == Pad::kSame || (k.kw - 1) * k.dw + 1 <= k.w + (k.pad == Pad::kExplicit ? k.pad_left + k.pad_right : 0);
    return fits_h && fits_w ? k : random_case(rng);
}

TEST(Int8Random, EqualsTfliteOnRandomCases) {
    std::mt19937 rng(2026);
    for (int i = 0; i < 150; ++i) {
        const ConvCase k = random_case(rng);
        Int8Draw draw;
        draw.per_channel = i % 3 != 0;
        draw.multiplier_scale = i % 10 == 0 ? 400.0 : 1.0;
        SCOPED_TRACE("random case " + std::to_string(i) + ": " + describe(k) + (draw.per_channel ? "" : " per-tensor") +
                     (draw.multiplier_scale > 1 ? " large multipliers" : ""));
        ASSERT_TRUE(run_and_compare_int8(k, "", 100 + i, draw));
    }
}

// A prepared int8 layer: the quantization checked and folded once, inputs of several sizes, and
// independent of the caller's buffers.
TEST(Int8Layer, RunsOnManySizesAndOwnsItsCopies) {
    ConvCase base;
    base.c = 19, base.cout = 23, base.sh = base.sw = 2, base.bias = base.depthwise_bias = true;
    base.activation = base.depthwise_activation = 2;
    base.h = base.w = 9;
    Int8Tensors first = make_int8_tensors(base, 7);
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Options o = int8_options(base, first);
    ASSERT_TRUE(sepconv::Layer::create({first.dwf.data(), DataType::kInt8, first.dw_shape},
                                       {first.pwf.data(), DataType::kInt8, first.pw_shape}, o, &layer)
                    .ok());
    std::fill(first.dwf.begin(), first.dwf.end(), 0);  // the caller reuses its buffers
    std::fill(first.pwf.begin(), first.pwf.end(), 0);
    for (auto [n, h, w] : {std::tuple{1, 9, 9}, {2, 4, 13}, {1, 1, 1}}) {
        ConvCase k = base;
        k.n = n, k.h = h, k.w = w;
        const Int8Tensors t = make_int8_tensors(k, 7);  // the same filters and quantization (drawn first)
        ASSERT_EQ(t.params.pointwise_bias, make_int8_tensors(base, 7).params.pointwise_bias);
        std::vector<int8_t> out(t.expected.size(), 0x5a);
        const sepconv::Status s = layer->run({t.input.data(), DataType::kInt8, t.in_shape},
                                             {out.data(), DataType::kInt8, t.out_shape});
        ASSERT_TRUE(s.ok()) << s.message;
        EXPECT_TRUE(bit_equal(t.expected, out)) << describe(k);
    }
}

// A Layer run once at the best target, then under every ceiling: each run is the capped target's
// code (Halide's multi-target wrapper alone would keep its first choice), reading the pointwise
// filter in that target's order (packed_weights.h: pmaddwd's pairs or the quads of vpdpbusd), and
// equals TFLite's arithmetic.
TEST(Int8Layer, FollowsACeilingSetAfterItsFirstRun) {
    ConvCase k;
    k.c = 13, k.cout = 29, k.h = 7, k.w = 9, k.bias = true, k.activation = 2;
    const Int8Tensors t = make_int8_tensors(k, 11);
    std::unique_ptr<sepconv::Layer> layer;
    ASSERT_TRUE(sepconv::Layer::create({t.dwf.data(), DataType::kInt8, t.dw_shape},
                                       {t.pwf.data(), DataType::kInt8, t.pw_shape}, int8_options(k, t), &layer)
                    .ok());
    auto run = [&] {
        std::vector<int8_t> out(t.expected.size(), 0x5a);
        const sepconv::Status s = layer->run({t.input.data(), DataType::kInt8, t.in_shape},
                                             {out.data(), DataType::kInt8, t.out_shape});
        EXPECT_TRUE(s.ok()) << s.message;
        return out;
    };
    ASSERT_TRUE(bit_equal(t.expected, run()));
    struct Uncap {  // the tests after this one run without a ceiling, whatever fails here
        ~Uncap() { sepconv::set_max_target(""); }
    } uncap;
    for (const std::string &target : sepconv::compiled_targets()) {
        if (!cpu_runs(target)) continue;
        ASSERT_TRUE(sepconv::set_max_target(target).ok());
        EXPECT_EQ(sepconv::cpu_info().dispatched_target, target);
        EXPECT_TRUE(bit_equal(t.expected, run())) << "capped at " << target;
    }
    ASSERT_TRUE(sepconv::set_max_target("").ok());
    EXPECT_TRUE(bit_equal(t.expected, run())) << "without a ceiling again";
}

// Every rule of the quantization, each broken once: refused, the field named, nothing written.
struct BadQuantization {
    const char *name;
    std::function<void(sepconv::Options &)> breaks;
    const char *message;
};

TEST(Int8BadInput, BrokenQuantizationIsRefusedNamingTheField) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const BadQuantization cases[] = {
        {"zero input scale", [](sepconv::Options &o) { o.quantization.input_scale = 0; },
         "quantization.input_scale must be positive and finite, got 0"},
        {"negative output scale", [](sepconv::Options &o) { o.quantization.output_scale = -1; },
         "quantization.output_scale must be positive and finite"},
        {"NaN intermediate scale", [nan](sepconv::Options &o) { o.quantization.intermediate_scale = nan; },
         "quantization.intermediate_scale must be positive and finite"},
        {"infinite depthwise scale", [inf](sepconv::Options &o) { o.quantization.depthwise_scales[1] = inf; },
         "quantization.depthwise_scales must be positive and finite, got inf"},
        {"zero pointwise scale", [](sepconv::Options &o) { o.quantization.pointwise_scales = {0.f}; },
         "quantization.pointwise_scales must be positive and finite, got 0"},
        {"input zero point 128", [](sepconv::Options &o) { o.quantization.input_zero_point = 128; },
         "quantization.input_zero_point must be in [-128, 127], got 128"},
        {"output zero point -129", [](sepconv::Options &o) { o.quantization.output_zero_point = -129; },
         "quantization.output_zero_point must be in [-128, 127], got -129"},
        {"intermediate zero point", [](sepconv::Options &o) { o.quantization.intermediate_zero_point = 1000; },
         "quantization.intermediate_zero_point must be in [-128, 127]"},
        {"depthwise scales length", [](sepconv::Options &o) { o.quantization.depthwise_scales.resize(5); },
         "quantization.depthwise_scales must have in_channels * channel_multiplier = 6 entries (or 1), got 5"},
        {"no pointwise scales", [](sepconv::Options &o) { o.quantization.pointwise_scales.clear(); },
         "quantization.pointwise_scales must have out_channels = 4 entries (or 1), got 0"},
        {"pointwise bias length", [](sepconv::Options &o) { o.quantization.pointwise_bias = {1, 2, 3}; },
         "quantization.pointwise_bias must have out_channels = 4 entries (or none), got 3"},
        {"depthwise bias length", [](sepconv::Options &o) { o.quantization.depthwise_bias = {1}; },
         "quantization.depthwise_bias must have in_channels * channel_multiplier = 6 entries (or none), got 1"},
        {"float bias on int8", [](sepconv::Options &o) {
             static const int8_t b[4] = {};
             o.bias = {b, DataType::kInt8, {4}};
         },
         "bias: an int8 call takes its int32 bias in quantization.pointwise_bias"},
        {"no quantization at all", [](sepconv::Options &o) { o.quantization = {}; },
         "quantization.input_scale must be positive and finite, got 0"},
    };
    ConvCase k;
    k.n = 2, k.h = 5, k.w = 6, k.c = 3, k.m = 2, k.cout = 4;
    for (const BadQuantization &bad : cases) {
        SCOPED_TRACE(bad.name);
        const Int8Tensors t = make_int8_tensors(k, 3);
        sepconv::Options o = int8_options(k, t);
        bad.breaks(o);
        std::vector<int8_t> out;
        const sepconv::Status s = run_int8(t, o, &out);
        EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
        EXPECT_NE(s.message.find(bad.message), std::string::npos) << s.message;
        EXPECT_EQ(out, std::vector<int8_t>(out.size(), int8_t(0x5a))) << "a refused call wrote to the output";
        std::unique_ptr<sepconv::Layer> layer;
        const sepconv::Status c = sepconv::Layer::create({t.dwf.data(), DataType::kInt8, t.dw_shape},
                                                         {t.pwf.data(), DataType::kInt8, t.pw_shape}, o, &layer);
        EXPECT_NE(c.message.find(bad.message), std::string::npos) << c.message;
        EXPECT_EQ(layer, nullptr);
    }
}

}  // namespace
}  // namespace sepconv_test
