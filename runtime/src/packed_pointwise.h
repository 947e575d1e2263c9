// The pointwise filter in the layout every variant reads (generators/packed_weights.h): TF's
// [1, 1, C*M, Cout] regrouped into blocks of kPackedWeightsBlock output channels, zero-padded.
// A Layer packs once; the one-shot call packs into a scratch copy per call.
#pragma once

#include <cstdint>
#include "aligned_floats.h"
#include "packed_weights.h"

namespace sepconv::internal {

inline int64_t packed_pointwise_blocks(int64_t out_channels) {
    return (out_channels + kPackedWeightsBlock - 1) / kPackedWeightsBlock;
}

// Floats in the packed filter: C*M rows of every block, padding included.
inline int64_t packed_pointwise_floats(int64_t cm, int64_t out_channels) {
    return cm * packed_pointwise_blocks(out_channels) * kPackedWeightsBlock;
}

// `tf` is the dense [C*M, Cout] filter (TF's two leading unit dimensions dropped).
AlignedFloats pack_pointwise(const float *tf, int64_t cm, int64_t out_channels);

}  // namespace sepconv::internal
