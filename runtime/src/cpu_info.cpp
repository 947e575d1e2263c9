// What the CPU offers and which of the compiled targets Halide's multi-target dispatch will run.
// The dispatch decision is asked of the Halide runtime itself (halide_can_use_target_features),
// the same function the dispatch wrapper in every variant calls.
#include <sstream>

#include "HalideRuntime.h"
#include "sepconv/sepconv.h"

namespace sepconv {
namespace {

// The x86 features that appear in SEPCONV_TARGETS, by their Halide target-string names.
struct NamedFeature {
    const char *name;
    halide_target_feature_t feature;
};
constexpr NamedFeature kTargetFeatures[] = {
    {"sse41", halide_target_feature_sse41}, {"avx", halide_target_feature_avx},
    {"avx2", halide_target_feature_avx2},   {"fma", halide_target_feature_fma},
    {"f16c", halide_target_feature_f16c},   {"avx512", halide_target_feature_avx512},
};

bool runtime_can_use(const std::string &target) {
    uint64_t bits[(halide_target_feature_end + 63) / 64] = {};
    std::stringstream parts(target);
    std::string part;
    while (std::getline(parts, part, '-')) {
        for (const NamedFeature &nf : kTargetFeatures) {
            if (part == nf.name) bits[nf.feature / 64] |= uint64_t(1) << (nf.feature % 64);
        }
    }
    return halide_can_use_target_features(sizeof(bits) / sizeof(bits[0]), bits) != 0;
}

}  // namespace

CpuInfo cpu_info() {
    CpuInfo info;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
#define SEPCONV_CPU_FEATURE(name) \
    if (__builtin_cpu_supports(name)) info.features.push_back(name);
    SEPCONV_CPU_FEATURE("sse4.1")
    SEPCONV_CPU_FEATURE("avx")
    SEPCONV_CPU_FEATURE("avx2")
    SEPCONV_CPU_FEATURE("fma")
    SEPCONV_CPU_FEATURE("avx512f")
    SEPCONV_CPU_FEATURE("avx512cd")
    SEPCONV_CPU_FEATURE("avx512bw")
    SEPCONV_CPU_FEATURE("avx512dq")
    SEPCONV_CPU_FEATURE("avx512vl")
#undef SEPCONV_CPU_FEATURE
#endif
    // SEPCONV_TARGET_LIST is the build's SEPCONV_TARGETS, best first, comma separated.
    std::stringstream targets(SEPCONV_TARGET_LIST);
    std::string target;
    while (std::getline(targets, target, ',')) {
        if (runtime_can_use(target)) {
            info.dispatched_target = target;
            break;
        }
    }
    return info;
}

}  // namespace sepconv
