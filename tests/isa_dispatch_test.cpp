// Each ISA the build compiles (AVX-512, AVX2+FMA, SSE4.1; or ARMv8.2 dot-product+fp16, ARMv8) has
// its own generated code. Halide's
// dispatcher runs only the best one the CPU has, so the others would go untested on any one
// machine; sepconv::set_max_target caps the dispatch, and the whole sweep runs under each cap.
#include <gtest/gtest.h>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "support/sweep_cases.h"
#include "support/tester.h"

namespace sepconv_test {
namespace {

// What the CPU must have to run each target, asked of the OS / compiler CPU probe, not the library.
bool cpu_runs(const std::string &target) {
#if defined(__aarch64__)
    const unsigned long hwcap = getauxval(AT_HWCAP);
    if (target.find("arm_dot_prod") != std::string::npos && !(hwcap & HWCAP_ASIMDDP)) return false;
    if (target.find("arm_fp16") != std::string::npos && !(hwcap & HWCAP_ASIMDHP)) return false;
    return target.rfind("arm-64-linux", 0) == 0;
#else
    __builtin_cpu_init();
    if (target.find("avx512_skylake") != std::string::npos) {
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl");
    }
    if (target.find("avx2") != std::string::npos) {
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    }
    if (target.find("sse41") != std::string::npos) return __builtin_cpu_supports("sse4.1");
    return false;
#endif
}

class IsaSweep : public ::testing::TestWithParam<std::string> {
protected:
    void TearDown() override { sepconv::set_max_target(""); }
};

TEST_P(IsaSweep, EveryCaseMatchesTheReference) {
    const std::string target = GetParam();
    if (!cpu_runs(target)) GTEST_SKIP() << "this CPU cannot run " << target;
    ASSERT_TRUE(sepconv::set_max_target(target).ok());
    ASSERT_EQ(sepconv::cpu_info().dispatched_target, target);
    for (const ConvCase &k : cases_both_layouts()) {
        EXPECT_TRUE(run_and_compare(k, "", 4)) << describe(k) << " on " << target;
    }
}

INSTANTIATE_TEST_SUITE_P(CompiledTargets, IsaSweep, ::testing::ValuesIn(sepconv::compiled_targets()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                             std::string name = info.param;
                             for (char &c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return name;
                         });

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
