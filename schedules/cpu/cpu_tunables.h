// The configuration of the CPU tile schedule (cpu_schedule.cpp), shared by the x86 and ARM
// families: the fields the schedule reads. Each knob is declared once, in the registry of
// cpu_tunables.cpp (values, the ones the tuner tries, layouts, ISAs, when it is ignored); each
// family states its defaults per ISA (schedules/families.cpp), the fallback for untuned shapes.
#pragma once

#include "common/knobs.h"

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
    int co_vectors = 3;  // NHWC: output channels per register block, in SIMD vectors
    int tile_x = 4;      // NHWC: output pixels per register block
    // NHWC: 0 = register blocks along each output row; R > 0 = the pixels of R rows form one flat run
    // of blocks, which may span two rows (no block half idle at the end of a 7-wide row), stored and
    // then copied into the output; their depthwise result is computed together.
    int tile_rows = 0;
    // Vector lanes where the natural vector has 16 (AVX-512): 0 = 16, or 8 (256-bit vectors, still
    // 32 registers: channel counts such as 24 or 40 fill whole vectors of 8).
    int lanes = 0;
    DepthwiseAt depthwise_at = DepthwiseAt::XTile;
    // Fixed kernel sizes: NHWC writes the kh x kw taps out as one sum (each row's taps, then the
    // rows: a dependency chain of kw + kh - 1 operations, not kh * kw, and no accumulator in memory);
    // NCHW unrolls the tap loop. Otherwise, and for run-time sizes, a loop over the taps.
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
    // NHWC, where a weight block serves a run of pixel tiles (co_outer, parallel_over=channels):
    // 0 = each tile sums all C*M channels, its weight block (C*M x co_vectors vectors) streaming
    // from L2 once a tile when it outgrows the L1; K > 0 = the sums run over blocks of K channels
    // (K input channels with their M products each, in float), each block's weights serving every
    // tile of the run from L1, the run's sums held in memory between blocks (float16 arithmetic's
    // 16-channel blocks of its own ignore it).
    int k_block = 0;
    // NCHW register block: output channels x vectors of output columns.
    int nchw_co_block = 4;
    int nchw_x_vectors = 2;
};

// The vector core both fits() and the cost model (cost_model.h) assume. Today's cores issue two
// vector FMAs a cycle at a latency of 4 (Intel since Skylake-SP, Zen 5 on 512 bits, Zen 2-4 on 256
// bits, Neoverse N1/V1) and two vector loads or broadcasts. A core that issues one FMA a cycle
// (Zen 4's double-pumped AVX-512) is already served by half the accumulators, so a configuration
// tuned there can run at half speed on the others.
struct VectorCore {
    static constexpr int kFmaLatency = 4;
    static constexpr int kFmasPerCycle = 2;
    static constexpr int kLoadsPerCycle = 2;
    // Independent accumulators that keep the FMA units busy.
    static constexpr int kMinAccumulators = kFmaLatency * kFmasPerCycle;
};

// Every knob of Tunables, declared once.
const KnobRegistry<Tunables> &knobs();

// Whether `t` is worth compiling on `isa`: enough independent accumulators to hide the FMA latency
// (tests/check_vector_code.py asks for as many vector FMAs in the hot loop), and an NHWC register
// tile that fits the register file with its operands.
bool fits(const Tunables &t, bool nchw, const Isa &isa);

// The vector width `t`'s code uses on `isa`.
inline int vector_lanes(const Tunables &t, const Isa &isa) { return t.lanes > 0 ? t.lanes : isa.lanes; }

// Whether a call runs the schedule's fast path: at least one full register block of pixels (and, in
// NCHW, of output channels), so blocks are full-size (ShiftInwards) and unrolled. Stated once for
// both the schedule (T = Halide::Expr) and explain() (T = int64_t).
template <typename T>
auto full_blocks(const Tunables &t, bool nchw, int lanes, const T &out_channels, const T &out_width,
                 const T &out_height) {
    if (nchw) return out_channels >= t.nchw_co_block && out_width >= lanes * t.nchw_x_vectors;
    // A run is a row; with tile_rows > 0, tile_rows rows (counted whole, even past the image), or
    // the whole image with parallel_over=channels.
    const bool flat = t.tile_rows > 0, over_channels = t.parallel_over == ParallelOver::Channels;
    return out_width * (!flat ? 1 : over_channels ? out_height : t.tile_rows) >= t.tile_x;
}

}  // namespace sepconv::cpu
