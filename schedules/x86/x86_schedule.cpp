#include "x86_schedule.h"

namespace sepconv::x86 {

cpu::Tunables default_tunables() {
    cpu::Tunables t;
    t.co_vectors = 3;  // 3 vectors x 4 pixels = 12 accumulators of the 16 ymm registers
    t.tile_x = 4;
    // A weight block (C x 3 vectors) serves a whole row of pixel tiles, the depthwise row computed
    // once before them: +4% to +39% on every bench layer against co_outer = false with a depthwise
    // tile per pixel tile (tools/bench_report.py, medians of 5, on the 2-core AVX-512 EPYC).
    t.co_outer = true;
    t.depthwise_at = cpu::DepthwiseAt::Row;
    return t;
}

bool apply_schedule(SepconvPipeline &p, const std::string &tunables, const Halide::Target &target, std::string *error) {
    return cpu::apply_schedule(p, default_tunables(), tunables, target, error);
}

}  // namespace sepconv::x86
