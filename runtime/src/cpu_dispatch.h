// The parts of cpu_info() the variant choice asks on every call, without its feature probe.
#pragma once

#include <string>

#include "cpu/cost_model.h"

namespace sepconv::internal {

// The compiled target Halide's multi-target dispatch runs now (under set_max_target's ceiling).
const std::string &dispatched_target();

// The per-core data caches (cpu_info().l1d_bytes and l2_bytes), read once per process.
cpu::CacheSizes cache_sizes();

}  // namespace sepconv::internal
