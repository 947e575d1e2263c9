#include "cpu_schedule.h"

namespace sepconv::cpu {
namespace {

using Halide::Func;
using Halide::LoopLevel;
using Halide::Stage;
using Halide::TailStrategy;
using Halide::Var;

// Depthwise stage: vectorized over input channels (contiguous in NHWC), accumulated in registers
// over the kernel taps. TailStrategy::GuardWithIf everywhere a split covers a run-time extent: the
// depthwise tile must never be computed for channels that do not exist, because that would read
// the input and the filter out of bounds.
void schedule_depthwise_over_channels(SepconvPipeline &p, const Tunables &t, int vec) {
    Func dw = p.depthwise;
    Var ci("dw_ci");
    dw.reorder_storage(p.c, p.m, p.x, p.y, p.n);
    dw.reorder(p.c, p.m, p.x, p.y, p.n).vectorize(p.c, vec, TailStrategy::GuardWithIf);

    Stage update = dw.update();
    // Taps inside pixels: each pixel's accumulator stays in a register across all kh*kw taps.
    update.split(p.c, p.c, ci, vec, TailStrategy::GuardWithIf)
        .reorder(ci, p.r_kernel.x, p.r_kernel.y, p.x, p.m, p.c, p.y, p.n)
        .vectorize(ci);
    const bool fixed_kernel = p.fixed_kernel_w > 0 && p.fixed_kernel_h > 0;
    if (fixed_kernel && t.unroll_kernel) {
        update.unroll(p.r_kernel.x).unroll(p.r_kernel.y);
    }
}

// NHWC: output(co, x, y, n). Register blocks of (co_vectors * vec) channels x tile_x pixels;
// the depthwise tile is computed inside that nest and never written whole to memory, except with
// parallel_over=channels, where it is computed for the whole image first.
void schedule_nhwc(SepconvPipeline &p, const Tunables &t, int vec) {
    Func out = p.output;
    Var coo("coo"), coi("coi"), xo("xo"), xi("xi");
    const int block = vec * t.co_vectors;
    const bool over_channels = t.parallel_over == ParallelOver::Channels;

    // Channel blocks always start at multiples of the block (GuardWithIf; see the fast path below).
    auto tile_output = [&](Stage s, TailStrategy x_tail) {
        s.split(p.co, coo, coi, block, TailStrategy::GuardWithIf).split(p.x, xo, xi, t.tile_x, x_tail);
        if (over_channels) {
            // Threads take whole weight blocks; rows and pixel tiles run inside each block.
            s.reorder(coi, xi, xo, p.y, coo, p.n).parallel(coo);
            return;
        }
        // Rows in parallel, images one after the other. Not fused with the batch: on the plain
        // row loop Halide peels the top and bottom padding rows off, so the interior rows'
        // depthwise taps carry no row test (a blend per tap; conv2 +2-5% without it).
        s.parallel(p.y);
        if (t.co_outer) {
            s.reorder(coi, xi, xo, coo, p.y, p.n);  // a weight block serves the whole row
        } else {
            s.reorder(coi, xi, coo, xo, p.y, p.n);  // a depthwise tile serves every weight block
        }
    };
    // Fast path: images at least one pixel tile wide. Channel blocks start at multiples of the
    // block (GuardWithIf: the last one may be partial, even the only one when Cout < block; Halide
    // peels it off the steady state and its register tile still has the full, constant size), so
    // each vector of weights is one dense load from the packed filter. ShiftInwards keeps every
    // pixel tile full-size. (Requiring a full channel block sent Cout = 24 to the slow general path
    // under AVX2's 32-channel default block: mobilenet_v2_block2 39 instead of 80 GFLOP/s.)
    Stage fast = out.specialize(p.output_width >= t.tile_x);
    tile_output(fast, TailStrategy::ShiftInwards);
    fast.vectorize(coi, vec).unroll(coi).unroll(xi);
    // Fallback for tiny layers (fewer channels than a block, or images narrower than a tile).
    tile_output(out, TailStrategy::GuardWithIf);

    // The pointwise accumulators: one register tile, at the innermost of the two tile loops.
    Func pw = p.pointwise;
    pw.compute_at(out, t.co_outer || over_channels ? xo : coo);
    pw.align_bounds(p.co, block).bound_storage(p.co, block);
    // The zero-init unrolled too: as a loop over a run-time extent (the block's channels, at most
    // `block`) LLVM turned it into a call to memset and kept the accumulators on the stack between
    // init, reduction and epilogue: ~35 extra instructions a tile, a third more time at C = 32.
    pw.vectorize(p.co, vec, TailStrategy::GuardWithIf).unroll(p.co);
    // Per channel step, the operands of the inner tile dimension are loaded once and held across the
    // outer one: co_vectors weight vectors (channels inner) or tile_x pixel broadcasts (pixels
    // inner). Holding the fewer leaves the register file to the accumulators (4 x 3 on AVX2: 12
    // accumulators + 3 broadcasts + 1 weight = 16 registers, where channels inner needs 17).
    Stage pw_update = pw.update();
    if (t.co_vectors <= t.tile_x) {
        pw_update.reorder(p.co, p.x, p.r_channel.x, p.r_channel.y, p.y, p.n);
    } else {
        pw_update.reorder(p.x, p.co, p.r_channel.x, p.r_channel.y, p.y, p.n);
    }
    // (x by a constant factor: in the general path, images narrower than a tile, the extent is the
    // run-time width.)
    pw_update.vectorize(p.co, vec, TailStrategy::GuardWithIf).unroll(p.co).unroll(p.x, t.tile_x, TailStrategy::GuardWithIf);

    // Where the depthwise result (and the stored padded input) is computed. With parallel_over=channels:
    // for the whole image, its rows shared out among the threads, before the channel blocks that all
    // read it. Otherwise with co_outer the x tiles run inside each channel block, so the depthwise
    // row is computed once per row, before all of them.
    const bool per_row = t.depthwise_at == DepthwiseAt::Row || t.co_outer;
    const LoopLevel dw_at = over_channels ? LoopLevel(out, p.n) : LoopLevel(out, per_row ? p.y : xo);
    p.depthwise.compute_at(dw_at);
    schedule_depthwise_over_channels(p, t, vec);
    if (t.pad_copy) p.padded.compute_at(dw_at).vectorize(p.c, vec, TailStrategy::GuardWithIf);
    if (over_channels) {
        p.depthwise.parallel(p.y);
        p.depthwise.update().parallel(p.y);
        if (t.pad_copy) p.padded.parallel(p.y);
    }
}

// NCHW: output(x, y, co, n). Channels are far apart in memory, so vectorize over output columns
// instead: register blocks of nchw_co_block channels x nchw_x_vectors vectors of columns, with the
// depthwise tile (all channels, one block of columns) computed once per column block and reused
// by every channel block.
void schedule_nchw(SepconvPipeline &p, const Tunables &t, int vec) {
    Func out = p.output;
    Var xo("xo"), xi("xi"), coo("coo"), coi("coi"), yn("yn");
    const int x_block = vec * t.nchw_x_vectors;

    auto tile_output = [&](Stage s, TailStrategy tail) {
        s.split(p.x, xo, xi, x_block, tail)
            .split(p.co, coo, coi, t.nchw_co_block, tail)
            .reorder(xi, coi, coo, xo, p.y, p.n)
            .fuse(p.y, p.n, yn)
            .parallel(yn);
    };
    Stage fast = out.specialize(p.output_channels >= t.nchw_co_block && p.output_width >= x_block);
    tile_output(fast, TailStrategy::ShiftInwards);
    fast.vectorize(xi, vec).unroll(xi).unroll(coi);
    tile_output(out, TailStrategy::GuardWithIf);

    Func pw = p.pointwise;
    pw.compute_at(out, coo);
    pw.vectorize(p.x, vec, TailStrategy::GuardWithIf);
    pw.update()
        .reorder(p.x, p.co, p.r_channel.x, p.r_channel.y, p.y, p.n)
        .vectorize(p.x, vec, TailStrategy::GuardWithIf)
        .unroll(p.x)
        .unroll(p.co);

    Func dw = p.depthwise;
    dw.compute_at(out, xo);
    dw.reorder_storage(p.x, p.m, p.c, p.y, p.n);
    dw.vectorize(p.x, vec, TailStrategy::GuardWithIf);
    Stage update = dw.update();
    update.reorder(p.x, p.r_kernel.x, p.r_kernel.y, p.m, p.c, p.y, p.n)
        .vectorize(p.x, vec, TailStrategy::GuardWithIf);
    if (p.fixed_kernel_w > 0 && p.fixed_kernel_h > 0 && t.unroll_kernel) {
        update.unroll(p.r_kernel.x).unroll(p.r_kernel.y);
    }
}

}  // namespace

void apply_schedule(SepconvPipeline &p, const Tunables &given, const Halide::Target &target) {
    int vec = target.natural_vector_size<float>();
    // 512-bit vectors mean AVX-512, which also doubles the vector registers (32): its code reads the
    // K_avx512 values (a larger tile fits).
    const bool avx512 = vec >= 16;
    const Tunables t = given.resolve(avx512);
    // 256-bit vectors on AVX-512 (still 32 registers): channel counts such as 24 or 40 are whole
    // multiples of 8 lanes but not of 16, so the last register block is not computed twice over.
    if (avx512 && t.lanes_avx512 > 0) vec = t.lanes_avx512;
    if (p.layout == Layout::NHWC) {
        schedule_nhwc(p, t, vec);
    } else {
        schedule_nchw(p, t, vec);
    }
}

bool apply_schedule(SepconvPipeline &p, Tunables defaults, const std::string &tunables, const Halide::Target &target,
                    std::string *error) {
    if (!Tunables::parse(tunables, &defaults, error)) return false;
    apply_schedule(p, defaults, target);
    return true;
}

}  // namespace sepconv::cpu
