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
                    if (v.serves(k)) out.push_back({k, v.name});
                }
            }
        }
    }
    return out;
}

class NanInput : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(NanInput, ReachesExactlyTheOutputsThatReadIt) {
    const CaseOnVariant &p = GetParam();
    const ConvCase &k = p.k;
    TensorSet t = make_tensors(k, 4);
    // One NaN in the second image, inside the image away from the edges.
    const int64_t n = 1, y = 4, x = 5, c = 7;
    const int64_t at = k.nchw ? ((n * k.c + c) * k.h + y) * k.w + x : ((n * k.h + y) * k.w + x) * k.c + c;
    t.input[at] = std::numeric_limits<float>::quiet_NaN();
    t.expected = naive_separable_conv2d(k, t.input, t.dwf, t.pwf, t.bias);

    sepconv::Options o = options_for(k);
    o.variant = p.variant;
    o.bias = {t.bias.data(), {k.cout}};
    std::vector<float> out(t.expected.size(), 0.f);
    sepconv::Status s = sepconv::separable_conv2d({t.input.data(), t.in_shape}, {t.dwf.data(), t.dw_shape},
                                                  {t.pwf.data(), t.pw_shape}, o, {out.data(), t.out_shape});
    ASSERT_TRUE(s.ok()) << s.message;
    int nans = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        const bool want_nan = std::isnan(t.expected[i]);
        nans += want_nan;
        ASSERT_EQ(std::isnan(out[i]), want_nan) << "output element " << i << " is " << out[i] << ", the reference "
                                                << t.expected[i];
        if (!want_nan) {
            ASSERT_LE(std::fabs(out[i] - t.expected[i]), kAbsTolerance + kRelTolerance * std::fabs(t.expected[i]))
                << "output element " << i;
        }
    }
    EXPECT_GT(nans, 0) << "the case never reads the NaN: it tests nothing";
}

INSTANTIATE_TEST_SUITE_P(EveryCpuVariant, NanInput, ::testing::ValuesIn(nan_cases()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             const ConvCase &k = info.param.k;
                             return std::string(k.nchw ? "nchw" : "nhwc") + "_s" + std::to_string(k.sh) + "_act" +
                                    std::to_string(k.activation) + "_" + info.param.variant;
                         });

}  // namespace
}  // namespace sepconv_test
