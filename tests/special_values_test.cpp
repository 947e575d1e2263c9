// A NaN in the input reaches exactly the outputs whose receptive field holds it, through every CPU
// variant and every activation, as in TensorFlow (its relu and relu6 propagate NaN): the library
// must not hide an upstream bug. The naive reference, in plain C++, propagates NaN the same way,
// so the expected NaN positions are its own.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/tester.h"
#include "support/variant_expectations.h"

namespace sepconv_test {
namespace {

std::vector<CaseOnVariant> nan_cases() {
    std::vector<CaseOnVariant> out;
    for (bool nchw : {false, true}) {
        for (int64_t stride : {1, 2}) {
            for (int activation : {0, 1, 2}) {
                ConvCase k;
                k.nchw = nchw, k.n = 2, k.h = 9, k.w = 11, k.c = 12, k.cout = 20, k.sh = k.sw = stride;
                k.bias = true, k.activation = activation;
                for (const VariantExpectation &v : expected_variants()) {
                    if (v.serves(k)) out.push_back({k, v.name, v.type});
                }
            }
        }
    }
    return out;
}

// One call of case k on t's tensors through `variant`.
sepconv::Status run_forced(const ConvCase &k, const TensorSet &t, const std::string &variant, std::vector<float> *out) {
    sepconv::Options o = options_for(k);
    o.variant = variant;
    return run_tensors(t, o, out);
}

class NanInput : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(NanInput, ReachesExactlyTheOutputsThatReadIt) {
    const CaseOnVariant &p = GetParam();
    const ConvCase &k = p.k;
    TensorSet t = make_tensors(k, 4, p.type);
    // One NaN in the second image, inside the image away from the edges.
    const int64_t n = 1, y = 4, x = 5, c = 7;
    const int64_t at = k.nchw ? ((n * k.c + c) * k.h + y) * k.w + x : ((n * k.h + y) * k.w + x) * k.c + c;
    t.input[at] = std::numeric_limits<float>::quiet_NaN();
    compute_reference(k, &t);

    std::vector<float> out;
    sepconv::Status s = run_forced(k, t, p.variant, &out);
    ASSERT_TRUE(s.ok()) << s.message;
    int nans = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        const bool want_nan = std::isnan(t.expected[i]);
        nans += want_nan;
        ASSERT_EQ(std::isnan(out[i]), want_nan) << "output element " << i << " is " << out[i] << ", the reference "
                                                << t.expected[i];
        if (!want_nan) ASSERT_LE(std::fabs(out[i] - t.expected[i]), tolerance_at(k, t, i)) << "output element " << i;
    }
    EXPECT_GT(nans, 0) << "the case never reads the NaN: it tests nothing";
}

// float16 results past the largest finite half (65504) are infinities of the right sign, as IEEE
// rounding says (65520 and beyond round to infinity); results well inside the range stay finite
// and within the tolerance.
class HalfOverflow : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(HalfOverflow, IsInfinityOfTheRightSign) {
    const CaseOnVariant &p = GetParam();
    ConvCase k = p.k;
    k.activation = 0;  // relu6 would clamp the overflow away
    // Positive inputs and depthwise taps; pointwise weights up to 4000, negative for odd output
    // channels: most sums pass 65504 on either side, the ones at the padded border less often.
    TensorSet t = make_tensors(k, 5, sepconv::DataType::kFloat16);
    t.input = absolute(t.input), t.dwf = absolute(t.dwf);
    for (size_t i = 0; i < t.pwf.size(); ++i) {
        const float sign = (i % k.cout) % 2 ? -1.f : 1.f;
        t.pwf[i] = from_half_bits(to_half_bits(sign * std::fabs(t.pwf[i]) * 4000.f));
    }
    compute_reference(k, &t);
    std::vector<float> out;
    sepconv::Status s = run_forced(k, t, p.variant, &out);
    ASSERT_TRUE(s.ok()) << s.message;
    int infinities = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        const double e = t.expected[i], tol = tolerance_at(k, t, i);
        if (std::fabs(e) - tol >= 65520.0) {
            ++infinities;
            ASSERT_TRUE(std::isinf(out[i]) && (out[i] > 0) == (e > 0)) << "element " << i << ": got " << out[i]
                                                                       << ", the reference " << e;
        } else if (std::fabs(e) + tol < 65504.0) {
            ASSERT_LE(std::fabs(out[i] - e), tol) << "element " << i;
        }
    }
    EXPECT_GT(infinities, 0) << "no result overflows: the case tests nothing";
}

std::vector<CaseOnVariant> half_cases() {
    std::vector<CaseOnVariant> out;
    for (const CaseOnVariant &c : nan_cases()) {
        if (c.type == sepconv::DataType::kFloat16 && c.k.activation == 0) out.push_back(c);
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(EveryFloat16Variant, HalfOverflow, ::testing::ValuesIn(half_cases()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             const ConvCase &k = info.param.k;
                             return std::string(k.nchw ? "nchw" : "nhwc") + "_s" + std::to_string(k.sh) + "_" +
                                    info.param.variant;
                         });

INSTANTIATE_TEST_SUITE_P(EveryCpuVariant, NanInput, ::testing::ValuesIn(nan_cases()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             const ConvCase &k = info.param.k;
                             return std::string(k.nchw ? "nchw" : "nhwc") + "_s" + std::to_string(k.sh) + "_act" +
                                    std::to_string(k.activation) + "_" + info.param.variant;
                         });

}  // namespace
}  // namespace sepconv_test
