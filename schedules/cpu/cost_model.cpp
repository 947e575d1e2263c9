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
// L2: none while it fits in half the L1 (the other operand and the output share the rest), all of
// it from twice the L1 on.
constexpr double kL2Penalty = 0.4;
// Vector instructions a core issues a cycle: a step's FMAs, its loads and broadcasts (separate
// instructions in code whose strides are run-time values) and its loop.
constexpr double kVectorIssuePerCycle = 4, kLoopInstructions = 3;
// The same as kL2Penalty for a weight block whose vectors each serve one pixel (tile_x 1): each is
// read by its multiply (a memory operand), none held in a register, so every read that misses the
// L1 stalls a multiply.
constexpr double kL2PenaltyUnheld = 1.0;
// Bytes a cycle a core streams from L2, and from L3 or memory: a filter that does not fit the L2,
// read again for every pixel block, is shared with the other cores and evicted by its own output.
constexpr double kL2BytesPerCycle = 64, kL3BytesPerCycle = 8;
// How much slower a 1x1 step runs when threads share out weight blocks (parallel_over=channels)
// and the depthwise result of the whole image, which every weight block reads again as
// broadcasts, outgrows the L2: ramped against the L2 as kL2Penalty is against the L1.
constexpr double kL3Penalty = 0.12;
// Units of work the busiest thread runs beyond its share when several threads run: they finish
// their last unit apart (and a VM's virtual cores run at different speeds), which weighs on a
// few large units (weight blocks of a big image) more than on many small ones (rows).
constexpr double kUnevenFinish = 0.5;
// Depthwise cycles per vector tap beyond its FMA: the loads of the taps and the bounds selects.
constexpr double kDepthwiseOverhead = 1.5;

}  // namespace

double modeled_cycles(const Tunables &t, const Isa &isa, const Workload &w, const CacheSizes &caches) {
    const int lanes = vector_lanes(t, isa);
    const int64_t block = int64_t{t.co_vectors} * lanes;
    const bool over_channels = t.parallel_over == ParallelOver::Channels, flat = t.tile_rows > 0;

    // Runs of pixels, each cut into tile_x blocks: a row, the whole image (flat, over channels), or
    // groups of tile_rows rows (flat), the last group only the rows the image has.
    int64_t runs = w.out_height, pixel_blocks = w.out_height * ceil_div(w.out_width, t.tile_x);
    if (flat && over_channels) {
        runs = 1, pixel_blocks = ceil_div(w.out_height * w.out_width, t.tile_x);
    } else if (flat) {
        const int64_t whole = w.out_height / t.tile_rows, rest = w.out_height % t.tile_rows;
        runs = ceil_div(w.out_height, t.tile_rows);
        pixel_blocks = whole * ceil_div(t.tile_rows * w.out_width, t.tile_x) + ceil_div(rest * w.out_width, t.tile_x);
    }
    pixel_blocks *= w.batch;
    const int64_t channel_blocks = ceil_div(w.out_channels, block);

    // One 1x1 step: a reduction channel for a co_vectors x tile_x register tile. pmaddwd's products
    // take an add each (2 instructions where an FMA is one); a weight vector that serves one pixel
    // is its multiply's memory operand, not an instruction of its own.
    const double fmas = double(t.co_vectors) * t.tile_x;
    const double loads = t.co_vectors + t.tile_x;
    const double instructions =
        fmas * (w.separate_adds ? 2 : 1) + (t.tile_x == 1 ? t.tile_x : loads) + kLoopInstructions;
    double step = std::max({fmas / VectorCore::kFmasPerCycle, loads / VectorCore::kLoadsPerCycle,
                            instructions / kVectorIssuePerCycle, double(VectorCore::kFmaLatency)});
    // Which operand stays put over a run of steps, and which streams through. A weight block that
    // serves a run of pixel blocks stays (co_outer, parallel_over=channels), and the depthwise
    // result streams as broadcasts; otherwise a pixel block's depthwise values stay, and every
    // step streams co_vectors vectors of the whole filter, from L2 or, when the filter does not
    // fit there, from L3.
    const bool block_outer = t.co_outer || over_channels;
    // k_block: the weight block held is a block of the reduction; each block of it stores and
    // reloads the register tile (a load and a store per accumulator).
    const bool k_blocks = block_outer && t.k_block > 0;
    const int64_t reduction_held = k_blocks ? std::min<int64_t>(w.channels, t.k_block) : w.channels;
    const double held = block_outer ? double(reduction_held) * block * w.weight_bytes : w.channels * t.tile_x * 4.0;
    // 0 while `bytes` fit in half of a cache of `size`, 1 from twice its size on, log-linear between.
    auto beyond = [](double bytes, double size) {
        return std::clamp(std::log2(std::max(bytes, 1.0) / (size / 2)) / 2, 0.0, 1.0);
    };
    const double l1_penalty = block_outer && t.tile_x == 1 ? kL2PenaltyUnheld : kL2Penalty;
    step *= 1 + l1_penalty * beyond(held, double(caches.l1d_bytes));
    if (over_channels) {  // in the type the 1x1 multiplies, as wide as its weights
        const double image = double(w.out_height) * w.out_width * w.channels * w.weight_bytes;
        step *= 1 + kL3Penalty * beyond(image, double(caches.l2_bytes));
    }
    if (!block_outer) {
        const double filter = double(w.channels) * w.out_channels * w.weight_bytes;
        const double streamed = double(t.co_vectors) * lanes * w.weight_bytes;
        if (filter > caches.l1d_bytes) {
            step = std::max(step, streamed / (filter > caches.l2_bytes ? kL3BytesPerCycle : kL2BytesPerCycle));
        }
    }

    // A one-pixel tile's last, partial weight block ran 2-2.5x slower a product than its full ones
    // (measured with int8 on AVX2, 48 output channels in a block of 64; the cause not found): the
    // partial-blocks path's weight.
    double blocks_run = double(channel_blocks);
    if (t.tile_x == 1 && w.out_channels % block != 0) blocks_run += kPartialPathFactor - 1;
    double cycles = double(pixel_blocks) * blocks_run * w.channels * step;
    if (k_blocks) {
        cycles += double(pixel_blocks) * blocks_run * ceil_div(w.channels, t.k_block) * 2.0 * fmas / kVectorIssuePerCycle;
    }
    const double pixels = double(w.batch) * w.out_height * w.out_width;
    cycles += pixels * ceil_div(w.channels, lanes) * w.taps * kDepthwiseOverhead / VectorCore::kFmasPerCycle;
    if (flat) cycles += pixels * ceil_div(w.out_channels, lanes);  // a store and a copy per vector
    if (w.widened_weights && block_outer) {  // a widening load and a store per vector of the block
        const int64_t visits = w.batch * (over_channels ? 1 : runs) * channel_blocks;
        cycles += double(visits) * w.channels * block * w.weight_bytes / (lanes * 4);
    }
    if (!full_blocks<int64_t>(t, /*nchw=*/false, lanes, w.out_channels, w.out_width, w.out_height)) {
        cycles *= kPartialPathFactor;
    }

    // Threads take whole units: weight blocks, groups of tile_rows rows, or rows (of each image).
    const int64_t units = over_channels ? channel_blocks : runs;
    const int threads = std::max(1, w.threads);
    const double busiest = (double(ceil_div(units, threads)) + (threads > 1 ? kUnevenFinish : 0)) / (double(units) / threads);
    return cycles / threads * std::max(1.0, busiest);
}

}  // namespace sepconv::cpu
