// The correctness sweep: every edge case, in both data formats, through every compiled variant
// chosen explicitly. A variant that serves the case must match the naive reference; one that does
// not must refuse it with InvalidArgument, never compute garbage.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "support/sweep_cases.h"
#include "support/tester.h"
#include "support/variant_expectations.h"

namespace sepconv_test {
namespace {

std::vector<CaseOnVariant> sweep_params() {
    std::vector<CaseOnVariant> params;
    for (const ConvCase &k : cases_both_layouts()) {
        for (const VariantExpectation &v : expected_variants()) params.push_back({k, v.name, v.type});
    }
    return params;
}

class Sweep : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(Sweep, MatchesReferenceOrRefuses) {
    const CaseOnVariant &p = GetParam();
    SCOPED_TRACE(describe(p.k) + " variant=" + p.variant);
    bool serves = false;
    sepconv::DataType type = sepconv::DataType::kFloat32;
    for (const VariantExpectation &v : expected_variants()) {
        if (v.name == p.variant) serves = v.serves(p.k), type = v.type;
    }
    if (serves) {
        EXPECT_TRUE(run_and_compare(p.k, p.variant, 1, sepconv::Device::kAuto, type));
        return;
    }
    TensorSet t = make_tensors(p.k, 1, type);
    sepconv::Options o = options_for(p.k);
    o.variant = p.variant;
    std::vector<float> out;
    sepconv::Status s = run_tensors(t, o, &out);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << s.message;
    EXPECT_NE(s.message.find("cannot serve"), std::string::npos) << s.message;
    for (float v : out) ASSERT_TRUE(std::isnan(v)) << "a refused call wrote to the output";
}

// A variant forced on tensors of another type is refused, naming both types.
TEST(SweepTypes, AVariantOfAnotherTypeIsRefused) {
    const ConvCase k = nhwc_cases().front();
    for (const VariantExpectation &v : expected_variants()) {
        for (const TypeUnderTest &t : types_under_test()) {
            if (t.type == v.type) continue;
            TensorSet tensors = make_tensors(k, 1, t.type);
            sepconv::Options o = options_for(k);
            o.variant = v.name;
            std::vector<float> out;
            sepconv::Status s = run_tensors(tensors, o, &out);
            EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << v.name << ": " << s.message;
            EXPECT_NE(s.message.find(sepconv::to_string(v.type)), std::string::npos) << s.message;
            for (float x : out) ASSERT_TRUE(std::isnan(x)) << "a refused call wrote to the output";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllCasesAllVariants, Sweep, ::testing::ValuesIn(sweep_params()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             const size_t per_case = 2 * expected_variants().size();
                             return "case" + std::to_string(info.index / per_case) +
                                    (info.param.k.nchw ? "_nchw_" : "_nhwc_") + info.param.variant;
                         });

class AutoSelect : public ::testing::TestWithParam<std::tuple<ConvCase, sepconv::DataType>> {};

// With no variant forced, the table must pick one of the variants the test's own expectations
// allow for the case (the most specialized that serve it), and the result must still match the
// reference.
TEST_P(AutoSelect, PicksTheMostSpecializedVariantAndMatches) {
    const auto &[k, type] = GetParam();
    SCOPED_TRACE(describe(k) + " " + sepconv::to_string(type));
    TensorSet t = make_tensors(k, 2, type);
    sepconv::Explanation e;
    sepconv::Status s = sepconv::explain(t.in_shape, t.dw_shape, t.pw_shape, options_for(k), &e, type);
    ASSERT_TRUE(s.ok()) << s.message;
    EXPECT_TRUE(picked_as_expected(k, type, e.variant)) << e.reason;
    EXPECT_TRUE(run_and_compare(k, "", 2, sepconv::Device::kAuto, type));
}

INSTANTIATE_TEST_SUITE_P(AllCases, AutoSelect,
                         ::testing::Combine(::testing::ValuesIn(cases_both_layouts()),
                                            ::testing::Values(sepconv::DataType::kFloat32, sepconv::DataType::kFloat16)),
                         [](const ::testing::TestParamInfo<std::tuple<ConvCase, sepconv::DataType>> &info) {
                             return "case" + std::to_string(info.index / 2) + "_" +
                                    (std::get<0>(info.param).nchw ? "nchw_" : "nhwc_") +
                                    sepconv::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace sepconv_test
