// Whether this CPU can run a compiled target (one of sepconv::compiled_targets()), asked of the OS
// and the compiler's CPU probe, never of the library; and the fixture of the suites that run once
// per compiled target, with the dispatch capped there.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "sepconv/sepconv.h"

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace sepconv_test {

inline bool cpu_runs(const std::string &target) {
    auto has = [&](const char *feature) { return target.find(feature) != std::string::npos; };
#if defined(__aarch64__)
    const unsigned long hwcap = getauxval(AT_HWCAP);
    if (has("arm_dot_prod") && !(hwcap & HWCAP_ASIMDDP)) return false;
    if (has("arm_fp16") && !(hwcap & HWCAP_ASIMDHP)) return false;
    return target.rfind("arm-64-linux", 0) == 0;
#else
    __builtin_cpu_init();
    // Halide's avx512_zen4 (Zen 4 and 5, Sapphire Rapids): AVX-512 with VNNI, BF16 and VBMI.
    if (has("avx512_zen4") && !(__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bf16") &&
                                __builtin_cpu_supports("avx512vbmi"))) {
        return false;
    }
    if (has("avx512_skylake")) {
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl");
    }
    if (has("avx2")) {
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    }
    if (has("sse41")) return __builtin_cpu_supports("sse4.1");
    return false;
#endif
}

// A test per compiled target (the parameter): the dispatch capped at it, and checked to run exactly
// there, for the test's duration; skipped where this CPU cannot run it.
class CappedDispatchTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (!cpu_runs(GetParam())) GTEST_SKIP() << "this CPU cannot run " << GetParam();
        ASSERT_TRUE(sepconv::set_max_target(GetParam()).ok());
        ASSERT_EQ(sepconv::cpu_info().dispatched_target, GetParam());
    }
    void TearDown() override { sepconv::set_max_target(""); }
};

// A target as a GoogleTest parameter name.
inline std::string target_test_name(const std::string &target) {
    std::string name = target;
    for (char &c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

}  // namespace sepconv_test
