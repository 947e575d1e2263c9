#include "weights.h"

#include <type_traits>

#include "data_types.h"
#include "packed_pointwise.h"

namespace sepconv::internal {
namespace {

// The type a copy's element type T holds: float is float32, uint16_t float16 bits, int8_t int8.
template <typename T>
constexpr DataType type_of = std::is_same_v<T, float>      ? DataType::kFloat32
                             : std::is_same_v<T, uint16_t> ? DataType::kFloat16
                                                           : DataType::kInt8;

// Element i of a caller's tensor of type `from`, as T (float from float32 or float16; uint16_t
// float16 bits from float16).
template <typename T>
T element(DataType from, const void *data, int64_t i);
template <>
float element<float>(DataType from, const void *data, int64_t i) {
    return from == DataType::kFloat16 ? half_to_float(static_cast<const uint16_t *>(data)[i])
                                      : static_cast<const float *>(data)[i];
}
template <>
uint16_t element<uint16_t>(DataType, const void *data, int64_t i) {
    return static_cast<const uint16_t *>(data)[i];
}
template <>
int8_t element<int8_t>(DataType, const void *data, int64_t i) {
    return static_cast<const int8_t *>(data)[i];
}

template <typename T>
AlignedBuffer<T> copy_as(DataType from, const void *data, int64_t n) {
    AlignedBuffer<T> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = element<T>(from, data, i);
    return out;
}

// A bias of n entries, or n zeros (+0.0 in both types) for none.
template <typename T>
AlignedBuffer<T> bias_as(DataType from, const void *data, int64_t n) {
    return data ? copy_as<T>(from, data, n) : AlignedBuffer<T>(static_cast<size_t>(n), T(0));
}

}  // namespace

template <typename T>
void Weights::fill(const FilterGeometry &f, DataType from, const FilterData &data, bool int8_pairs, Copies<T> *out) {
    const int64_t cm = f.channels * f.multiplier;
    out->depthwise = copy_as<T>(from, data.depthwise, f.kh * f.kw * cm);
    // Packed straight from the caller's filter when no conversion is needed.
    AlignedBuffer<T> dense;
    const T *tf = static_cast<const T *>(data.pointwise);
    if (from != type_of<T>) {
        dense = copy_as<T>(from, data.pointwise, cm * f.out_channels);
        tf = dense.data();
    }
    out->pointwise = pack_pointwise(tf, cm, f.out_channels, packed_row_group(std::is_same_v<T, int8_t>), int8_pairs);
    if constexpr (!std::is_same_v<T, int8_t>) {  // int8's biases are folded (prepare)
        out->bias = bias_as<T>(from, data.bias, f.out_channels);
        out->depthwise_bias = bias_as<T>(from, data.depthwise_bias, cm);
    }
}

Weights Weights::prepare(const FilterGeometry &f, DataType from, const FilterData &data, DataType to,
                         const Quantization &quantization, const Requantization &requant, bool int8_pairs) {
    Weights w;
    w.type_ = to;
    if (to == DataType::kFloat16) {
        fill(f, from, data, false, &w.f16_);  // float16 bits (0 is +0.0)
    } else if (to == DataType::kInt8) {
        w.int8_pairs_ = int8_pairs;
        fill(f, from, data, int8_pairs, &w.i8_);
        auto copy = [](const std::vector<int32_t> &v) {
            AlignedBuffer<int32_t> out(v.size());
            std::copy(v.begin(), v.end(), out.begin());
            return out;
        };
        const std::vector<int32_t> sums = pointwise_weight_sums(f, static_cast<const int8_t *>(data.pointwise));
        w.i8_.bias = copy(folded_pointwise_bias(quantization, sums));
        w.i8_.depthwise_bias = copy(folded_depthwise_bias(f, quantization, static_cast<const int8_t *>(data.depthwise)));
        w.requant_ = requant;
        w.requant_.pointwise.insert(w.requant_.pointwise.end(), sums.begin(), sums.end());
    } else {
        fill(f, from, data, false, &w.f32_);
    }
    return w;
}

Weights Weights::with_int8_order(const FilterGeometry &f, bool int8_pairs) const {
    Weights w = *this;
    if (type_ == DataType::kInt8 && int8_pairs != int8_pairs_) {
        w.int8_pairs_ = int8_pairs;
        w.i8_.pointwise = repack_int8_pointwise(i8_.pointwise, f.channels * f.multiplier, f.out_channels, int8_pairs);
    }
    return w;
}

int64_t Weights::bytes(const FilterGeometry &f, DataType from, DataType to) {
    const int64_t cm = f.channels * f.multiplier;
    // A converted dense pointwise filter lives only while packing; counted, as it is allocated.
    const int64_t dense = from == to ? 0 : cm * f.out_channels;
    const int64_t weights =
        f.kh * f.kw * cm + dense + packed_pointwise_elements(cm, f.out_channels, packed_row_group(to == DataType::kInt8));
    const int64_t biases = f.out_channels + cm;
    // int32 biases, requantization tables (2 rows for the depthwise channels, 3 for the outputs)
    if (to == DataType::kInt8) return weights + 4 * biases + 4 * (2 * cm + 3 * f.out_channels);
    return (weights + biases) * internal::row_of(to).bytes;
}

}  // namespace sepconv::internal
