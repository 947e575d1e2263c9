#include "x86_schedule.h"

namespace sepconv::x86 {

cpu::Tunables default_tunables() {
    cpu::Tunables t;
    // Register tile: co_vectors x tile_x accumulators. SSE4.1/AVX2 have 16 vector registers: 4 x 3 =
    // 12 accumulators, holding 3 pixel broadcasts and 1 weight vector (cpu_schedule.cpp). Against
    // 3 x 4 on the AVX2 code, one thread (sepconv-tune --target x86-64-linux-avx2-fma, best of 5
    // samples each, same run): conv1 68 -> 78, conv2 75 -> 86, conv6 86 -> 95, conv7 89 -> 98
    // GFLOP/s (32-channel blocks divide 64 and 128; 3 pixels waste less of a 14-wide row than 4);
    // 3 x 4 stays ahead on 7-wide rows (conv13 93 vs 85) and conv5 / xception (2-3%): the
    // database sets those apart. AVX-512 has 32 registers: 4 x 4 = 16, which gained 5% to 30% per
    // layer over 3 x 4 (conv1 59 -> 77, conv13 64 -> 81 GFLOP/s on 1 thread; bench_report.py).
    t.co_vectors = 4;
    t.tile_x = 3;
    t.avx512_overrides = "co_vectors=4,tile_x=4";
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
