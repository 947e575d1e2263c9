// Whether this CPU can run a compiled target (one of sepconv::compiled_targets()), asked of the OS
// and the compiler's CPU probe, never of the library: the ISA sweeps cap the dispatch at each
// target this says runs, and check that the library then dispatches exactly there.
#pragma once

#include <cctype>
#include <string>

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

// A target as a GoogleTest parameter name.
inline std::string target_test_name(const std::string &target) {
    std::string name = target;
    for (char &c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

}  // namespace sepconv_test
