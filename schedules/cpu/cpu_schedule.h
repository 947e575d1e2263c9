// The CPU tile schedule for the separable-conv pipeline, shared by the SIMD CPU families (x86 and
// ARM): register blocks of output channels x pixels, the depthwise tile computed inside them.
#pragma once

#include "sepconv_pipeline.h"
#include <string>

#include "cpu_tunables.h"

namespace sepconv::cpu {

// Schedules `p` for `target`. The vector width comes from the target, so one Tunables value serves
// every ISA of a multi-target build (AVX-512 / AVX2 / SSE4.1, or the ARM ones).
void apply_schedule(SepconvPipeline &p, const Tunables &t, const Halide::Target &target);

// Whether the NHWC schedule for `target` cuts its register blocks from flat runs of pixels
// (tile_rows > 0): the generator then indexes the pointwise stage by flat pixel (sepconv_pipeline.h).
bool flat_pixels(Layout layout, Tunables defaults, const std::string &tunables, const Halide::Target &target);

// Whether the NHWC schedule for `target` wants the depthwise taps of a fixed-size kernel written out
// as one sum (unroll_kernel): the generator then defines the depthwise stage without an update.
bool unrolled_taps(Layout layout, Tunables defaults, const std::string &tunables, const Halide::Target &target);

// The families' entry point: `defaults` overridden by the text `tunables` ("key=value,..."), then
// applied; false and `error` on a bad tunables string.
bool apply_schedule(SepconvPipeline &p, Tunables defaults, const std::string &tunables, const Halide::Target &target,
                    std::string *error);

}  // namespace sepconv::cpu
