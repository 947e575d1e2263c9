// TF's shape rules for separable_conv2d: argument validation, padding and output size.
// Everything the runtime knows about one call's geometry is computed here, once.
#pragma once

#include <cstdint>
#include <vector>

#include "sepconv/sepconv.h"

namespace sepconv::internal {

// What the filters and options fix, before any input is seen (a Layer holds one of these).
struct FilterGeometry {
    bool nchw = false;
    int64_t kh = 0, kw = 0, channels = 0, multiplier = 0, out_channels = 0;
    int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
    bool has_bias = false, has_depthwise_bias = false;
};

// A fully resolved call.
struct ConvGeometry {
    FilterGeometry f;
    int64_t batch = 0, height = 0, width = 0;
    int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
    int64_t out_height = 0, out_width = 0;

    // In the data format's order: NHWC {N, H, W, C}, NCHW {N, C, H, W}; the output's
    // NHWC {N, Ho, Wo, Cout}, NCHW {N, Cout, Ho, Wo}.
    std::vector<int64_t> input_shape() const;
    std::vector<int64_t> output_shape() const;
};

Status validate_filters(const std::vector<int64_t> &depthwise_filter_shape,
                        const std::vector<int64_t> &pointwise_filter_shape, const Options &options,
                        FilterGeometry *f);
Status resolve_geometry(const std::vector<int64_t> &input_shape, const FilterGeometry &f, const Options &options,
                        ConvGeometry *g);
// Both of the above, for a call known only by its shapes.
Status validate_shapes(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
                       const std::vector<int64_t> &pointwise_filter_shape, const Options &options, FilterGeometry *f,
                       ConvGeometry *g);

// Checks a caller's buffer: non-null data, and exactly the expected shape.
Status check_tensor(const char *name, const void *data, const std::vector<int64_t> &shape,
                    const std::vector<int64_t> &expected);

std::string shape_string(const std::vector<int64_t> &shape);

}  // namespace sepconv::internal
