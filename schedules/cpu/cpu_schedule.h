// The CPU tile schedule for the separable-conv pipeline, shared by the SIMD CPU families (x86 and
// ARM): register blocks of output channels x pixels, the depthwise tile computed inside them.
#pragma once

#include "common/isa.h"
#include "cpu_tunables.h"
#include "packed_weights.h"
#include "sepconv_pipeline.h"

namespace sepconv::cpu {

// The forms of the algorithm the schedule wants for `t` (sepconv_pipeline.h): NHWC register blocks
// cut from flat runs of pixels (tile_rows > 0), and a fixed kernel's taps written out as one sum.
inline bool flat_pixels(Layout layout, const Tunables &t) { return layout == Layout::NHWC && t.tile_rows > 0; }
inline bool unrolled_taps(Layout layout, const Tunables &t) { return layout == Layout::NHWC && t.unroll_kernel; }

// The int8 pointwise filter's order within a row group on `target` (packed_weights.h).
inline bool int8_pairs_order(const Halide::Target &target) {
    using Halide::Target;
    return sepconv::int8_pairs_order(target.arch == Target::X86, [&](halide_target_feature_t f) {
        return target.has_feature(static_cast<Target::Feature>(f));
    });
}

// int8's dot product on `target`: NHWC vectorizes each group of channels with the output channels,
// in the widest form the target has (VNNI's vpdpbusd, ARM's sdot, else x86's pmaddwd or ARM's
// smlal); NCHW vectorizes columns.
inline Int8Dot int8_dot(const Halide::Target &target, Layout layout) {
    using Halide::Target;
    if (layout == Layout::NCHW) return Int8Dot::kColumns;
    if (target.arch == Target::X86) return int8_pairs_order(target) ? Int8Dot::kPairs : Int8Dot::kQuadsU8;
    if (target.arch == Target::ARM && target.has_feature(Target::ARMDotProd)) return Int8Dot::kQuadsS8;
    return Int8Dot::kLanes;
}

// Schedules `p` with `t`, the configuration resolved for `isa` (families.h).
void apply_schedule(SepconvPipeline &p, const Tunables &t, const Isa &isa);

}  // namespace sepconv::cpu
