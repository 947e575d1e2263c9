// A cost model of the NHWC tile schedule (cpu_schedule.cpp): the time a configuration takes on a
// call, in modeled cycles, from the call's shape and the machine's caches, the way oneDNN's
// heuristics choose a blocking. The runtime uses it to choose among the compiled variants for a
// shape no variant was tuned for (runtime/src/variant_table.cpp). It ranks configurations; its
// cycles are not a prediction of the time.
//
// What it counts, each a fact of the schedule:
//   - register-tile waste: output channels are cut into blocks of co_vectors vectors (the last one
//     computed full-size), a run of pixels into blocks of tile_x (the last one shifted inwards, so
//     some pixels are computed twice); a run shorter than one block takes the partial-blocks path;
//   - the 1x1 step: co_vectors x tile_x FMAs against co_vectors + tile_x loads, all of them
//     against the core's issue width (pmaddwd's products an add each; a one-pixel tile's weights
//     its multiplies' memory operands), and too few accumulators to hide the FMA latency;
//   - cache fit: the operand held over a run of steps (a weight block, k_block channels of it with
//     k_block, or a pixel block's depthwise values) against the L1 (more for a one-pixel tile,
//     whose multiplies read the block), the bandwidth of the filter streamed from L2 or L3 when a
//     pixel block runs every weight block, and the whole image's depthwise result against the L2
//     when every weight block reads it (parallel_over=channels);
//   - the depthwise taps, the extra store and copy of flat runs (tile_rows > 0), and k_block's
//     store and reload of the register tile at each block of the reduction;
//   - int8 on pmaddwd: the widening of each held weight block, once per run that takes it up;
//   - the threads: whole units of work (rows, row groups or weight blocks) shared out, and on more
//     than one thread half a unit more for the busiest (threads finish their last unit apart).
#pragma once

#include <cstdint>

#include "cpu_tunables.h"

namespace sepconv::cpu {

// The call, as the model sees it.
struct Workload {
    int64_t batch = 1, out_height = 1, out_width = 1;
    int64_t channels = 1;      // C*M: the depthwise result's channels, the 1x1's reduction
    int64_t out_channels = 1;
    int64_t taps = 9;          // kh * kw
    int64_t weight_bytes = 4;  // bytes of one packed 1x1 weight, as the 1x1 step reads it
    // int8 on pmaddwd: a held weight block is widened to int16 (weight_bytes 2) each time a run of
    // pixel blocks takes it up (cpu_schedule.cpp).
    bool widened_weights = false;
    // int8 on pmaddwd: each vector of products takes an add of its own (VNNI's and the FMA's do not).
    bool separate_adds = false;
    int threads = 1;
};

// The machine's data caches, per core.
struct CacheSizes {
    int64_t l1d_bytes = 32 * 1024;
    int64_t l2_bytes = 512 * 1024;
};

// Modeled cycles of configuration `t` on `isa` for workload `w`.
double modeled_cycles(const Tunables &t, const Isa &isa, const Workload &w, const CacheSizes &caches);

}  // namespace sepconv::cpu
