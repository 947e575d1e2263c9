#include "shape_key.h"

#include <cstdio>
#include <sstream>

#include "conv_geometry.h"
#include "data_types.h"
#include "microarchitecture.h"

namespace sepconv::internal {
std::string ShapeKey::to_string() const {
    std::ostringstream s;
    s << row_of(type).prefix << "_" << (nchw ? "nchw" : "nhwc") << "_n" << batch << "_h" << height << "_w" << width << "_c" << channels << "_m"
      << multiplier << "_co" << out_channels << "_k" << kernel_h << "x" << kernel_w << "_s" << stride_h << "x"
      << stride_w << "_d" << dilation_h << "x" << dilation_w << "_" << (same ? "same" : "valid");
    return s.str();
}

bool ShapeKey::parse(const std::string &text, ShapeKey *key, std::string *error) {
    char type[8] = {}, layout[5] = {}, padding[6] = {};
    long long v[13] = {};
    int used = 0;
    const int n = std::sscanf(text.c_str(),
                              "%7[a-z0-9]_%4[a-z]_n%lld_h%lld_w%lld_c%lld_m%lld_co%lld_k%lldx%lld_s%lldx%lld_d%lldx%lld_%5[a-z]%n",
                              type, layout, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
                              &v[10], &v[11], padding, &used);
    ShapeKey k;
    const DataTypeRow *type_row = row_by_prefix(type);
    bool ok = n == 15 && used == static_cast<int>(text.size()) && type_row != nullptr;
    ok = ok && (std::string(layout) == "nhwc" || std::string(layout) == "nchw");
    ok = ok && (std::string(padding) == "same" || std::string(padding) == "valid");
    for (int i = 0; ok && i < 12; ++i) ok = v[i] >= 1;
    if (!ok) {
        *error = "'" + text + "' is not a shape key like f32_nhwc_n1_h112_w112_c32_m1_co64_k3x3_s1x1_d1x1_same";
        return false;
    }
    k.type = type_row->type;
    k.nchw = std::string(layout) == "nchw";
    k.batch = v[0], k.height = v[1], k.width = v[2], k.channels = v[3], k.multiplier = v[4], k.out_channels = v[5];
    k.kernel_h = v[6], k.kernel_w = v[7], k.stride_h = v[8], k.stride_w = v[9], k.dilation_h = v[10];
    k.dilation_w = v[11];
    k.same = std::string(padding) == "same";
    *key = k;
    return true;
}

std::vector<int64_t> ShapeKey::input_shape() const {
    return nchw ? std::vector<int64_t>{batch, channels, height, width}
                : std::vector<int64_t>{batch, height, width, channels};
}

std::vector<int64_t> ShapeKey::depthwise_filter_shape() const { return {kernel_h, kernel_w, channels, multiplier}; }

std::vector<int64_t> ShapeKey::pointwise_filter_shape() const { return {1, 1, channels * multiplier, out_channels}; }

Options ShapeKey::options() const {
    Options o;
    o.data_format = nchw ? DataFormat::kNCHW : DataFormat::kNHWC;
    o.strides = nchw ? std::vector<int64_t>{1, 1, stride_h, stride_w} : std::vector<int64_t>{1, stride_h, stride_w, 1};
    o.dilations = {dilation_h, dilation_w};
    o.padding = same ? Padding::kSame : Padding::kValid;
    return o;
}

Status ShapeKey::geometry(ConvGeometry *g) const {
    FilterGeometry f;
    return validate_shapes(input_shape(), depthwise_filter_shape(), pointwise_filter_shape(), options(), &f, g);
}

bool ShapeKey::same_filter(const ShapeKey &o) const {
    return type == o.type && nchw == o.nchw && kernel_h == o.kernel_h && kernel_w == o.kernel_w &&
           stride_h == o.stride_h && stride_w == o.stride_w && dilation_h == o.dilation_h &&
           dilation_w == o.dilation_w && multiplier == o.multiplier;
}

bool ShapeKey::same_layer(const ShapeKey &o) const {
    // Field by field: the runtime asks this on every call, for every tuned shape.
    return same_filter(o) && height == o.height && width == o.width && channels == o.channels &&
           out_channels == o.out_channels && same == o.same;
}

int tuned_entry_rank(std::string_view entry_uarch, std::string_view machine_uarch) {
    return entry_uarch.empty() ? 1 : entry_uarch == machine_uarch ? 0 : -1;
}

std::string TunedKey::to_string() const { return shape.to_string() + (uarch.empty() ? "" : "@" + uarch); }

bool TunedKey::parse(const std::string &text, TunedKey *key, std::string *error) {
    const size_t at = text.find('@');
    TunedKey k;
    if (!ShapeKey::parse(text.substr(0, at), &k.shape, error)) return false;
    if (at != std::string::npos) {
        k.uarch = text.substr(at + 1);
        if (!valid_microarchitecture(k.uarch)) {
            *error = "'" + text + "': after '@', a microarchitecture name like amd-zen4 (lower-case letters, "
                     "digits, '-'; not unknown)";
            return false;
        }
    }
    *key = k;
    return true;
}

}  // namespace sepconv::internal
