// The machine's measured FP32 FMA throughput, the denominator of every "% of peak".
#pragma once

namespace sepconv_bench {

// GFLOP/s of independent _mm256_fmadd_ps chains (enough to hide FMA latency) on `threads`
// threads at once, best of a few runs. 0 where AVX2+FMA is missing.
double fma_peak_gflops(int threads);

}  // namespace sepconv_bench
