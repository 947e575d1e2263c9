// The machine's measured FP32 FMA throughput, the denominator of every "% of peak"; and the same
// for int8's 1x1, whose multiply-adds are other instructions.
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

// The instructions int8's 1x1 multiply-adds with in the code sepconv dispatches to: VNNI's vpdpbusd
// (512-bit, 64 multiply-adds an instruction), else pmaddwd (16 or 32 int16 products summed in
// pairs) and the add that accumulates them, AVX2's or AVX-512's.
std::string int8_peak_form(const std::string &dispatched_target);

// One run of independent chains of those instructions on `threads` threads at once (tens of
// milliseconds); returns the int8 operations done (2 a multiply-add, as the layers count them), 0
// where the CPU lacks the instructions. Timed as the benchmark peak/int8.
double run_int8_chains(int threads, const std::string &dispatched_target);

}  // namespace sepconv_bench
