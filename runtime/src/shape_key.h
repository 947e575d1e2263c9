// The key of one tuned layer shape: its grammar is stated here only, and read by the tuner
// (tools/tune), its database (schedules/tuned/*.db), the build's variant list (tools/variants) and
// the runtime's variant table, which matches calls against it:
//
//   f32_nhwc_n1_h112_w112_c32_m1_co64_k3x3_s1x1_d1x1_same
//   data type (data_types.h), layout, batch, input height/width, input channels, channel
//   multiplier, output channels, kernel height x width, strides, dilations, padding (same | valid).
//
// A database entry's key is a shape key, optionally followed by '@' and the microarchitecture it
// was tuned on (microarchitecture.h); without one, the entry serves every machine:
//
//   f32_nhwc_n1_h112_w112_c32_m1_co64_k3x3_s1x1_d1x1_same@amd-zen4
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sepconv/sepconv.h"

namespace sepconv::internal {

struct ConvGeometry;

struct ShapeKey {
    DataType type = DataType::kFloat32;
    bool nchw = false;
    int64_t batch = 1, height = 0, width = 0, channels = 0, multiplier = 1, out_channels = 0;
    int64_t kernel_h = 3, kernel_w = 3, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
    bool same = true;  // SAME padding; false = VALID

    std::string to_string() const;
    // False, with `error`, unless `text` is exactly one key in the form above.
    static bool parse(const std::string &text, ShapeKey *key, std::string *error);

    // The call this key describes, in the public API's terms (TF's shapes and options), so that
    // output sizes, padding and FLOPs come from the runtime's one implementation of TF's rules.
    std::vector<int64_t> input_shape() const;
    std::vector<int64_t> depthwise_filter_shape() const;  // [kh, kw, C, M]
    std::vector<int64_t> pointwise_filter_shape() const;  // [1, 1, C*M, Cout]
    Options options() const;
    // The resolved call (output size, TF's padding), or the runtime's error for an invalid key.
    Status geometry(ConvGeometry *g) const;

    // The filter geometry an AOT variant is specialized on: type, layout, kernel, strides, dilations
    // and multiplier (not the image or the channel counts).
    bool same_filter(const ShapeKey &other) const;
    // Everything but the batch, which only scales the work (the schedules fuse images and rows).
    bool same_layer(const ShapeKey &other) const;
};

// A database entry's key: the shape, and the microarchitecture ("" = any machine).
struct TunedKey {
    ShapeKey shape;
    std::string uarch;

    std::string to_string() const;
    // False, with `error`, unless `text` is a shape key, optionally '@' and a microarchitecture name.
    static bool parse(const std::string &text, TunedKey *key, std::string *error);
};

// How an entry tuned on `entry_uarch` serves a machine of `machine_uarch`, best first: 0 = tuned on
// this microarchitecture, 1 = for any machine (""), -1 = not at all (another microarchitecture).
// The runtime's choice and the tuner's incumbent both read entries in this order.
int tuned_entry_rank(std::string_view entry_uarch, std::string_view machine_uarch);

}  // namespace sepconv::internal
