#include "cpu_tuning_space.h"

#include <algorithm>

namespace sepconv::cpu {

namespace {

// A register tile needs at least this many independent accumulators to hide the FMA latency
// (and tests/check_vector_code.py asks for as many vector FMAs in the hot loop).
constexpr int kMinAccumulators = 4;

}  // namespace

TuningSpace tuning_space(Layout layout, const Halide::Target &target, const Tunables &defaults) {
    std::vector<Knob> knobs;
    TuningSpace space;
    if (layout == Layout::NHWC) {
        // The register tile: co_vectors x tile_x accumulators, plus the operands the schedule holds
        // (co_vectors weight vectors or tile_x broadcasts, the fewer) and one more, must fit the
        // vector registers (16, or 32 with AVX-512 and on aarch64).
        // Only the knobs this target reads are searched: AVX-512 code reads the K_avx512 ones, every
        // other ISA the plain ones (cpu_tunables.h); the other ISAs of a multi-target variant keep
        // what they have.
        const bool avx512 = target.natural_vector_size<float>() >= 16;
        const int registers = avx512 || target.arch == Halide::Target::ARM ? 32 : 16;
        const std::string isa = avx512 ? "_avx512" : "";
        knobs.push_back({"co_vectors" + isa, int_values(1, 8)});
        knobs.push_back({"tile_x" + isa, int_values(1, 8)});
        knobs.push_back({"tile_rows" + isa, {"0", "1", "2", "3", "4", "5", "7", "10", "14"}});
        if (avx512) knobs.push_back({"lanes_avx512", {"0", "8"}});
        knobs.push_back({"co_outer" + isa, {"0", "1"}});
        knobs.push_back({"depthwise_at" + isa, {"xtile", "row"}});
        knobs.push_back({"depthwise_inner" + isa, {"pixels", "channels"}});
        knobs.push_back({"unroll_kernel" + isa, {"0", "1"}});
        knobs.push_back({"pad_copy" + isa, {"0", "1"}});
        knobs.push_back({"parallel_over" + isa, {"rows", "channels"}});
        space = make_tuning_space(std::move(knobs), defaults.to_string());
        const TuningSpace &s = space;
        space.valid = [s, registers, isa](const std::vector<int> &p) {
            auto value = [&](const std::string &knob) {
                for (size_t i = 0; i < s.knobs.size(); ++i) {
                    if (s.knobs[i].name == knob + isa) return s.knobs[i].values[p[i]];
                }
                return std::string();
            };
            const int vectors = std::stoi(value("co_vectors")), tile = std::stoi(value("tile_x"));
            // Blocks that span rows compute the depthwise result per group of rows (cpu_schedule.cpp),
            // so depthwise_at=xtile would only repeat a point.
            if (value("tile_rows") != "0" && value("depthwise_at") == "xtile") return false;
            return vectors * tile >= kMinAccumulators && vectors * tile + std::min(vectors, tile) + 1 <= registers;
        };
    } else {
        knobs.push_back({"nchw_co_block", int_values(1, 8)});
        knobs.push_back({"nchw_x_vectors", int_values(1, 4)});
        knobs.push_back({"unroll_kernel", {"0", "1"}});
        space = make_tuning_space(std::move(knobs), defaults.to_string());
        const TuningSpace &s = space;
        space.valid = [s](const std::vector<int> &p) {
            return std::stoi(s.knobs[0].values[p[0]]) * std::stoi(s.knobs[1].values[p[1]]) >= kMinAccumulators;
        };
    }
    return space;
}

}  // namespace sepconv::cpu
