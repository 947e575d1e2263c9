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
    std::vector<std::thread> pool;
    std::vector<float> sinks(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&sinks, t, wide, iterations] {
            sinks[t] = wide ? fma_chains_512(iterations) : fma_chains_256(iterations);
        });
    }
    for (auto &t : pool) t.join();
    volatile float sink = sinks[0];
    (void)sink;
    return 2.0 * (bits / 32) * kChains * static_cast<double>(iterations) * threads;
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
