#include "x86_schedule.h"

namespace sepconv::x86 {

cpu::Tunables default_tunables() {
    cpu::Tunables t;
    t.co_vectors = 3;  // 3 vectors x 4 pixels = 12 accumulators of the 16 ymm registers
    t.tile_x = 4;
    t.depthwise_at = cpu::DepthwiseAt::XTile;
    return t;
}

bool apply_schedule(SepconvPipeline &p, const std::string &tunables, const Halide::Target &target, std::string *error) {
    return cpu::apply_schedule(p, default_tunables(), tunables, target, error);
}

}  // namespace sepconv::x86
