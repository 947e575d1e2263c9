#include "families.h"

#include <sstream>

#include "cpu/cpu_tunables.h"
#include "gpu/gpu_tunables.h"

namespace sepconv {

const std::vector<Family> &families() {
    // x86 defaults, AVX2 (16 registers): 4 x 3 = 12 accumulators with 3 pixel broadcasts and one
    // weight vector; 32-channel blocks divide 64 and 128. AVX-512 (32 registers): 4 x 4. A weight
    // block serves a whole row of pixel tiles (co_outer), the depthwise row computed once before
    // them. SSE4.1 takes AVX2's choices. ARM (32 registers): 4 x 5 = 20 accumulators.
    const char *x86_16_registers = "co_vectors:4,tile_x:3,co_outer:1,depthwise_at:row";
    const char *arm = "co_vectors:4,tile_x:5,depthwise_at:xtile";
    // int8's depthwise costs more per tap than its 1x1 per product (a requantization per value, int16
    // operands): on pmaddwd (AVX2, SSE4.1) and NEON the int16 copy of the padded input drops the
    // bounds select and the row and column tests from every tap, and with pixels innermost (the
    // default) the widened weights stay in registers. AVX-512's code (VNNI's, and pmaddwd's with 32
    // registers) runs faster without the copy, most on large images with few channels. With 16
    // registers, int8's 1x1 step needs one more than float32's (pmaddwd's product before its
    // add): 4 x 2 accumulators, not 4 x 3, or two of them spill every step.
    const char *int8_avx512 = "pad_copy:0", *int8_16_registers = "pad_copy:1,tile_x:2", *int8_arm = "pad_copy:1";
    // A basis configuration of the x86 family: its AVX-512 items, and the items of both 16-register ISAs.
    auto x86_basis = [](const std::string &avx512, const std::string &sixteen_registers) {
        return section_text("avx512", avx512) + "," + section_text("avx2", sixteen_registers) + "," +
               section_text("sse41", sixteen_registers);
    };
    static const std::vector<Family> table = {
        {"x86", "x86", false, ScheduleKind::kCpuTiles, true,
         {{{"avx512", 16, 32}, {"avx512_skylake"}, "co_vectors:4,tile_x:4,co_outer:1,depthwise_at:row", false, int8_avx512},
          {{"avx2", 8, 16}, {"avx2"}, x86_16_registers, false, int8_16_registers},
          {{"sse41", 4, 16}, {}, x86_16_registers, false, int8_16_registers}},
         // A depthwise row serving pixel tiles that each run every weight block (filters that stay in
         // L2: 3 x 8 for multiples of 48 channels, 4 x 5 for rows of 5, 10, 20, 40, 80 pixels);
         // threads over weight blocks with 4 x 5 tiles (images of 5 to 14 pixels a side). AVX2's
         // 16 registers hold 3 x 4, and 2 x 5 for the same rows of 5 to 80 pixels.
         {x86_basis("co_vectors:3,tile_x:8,co_outer:0,depthwise_at:row", "co_vectors:3,tile_x:4,co_outer:0,depthwise_at:row"),
          x86_basis("co_vectors:4,tile_x:5,co_outer:0,depthwise_at:row", "co_vectors:2,tile_x:5,co_outer:0,depthwise_at:row"),
          x86_basis("co_vectors:4,tile_x:5,parallel_over:channels,depthwise_inner:channels",
                    "co_vectors:2,tile_x:5,parallel_over:channels,depthwise_inner:channels")},
         // int8 on pmaddwd: threads over weight blocks for small images (too few rows to share out,
         // and a weight block, widened to int16 once per run, then serves the whole image). AVX-512's
         // code reads its defaults here too: VNNI's, over weight blocks, ran level on one thread and
         // slower on two.
         // With few input channels (a weight block of 64 that fits the L1) a tile of 8 vectors by
         // one pixel, whose weights are the multiplies' memory operands: 17 instructions a step of
         // 128 products where 4 x 2 takes 22. With many, the same tile over blocks of 128 channels
         // (16 KiB of int16 weights, each block serving the whole image from L1), threads over
         // weight blocks.
         {x86_basis(int8_avx512, std::string(int8_16_registers) + ",parallel_over:channels"),
          x86_basis(int8_avx512, "co_vectors:8,tile_x:1,tile_rows:4"),
          x86_basis(int8_avx512, "co_vectors:8,tile_x:1,tile_rows:4,parallel_over:channels,k_block:128")}},
        {"arm", "arm", false, ScheduleKind::kCpuTiles, true,
         {{{"neon_dot_fp16", 4, 32}, {"arm_dot_prod", "arm_fp16"}, arm, /*f16_arithmetic=*/true, int8_arm},
          {{"neon", 4, 32}, {}, arm, false, int8_arm}}},
        {"gpu", "", true, ScheduleKind::kGpuBlocks, false,
         {{{"cuda", 1, 0}, {"cuda"}, "", /*f16_arithmetic=*/true}, {{"opencl", 1, 0}, {"opencl"}, ""}}},
    };
    return table;
}

namespace {

std::vector<std::string> target_parts(const std::string &target) {
    std::vector<std::string> parts;
    std::stringstream s(target);
    std::string part;
    while (std::getline(s, part, '-')) parts.push_back(part);
    return parts;
}

bool has_part(const std::vector<std::string> &parts, const std::string &p) {
    for (const std::string &q : parts) {
        if (q == p) return true;
    }
    return false;
}

}  // namespace

const IsaRow *Family::isa_for(const std::string &halide_target) const {
    const std::vector<std::string> parts = target_parts(halide_target);
    if (!gpu && (parts.empty() || parts[0] != arch)) return nullptr;
    for (const IsaRow &row : isas) {
        bool all = true;
        for (const std::string &f : row.features) all = all && has_part(parts, f);
        if (all) return &row;
    }
    return nullptr;
}

bool Family::f16_weights() const {
    for (const IsaRow &row : isas) {
        if (row.f16_arithmetic) return true;
    }
    return false;
}

const IsaRow *Family::isa(const std::string &n) const {
    for (const IsaRow &row : isas) {
        if (row.isa.name == n) return &row;
    }
    return nullptr;
}

std::string Family::isa_names() const {
    std::string s;
    for (const IsaRow &row : isas) s += (s.empty() ? "" : ", ") + row.isa.name;
    return s;
}

const Family *find_family(const std::string &name) {
    for (const Family &f : families()) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

const Family *family_for_target(const std::string &halide_target) {
    const std::vector<std::string> parts = target_parts(halide_target);
    const bool gpu = has_part(parts, "cuda") || has_part(parts, "opencl");
    for (const Family &f : families()) {
        if (f.gpu == gpu && (gpu || (!parts.empty() && parts[0] == f.arch))) return &f;
    }
    return nullptr;
}

bool isa_configuration(const Family &family, const IsaRow &isa, bool nchw, const std::string &tunables,
                       std::string *text, std::string *error) {
    if (family.schedule == ScheduleKind::kGpuBlocks) {
        gpu::Tunables t;
        if (!resolve_config(gpu::knobs(), family, isa, nchw, tunables, &t, error)) return false;
        *text = gpu::knobs().text(t, nchw, isa.isa);
    } else {
        cpu::Tunables t;
        if (!resolve_config(cpu::knobs(), family, isa, nchw, tunables, &t, error)) return false;
        *text = cpu::knobs().text(t, nchw, isa.isa);
    }
    return true;
}

bool canonical_tunables(const Family &family, bool nchw, const std::string &tunables, std::string *canonical,
                        std::string *error) {
    std::map<std::string, KnobItems> sections;
    if (!parse_sections(tunables, &sections, error)) return false;
    std::string out;
    for (const IsaRow &row : family.isas) {
        std::string text, defaults;
        if (!isa_configuration(family, row, nchw, tunables, &text, error)) return false;
        isa_configuration(family, row, nchw, "", &defaults, error);
        // A section that resolves to the defaults compiles as no section does: one form for both.
        if (!sections.count(row.isa.name) || text == defaults) continue;
        const std::string s = section_text(row.isa.name, text);
        if (!s.empty()) out += (out.empty() ? "" : ",") + s;
    }
    *canonical = out;
    return true;
}

bool tuning_space(const Family &family, const IsaRow &isa, bool nchw, TuningSpace *space, std::string *error) {
    if (nchw && !family.nchw) {
        *error = "the " + family.name + " family has no NCHW schedule";
        return false;
    }
    if (family.schedule == ScheduleKind::kGpuBlocks) {
        gpu::Tunables defaults;
        if (!resolve_config(gpu::knobs(), family, isa, nchw, "", &defaults, error)) return false;
        *space = make_tuning_space(gpu::knobs(), defaults, nchw, isa.isa, std::function<bool(const gpu::Tunables &)>());
        return true;
    }
    cpu::Tunables defaults;
    if (!resolve_config(cpu::knobs(), family, isa, nchw, "", &defaults, error)) return false;
    const Isa i = isa.isa;
    *space = make_tuning_space(cpu::knobs(), defaults, nchw, i, std::function<bool(const cpu::Tunables &)>(
                                                                    [nchw, i](const cpu::Tunables &t) { return cpu::fits(t, nchw, i); }));
    return true;
}

}  // namespace sepconv
