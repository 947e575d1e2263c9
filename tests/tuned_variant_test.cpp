// The variants built from the tuned database (SEPCONV_TUNED_DB): the build emitted one for every
// entry of this family, automatic selection picks it for the shapes it was tuned for (and for
// shapes near them, but never for shapes outside their class), and it computes the right result.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "support/tester.h"
#include "support/variant_expectations.h"

namespace sepconv_test {
namespace {

std::vector<std::string> words(const char *text) {
    std::vector<std::string> out;
    std::stringstream s(text ? text : "");
    std::string w;
    while (s >> w) out.push_back(w);
    return out;
}

// The build passes the shape keys it read from the database for this family.
TEST(TunedVariants, TheBuildEmittedOneForEveryDatabaseEntry) {
    const std::vector<std::string> keys = words(std::getenv("SEPCONV_EXPECT_TUNED_SHAPES"));
    if (keys.empty()) GTEST_SKIP() << "this build read no tuned entries for its family (SEPCONV_TUNED_DB)";
    for (const std::string &key : keys) {
        bool found = false;
        for (const sepconv::VariantInfo &v : sepconv::variants()) {
            for (const std::string &s : v.tuned_shapes) found |= s == key;
        }
        EXPECT_TRUE(found) << "no tuned variant lists " << key;
    }
}

// Every tuned variant's shape keys parse (else the suites below would silently skip it).
TEST(TunedVariants, EveryTunedShapeKeyParses) {
    tuned_variants();
    EXPECT_TRUE(unparsed_tuned_shapes().empty()) << unparsed_tuned_shapes().front();
}

std::vector<CaseOnVariant> tuned_shapes() {
    std::vector<CaseOnVariant> out;
    for (const TunedExpectation &t : tuned_variants()) {
        for (const ConvCase &k : t.shapes) out.push_back({k, t.name, t.type});
    }
    return out;
}

class TunedShape : public ::testing::TestWithParam<CaseOnVariant> {};

TEST_P(TunedShape, IsPickedForItsShapeAndMatchesTheReference) {
    const CaseOnVariant &p = GetParam();
    SCOPED_TRACE(describe(p.k));
    const sepconv::DataType type = p.type;
    const sepconv::Device any = sepconv::Device::kAuto;
    TensorSet t = make_tensors(p.k, 3, type);
    sepconv::Explanation e;
    ASSERT_TRUE(sepconv::explain(t.in_shape, t.dw_shape, t.pw_shape, options_for(p.k), &e, type).ok());
    // Its own variant, or the one this machine's microarchitecture (or any machine) was tuned with
    // for the same shape, when this one was tuned on another.
    const std::string exact = expected_exact_tuned_variant(p.k, type);
    if (exact.empty()) {
        EXPECT_TRUE(picked_as_expected(p.k, type, e.variant)) << e.reason;
    } else {
        EXPECT_EQ(e.variant, exact) << e.reason;
        EXPECT_NE(e.reason.find("tuned for this exact shape"), std::string::npos) << e.reason;
    }
    EXPECT_TRUE(run_and_compare(p.k, "", 3, any, type));
    // Where that is another variant, this one, forced, computes the right result too.
    if (exact != p.variant) EXPECT_TRUE(run_and_compare(p.k, p.variant, 3, any, type));

    // A neighbour in the same shape class (one more row and column, batch 2): the nearest tuned
    // shape's variant or the cost model's choice (variant_table_test checks which), and the right
    // result.
    ConvCase near = p.k;
    near.h += 1, near.w += 1, near.n = 2;
    TensorSet tn = make_tensors(near, 4, type);
    ASSERT_TRUE(sepconv::explain(tn.in_shape, tn.dw_shape, tn.pw_shape, options_for(near), &e, type).ok());
    EXPECT_TRUE(picked_as_expected(near, type, e.variant)) << e.reason;
    const bool nearest = e.reason.find("nearest shape") != std::string::npos;
    EXPECT_TRUE(nearest || e.reason.find("cost model's choice") != std::string::npos) << e.reason;
    EXPECT_TRUE(run_and_compare(near, "", 4, any, type));

    // Far outside every class (a 1x1 image with one channel): no tuned shape is near.
    ConvCase far = p.k;
    far.h = far.w = 1, far.c = 1, far.cout = 1, far.n = 1, far.pad = Pad::kSame;
    TensorSet tf = make_tensors(far, 5, type);
    ASSERT_TRUE(sepconv::explain(tf.in_shape, tf.dw_shape, tf.pw_shape, options_for(far), &e, type).ok());
    EXPECT_EQ(e.reason.find("nearest shape"), std::string::npos) << e.reason;
    EXPECT_TRUE(picked_as_expected(far, type, e.variant)) << e.reason;
}

INSTANTIATE_TEST_SUITE_P(EveryTunedShape, TunedShape, ::testing::ValuesIn(tuned_shapes()),
                         [](const ::testing::TestParamInfo<CaseOnVariant> &info) {
                             return "shape" + std::to_string(info.index) + "_" + sepconv::to_string(info.param.type);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TunedShape);

}  // namespace
}  // namespace sepconv_test
