// The tuning space of the CPU tile schedule (cpu_schedule.cpp), shared by the x86 and ARM
// families: every knob the schedule reads, with its range. Each family states its own defaults
// (x86/x86_schedule.cpp, arm/arm_schedule.cpp), the explicit fallback for untuned shapes.
//
// An offline autotuner searches this struct; the AOT build passes one instance per variant to the
// generator as the string generator parameter `tunables` ("key=value,key=value"); keys not given
// keep the family's defaults.
//
// One x86 variant holds code for several ISAs (multi-target dispatch), and AVX-512 code (32 vector
// registers of 16 lanes) wants other choices than AVX2 code (16 registers of 8 lanes). So every
// NHWC knob K below may also be given as K_avx512 ("co_vectors_avx512=4,parallel_over_avx512=channels"):
// AVX-512 code reads that value, every other ISA reads K. A variant tuned on each ISA carries both.
#pragma once

#include <string>

namespace sepconv::cpu {

// Where the depthwise intermediate is computed, relative to the output loop nest.
enum class DepthwiseAt {
    XTile,  // once per tile of `tile_x` output pixels, all channels (smallest footprint, L1-sized)
    Row,    // once per output row, all channels
};

// The NHWC depthwise loop order, inside the tile it is computed for.
enum class DepthwiseInner {
    Pixels,    // pixels inside each channel vector: the vector's taps stay in registers along a row
               // (wide rows, few channels)
    Channels,  // channel vectors inside each pixel: long vector loops over C, which hide the taps'
               // latency where rows are short (7x7, 14x14 images with hundreds of channels)
};

// What the NHWC output's parallel loop runs over.
enum class ParallelOver {
    Rows,      // output rows (x batch): each thread computes its rows' depthwise rows itself
    Channels,  // output-channel blocks: the depthwise result of the whole image is computed first
               // (its rows in parallel), then each thread takes whole weight blocks. For small
               // images (7x7, 14x14) that have too few rows to share out evenly.
};

struct Tunables {
    int co_vectors = 3;  // output channels per register block, in SIMD vectors   (range 1..8)
    int tile_x = 4;      // output pixels per register block                       (range 1..8)
    // NHWC: 0 = register blocks along each output row; R > 0 = the pixels of R rows form one flat run
    // of blocks, which may span two rows (no block half idle at the end of a 7-wide row), stored and
    // then copied into the output; their depthwise result is computed together. (range 0..16)
    int tile_rows = 0;
    // Vector lanes on AVX-512 targets: 0 = the natural 16, or 8 (256-bit vectors, 32 registers).
    int lanes_avx512 = 0;
    DepthwiseAt depthwise_at = DepthwiseAt::XTile;
    // Fixed kernel sizes, NHWC: the kh x kw taps written out as one sum, each row's taps summed, then
    // the rows (a dependency chain of kw + kh - 1 operations, not kh * kw, and no accumulator in
    // memory); otherwise, and for run-time sizes, a loop over the taps (unrolled in NCHW).
    bool unroll_kernel = true;
    DepthwiseInner depthwise_inner = DepthwiseInner::Pixels;
    // NHWC: copy the zero-padded input the depthwise tile reads into a scratch buffer first, so
    // the kh x kw taps read it without a bounds select each (which adds up for 5x5 kernels).
    bool pad_copy = false;
    // NHWC loop order: false = channel blocks inside pixel tiles (a depthwise tile serves every
    // weight block); true = pixel tiles inside channel blocks (a weight block, C x block floats,
    // serves the whole row; the depthwise result is then computed per row).
    bool co_outer = false;
    ParallelOver parallel_over = ParallelOver::Rows;
    // NCHW register block: output channels x vectors of output columns.
    int nchw_co_block = 4;   // (range 1..8)
    int nchw_x_vectors = 2;  // (range 1..4)

    // The K_avx512 values given, as "K=value,..." (validated), applied over the others by resolve().
    std::string avx512_overrides;

    // Parses "co_vectors=2,tile_x=6,tile_x_avx512=8,depthwise_at=row,depthwise_inner=channels,parallel_over=channels"
    // over the values already in *out. Returns false and fills `error` on an unknown key or an
    // out-of-range value.
    static bool parse(const std::string &text, Tunables *out, std::string *error);
    // Every knob, then every K_avx512 at the value AVX-512 code uses.
    std::string to_string() const;
    // The values one ISA's code uses: the K_avx512 values applied for AVX-512, ignored otherwise.
    Tunables resolve(bool avx512) const;
};

}  // namespace sepconv::cpu
