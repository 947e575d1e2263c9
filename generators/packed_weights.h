// The layout every variant reads the pointwise filter in, shared by the generator (which indexes
// it) and the runtime (which packs TF's [1, 1, C*M, Cout] into it, once per Layer).
//
// Blocks of kPackedWeightsBlock output channels, each block's C*M rows contiguous, in groups of G
// consecutive rows (G = 1 for the float types; 4 for int8):
//   packed[j][k / G][offset(b, k % G)] = TF[0][0][k][j * kPackedWeightsBlock + b],
// zero where j * B + b >= Cout or k >= C*M (the last group, padded). Within a group, int8 has one of
// two orders, by the dot product of the target that reads it (SepconvPipeline::Int8Dot):
//   quads  offset = b * G + k % G: a channel's 4 rows in one 32-bit lane (vpdpbusd, sdot; and ARM's
//          smlal, which reads them as lanes of their own);
//   pairs  offset = ((k % G) / 2 * B + b) * 2 + k % 2: a channel's rows 2 at a time in one lane of
//          pmaddwd's int16 products (x86 without VNNI), so that each lane sums one channel and a
//          vector of channels' pairs is one dense load.
// In TF's layout one output-channel block reads rows Cout floats apart (4 KiB at Cout = 1024: a new
// page and the same few cache sets for every row); packed, it streams 64-byte rows. 16 is a
// multiple of every vector width the schedules use (4, 8 and 16 floats), so a vector of output
// channels that starts at a multiple of its width never straddles two blocks.
#pragma once

#include <cstdint>

#include "HalideRuntime.h"

namespace sepconv {

constexpr int kPackedWeightsBlock = 16;

// G above.
constexpr int packed_row_group(bool int8) { return int8 ? 4 : 1; }

// The int8 order above: pairs on x86 without VNNI's vpdpbusd, quads elsewhere. VNNI is what Halide's
// avx512_zen4 and avx512_sapphirerapids targets pattern-match; `has(feature)` asks a target for
// one (Halide's Target::Feature values are the halide_target_feature_t values).
template <typename HasFeature>
constexpr bool int8_pairs_order(bool x86, HasFeature has) {
    return x86 && !has(halide_target_feature_avx512_zen4) && !has(halide_target_feature_avx512_sapphirerapids);
}

// offset(b, k % G) above, for int8.
constexpr int64_t packed_int8_offset(int64_t b, int64_t row_in_group, bool pairs) {
    constexpr int64_t G = packed_row_group(true), B = kPackedWeightsBlock;
    return pairs ? (row_in_group / 2 * B + b) * 2 + row_in_group % 2 : b * G + row_in_group;
}

}  // namespace sepconv
