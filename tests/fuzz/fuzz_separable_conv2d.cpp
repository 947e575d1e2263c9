// libFuzzer target: argument validation plus a real call on tiny tensors. The fuzz input decodes
// to a case (shapes, strides, dilations, padding, format, multiplier, epilogue, forced variant)
// and, sometimes, one deliberate breakage. The target knows independently whether the call is
// legal; a legal call must succeed and match the naive reference, an illegal one must be refused
// with a message and leave the output untouched. Anything else aborts, which libFuzzer reports.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "sepconv/sepconv.h"
#include "support/case_options.h"
#include "support/naive_reference.h"
#include "support/variant_expectations.h"

namespace {

using sepconv_test::ConvCase;
using sepconv_test::Pad;

constexpr float kSentinel = -777.f;

[[noreturn]] void fail(const char *what, const ConvCase &k, const std::string &detail) {
    std::fprintf(stderr, "fuzz_separable_conv2d: %s: %s\n  case: %s n=%lld h=%lld w=%lld c=%lld m=%lld cout=%lld "
                         "k=%lldx%lld s=%lld,%lld d=%lld,%lld pad=%d\n",
                 what, detail.c_str(), k.nchw ? "NCHW" : "NHWC", (long long)k.n, (long long)k.h, (long long)k.w,
                 (long long)k.c, (long long)k.m, (long long)k.cout, (long long)k.kh, (long long)k.kw,
                 (long long)k.sh, (long long)k.sw, (long long)k.dh, (long long)k.dw, static_cast<int>(k.pad));
    std::abort();
}

// Whether the dilated filter fits the (padded) image in both dimensions.
bool filter_fits(const ConvCase &k) {
    const int64_t span_h = (k.kh - 1) * k.dh + 1, span_w = (k.kw - 1) * k.dw + 1;
    if (k.pad == Pad::kValid) return span_h <= k.h && span_w <= k.w;
    if (k.pad == Pad::kExplicit) return span_h <= k.h + k.pad_top + k.pad_bottom && span_w <= k.w + k.pad_left + k.pad_right;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider p(data, size);
    ConvCase k;
    k.nchw = p.ConsumeBool();
    k.n = p.ConsumeIntegralInRange<int64_t>(1, 2);
    k.h = p.ConsumeIntegralInRange<int64_t>(1, 9);
    k.w = p.ConsumeIntegralInRange<int64_t>(1, 9);
    k.c = p.ConsumeIntegralInRange<int64_t>(1, 11);
    k.m = p.ConsumeIntegralInRange<int64_t>(1, 3);
    k.cout = p.ConsumeIntegralInRange<int64_t>(1, 27);
    k.kh = p.ConsumeIntegralInRange<int64_t>(1, 4);
    k.kw = p.ConsumeIntegralInRange<int64_t>(1, 4);
    k.sh = p.ConsumeIntegralInRange<int64_t>(1, 3);
    k.sw = p.ConsumeIntegralInRange<int64_t>(1, 3);
    k.dh = p.ConsumeIntegralInRange<int64_t>(1, 3);
    k.dw = p.ConsumeIntegralInRange<int64_t>(1, 3);
    k.pad = static_cast<Pad>(p.ConsumeIntegralInRange<int>(0, 2));
    k.pad_top = p.ConsumeIntegralInRange<int64_t>(0, 3);
    k.pad_bottom = p.ConsumeIntegralInRange<int64_t>(0, 3);
    k.pad_left = p.ConsumeIntegralInRange<int64_t>(0, 3);
    k.pad_right = p.ConsumeIntegralInRange<int64_t>(0, 3);
    k.bias = p.ConsumeBool();
    k.activation = p.ConsumeIntegralInRange<int>(0, 2);
    // The float32 variants: the fuzzed tensors are float32 (this preset compiles no other type).
    static const std::vector<sepconv_test::VariantExpectation> variants = [] {
        std::vector<sepconv_test::VariantExpectation> out;
        for (const auto &v : sepconv_test::expected_variants()) {
            if (v.type == sepconv::DataType::kFloat32) out.push_back(v);
        }
        return out;
    }();
    const int forced = p.ConsumeIntegralInRange<int>(-1, static_cast<int>(variants.size()) - 1);
    const int breakage = p.ConsumeIntegralInRange<int>(0, 40);  // 0..13 break one argument
    const uint32_t seed = p.ConsumeIntegral<uint32_t>();
    // A MobileNet block's depthwise stage (drawn last: older corpus entries keep their meaning).
    k.depthwise_bias = p.ConsumeBool();
    k.depthwise_activation = p.ConsumeIntegralInRange<int>(0, 2);

    // The tensors of the legal case.
    const bool fits = filter_fits(k);
    int64_t ho = 1, wo = 1, top, left;
    if (fits) sepconv_test::reference_output_hw(k, &ho, &wo, &top, &left);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    auto random = [&](int64_t n) {
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v) x = dist(rng);
        return v;
    };
    std::vector<float> input = random(k.n * k.h * k.w * k.c), dwf = random(k.kh * k.kw * k.c * k.m),
                       pwf = random(k.c * k.m * k.cout), bias = k.bias ? random(k.cout) : std::vector<float>{},
                       depthwise_bias = k.depthwise_bias ? random(k.c * k.m) : std::vector<float>{};
    std::vector<int64_t> in_shape = k.nchw ? std::vector<int64_t>{k.n, k.c, k.h, k.w} : std::vector<int64_t>{k.n, k.h, k.w, k.c};
    std::vector<int64_t> out_shape = k.nchw ? std::vector<int64_t>{k.n, k.cout, ho, wo} : std::vector<int64_t>{k.n, ho, wo, k.cout};
    std::vector<int64_t> dw_shape{k.kh, k.kw, k.c, k.m}, pw_shape{1, 1, k.c * k.m, k.cout};

    sepconv::Options o = sepconv_test::options_for(k);
    if (k.bias) o.bias = {bias.data(), {k.cout}};
    if (k.depthwise_bias) o.depthwise_bias = {depthwise_bias.data(), {k.c * k.m}};
    bool legal = fits;
    if (forced >= 0) {
        o.variant = variants[forced].name;
        legal = legal && variants[forced].serves(k);
    }

    // At most one deliberate breakage; each makes the call illegal.
    switch (breakage) {
    case 0: in_shape.pop_back(); break;
    case 1: in_shape[1 + p.ConsumeIntegralInRange<int>(0, 2)] = -p.ConsumeIntegralInRange<int64_t>(0, 3); break;
    case 2: in_shape[0] = int64_t(1) << p.ConsumeIntegralInRange<int>(31, 62); break;
    case 3: dw_shape[2] += 1; break;
    case 4: pw_shape[0] = 2; break;
    case 5: pw_shape[2] += 1; break;
    case 6: o.strides[0] = 2; break;
    case 7: o.strides[k.nchw ? 1 : 3] = 0; break;
    case 8: o.dilations = {0, -1}; break;
    case 9: out_shape[1] += 1; break;
    case 10: o.explicit_padding = {-1, 0, 0, 0}, o.padding = sepconv::Padding::kExplicit; break;
    case 11: o.bias = {bias.empty() ? nullptr : bias.data(), {k.cout + 1}}; break;
    case 12: o.strides = {1, int64_t(1) << 40, 1, 1}; break;
    case 13: o.depthwise_bias = {depthwise_bias.empty() ? nullptr : depthwise_bias.data(), {k.c * k.m + 1}}; break;
    default: break;
    }
    if (breakage <= 13) legal = false;

    std::vector<float> out(static_cast<size_t>(k.n * ho * wo * k.cout) + 16, kSentinel);
    sepconv::Status s = sepconv::separable_conv2d({input.data(), in_shape}, {dwf.data(), dw_shape},
                                                  {pwf.data(), pw_shape}, o, {out.data(), out_shape});
    if (!legal) {
        if (s.ok()) fail("accepted an illegal call", k, "breakage " + std::to_string(breakage));
        if (s.message.empty()) fail("refused without a message", k, "");
        for (float v : out) {
            if (v != kSentinel) fail("a refused call wrote to the output", k, s.message);
        }
        return 0;
    }
    if (!s.ok()) fail("refused a legal call", k, s.message);
    const std::vector<float> expected = sepconv_test::naive_separable_conv2d(k, input, dwf, pwf, bias, depthwise_bias);
    for (size_t i = 0; i < expected.size(); ++i) {
        if (!(std::fabs(expected[i] - out[i]) <= SEPCONV_TEST_ATOL + SEPCONV_TEST_RTOL * std::fabs(expected[i]))) {
            fail("mismatch with the reference", k, "element " + std::to_string(i));
        }
    }
    for (size_t i = expected.size(); i < out.size(); ++i) {
        if (out[i] != kSentinel) fail("wrote past the end of the output", k, std::to_string(i));
    }
    return 0;
}
