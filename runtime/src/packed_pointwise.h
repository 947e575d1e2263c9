// The pointwise filter in the layout every variant reads (generators/packed_weights.h): TF's
// [1, 1, C*M, Cout] regrouped into blocks of kPackedWeightsBlock output channels, zero-padded;
// int8 in the order of the target that runs it.
// A Layer packs once; the one-shot call packs into a scratch copy per call.
#pragma once

#include <cstdint>

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

// Where row k of output channel j lies in the packed filter (int8: in the order `pairs` names).
inline int64_t packed_pointwise_index(int64_t k, int64_t j, int64_t cm, int group, bool pairs) {
    constexpr int64_t B = kPackedWeightsBlock;
    const int64_t groups = packed_pointwise_groups(cm, group), b = j % B;
    const int64_t in_row = group == 1 ? b : packed_int8_offset(b, k % group, pairs);
    return ((j / B) * groups + k / group) * B * group + in_row;
}

// `tf` is the dense [C*M, Cout] filter (TF's two leading unit dimensions dropped).
template <typename T>
AlignedBuffer<T> pack_pointwise(const T *tf, int64_t cm, int64_t out_channels, int group = 1, bool pairs = false) {
    AlignedBuffer<T> packed(static_cast<size_t>(packed_pointwise_elements(cm, out_channels, group)), T(0));
    for (int64_t k = 0; k < cm; ++k) {
        for (int64_t j = 0; j < out_channels; ++j) {
            packed[static_cast<size_t>(packed_pointwise_index(k, j, cm, group, pairs))] = tf[k * out_channels + j];
        }
    }
    return packed;
}

// An int8 packed filter in the other order (the padding stays zero: it moves within its row).
template <typename T>
AlignedBuffer<T> repack_int8_pointwise(const AlignedBuffer<T> &packed, int64_t cm, int64_t out_channels, bool pairs) {
    constexpr int group = packed_row_group(true);
    AlignedBuffer<T> out(packed.size(), T(0));
    for (int64_t k = 0; k < cm; ++k) {
        for (int64_t j = 0; j < out_channels; ++j) {
            out[static_cast<size_t>(packed_pointwise_index(k, j, cm, group, pairs))] =
                packed[static_cast<size_t>(packed_pointwise_index(k, j, cm, group, !pairs))];
        }
    }
    return out;
}

}  // namespace sepconv::internal
