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

// Elements in the packed filter: C*M rows of every block, padding included.
inline int64_t packed_pointwise_elements(int64_t cm, int64_t out_channels) {
    return cm * packed_pointwise_blocks(out_channels) * kPackedWeightsBlock;
}

// `tf` is the dense [C*M, Cout] filter (TF's two leading unit dimensions dropped).
template <typename T>
AlignedBuffer<T> pack_pointwise(const T *tf, int64_t cm, int64_t out_channels) {
    constexpr int64_t B = kPackedWeightsBlock;
    AlignedBuffer<T> packed(static_cast<size_t>(packed_pointwise_elements(cm, out_channels)), T(0));
    for (int64_t j = 0; j < packed_pointwise_blocks(out_channels); ++j) {
        const int64_t lanes = std::min(B, out_channels - j * B);  // the last block may be partial
        for (int64_t k = 0; k < cm; ++k) {
            const T *row = tf + k * out_channels + j * B;
            std::copy(row, row + lanes, packed.begin() + (j * cm + k) * B);
        }
    }
    return packed;
}

}  // namespace sepconv::internal
