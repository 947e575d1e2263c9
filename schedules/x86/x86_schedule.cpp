#include "x86_schedule.h"

namespace sepconv::x86 {

cpu::Tunables default_tunables() {
    cpu::Tunables t;
    // Register tile: co_vectors x tile_x accumulators. SSE4.1/AVX2 have 16 vector registers: 3 x 4 =
    // 12 accumulators. AVX-512 has 32: 4 x 4 = 16, which gained 5% to 30% per layer over 3 x 4
    // (conv1 59 -> 77, conv13 64 -> 81 GFLOP/s on 1 thread; tools/bench_report.py, medians).
    t.co_vectors = 3;
    t.co_vectors_avx512 = 4;
    t.tile_x = 4;
    t.tile_x_avx512 = 4;
    // A weight block (C x co_vectors vectors) serves a whole row of pixel tiles, the depthwise row computed
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
