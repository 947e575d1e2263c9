// The machine's measured FP32 FMA throughput, the denominator of every "% of peak".
#pragma once

#include <string>

namespace sepconv_bench {

// The vector width of the FMAs the peak is measured with: that of the code sepconv dispatches to
// (512 bits where its dispatched Halide target is an AVX-512 one, else 256), so that a "% of peak"
// compares the kernels with the FMAs they can issue, also under a capped dispatch (--isa avx2).
int peak_fma_bits(const std::string &dispatched_target);

// GFLOP/s of independent FMA chains of `bits`-wide vectors (enough to hide FMA latency) on
// `threads` threads at once, best of a few runs. 0 where the CPU lacks those FMAs.
double fma_peak_gflops(int threads, int bits);

// One run of those chains on `threads` threads at once (tens of milliseconds); returns the FLOPs done, 0
// where the CPU lacks those FMAs. The bench times it like any other benchmark (peak/fma), so the peak
// is sampled interleaved with the layers, under the same load.
double run_fma_chains(int threads, int bits);

}  // namespace sepconv_bench
