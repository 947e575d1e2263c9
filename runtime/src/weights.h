// The filters and the biases as a variant reads them: in its weights type (VariantSpec::weights_type),
// the pointwise filter packed (packed_pointwise.h), zeros for a missing bias. A Layer prepares them
// once; a one-shot call prepares a scratch copy per call.
#pragma once

#include <cstdint>

#include "aligned_buffer.h"
#include "conv_geometry.h"
#include "sepconv/sepconv.h"

namespace sepconv::internal {

// A caller's filters and biases, in TF's layouts; a bias is null for none.
struct FilterData {
    const void *depthwise = nullptr, *pointwise = nullptr, *bias = nullptr, *depthwise_bias = nullptr;
};

class Weights {
public:
    // `from` is the type of the caller's tensors (one type per call: the runtime refuses a mix).
    // float16 widens to float32; every other pair must be equal.
    static Weights prepare(const FilterGeometry &f, DataType from, const FilterData &data, DataType to);
    // Elements prepare() allocates (the memory check counts them before preparing).
    static int64_t elements(const FilterGeometry &f, DataType from, DataType to);

    DataType type() const { return type_; }
    const void *depthwise() const { return pick(f32_.depthwise, f16_.depthwise); }
    const void *pointwise() const { return pick(f32_.pointwise, f16_.pointwise); }
    const void *bias() const { return pick(f32_.bias, f16_.bias); }
    const void *depthwise_bias() const { return pick(f32_.depthwise_bias, f16_.depthwise_bias); }

private:
    template <typename T>
    struct Copies {
        AlignedBuffer<T> depthwise, pointwise, bias, depthwise_bias;
    };
    template <typename T>
    static void fill(const FilterGeometry &f, DataType from, const FilterData &data, Copies<T> *out);
    template <typename A, typename B>
    const void *pick(const AlignedBuffer<A> &f32, const AlignedBuffer<B> &f16) const {
        return type_ == DataType::kFloat16 ? static_cast<const void *>(f16.data()) : static_cast<const void *>(f32.data());
    }

    DataType type_ = DataType::kFloat32;
    Copies<float> f32_;
    Copies<uint16_t> f16_;  // IEEE binary16 bits
};

}  // namespace sepconv::internal
