// The correctness sweep: every edge case, in both data formats, through every compiled variant
// chosen explicitly. A variant that serves the case must match the naive reference; one that does
// not must refuse it with InvalidArgument, never compute garbage.
#include <gtest/gtest.h>

#include "support/sweep_cases.h"
#include "support/tester.h"
#include "support/variant_expectations.h"

namespace sepconv_test {
namespace {

std::vector<CaseOnVariant> sweep_params() {
    std::vector<CaseOnVariant> params;
    for (const ConvCase &k : cases_both_layouts()) {
        for (const VariantExpectation &v : expected_variants()) params.push_back({k, v.name});
    }
    return params;
}

class Sweep : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(Sweep, MatchesReferenceOrRefuses) {
    const CaseOnVariant &p = GetParam();
    SCOPED_TRACE(describe(p.k) + " variant=" + p.variant);
    bool serves = false;
    for (const VariantExpectation &v : expected_variants()) {
        if (v.name == p.variant) serves = v.serves(p.k);
    }
    if (serves) {
        EXPECT_TRUE(run_and_compare(p.k, p.variant));
        return;
    }
    TensorSet t = make_tensors(p.k, 1);
    sepconv::Options o = options_for(p.k);
    o.variant = p.variant;
    std::vector<float> out(t.expected.size(), 42.f);
    sepconv::Status s = sepconv::separable_conv2d({t.input.data(), t.in_shape}, {t.dwf.data(), t.dw_shape},
                                                  {t.pwf.data(), t.pw_shape}, o, {out.data(), t.out_shape});
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << s.message;
    EXPECT_NE(s.message.find("cannot serve"), std::string::npos) << s.message;
    for (float v : out) ASSERT_EQ(v, 42.f) << "a refused call wrote to the output";
}

INSTANTIATE_TEST_SUITE_P(AllCasesAllVariants, Sweep, ::testing::ValuesIn(sweep_params()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             const size_t per_case = 2 * expected_variants().size();
                             return "case" + std::to_string(info.index / per_case) +
                                    (info.param.k.nchw ? "_nchw_" : "_nhwc_") + info.param.variant;
                         });

class AutoSelect : public ::testing::TestWithParam<ConvCase> {};

// With no variant forced, the table must pick the most specialized variant that serves the case
// (as the test's own expectations say), and the result must still match the reference.
TEST_P(AutoSelect, PicksTheMostSpecializedVariantAndMatches) {
    const ConvCase &k = GetParam();
    SCOPED_TRACE(describe(k));
    TensorSet t = make_tensors(k, 2);
    sepconv::Explanation e;
    sepconv::Status s = sepconv::explain(t.in_shape, t.dw_shape, t.pw_shape, options_for(k), &e);
    ASSERT_TRUE(s.ok()) << s.message;
    EXPECT_EQ(e.variant, expected_auto_variant(k)) << e.reason;
    EXPECT_TRUE(run_and_compare(k, "", 2));
}

INSTANTIATE_TEST_SUITE_P(AllCases, AutoSelect, ::testing::ValuesIn(cases_both_layouts()));

}  // namespace
}  // namespace sepconv_test
