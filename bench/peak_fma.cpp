#include "peak_fma.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace sepconv_bench {
namespace {

constexpr int kChains = 12;           // independent accumulators: > FMA latency x throughput (4-5 x 2)
constexpr long kIterations = 1 << 24;  // per thread, per run

__attribute__((target("avx2,fma"))) float fma_chains_256(long iterations) {
    __m256 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(0.001f * i);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long it = 0; it < iterations; ++it) {
        for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 sum = acc[0];
    for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
    float out[8];
    _mm256_storeu_ps(out, sum);
    return out[0];
}

__attribute__((target("avx512f"))) float fma_chains_512(long iterations) {
    __m512 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(0.001f * i);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long it = 0; it < iterations; ++it) {
        for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
    return _mm512_reduce_add_ps(sum);
}

// int8: eight accumulators, each step a product of loop-invariant operands the compiler cannot
// hoist (written in assembly) and its add; the temporaries are renamed, so the steps are independent
// but for the accumulators' adds (latency 1). VNNI's vpdpbusd accumulates itself (latency 4-5):
// twelve chains.
#define SEPCONV_PAIR(w, i, t) "vpmaddwd %%" w "14, %%" w "15, %%" w t "\n vpaddd %%" w t ", %%" w i ", %%" w i "\n"
#define SEPCONV_PAIRS(w) \
    SEPCONV_PAIR(w, "0", "8") SEPCONV_PAIR(w, "1", "9") SEPCONV_PAIR(w, "2", "10") SEPCONV_PAIR(w, "3", "11") \
    SEPCONV_PAIR(w, "4", "12") SEPCONV_PAIR(w, "5", "13") SEPCONV_PAIR(w, "6", "8") SEPCONV_PAIR(w, "7", "9")
constexpr int kPairsPerStep = 8, kDotsPerStep = 12;

__attribute__((target("avx2"))) void pmaddwd_chains_256(long iterations) {
    __asm__ volatile("vpcmpeqd %%ymm14, %%ymm14, %%ymm14\n vpabsw %%ymm14, %%ymm15" ::: "xmm14", "xmm15");
    for (long it = 0; it < iterations; ++it) {
        __asm__ volatile(SEPCONV_PAIRS("ymm") ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                         "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13");
    }
}

__attribute__((target("avx512bw"))) void pmaddwd_chains_512(long iterations) {
    __asm__ volatile("vpternlogd $0xff, %%zmm14, %%zmm14, %%zmm14\n vpabsw %%zmm14, %%zmm15" ::: "xmm14", "xmm15");
    for (long it = 0; it < iterations; ++it) {
        __asm__ volatile(SEPCONV_PAIRS("zmm") ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                         "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13");
    }
}

__attribute__((target("avx512vnni,avx512bw"))) void vpdpbusd_chains_512(long iterations) {
    __asm__ volatile("vpternlogd $0xff, %%zmm14, %%zmm14, %%zmm14\n vpabsb %%zmm14, %%zmm15" ::: "xmm14", "xmm15");
    for (long it = 0; it < iterations; ++it) {
        __asm__ volatile(
            "vpdpbusd %%zmm14, %%zmm15, %%zmm0\n vpdpbusd %%zmm14, %%zmm15, %%zmm1\n"
            "vpdpbusd %%zmm14, %%zmm15, %%zmm2\n vpdpbusd %%zmm14, %%zmm15, %%zmm3\n"
            "vpdpbusd %%zmm14, %%zmm15, %%zmm4\n vpdpbusd %%zmm14, %%zmm15, %%zmm5\n"
            "vpdpbusd %%zmm14, %%zmm15, %%zmm6\n vpdpbusd %%zmm14, %%zmm15, %%zmm7\n"
            "vpdpbusd %%zmm14, %%zmm15, %%zmm8\n vpdpbusd %%zmm14, %%zmm15, %%zmm9\n"
            "vpdpbusd %%zmm14, %%zmm15, %%zmm10\n vpdpbusd %%zmm14, %%zmm15, %%zmm11\n"
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11");
    }
}

// One int8 form: its name, whether the CPU has it, multiply-adds per step of its chains, the chains.
struct Int8Chains {
    const char *form;
    bool (*supported)();
    double per_step;
    void (*run)(long iterations);
};

// The form of the code sepconv dispatches to: VNNI's targets, else AVX-512's or AVX2's pmaddwd.
const Int8Chains &int8_chains(const std::string &dispatched_target) {
    static const Int8Chains vnni{"vpdpbusd 512-bit", [] { return bool(__builtin_cpu_supports("avx512vnni")); },
                                 64.0 * kDotsPerStep, vpdpbusd_chains_512};
    static const Int8Chains pairs_512{"vpmaddwd + vpaddd 512-bit", [] { return bool(__builtin_cpu_supports("avx512bw")); },
                                      32.0 * kPairsPerStep, pmaddwd_chains_512};
    static const Int8Chains pairs_256{"vpmaddwd + vpaddd 256-bit", [] { return bool(__builtin_cpu_supports("avx2")); },
                                      16.0 * kPairsPerStep, pmaddwd_chains_256};
    const auto has = [&](const char *part) { return dispatched_target.find(part) != std::string::npos; };
    if (has("avx512_zen4") || has("avx512_sapphirerapids")) return vnni;
    return has("avx512") ? pairs_512 : pairs_256;
}

// Runs `work(t)` on `threads` threads at once, t = 0..threads-1.
template <typename Work>
void on_threads(int threads, const Work &work) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&work, t] { work(t); });
    for (auto &t : pool) t.join();
}

}  // namespace

int peak_fma_bits(const std::string &dispatched_target) {
    return dispatched_target.find("avx512") != std::string::npos ? 512 : 256;
}

double run_fma_chains(int threads, int bits) {
    const bool wide = bits == 512;
    if (wide ? !__builtin_cpu_supports("avx512f")
             : !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        return 0;
    }
    // Half the iterations at twice the width: the same FLOPs, the same tens of milliseconds.
    const long iterations = wide ? kIterations / 2 : kIterations;
    std::vector<float> sinks(static_cast<size_t>(threads));
    on_threads(threads, [&](int t) { sinks[t] = wide ? fma_chains_512(iterations) : fma_chains_256(iterations); });
    volatile float sink = sinks[0];
    (void)sink;
    return 2.0 * (bits / 32) * kChains * static_cast<double>(iterations) * threads;
}

std::string int8_peak_form(const std::string &dispatched_target) { return int8_chains(dispatched_target).form; }

double run_int8_chains(int threads, const std::string &dispatched_target) {
    const Int8Chains &chains = int8_chains(dispatched_target);
    if (!chains.supported()) return 0;
    // Twice the operations of the 256-bit FMA run: about its time, int8 running faster.
    const long iterations = static_cast<long>(kIterations * 2 * 8 * kChains / chains.per_step);
    on_threads(threads, [&](int) { chains.run(iterations); });
    return 2.0 * chains.per_step * static_cast<double>(iterations) * threads;
}

double fma_peak_gflops(int threads, int bits) {
    double best = 0;
    for (int run = 0; run < 3; ++run) {
        const auto start = std::chrono::steady_clock::now();
        const double flops = run_fma_chains(threads, bits);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, flops / seconds * 1e-9);
    }
    return best;
}

}  // namespace sepconv_bench
