// The tuning space of the x86 schedule: every knob the schedule reads, with its default and its range.
//
// An offline autotuner searches this struct; the AOT build passes one instance per variant to the
// generator as the string generator parameter `tunables` ("key=value,key=value"). Keys that are
// not given keep the defaults below, which are the explicit fallback for untuned shapes.
#pragma once

#include <string>

namespace sepconv::x86 {

// Where the depthwise intermediate is computed, relative to the output loop nest.
enum class DepthwiseAt {
    XTile,  // once per tile of `tile_x` output pixels, all channels (smallest footprint, L1-sized)
    Row,    // once per output row, all channels
};

struct Tunables {
    int co_vectors = 3;  // output channels per register block, in SIMD vectors   (range 1..4)
    int tile_x = 4;      // output pixels per register block                       (range 1..8)
    DepthwiseAt depthwise_at = DepthwiseAt::XTile;
    bool unroll_kernel = true;  // unroll the kh x kw taps when the kernel size is fixed

    // Parses "co_vectors=2,tile_x=6,depthwise_at=row,unroll_kernel=0". Returns false and fills
    // `error` on an unknown key or an out-of-range value.
    static bool parse(const std::string &text, Tunables *out, std::string *error);
    std::string to_string() const;
};

}  // namespace sepconv::x86
