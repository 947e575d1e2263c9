// The tuning space of the GPU schedule: the knobs of gpu::Tunables (gpu_tunables.h).
#pragma once

#include "common/tuning_space.h"
#include "gpu_tunables.h"

namespace sepconv::gpu {

TuningSpace tuning_space(const Tunables &defaults);

}  // namespace sepconv::gpu
