// The machine's measured FP32 FMA throughput, the denominator of every "% of peak".
#pragma once

namespace sepconv_bench {

// GFLOP/s of independent _mm256_fmadd_ps chains (enough to hide FMA latency) on `threads`
// threads at once, best of a few runs. 0 where AVX2+FMA is missing.
double fma_peak_gflops(int threads);

// One run of those chains on `threads` threads at once (tens of milliseconds); returns the FLOPs done, 0
// where AVX2+FMA is missing. The bench times it like any other benchmark (peak/fma), so the peak
// is sampled interleaved with the layers, under the same load.
double run_fma_chains(int threads);

}  // namespace sepconv_bench
