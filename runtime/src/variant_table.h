// The table of compiled variants and the rule that picks one: the most specialized variant whose
// constraints all hold. The rows come from the build (cmake/SepconvVariants.cmake), so each
// variant's constraints are written in exactly one place.
#pragma once

#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "conv_geometry.h"

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

struct VariantRow {
    const char *name;
    bool nchw;
    // 0 = any value; otherwise the value this variant is compiled for.
    int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, multiplier;
    Device device;               // kCpu, kCuda or kOpenCL
    int cuda_capability;         // CUDA: the capability compiled for; it needs a device at least that new
    int max_depthwise_channels;  // GPU: the most C*M its shared-memory tile holds; 0 = no limit
    const char *tunables;
    VariantFn fn;

    int specificity() const;                     // how many constraints are fixed
    std::string constraints() const;             // human-readable
    // Empty when the variant serves `f` on `device`; otherwise the first constraint that fails.
    std::string mismatch(const FilterGeometry &f, const DeviceChoice &device) const;
};

// All rows, most specialized first; among CUDA rows, the newest capability first.
const std::vector<VariantRow> &variant_table();

// The first row serving `f` on `device`, or the row named `forced` (if it serves them).
// `why` says why that row was chosen, or why none was.
const VariantRow *select_variant(const FilterGeometry &f, const DeviceChoice &device, const std::string &forced,
                                 std::string *why);

}  // namespace sepconv::internal
