#include "gpu_schedule.h"

namespace sepconv::gpu {

using Halide::Func;
using Halide::MemoryType;
using Halide::Stage;
using Halide::TailStrategy;
using Halide::Var;

void apply_schedule(SepconvPipeline &p, const Tunables &t) {
    const int co_block = t.co_threads * t.co_per_thread;

    // Blocks: (x tile, row*batch). Inside a block: a serial loop over output-channel blocks, then
    // threads (co_threads across channels, x_tile across pixels), each owning co_per_thread
    // consecutive channels of one pixel. GuardWithIf everywhere: no extent is assumed.
    Func out = p.output;
    Var xo("xo"), xi("xi"), coo("coo"), coi("coi"), cot("cot"), cor("cor"), yn("yn");
    out.split(p.x, xo, xi, t.x_tile, TailStrategy::GuardWithIf)
        .split(p.co, coo, coi, co_block, TailStrategy::GuardWithIf)
        .split(coi, cot, cor, t.co_per_thread, TailStrategy::GuardWithIf)
        .reorder(cor, cot, xi, coo, xo, p.y, p.n)
        .fuse(p.y, p.n, yn)
        .gpu_blocks(xo, yn)
        .gpu_threads(cot, xi)
        .unroll(cor);

    // Pointwise accumulators: per thread, in registers.
    auto in_registers = [&](Func f) -> Func & {
        return f.store_in(MemoryType::Register)
            .bound_extent(p.co, t.co_per_thread)  // registers need constant extents; tails are guarded
            .bound_extent(p.x, 1)
            .bound_extent(p.y, 1)
            .bound_extent(p.n, 1);
    };
    Func pw = p.pointwise;
    in_registers(pw).compute_at(out, cot).unroll(p.co);
    if (p.pointwise_partial.defined()) {
        // float16 arithmetic: each block's sums in float16, added into the float32 accumulators.
        // Pairs of output channels make one half2 FMA (an odd co_per_thread runs scalar FMAs).
        pw.update().reorder(p.co, p.x, p.r_block.x, p.y, p.n).unroll(p.co);
        Func partial = p.pointwise_partial;
        const int half2 = t.co_per_thread % 2 == 0 ? 2 : 1;
        in_registers(partial).compute_at(pw, p.r_block.x).vectorize(p.co, half2).unroll(p.co);
        partial.update()
            .reorder(p.co, p.x, p.r_channel.x, p.r_channel.y, p.y, p.n)
            .vectorize(p.co, half2)
            .unroll(p.co);
    } else {
        pw.update().reorder(p.co, p.x, p.r_channel.x, p.r_channel.y, p.y, p.n).unroll(p.co);
    }

    // Depthwise tile: all C*M channels of the block's pixels, computed once per block by all of its
    // threads into shared memory, then read by every output-channel block.
    Func dw = p.depthwise;
    Var ct("dw_ct"), co_("dw_co");
    dw.compute_at(out, xo).store_in(MemoryType::GPUShared);
    dw.reorder_storage(p.c, p.m, p.x, p.y, p.n);
    dw.split(p.c, co_, ct, t.co_threads, TailStrategy::GuardWithIf)
        .reorder(ct, p.x, p.m, co_, p.y, p.n)
        .gpu_threads(ct, p.x);
    dw.update(0)
        .split(p.c, co_, ct, t.co_threads, TailStrategy::GuardWithIf)
        .reorder(p.r_kernel.x, p.r_kernel.y, ct, p.x, p.m, co_, p.y, p.n)
        .gpu_threads(ct, p.x);
    // The depthwise bias and activation, by the same threads (the identity in TF's op: specialized).
    for (Stage s : {dw.update(1).specialize(p.depthwise_plain), dw.update(1)}) {
        s.split(p.c, co_, ct, t.co_threads, TailStrategy::GuardWithIf).reorder(ct, p.x, p.m, co_, p.y, p.n).gpu_threads(ct, p.x);
    }
}

}  // namespace sepconv::gpu
