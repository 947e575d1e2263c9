// The x86 (SSE4.1 / AVX2 / AVX-512) schedule for the separable-conv pipeline.
#pragma once

#include "sepconv_pipeline.h"
#include "x86_tunables.h"

namespace sepconv::x86 {

// Schedules `p` for `target`. The vector width comes from the target, so one Tunables value serves
// every ISA of a multi-target build.
void apply_schedule(SepconvPipeline &p, const Tunables &t, const Halide::Target &target);

}  // namespace sepconv::x86
