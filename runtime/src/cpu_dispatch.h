// The parts of cpu_info() the variant choice asks on every call, without its feature probe.
#pragma once

#include <string>

#include "cpu/cost_model.h"

namespace sepconv::internal {

// The compiled target a CPU variant runs now (under set_max_target's ceiling), and its index in
// compiled_targets(); "" and -1 when the CPU runs none of them.
const std::string &dispatched_target();
int dispatched_target_index();

// The order of int8's packed pointwise filter that the dispatched target's variants read
// (packed_weights.h): the rule the generator applies to its target (schedules/cpu/cpu_schedule.h).
bool dispatched_int8_pairs();

// The per-core data caches (cpu_info().l1d_bytes and l2_bytes), read once per process.
cpu::CacheSizes cache_sizes();

}  // namespace sepconv::internal
