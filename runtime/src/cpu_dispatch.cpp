// What the CPU offers, which compiled target runs, and an optional ceiling on that choice. The
// choice is Halide's (halide_can_use_target_features, which the ceiling overrides); the runtime
// asks it on every call and calls that target's piece of the variant itself (VariantRow::kernel),
// so a ceiling set after a variant's first call still reaches it.
#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <sstream>

#include <unistd.h>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "HalideRuntime.h"
#include "cpu_dispatch.h"
#include "microarchitecture.h"
#include "packed_weights.h"
#include "sepconv/sepconv.h"

namespace sepconv {
namespace {

constexpr int kFeatureWords = (halide_target_feature_end + 63) / 64;
using FeatureBits = std::array<uint64_t, kFeatureWords>;

// The features that appear in SEPCONV_TARGETS, by their Halide target-string names.
struct NamedFeature {
    const char *name;
    halide_target_feature_t feature;
};
constexpr NamedFeature kTargetFeatures[] = {
    {"sse41", halide_target_feature_sse41},   {"avx", halide_target_feature_avx},
    {"avx2", halide_target_feature_avx2},     {"fma", halide_target_feature_fma},
    {"f16c", halide_target_feature_f16c},     {"avx512", halide_target_feature_avx512},
    {"avx512_skylake", halide_target_feature_avx512_skylake},
    {"avx512_zen4", halide_target_feature_avx512_zen4},
    {"avx512_sapphirerapids", halide_target_feature_avx512_sapphirerapids},
    {"arm_dot_prod", halide_target_feature_arm_dot_prod},
    {"arm_fp16", halide_target_feature_arm_fp16},
};

FeatureBits feature_bits(const std::string &target) {
    FeatureBits bits{};
    std::stringstream parts(target);
    std::string part;
    while (std::getline(parts, part, '-')) {
        for (const NamedFeature &nf : kTargetFeatures) {
            if (part == nf.name) bits[nf.feature / 64] |= uint64_t(1) << (nf.feature % 64);
        }
    }
    return bits;
}

// Features of the targets above the ceiling that the ceiling itself lacks: a target asking for
// any of them is refused. All zero when there is no ceiling.
std::atomic<uint64_t> g_forbidden[kFeatureWords];

int can_use_below_ceiling(int count, const uint64_t *features) {
    for (int i = 0; i < count && i < kFeatureWords; ++i) {
        if (features[i] & g_forbidden[i].load(std::memory_order_relaxed)) return 0;
    }
    return halide_default_can_use_target_features(count, features);
}

// A cache size from /sys (e.g. "48K"), or 0.
int64_t sysfs_cache_bytes(int level, const char *type) {
    for (int index = 0; index < 8; ++index) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
        std::ifstream lv(dir + "level"), ty(dir + "type"), sz(dir + "size");
        int l = 0;
        std::string t, size;
        if (!(lv >> l) || !(ty >> t) || !(sz >> size)) continue;
        if (l != level || (t != type && t != "Unified")) continue;
        const int64_t n = std::atoll(size.c_str());
        return size.back() == 'K' ? n * 1024 : size.back() == 'M' ? n * 1024 * 1024 : n;
    }
    return 0;
}

struct Caches {
    int64_t l1d = 0, l2 = 0;
    bool assumed = false;
};

const Caches &caches() {
    static const Caches c = [] {
        Caches out;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
        out.l1d = std::max<long>(0, sysconf(_SC_LEVEL1_DCACHE_SIZE));
        out.l2 = std::max<long>(0, sysconf(_SC_LEVEL2_CACHE_SIZE));
#endif
        if (out.l1d == 0) out.l1d = sysfs_cache_bytes(1, "Data");
        if (out.l2 == 0) out.l2 = sysfs_cache_bytes(2, "Unified");
        if (out.l1d == 0 || out.l2 == 0) {
            out.assumed = true;
            if (out.l1d == 0) out.l1d = 32 * 1024;
            if (out.l2 == 0) out.l2 = 512 * 1024;
        }
        return out;
    }();
    return c;
}

}  // namespace

std::vector<std::string> compiled_targets() {
    // SEPCONV_TARGET_LIST is the build's SEPCONV_TARGETS, best first, comma separated.
    std::vector<std::string> targets;
    std::stringstream list(SEPCONV_TARGET_LIST);
    std::string target;
    while (std::getline(list, target, ',')) targets.push_back(target);
    return targets;
}

Status set_max_target(const std::string &ceiling) {
    const std::vector<std::string> targets = compiled_targets();
    FeatureBits forbidden{};
    if (!ceiling.empty()) {
        auto it = std::find(targets.begin(), targets.end(), ceiling);
        if (it == targets.end()) {
            std::string known;
            for (const auto &t : targets) known += (known.empty() ? "" : ", ") + t;
            return Status::InvalidArgument("set_max_target: '" + ceiling + "' is not a compiled target (" + known + ")");
        }
        const FeatureBits allowed = feature_bits(ceiling);
        for (auto above = targets.begin(); above != it; ++above) {
            const FeatureBits bits = feature_bits(*above);
            for (int i = 0; i < kFeatureWords; ++i) forbidden[i] |= bits[i] & ~allowed[i];
        }
    }
    for (int i = 0; i < kFeatureWords; ++i) g_forbidden[i].store(forbidden[i], std::memory_order_relaxed);
    halide_set_custom_can_use_target_features(can_use_below_ceiling);
    return Status::Ok();
}

namespace internal {

namespace {

// Each compiled target, parsed once: every call asks for the dispatched one.
struct CompiledTarget {
    std::string name;
    FeatureBits features;
    bool int8_pairs;  // the int8 order its variants read
};

const std::vector<CompiledTarget> &compiled_target_table() {
    static const std::vector<CompiledTarget> targets = [] {
        std::vector<CompiledTarget> t;
        for (const std::string &target : compiled_targets()) {
            const FeatureBits bits = feature_bits(target);
            auto has = [&](halide_target_feature_t f) { return (bits[f / 64] >> (f % 64) & 1) != 0; };
            t.push_back({target, bits, sepconv::int8_pairs_order(target.rfind("x86", 0) == 0, has)});
        }
        return t;
    }();
    return targets;
}

}  // namespace

int dispatched_target_index() {
    const auto &targets = compiled_target_table();
    for (size_t i = 0; i < targets.size(); ++i) {
        if (halide_can_use_target_features(kFeatureWords, targets[i].features.data()) != 0) return static_cast<int>(i);
    }
    return -1;
}

const std::string &dispatched_target() {
    const int i = dispatched_target_index();
    static const std::string none;
    return i < 0 ? none : compiled_target_table()[static_cast<size_t>(i)].name;
}

bool dispatched_int8_pairs() {
    const int i = dispatched_target_index();
    return i >= 0 && compiled_target_table()[static_cast<size_t>(i)].int8_pairs;
}

cpu::CacheSizes cache_sizes() { return {caches().l1d, caches().l2}; }

}  // namespace internal

CpuInfo cpu_info() {
    CpuInfo info;
#if defined(__aarch64__)
    const unsigned long hwcap = getauxval(AT_HWCAP);
    info.features.push_back("asimd");
    if (hwcap & HWCAP_ASIMDDP) info.features.push_back("asimddp");
    if (hwcap & HWCAP_ASIMDHP) info.features.push_back("asimdhp");
#elif defined(__x86_64__) || defined(__i386__)
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
    SEPCONV_CPU_FEATURE("avx512vnni")
#undef SEPCONV_CPU_FEATURE
#endif
    info.dispatched_target = internal::dispatched_target();
    info.microarchitecture = internal::microarchitecture();
    info.l1d_bytes = caches().l1d;
    info.l2_bytes = caches().l2;
    info.caches_assumed = caches().assumed;
    return info;
}

}  // namespace sepconv
