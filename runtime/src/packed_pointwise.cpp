#include "packed_pointwise.h"

#include <algorithm>

namespace sepconv::internal {

AlignedFloats pack_pointwise(const float *tf, int64_t cm, int64_t out_channels) {
    constexpr int64_t B = kPackedWeightsBlock;
    AlignedFloats packed(static_cast<size_t>(packed_pointwise_floats(cm, out_channels)), 0.0f);
    for (int64_t j = 0; j < packed_pointwise_blocks(out_channels); ++j) {
        const int64_t lanes = std::min(B, out_channels - j * B);  // the last block may be partial
        for (int64_t k = 0; k < cm; ++k) {
            const float *row = tf + k * out_channels + j * B;
            std::copy(row, row + lanes, packed.begin() + (j * cm + k) * B);
        }
    }
    return packed;
}

}  // namespace sepconv::internal
