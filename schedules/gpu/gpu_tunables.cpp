#include "gpu_tunables.h"

namespace sepconv::gpu {

const KnobRegistry<Tunables> &knobs() {
    // Powers of two: warps come in 32 threads, and the shared-memory tile grows with x_tile.
    static const KnobRegistry<Tunables> registry({
        knob<&Tunables::x_tile>("x_tile", int_values(1, 16)).search({"1", "2", "4", "8", "16"}).only(Reads::kNhwc),
        knob<&Tunables::co_threads>("co_threads", int_values(8, 128)).search({"8", "16", "32", "64", "128"}).only(Reads::kNhwc),
        knob<&Tunables::co_per_thread>("co_per_thread", int_values(1, 8)).search({"1", "2", "4", "8"}).only(Reads::kNhwc),
    });
    return registry;
}

}  // namespace sepconv::gpu
