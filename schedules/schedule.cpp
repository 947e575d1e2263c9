#include "schedule.h"

#include "cpu/cpu_schedule.h"
#include "families.h"
#include "gpu/gpu_schedule.h"

namespace sepconv {

bool choose_schedule(const std::string &family_name, Layout layout, const std::string &tunables,
                     const Halide::Target &target, ScheduleChoice *choice, std::string *error) {
    const Family *family = find_family(family_name);
    if (family == nullptr) {
        *error = "unknown target_family '" + family_name + "'";
        return false;
    }
    const bool nchw = layout == Layout::NCHW;
    if (nchw && !family->nchw) {
        *error = "the " + family->name + " schedule serves NHWC only";
        return false;
    }
    const IsaRow *isa = family->isa_for(target.to_string());
    if (isa == nullptr) {
        *error = "target " + target.to_string() + " has none of the " + family->name + " ISAs (" + family->isa_names() + ")";
        return false;
    }
    // The ISA row's vector width is what the CPU schedule tiles with: a target the row does not
    // describe (another AVX-512 flavour, say) is refused rather than scheduled for other vectors.
    if (family->schedule == ScheduleKind::kCpuTiles && target.natural_vector_size<float>() != isa->isa.lanes) {
        *error = "target " + target.to_string() + " has " + std::to_string(target.natural_vector_size<float>()) +
                 "-lane vectors, but its ISA in the " + family->name + " family, " + isa->isa.name + ", has " +
                 std::to_string(isa->isa.lanes) + " (add a row to schedules/families.cpp)";
        return false;
    }
    choice->f16_weights = family->f16_weights();
    switch (family->schedule) {
    case ScheduleKind::kCpuTiles: {
        cpu::Tunables t;
        if (!resolve_config(cpu::knobs(), *family, *isa, nchw, tunables, &t, error)) return false;
        choice->flat_pixels = cpu::flat_pixels(layout, t);
        choice->unrolled_taps = cpu::unrolled_taps(layout, t);
        choice->int8_dot = cpu::int8_dot(target, layout);
        // The NHWC row-tile schedule has the blocked float16 sums; elsewhere float16 computes in float32.
        choice->f16_arithmetic = isa->f16_arithmetic && layout == Layout::NHWC && !choice->flat_pixels;
        choice->apply = [t, i = isa->isa](SepconvPipeline &p) { cpu::apply_schedule(p, t, i); };
        return true;
    }
    case ScheduleKind::kGpuBlocks: {
        gpu::Tunables t;
        if (!resolve_config(gpu::knobs(), *family, *isa, nchw, tunables, &t, error)) return false;
        choice->past_last_channel = true;
        choice->f16_arithmetic = isa->f16_arithmetic;  // CUDA: half2 FMAs in the blocked sums
        choice->apply = [t](SepconvPipeline &p) { gpu::apply_schedule(p, t); };
        return true;
    }
    }
    *error = "unknown schedule kind";
    return false;
}

}  // namespace sepconv
