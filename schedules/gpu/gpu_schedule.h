// The GPU schedule (CUDA and OpenCL) for the separable-conv pipeline; NHWC only.
#pragma once

#include "gpu_tunables.h"
#include "sepconv_pipeline.h"

namespace sepconv::gpu {

// Schedules `p` (NHWC) with `t`, the configuration resolved for the GPU API (families.h).
void apply_schedule(SepconvPipeline &p, const Tunables &t);

}  // namespace sepconv::gpu
