#include "arm_schedule.h"

namespace sepconv::arm {

cpu::Tunables default_tunables() {
    cpu::Tunables t;
    t.co_vectors = 4;  // 4 vectors (16 channels) x 5 pixels = 20 accumulators of the 32 q registers
    t.tile_x = 5;
    t.depthwise_at = cpu::DepthwiseAt::XTile;
    return t;
}

bool apply_schedule(SepconvPipeline &p, const std::string &tunables, const Halide::Target &target, std::string *error) {
    return cpu::apply_schedule(p, default_tunables(), tunables, target, error);
}

}  // namespace sepconv::arm
