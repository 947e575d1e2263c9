#include "cost_model.h"

#include <algorithm>
#include <cmath>

namespace sepconv::cpu {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The general path (fewer pixels than a block: GuardWithIf tails, nothing unrolled) against the
// fast one. Any configuration that runs full blocks is preferred to one that does not.
constexpr double kPartialPathFactor = 3.0;
// How much slower a 1x1 step runs when the operand it holds for a whole run of blocks comes from
// L2, reached from half the L1 (the other operand and the output share it) to twice the L1.
constexpr double kL2Penalty = 0.25;
// Bytes a cycle a core streams from L2, and from L3 or memory: a filter that does not fit the L2,
// read again for every pixel block, is shared with the other cores and evicted by its own output.
constexpr double kL2BytesPerCycle = 64, kL3BytesPerCycle = 8;
// Depthwise cycles per vector tap beyond its FMA: the loads of the taps and the bounds selects.
constexpr double kDepthwiseOverhead = 1.5;

}  // namespace

double modeled_cycles(const Tunables &t, const Isa &isa, const Workload &w, const CacheSizes &caches) {
    const int lanes = vector_lanes(t, isa);
    const int64_t block = int64_t{t.co_vectors} * lanes;
    const bool over_channels = t.parallel_over == ParallelOver::Channels, flat = t.tile_rows > 0;

    // Runs of pixels, each cut into tile_x blocks (full_blocks() in cpu_tunables.h states the same).
    int64_t run = w.out_width, runs = w.out_height;
    if (flat && over_channels) {
        run = w.out_height * w.out_width, runs = 1;
    } else if (flat) {
        run = w.out_width * t.tile_rows, runs = ceil_div(w.out_height, t.tile_rows);
    }
    const int64_t pixel_blocks = w.batch * runs * ceil_div(run, t.tile_x);
    const int64_t channel_blocks = ceil_div(w.out_channels, block);

    // One 1x1 step: a reduction channel for a co_vectors x tile_x register tile.
    const double fmas = double(t.co_vectors) * t.tile_x;
    double step = std::max({fmas / VectorCore::kFmasPerCycle,
                            double(t.co_vectors + t.tile_x) / VectorCore::kLoadsPerCycle,
                            double(VectorCore::kFmaLatency)});
    // Which operand stays put over a run of steps, and which streams through. A weight block that
    // serves a run of pixel blocks stays (co_outer, parallel_over=channels), and the depthwise
    // result streams as broadcasts; otherwise a pixel block's depthwise values stay, and every
    // step streams co_vectors vectors of the whole filter, from L2 or, when the filter does not
    // fit there, from L3.
    const bool block_outer = t.co_outer || over_channels;
    const double held = double(w.channels) * (block_outer ? block * w.weight_bytes : t.tile_x * 4.0);
    const double spill = std::log2(std::max(held, 1.0) / (caches.l1d_bytes / 2.0));
    step *= 1 + kL2Penalty * std::clamp(spill, 0.0, 1.0);
    if (!block_outer) {
        const double filter = double(w.channels) * w.out_channels * w.weight_bytes;
        const double streamed = double(t.co_vectors) * lanes * w.weight_bytes;
        if (filter > caches.l1d_bytes) {
            step = std::max(step, streamed / (filter > caches.l2_bytes ? kL3BytesPerCycle : kL2BytesPerCycle));
        }
    }

    double cycles = double(pixel_blocks) * channel_blocks * w.channels * step;
    const double pixels = double(w.batch) * w.out_height * w.out_width;
    cycles += pixels * ceil_div(w.channels, lanes) * w.taps * kDepthwiseOverhead / VectorCore::kFmasPerCycle;
    if (flat) cycles += pixels * ceil_div(w.out_channels, lanes);  // a store and a copy per vector
    if (!full_blocks<int64_t>(t, /*nchw=*/false, lanes, w.out_channels, w.out_width, w.out_height)) {
        cycles *= kPartialPathFactor;
    }

    // Threads take whole units: weight blocks, groups of tile_rows rows, or rows (of each image).
    const int64_t units = over_channels ? channel_blocks : runs;
    const int threads = std::max(1, w.threads);
    const double busiest = double(ceil_div(units, threads)) / (double(units) / threads);
    return cycles / threads * std::max(1.0, busiest);
}

}  // namespace sepconv::cpu
