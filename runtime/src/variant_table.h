// The table of compiled variants and the rule that picks one. The rows come from the build
// (cmake/SepconvVariants.cmake, and cmake/SepconvTunedDb.cmake for the tuned ones), so each
// variant's constraints are written in exactly one place. Among the variants whose constraints all
// hold for a call, the table picks, in this order:
//   1. a tuned variant tuned for exactly this layer (every field of the shape key but the batch);
//   2. the tuned variant of the nearest tuned shape in the same shape class: output pixels, C*M
//      and output channels each within a factor of 2 (kShapeClassFactor) of the tuned shape;
//      nearest = the smallest sum of |log2| of the three ratios;
//   3. the most specialized untuned variant (the schedule's hand defaults).
#pragma once

#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "conv_geometry.h"
#include "shape_key.h"

namespace sepconv::internal {

// The signature every variant shares (see generators/separable_conv2d_generator.cpp).
using VariantFn = int (*)(const void *user_context, halide_buffer_t *input, halide_buffer_t *depthwise_filter,
                          halide_buffer_t *pointwise_filter, halide_buffer_t *bias, int32_t stride_h,
                          int32_t stride_w, int32_t dilation_h, int32_t dilation_w, int32_t pad_top,
                          int32_t pad_left, int32_t activation, halide_buffer_t *output);

// Where a call will run: the device, and for CUDA the device's compute capability (e.g. 86).
struct DeviceChoice {
    Device device = Device::kCpu;
    int cuda_capability = 0;
};

// A shape a tuned variant was tuned for, with its output pixels (for the shape-class distance).
struct TunedShape {
    ShapeKey key;
    int64_t out_pixels = 0;
};

// A call's shape as the table matches it; explicit padding never matches a tuned key exactly.
struct CallShape {
    ShapeKey key;
    bool explicit_padding = false;
    int64_t out_pixels = 0;
};

constexpr double kShapeClassFactor = 2.0;

struct VariantRow {
    const char *name;
    bool nchw;
    // 0 = any value; otherwise the value this variant is compiled for.
    int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, multiplier;
    Device device;               // kCpu, kCuda or kOpenCL
    int cuda_capability;         // CUDA: the capability compiled for; it needs a device at least that new
    int max_depthwise_channels;  // GPU: the most C*M its shared-memory tile holds; 0 = no limit
    const char *tunables;
    const char *tuned_shapes_text;  // tuned variants: their shape keys, space-separated; "" otherwise
    const char *origin;             // tuned variants: the database and layers they came from
    VariantFn fn;
    std::vector<TunedShape> tuned_shapes;  // parsed from tuned_shapes_text
    // Read from `tunables` once, for the runtime's memory estimate: the depthwise scratch holds the
    // whole image (parallel_over=channels).
    bool whole_image_scratch = false;

    bool tuned() const { return !tuned_shapes.empty(); }

    int specificity() const;                     // how many constraints are fixed
    std::string constraints() const;             // human-readable
    // Whether the variant serves `f` on `device` (cheap: asked for every row on every call).
    bool serves(const FilterGeometry &f, const DeviceChoice &device) const;
    // Empty when the variant serves `f` on `device`; otherwise the first constraint that fails.
    std::string mismatch(const FilterGeometry &f, const DeviceChoice &device) const;
};

// All rows, most specialized first; among CUDA rows, the newest capability first.
const std::vector<VariantRow> &variant_table();

// The row serving `f` (and `call`, when the input is known; null before that) on `device` by the
// rules above, or the row named `forced` (if it serves them). `why` says why that row was chosen,
// or why none was.
const VariantRow *select_variant(const FilterGeometry &f, const CallShape *call, const DeviceChoice &device,
                                 const std::string &forced, std::string *why);

// The shape-class distance between a call and a tuned shape; negative when outside the class.
double shape_class_distance(const CallShape &call, const TunedShape &tuned);

}  // namespace sepconv::internal
