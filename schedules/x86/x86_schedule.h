// The x86 family (SSE4.1 / AVX2+FMA / AVX-512): the CPU tile schedule with x86's defaults.
#pragma once

#include <string>

#include "cpu/cpu_schedule.h"

namespace sepconv::x86 {

// Defaults sized for 16 architectural vector registers (AVX2): 3 x 4 accumulators plus operands.
cpu::Tunables default_tunables();

// Applies the schedule with the defaults overridden by `tunables` ("key=value,..."); false and
// `error` on a bad tunables string.
bool apply_schedule(SepconvPipeline &p, const std::string &tunables, const Halide::Target &target, std::string *error);

}  // namespace sepconv::x86
