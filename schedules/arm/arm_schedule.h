// The ARM family (aarch64 NEON, optionally with dot-product and fp16): the CPU tile schedule with
// ARM's defaults.
#pragma once

#include <string>

#include "cpu/cpu_schedule.h"

namespace sepconv::arm {

// Defaults sized for aarch64's 32 128-bit vector registers.
cpu::Tunables default_tunables();

// Applies the schedule with the defaults overridden by `tunables` ("key=value,..."); false and
// `error` on a bad tunables string.
bool apply_schedule(SepconvPipeline &p, const std::string &tunables, const Halide::Target &target, std::string *error);

}  // namespace sepconv::arm
