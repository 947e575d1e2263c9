// The pointwise filter in the layout every variant reads (generators/packed_weights.h): TF's
// [1, 1, C*M, Cout] regrouped into blocks of kPackedWeightsBlock output channels, zero-padded.
// A Layer packs once; the one-shot call packs into a scratch copy per call.
#pragma once

#include <cstdint>
#include <algorithm>

#include "aligned_buffer.h"
#include "packed_weights.h"

namespace sepconv::internal {

inline int64_t packed_pointwise_blocks(int64_t out_channels) {
    return (out_channels + kPackedWeightsBlock - 1) / kPackedWeightsBlock;
}

// Row groups of `group` rows (packed_row_group): C*M rows rounded up.
inline int64_t packed_pointwise_groups(int64_t cm, int group) { return (cm + group - 1) / group; }

// Elements in the packed filter: every block's row groups, padding included.
inline int64_t packed_pointwise_elements(int64_t cm, int64_t out_channels, int group = 1) {
    return packed_pointwise_groups(cm, group) * group * packed_pointwise_blocks(out_channels) * kPackedWeightsBlock;
}

// `tf` is the dense [C*M, Cout] filter (TF's two leading unit dimensions dropped).
template <typename T>
AlignedBuffer<T> pack_pointwise(const T *tf, int64_t cm, int64_t out_channels, int group = 1) {
    constexpr int64_t B = kPackedWeightsBlock;
    const int64_t groups = packed_pointwise_groups(cm, group);
    AlignedBuffer<T> packed(static_cast<size_t>(packed_pointwise_elements(cm, out_channels, group)), T(0));
    for (int64_t j = 0; j < packed_pointwise_blocks(out_channels); ++j) {
        const int64_t lanes = std::min(B, out_channels - j * B);  // the last block may be partial
        for (int64_t k = 0; k < cm; ++k) {
            const T *row = tf + k * out_channels + j * B;
            for (int64_t b = 0; b < lanes; ++b) packed[static_cast<size_t>(((j * groups + k / group) * B + b) * group + k % group)] = row[b];
        }
    }
    return packed;
}

}  // namespace sepconv::internal
