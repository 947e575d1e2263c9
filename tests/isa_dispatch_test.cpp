// Each ISA the build compiles (AVX-512, AVX2+FMA, SSE4.1; or ARMv8.2 dot-product+fp16, ARMv8) has
// its own generated code. Halide's
// dispatcher runs only the best one the CPU has, so the others would go untested on any one
// machine; sepconv::set_max_target caps the dispatch, and the whole sweep runs under each cap.
#include <gtest/gtest.h>

#include <sstream>

#include "support/cpu_runs.h"
#include "support/sweep_cases.h"
#include "support/tester.h"

namespace sepconv_test {
namespace {

class IsaSweep : public CappedDispatchTest {};

TEST_P(IsaSweep, EveryCaseMatchesTheReference) {
    const std::string target = GetParam();
    for (const ConvCase &k : cases_both_layouts()) {
        EXPECT_TRUE(run_and_compare(k, "", 4)) << describe(k) << " on " << target;
    }
}

// The ISA whose configuration a target's code reads, named here from the target string itself.
std::string isa_of(const std::string &target) {
    if (target.find("avx512_skylake") != std::string::npos) return "avx512";
    if (target.find("avx2") != std::string::npos) return "avx2";
    if (target.find("sse41") != std::string::npos) return "sse41";
    if (target.find("arm_dot_prod") != std::string::npos) return "neon_dot_fp16";
    return "neon";
}

// explain() names what runs: the dispatched target, the ISA whose configuration that code reads,
// the configuration (a tuned variant's own section for the ISA), and the compiled path the call takes.
TEST_P(IsaSweep, ExplainNamesTheIsaItsConfigurationAndThePath) {
    const std::string target = GetParam();
    sepconv::Options o;
    sepconv::Explanation e;
    const std::vector<int64_t> dw{3, 3, 32, 1}, pw{1, 1, 32, 64};
    ASSERT_TRUE(sepconv::explain({1, 112, 112, 32}, dw, pw, o, &e).ok());
    EXPECT_EQ(e.target, target);
    EXPECT_EQ(e.isa, isa_of(target));
    EXPECT_NE(e.configuration.find("co_vectors:"), std::string::npos) << e.configuration;
    EXPECT_EQ(e.specialization, "full blocks, no activation");
    for (const sepconv::VariantInfo &v : sepconv::variants()) {
        if (v.name != e.variant || v.tunables.find(e.isa + ".") == std::string::npos) continue;
        // The variant's section for this ISA, knob by knob, is what explain() reports.
        std::stringstream items(e.configuration);
        std::string item;
        while (std::getline(items, item, ',')) {
            EXPECT_NE(v.tunables.find(e.isa + "." + item), std::string::npos) << item << " not in " << v.tunables;
        }
    }
    o.activation = sepconv::Activation::kRelu6;
    ASSERT_TRUE(sepconv::explain({1, 112, 112, 32}, dw, pw, o, &e).ok());
    EXPECT_EQ(e.specialization, "full blocks, activation");
    // A 1x1 image is narrower than any register block of pixels the defaults use (the cost model
    // would choose a configuration whose flat runs of rows count as full blocks: the defaults, by name).
    o.variant = "f32_sepconv_nhwc_k3x3_s1_d1_m1";
    ASSERT_TRUE(sepconv::explain({1, 1, 1, 32}, dw, pw, o, &e).ok());
    EXPECT_EQ(e.specialization, "partial blocks, activation") << e.variant << ": " << e.configuration;
}

INSTANTIATE_TEST_SUITE_P(CompiledTargets, IsaSweep, ::testing::ValuesIn(sepconv::compiled_targets()),
                         [](const ::testing::TestParamInfo<std::string> &info) { return target_test_name(info.param); });

TEST(IsaDispatch, CompilesSeveralTargetsEndingWithTheFamilyBaseline) {
    const std::vector<std::string> targets = sepconv::compiled_targets();
    ASSERT_GE(targets.size(), 2u);
    EXPECT_TRUE(cpu_runs(targets.back())) << "the fallback target " << targets.back() << " must run anywhere";
}

TEST(IsaDispatch, UnknownCeilingIsRefused) {
    sepconv::Status s = sepconv::set_max_target("x86-64-linux-avx10");
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("not a compiled target"), std::string::npos) << s.message;
}

TEST(IsaDispatch, NoCeilingPicksTheBestTheCpuRuns) {
    ASSERT_TRUE(sepconv::set_max_target("").ok());
    std::string best;
    for (const std::string &t : sepconv::compiled_targets()) {
        if (cpu_runs(t)) {
            best = t;
            break;
        }
    }
    EXPECT_EQ(sepconv::cpu_info().dispatched_target, best);
}

}  // namespace
}  // namespace sepconv_test
