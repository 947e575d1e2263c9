#include "gpu_tuning_space.h"

namespace sepconv::gpu {

TuningSpace tuning_space(const Tunables &defaults) {
    // Powers of two: warps come in 32 threads, and the shared-memory tile grows with x_tile.
    std::vector<Knob> knobs = {
        {"x_tile", {"1", "2", "4", "8", "16"}},
        {"co_threads", {"8", "16", "32", "64", "128"}},
        {"co_per_thread", {"1", "2", "4", "8"}},
    };
    return make_tuning_space(std::move(knobs), defaults.to_string());
}

}  // namespace sepconv::gpu
