// The schedule a family applies to the pipeline for one target, chosen once per generator run:
// the family's row (families.h) gives the schedule kind and the target's ISA, the variant's
// tunables give that ISA's configuration.
#pragma once

#include <functional>
#include <string>

#include "sepconv_pipeline.h"

namespace sepconv {

struct ScheduleChoice {
    bool flat_pixels = false;   // the forms of the algorithm the schedule wants (sepconv_pipeline.h)
    bool unrolled_taps = false;
    // The schedule computes whole register tiles past the last output channel (never stored): the
    // algorithm clamps those channels' filter reads.
    bool past_last_channel = false;
    // float16 variants: the filters and bias are float16 (else float32, widened by the runtime), and
    // whether this target computes in float16 (the pointwise sums then run in blocks, sepconv_pipeline.h).
    bool f16_weights = false;
    bool f16_arithmetic = false;
    Int8Dot int8_dot = Int8Dot::kColumns;  // int8's dot product (sepconv_pipeline.h)
    std::function<void(SepconvPipeline &)> apply;
};

// False with `error` for an unknown family, a target none of its ISAs matches (or whose vectors
// are not that ISA's), a layout it does not serve, or bad tunables.
bool choose_schedule(const std::string &family, Layout layout, const std::string &tunables,
                     const Halide::Target &target, ScheduleChoice *choice, std::string *error);

}  // namespace sepconv
