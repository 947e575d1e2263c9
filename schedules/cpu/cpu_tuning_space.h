// The tuning space of the CPU tile schedule: the knobs of cpu::Tunables (cpu_tunables.h) that
// matter for a layout and target, with the ranges worth searching.
#pragma once

#include "Halide.h"
#include "common/tuning_space.h"
#include "cpu_tunables.h"
#include "sepconv_pipeline.h"

namespace sepconv::cpu {

// `defaults` is the family's hand default (x86::default_tunables(), arm::default_tunables()).
TuningSpace tuning_space(Layout layout, const Halide::Target &target, const Tunables &defaults);

}  // namespace sepconv::cpu
