#include "cpu_schedule.h"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

namespace sepconv::cpu {
namespace {

using Halide::Func;
using Halide::LoopLevel;
using Halide::Stage;
using Halide::TailStrategy;
using Halide::Var;

// Schedules `f` twice through `schedule`: for calls without an activation (its epilogue is the bias
// alone), then for the others. The no-activation specialization is the outer one, so the other path
// is lowered knowing the activation is not 0 and its epilogue has no select between the two.
template <typename Schedule>
void schedule_per_epilogue(Func f, const SepconvPipeline &p, Schedule schedule) {
    schedule(f.specialize(p.no_activation));
    schedule(Stage(f));
}

// Depthwise stage: vectorized over input channels (contiguous in NHWC); each pixel's sum of taps in
// registers. Either the taps written out (unrolled_taps: a pure definition) or a loop over them (the
// update of a zero-initialized accumulator, then a pass applying the depthwise bias and
// activation). depthwise_inner orders pixels and channel vectors. The definition that holds the
// depthwise bias and activation is specialized for calls without them (TF's op), where it is the
// sum alone (the loop form's pass stores what it loads, which LLVM deletes).
// TailStrategy::GuardWithIf everywhere a split covers a run-time extent: the depthwise tile must never
// be computed for channels that do not exist, because that would read the input and the filter out
// of bounds.
void schedule_depthwise_over_channels(SepconvPipeline &p, const Tunables &t, int vec) {
    Func dw = p.depthwise;
    Var ci("dw_ci");
    dw.reorder_storage(p.c, p.m, p.x, p.y, p.n);
    const bool pixels_inner = t.depthwise_inner == DepthwiseInner::Pixels;
    auto order = [&](std::vector<Halide::VarOrRVar> taps) {
        std::vector<Halide::VarOrRVar> loops{ci};
        loops.insert(loops.end(), taps.begin(), taps.end());
        for (Var v : pixels_inner ? std::vector<Var>{p.x, p.m, p.c} : std::vector<Var>{p.m, p.c, p.x}) loops.push_back(v);
        loops.push_back(p.y);
        loops.push_back(p.n);
        return loops;
    };
    // A channel count that is a whole number of half vectors but not of vectors (24, 40, 56 or 728
    // channels on 16 lanes) runs on half vectors, all of them full. On whole vectors the last one
    // is partial: a masked loop over the pixels that loop partitioning leaves alone, so it keeps
    // the image border's select on every tap, and it took longer than the full vectors together.
    // (Only where a half vector is still 8 lanes: a full AVX2 vector.)
    auto per_width = [&](Stage s, const std::function<void(Stage, int)> &schedule) {
        const int half = vec / 2;
        if (half >= 8) {
            schedule(s.specialize(p.input_channels % vec != 0 && p.input_channels % half == 0), half);
        }
        schedule(s, vec);
    };
    if (p.unrolled_taps) {
        for (Stage s : {dw.specialize(p.depthwise_plain), Stage(dw)}) {
            per_width(s, [&](Stage s, int lanes) {
                s.split(p.c, p.c, ci, lanes, TailStrategy::GuardWithIf).reorder(order({})).vectorize(ci);
            });
        }
        return;
    }
    per_width(Stage(dw), [&](Stage s, int lanes) {
        s.reorder(p.c, p.m, p.x, p.y, p.n).vectorize(p.c, lanes, TailStrategy::GuardWithIf);
    });
    // A run-time multiplier gathers each channel's taps from the filter, except where it is 1.
    std::vector<Stage> taps{dw.update(0)};
    if (p.single_multiplier.defined()) taps.insert(taps.begin(), dw.update(0).specialize(p.single_multiplier));
    for (Stage s : taps) {
        per_width(s, [&](Stage s, int lanes) {
            s.split(p.c, p.c, ci, lanes, TailStrategy::GuardWithIf)
                .reorder(order({p.r_kernel.x, p.r_kernel.y}))
                .vectorize(ci);
        });
    }
    for (Stage s : {dw.update(1).specialize(p.depthwise_plain), dw.update(1)}) {
        per_width(s, [&](Stage s, int lanes) {
            s.reorder(p.c, p.m, p.x, p.y, p.n).vectorize(p.c, lanes, TailStrategy::GuardWithIf);
        });
    }
}

// NHWC: output(co, x, y, n). Register blocks of (co_vectors * vec) channels x tile_x pixels; the
// depthwise result is computed just before the blocks that read it and never written whole to
// memory, except with parallel_over=channels, where it is computed for the whole image first.
//
// Where the blocks are cut: with tile_rows = 0, along each output row (the output's own loops; a
// block of a 7-wide row then computes up to 2 pixels twice). With tile_rows = R, the pixels of R rows
// (or of the whole image, with parallel_over=channels) form one flat run (the generator's
// flat_output(co, pixel, n)), cut into blocks that may span two rows, stored and copied into the
// output: one extra store and load per value, for blocks that waste no pixels. When a weight block
// serves the whole run (co_outer, parallel_over=channels), the run is stored one channel block at a
// time, small enough to be copied out of L1.
void schedule_nhwc(SepconvPipeline &p, const Tunables &t, int vec) {
    Func out = p.output;
    const bool flat = p.flat_pixels;  // the generator asked flat_pixels(): tile_rows > 0
    // The Func whose loops hold the register blocks: (co, pixel, n) when flat, (co, x, y, n) otherwise.
    Func blocks = flat ? p.flat_output : out;
    Var pixels = flat ? p.pixel : p.x;
    Var coo("coo"), coi("coi"), xo("xo"), xi("xi"), yo("yo"), yi("yi");
    // Output channels a register tile holds (int8's groups may take several lanes a channel).
    const int block = vec / p.int8_lanes * t.co_vectors;
    const bool over_channels = t.parallel_over == ParallelOver::Channels;

    // Pixel blocks inside each channel block: a weight block serves all the pixels of a row (of a
    // run, when flat), and a flat run is then stored one channel block at a time (see above).
    const bool pixels_inside_channel_block = t.co_outer || over_channels;
    const bool flat_per_block = flat && pixels_inside_channel_block;
    // The 1x1 sums in blocks of k_block channels, a run's sums held in memory between them (not
    // float16 arithmetic's, which sums blocks of its own).
    const bool k_blocks = pixels_inside_channel_block && t.k_block > 0 && !p.pointwise_partial.defined();

    // Channel blocks always start at multiples of the block (GuardWithIf; see the fast path below).
    auto tile_blocks = [&](Stage s, TailStrategy x_tail) {
        s.split(p.co, coo, coi, block, TailStrategy::GuardWithIf).split(pixels, xo, xi, t.tile_x, x_tail);
        if (flat) {  // a run's pixels; the output's loops over runs (and channel blocks) are below
            if (pixels_inside_channel_block) {
                s.reorder(coi, xi, xo, coo, p.n);
            } else {
                s.reorder(coi, xi, coo, xo, p.n);
            }
            return;
        }
        if (over_channels) {
            // Threads take whole weight blocks; rows and pixel blocks run inside each block.
            s.reorder(coi, xi, xo, p.y, coo, p.n).parallel(coo);
            return;
        }
        // Rows in parallel, images one after the other. Not fused with the batch: on the plain
        // row loop Halide peels the top and bottom padding rows off, so the interior rows'
        // depthwise taps carry no row test (otherwise a blend per tap).
        s.parallel(p.y);
        if (t.co_outer) {
            s.reorder(coi, xi, xo, coo, p.y, p.n);  // a weight block serves the whole row
        } else {
            s.reorder(coi, xi, coo, xo, p.y, p.n);  // a depthwise tile serves every weight block
        }
    };
    // Fast path: runs of at least one full pixel block (a run is a row; with tile_rows > 0, tile_rows
    // rows counted whole even past the image, or the whole image with parallel_over=channels).
    // Channel blocks start at multiples of the block (GuardWithIf: the last one may be partial, even
    // the only one when Cout < block; Halide peels it off the steady state and its register tile
    // still has the full, constant size), so each vector of weights is one dense load from the
    // packed filter. ShiftInwards keeps every pixel block full-size (the last one overlaps its
    // neighbour: those pixels are computed and stored twice, the same values).
    const Halide::Expr fits = full_blocks(t, /*nchw=*/false, vec, p.output_channels, p.output_width, p.output_height);
    // int8's epilogue takes a pixel's whole channel block as one vector: its int32 results then
    // narrow to int8 by saturating packs across vectors (two to four int32 vectors a pack), and the
    // activation clamps whole int8 vectors, where a vector of 8 channels took as many steps alone.
    const int epilogue_vec = p.quantized ? std::max(block, vec) : vec;
    schedule_per_epilogue(blocks, p, [&](Stage s) {
        Stage fast = s.specialize(fits);
        tile_blocks(fast, TailStrategy::ShiftInwards);
        fast.vectorize(coi, epilogue_vec).unroll(coi).unroll(xi);
        // Fallback for tiny layers (fewer pixels than a block).
        tile_blocks(s, TailStrategy::GuardWithIf);
    });

    // int8's narrow copies (the padded input in int16; the groups' channels in int16 or 8 bits; the
    // flat output in 8 bits) fill a register with as many lanes as their type holds where `channels`
    // (and the blocks of `block_channels` they are copied by, if split) are a whole number of such
    // vectors (a partial vector would run masked at every pixel); `vec` lanes otherwise, which for
    // int8 outputs are scalar 64-bit moves on AVX2.
    auto vectorize_narrow = [&](Stage s, Var v, int bits, const Halide::Expr &channels, int block_channels = 0) {
        const int wide = vec * 32 / bits;
        if (p.quantized && wide > vec && block_channels % wide == 0) {
            s.specialize(channels % wide == 0).vectorize(v, wide, TailStrategy::GuardWithIf);
        }
        s.vectorize(v, vec, TailStrategy::GuardWithIf);
    };

    // Flat: the output copies the stored blocks, of the whole image (parallel_over=channels) or of a
    // group of tile_rows rows at a time (GuardWithIf: the last group's blocks may cover rows past
    // the image, computed on the zero padding and not copied).
    if (flat && !over_channels) out.split(p.y, yo, yi, t.tile_rows, TailStrategy::GuardWithIf);
    const Var rows = over_channels ? p.y : yi, groups = over_channels ? p.n : yo;
    if (flat_per_block) {
        out.split(p.co, coo, coi, block, TailStrategy::GuardWithIf).reorder(coi, p.x, rows, coo, groups)
            .parallel(over_channels ? coo : yo);
        vectorize_narrow(out, coi, out.type().bits(), p.output_channels, block);
        blocks.compute_at(out, coo);
    } else if (flat) {
        out.parallel(yo);
        vectorize_narrow(out, p.co, out.type().bits(), p.output_channels);
        blocks.compute_at(out, yo);
    }

    // The pointwise accumulators: one register tile, at the innermost of the two tile loops.
    // The zero-init unrolled too: as a loop over a run-time extent (the block's channels, at most
    // `block`) LLVM turned it into a call to memset and kept the accumulators on the stack between
    // init, reduction and epilogue.
    // Per channel step, the operands of the inner tile dimension are loaded once and held across the
    // outer one: co_vectors weight vectors (channels inner) or tile_x pixel broadcasts (pixels
    // inner). Holding the fewer leaves the register file to the accumulators (4 x 3 on AVX2: 12
    // accumulators + 3 broadcasts + 1 weight = 16 registers, where channels inner needs 17).
    Var tile("pw_tile"), in_tile("pw_in_tile");
    // A register tile's update loops outside `inner` (the tile, whose pixels are `in_tile`, and the
    // reduction's inner steps): the reduction's outermost RVar `r` and the run's pixel tiles. Either
    // each tile sums all of `r` (its weight block streaming through once a tile), or, with k_blocks,
    // `r` runs in blocks of `per_block`, each block over every tile of the run while its weights sit
    // in L1. (Pixels by a constant factor: in the general path the extent is a run-time value.)
    auto tile_and_reduction = [&](Stage update, std::vector<Halide::VarOrRVar> inner, Halide::RVar r, int per_block) {
        update.split(pixels, tile, in_tile, t.tile_x, TailStrategy::GuardWithIf);
        if (k_blocks) {
            Halide::RVar block_of("pw_k_block"), in_block("pw_k_in_block");
            update.split(r, block_of, in_block, per_block, TailStrategy::GuardWithIf);
            inner.insert(inner.end(), {in_block, tile, block_of});
        } else {
            inner.insert(inner.end(), {r, tile});
        }
        if (!flat) inner.push_back(p.y);
        inner.push_back(p.n);
        update.reorder(inner);
    };
    auto register_tile = [&](Func f, const std::vector<Halide::RVar> &reduction) {
        f.align_bounds(p.co, block).bound_storage(p.co, block);
        f.vectorize(p.co, vec, TailStrategy::GuardWithIf).unroll(p.co);
        Stage update = f.update();
        std::vector<Halide::VarOrRVar> order{p.co, in_tile};
        if (t.co_vectors > t.tile_x) std::swap(order[0], order[1]);
        order.insert(order.end(), reduction.begin(), reduction.end() - 1);
        tile_and_reduction(update, order, reduction.back(), t.k_block);
        update.vectorize(p.co, vec, TailStrategy::GuardWithIf).unroll(p.co).unroll(in_tile);
    };
    // int8: the register tile is pointwise_groups(h, co, ...) (SepconvPipeline::depthwise_k): each step
    // a vector of output channels times their groups' lanes h. Where a lane sums several of the
    // group's products (vpdpbusd, sdot, pmaddwd), they are vectorized atomically inside it.
    auto register_tile_groups = [&](Func f) {
        const int lanes = p.int8_lanes, channels = vec / lanes;  // output channels a vector holds
        const bool reduce = p.int8_dot != Int8Dot::kLanes;       // a lane sums several products
        f.bound(p.h, 0, lanes).align_bounds(p.co, block).bound_storage(p.co, block);
        if (channels > 1) f.vectorize(p.co, channels, TailStrategy::GuardWithIf);
        f.unroll(p.co);
        if (lanes > 1) f.vectorize(p.h);
        Stage update = f.update();
        const Halide::RVar step = p.r_channel.x, half = p.r_channel.y, groups = p.r_channel.z;
        Var coi("pw_coi");
        std::vector<Halide::VarOrRVar> order{step, p.h, p.co, in_tile};
        if (channels > 1) {
            update.split(p.co, p.co, coi, channels, TailStrategy::GuardWithIf);
            order.insert(order.begin() + 2, coi);
        }
        if (t.co_vectors > t.tile_x) std::swap(order[order.size() - 2], order[order.size() - 1]);
        order.push_back(half);  // (unrolled: a loop step is a whole group)
        tile_and_reduction(update, order, groups, t.k_block / packed_row_group(true));
        if (reduce) update.atomic().vectorize(step);
        if (lanes > 1) update.vectorize(p.h);
        if (channels > 1) update.vectorize(coi);
        update.unroll(p.co).unroll(in_tile).unroll(half);
    };
    Func pw = p.quantized ? p.pointwise_groups : p.pointwise;
    pw.compute_at(blocks, pixels_inside_channel_block && !k_blocks ? xo : coo);
    if (p.quantized) {
        register_tile_groups(pw);
        // pmaddwd's int16 weights: a held weight block widened once per run of pixel blocks that takes
        // it up (a row, a group of rows, or the image), not at every block's loads (a vpmovsxbw a
        // vector, on the ports the multiply-adds need). cost_model.cpp counts it.
        if (p.int8_dot == Int8Dot::kPairs && pixels_inside_channel_block) {
            const Halide::Var wi = p.int8_weights.args()[0];
            p.int8_weights.compute_at(blocks, coo).store_at(blocks, over_channels || flat ? coo : p.y)
                .vectorize(wi, 2 * vec, TailStrategy::GuardWithIf);
        }
    } else if (p.pointwise_partial.defined()) {
        // float16 arithmetic: the register tile is a block's float16 sums, added into float32 sums
        // (kept in memory by LLVM when they do not fit the registers: one load and store per block).
        register_tile(pw, {p.r_block.x});
        p.pointwise_partial.compute_at(pw, p.r_block.x);
        register_tile(p.pointwise_partial, {p.r_channel.x, p.r_channel.y});
    } else {
        register_tile(pw, {p.r_channel.x, p.r_channel.y});
    }

    // Where the depthwise result (and the stored padded input) is computed. With parallel_over=channels:
    // for the whole image, its rows shared out among the threads, before the channel blocks that all
    // read it. Flat: for the group of rows. Otherwise with co_outer the pixel blocks run inside each
    // channel block, so the depthwise row is computed once per row, before all of them.
    const bool per_row = t.depthwise_at == DepthwiseAt::Row || t.co_outer;
    LoopLevel dw_at = LoopLevel(out, per_row ? p.y : xo);
    if (over_channels) {
        dw_at = LoopLevel(out, p.n);
    } else if (flat) {
        dw_at = LoopLevel(out, yo);
    }
    p.depthwise.compute_at(dw_at);
    schedule_depthwise_over_channels(p, t, vec);
    if (t.pad_copy) {
        p.padded.compute_at(dw_at);
        vectorize_narrow(p.padded, p.c, p.padded.type().bits(), p.input_channels);
    }
    if (flat) {
        // The blocks read the depthwise result by flat pixel from a copy: one division per pixel.
        p.depthwise_flat.compute_at(dw_at)
            .reorder_storage(p.c, p.m, p.pixel, p.n)
            .reorder(p.c, p.m, p.pixel, p.n)
            .vectorize(p.c, vec, TailStrategy::GuardWithIf);
        if (over_channels) p.depthwise_flat.parallel(p.pixel, 16, TailStrategy::GuardWithIf);
    }
    if (p.quantized) {
        // The groups' channels, next to the depthwise result they narrow (after its flat copy);
        // channel k = c * M + m is read at (k % M, k / M), a gather unless M is known to be 1.
        p.depthwise_k.compute_at(dw_at);
        if (p.single_multiplier.defined()) {
            vectorize_narrow(p.depthwise_k.specialize(p.single_multiplier), p.k, p.depthwise_k.type().bits(),
                             p.input_channels);
        }
        p.depthwise_k.vectorize(p.k, vec, TailStrategy::GuardWithIf);
    }
    if (over_channels) {
        p.depthwise.parallel(p.y);
        if (!p.unrolled_taps) {
            p.depthwise.update(0).parallel(p.y);
            p.depthwise.update(1).parallel(p.y);
        }
        if (t.pad_copy) p.padded.parallel(p.y);
        if (p.quantized && flat) {  // a flat run's pixels, as its flat copy's
            p.depthwise_k.parallel(p.pixel, 16, TailStrategy::GuardWithIf);
        } else if (p.quantized) {
            p.depthwise_k.parallel(p.y);
        }
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
    schedule_per_epilogue(out, p, [&](Stage s) {
        Stage fast = s.specialize(full_blocks(t, /*nchw=*/true, vec, p.output_channels, p.output_width, p.output_height));
        tile_output(fast, TailStrategy::ShiftInwards);
        fast.vectorize(xi, vec).unroll(xi).unroll(coi);
        tile_output(s, TailStrategy::GuardWithIf);
    });

    Func pw = p.quantized ? p.pointwise_groups : p.pointwise;  // int8: one lane a group, h = 0
    if (p.quantized) pw.bound(p.h, 0, 1);
    pw.compute_at(out, coo);
    pw.vectorize(p.x, vec, TailStrategy::GuardWithIf);
    std::vector<Halide::VarOrRVar> order{p.x, p.co};
    for (int i = 0; i < p.r_channel.dimensions(); ++i) order.push_back(p.r_channel[i]);
    order.push_back(p.y);
    order.push_back(p.n);
    pw.update()
        .reorder(order)
        .vectorize(p.x, vec, TailStrategy::GuardWithIf)
        .unroll(p.x)
        .unroll(p.co);

    Func dw = p.depthwise;
    dw.compute_at(out, xo);
    dw.reorder_storage(p.x, p.m, p.c, p.y, p.n);
    dw.vectorize(p.x, vec, TailStrategy::GuardWithIf);
    Stage update = dw.update(0);
    update.reorder(p.x, p.r_kernel.x, p.r_kernel.y, p.m, p.c, p.y, p.n)
        .vectorize(p.x, vec, TailStrategy::GuardWithIf);
    if (p.fixed_kernel_w > 0 && p.fixed_kernel_h > 0 && t.unroll_kernel) {
        update.unroll(p.r_kernel.x).unroll(p.r_kernel.y);
    }
    // The depthwise bias and activation (see schedule_depthwise_over_channels).
    for (Stage s : {dw.update(1).specialize(p.depthwise_plain), dw.update(1)}) {
        s.reorder(p.x, p.m, p.c, p.y, p.n).vectorize(p.x, vec, TailStrategy::GuardWithIf);
    }
    if (p.quantized) {  // int8's int16 channels, columns innermost as the depthwise tile's
        p.depthwise_k.compute_at(out, xo).reorder_storage(p.x, p.k, p.y, p.n).reorder(p.x, p.k, p.y, p.n)
            .vectorize(p.x, vec, TailStrategy::GuardWithIf);
    }
}

}  // namespace

void apply_schedule(SepconvPipeline &p, const Tunables &t, const Isa &isa) {
    // float16 arithmetic (NHWC only) fills a register with twice as many lanes.
    const int vec = vector_lanes(t, isa) * (p.pointwise_partial.defined() ? 2 : 1);
    if (p.layout == Layout::NHWC) {
        schedule_nhwc(p, t, vec);
    } else {
        schedule_nchw(p, t, vec);
    }
}

}  // namespace sepconv::cpu
