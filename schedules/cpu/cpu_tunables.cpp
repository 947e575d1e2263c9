#include "cpu_tunables.h"

#include <algorithm>

namespace sepconv::cpu {

const KnobRegistry<Tunables> &knobs() {
    auto avx512_only = [](const Isa &isa) { return isa.lanes == 16; };
    // depthwise_at chooses between a tile and a row; co_outer, flat runs and parallel_over=channels
    // each fix where the depthwise result is computed themselves.
    auto dw_place_fixed = [](const Tunables &t) {
        return t.co_outer || t.tile_rows > 0 || t.parallel_over == ParallelOver::Channels;
    };
    // parallel_over=channels puts the pixel blocks inside each channel block already.
    auto over_channels = [](const Tunables &t) { return t.parallel_over == ParallelOver::Channels; };
    // k_block blocks the sums of a run of pixel tiles, which only co_outer and parallel_over=channels
    // run inside one weight block.
    auto no_run_per_block = [](const Tunables &t) { return !t.co_outer && t.parallel_over == ParallelOver::Rows; };
    static const KnobRegistry<Tunables> registry({
        knob<&Tunables::co_vectors>("co_vectors", int_values(1, 8)).only(Reads::kNhwc),
        knob<&Tunables::tile_x>("tile_x", int_values(1, 8)).only(Reads::kNhwc),
        knob<&Tunables::tile_rows>("tile_rows", int_values(0, 16))
            .search({"0", "1", "2", "3", "4", "5", "7", "10", "14"})
            .only(Reads::kNhwc),
        knob<&Tunables::lanes>("lanes", {"0", "8"}).only(Reads::kNhwc).on(avx512_only),
        knob<&Tunables::co_outer>("co_outer", {"0", "1"}).only(Reads::kNhwc).ignored_when(over_channels),
        knob<&Tunables::depthwise_at>("depthwise_at", {"xtile", "row"}).only(Reads::kNhwc).ignored_when(dw_place_fixed),
        knob<&Tunables::depthwise_inner>("depthwise_inner", {"pixels", "channels"}).only(Reads::kNhwc),
        knob<&Tunables::unroll_kernel>("unroll_kernel", {"0", "1"}),
        knob<&Tunables::pad_copy>("pad_copy", {"0", "1"}).only(Reads::kNhwc),
        knob<&Tunables::parallel_over>("parallel_over", {"rows", "channels"}).only(Reads::kNhwc),
        knob<&Tunables::k_block>("k_block", {"0", "64", "128", "256"})
            .search({"0", "128"})
            .only(Reads::kNhwc)
            .ignored_when(no_run_per_block),
        knob<&Tunables::nchw_co_block>("nchw_co_block", int_values(1, 8)).only(Reads::kNchw),
        knob<&Tunables::nchw_x_vectors>("nchw_x_vectors", int_values(1, 4)).only(Reads::kNchw),
    });
    return registry;
}

bool fits(const Tunables &t, bool nchw, const Isa &isa) {
    constexpr int kMinAccumulators = VectorCore::kMinAccumulators;
    if (nchw) return t.nchw_co_block * t.nchw_x_vectors >= kMinAccumulators;
    // co_vectors x tile_x accumulators, plus the operands the schedule holds (co_vectors weight
    // vectors or tile_x broadcasts, the fewer) and one more.
    const int accumulators = t.co_vectors * t.tile_x;
    return accumulators >= kMinAccumulators &&
           accumulators + std::min(t.co_vectors, t.tile_x) + 1 <= isa.registers;
}

}  // namespace sepconv::cpu
