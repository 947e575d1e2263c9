// The filters and the biases as a variant reads them: in its weights type (VariantSpec::weights_type),
// the pointwise filter packed (packed_pointwise.h), zeros for a missing bias; for int8, the biases
// in int32 with the zero points folded in, and the requantization (quantization.h). A Layer
// prepares them once; a one-shot call prepares a scratch copy per call.
#pragma once

#include <cstdint>
#include <type_traits>

#include "aligned_buffer.h"
#include "conv_geometry.h"
#include "quantization.h"
#include "sepconv/sepconv.h"

namespace sepconv::internal {

// A caller's filters and biases, in TF's layouts; a bias is null for none.
struct FilterData {
    const void *depthwise = nullptr, *pointwise = nullptr, *bias = nullptr, *depthwise_bias = nullptr;
};

class Weights {
public:
    // `from` is the type of the caller's tensors (one type per call: the runtime refuses a mix).
    // float16 widens to float32; every other pair must be equal. int8 takes its biases from
    // `quantization` (checked by prepare_quantization) and `requant`.
    // `int8_pairs`: the order of int8's packed pointwise filter (packed_weights.h) that the target
    // running the variant reads (dispatched_int8_pairs in cpu_dispatch.h).
    static Weights prepare(const FilterGeometry &f, DataType from, const FilterData &data, DataType to,
                           const Quantization &quantization = {}, const Requantization &requant = {},
                           bool int8_pairs = false);
    // A copy whose int8 pointwise filter is in the order `int8_pairs` (set_max_target may move a
    // Layer prepared for one target's order onto another's).
    Weights with_int8_order(const FilterGeometry &f, bool int8_pairs) const;
    // Bytes prepare() allocates (the memory check counts them before preparing).
    static int64_t bytes(const FilterGeometry &f, DataType from, DataType to);

    DataType type() const { return type_; }
    bool int8_pairs() const { return int8_pairs_; }
    const void *depthwise() const { return pick(&Copies<float>::depthwise, &Copies<uint16_t>::depthwise, &Copies<int8_t>::depthwise); }
    const void *pointwise() const { return pick(&Copies<float>::pointwise, &Copies<uint16_t>::pointwise, &Copies<int8_t>::pointwise); }
    const void *bias() const { return pick(&Copies<float>::bias, &Copies<uint16_t>::bias, &Copies<int8_t>::bias); }
    const void *depthwise_bias() const {
        return pick(&Copies<float>::depthwise_bias, &Copies<uint16_t>::depthwise_bias, &Copies<int8_t>::depthwise_bias);
    }
    // int8 only (empty otherwise).
    const Requantization &requantization() const { return requant_; }

private:
    // One type's copies; int8's biases are int32.
    template <typename T>
    struct Copies {
        using Bias = std::conditional_t<std::is_same_v<T, int8_t>, int32_t, T>;
        AlignedBuffer<T> depthwise, pointwise;
        AlignedBuffer<Bias> bias, depthwise_bias;
    };
    template <typename T>
    static void fill(const FilterGeometry &f, DataType from, const FilterData &data, bool int8_pairs, Copies<T> *out);
    template <typename F32, typename F16, typename I8>
    const void *pick(F32 f32, F16 f16, I8 i8) const {
        if (type_ == DataType::kFloat16) return (f16_.*f16).data();
        if (type_ == DataType::kInt8) return (i8_.*i8).data();
        return (f32_.*f32).data();
    }

    DataType type_ = DataType::kFloat32;
    bool int8_pairs_ = false;
    Copies<float> f32_;
    Copies<uint16_t> f16_;  // IEEE binary16 bits
    Copies<int8_t> i8_;
    Requantization requant_;
};

}  // namespace sepconv::internal
