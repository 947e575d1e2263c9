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

__attribute__((target("avx2,fma"))) float fma_chains(long iterations) {
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

}  // namespace

double run_fma_chains(int threads) {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    std::vector<std::thread> pool;
    std::vector<float> sinks(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) pool.emplace_back([&sinks, t] { sinks[t] = fma_chains(kIterations); });
    for (auto &t : pool) t.join();
    volatile float sink = sinks[0];
    (void)sink;
    return 2.0 * 8 * kChains * static_cast<double>(kIterations) * threads;
}

double fma_peak_gflops(int threads) {
    double best = 0;
    for (int run = 0; run < 3; ++run) {
        const auto start = std::chrono::steady_clock::now();
        const double flops = run_fma_chains(threads);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, flops / seconds * 1e-9);
    }
    return best;
}

}  // namespace sepconv_bench
