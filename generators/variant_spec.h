// One AOT variant, as every part of the build sees it: the variant list (tools/variants) writes
// these, the build turns each into a library (cmake/SepconvVariants.cmake), the runtime's table
// holds one per variant (runtime/src/variant_table.h), and the tuner JIT-compiles the same
// generator parameters (tools/tune/jit_candidate.cpp). Plain C++: no libHalide.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sepconv/sepconv.h"
#include "shape_key.h"

namespace sepconv {

// A field of 0 is taken at run time; > 0 is fixed at compile time.
struct VariantSpec {
    DataType type = DataType::kFloat32;
    // The type its filters and bias are read in: `type`, except float16 in a family that computes
    // float16 in float32 (Family::f16_weights): float32, widened once by the runtime.
    DataType weights_type = DataType::kFloat32;
    bool nchw = false;
    int kernel_h = 0, kernel_w = 0, stride_h = 0, stride_w = 0, dilation_h = 0, dilation_w = 0, multiplier = 0;
    Device device = Device::kCpu;  // kCpu, kCuda or kOpenCL
    int cuda_capability = 0;       // CUDA: the capability compiled for; it needs a device at least that new
    int64_t max_depthwise_channels = 0;  // GPU: the most C*M its shared-memory tile holds; 0 = no limit
    bool whole_image_scratch = false;    // some ISA's code keeps the whole image's depthwise result
    std::string tunables;      // canonical, one section per ISA ("isa.knob:value,..."); "" = defaults
    std::string tuned_shapes;  // tuned variants: the shape keys they were tuned for, space-separated
    std::string origin;        // tuned variants: the database and layers they came from
    bool basis = false;        // one of the family's basis configurations (Family::basis)

    // <type>_sepconv_<layout>_<kernel>_<stride>_<dilation>_<multiplier>[_<device>][_tuned_<hash>|_basis_<hash>],
    // or _generic for a variant that fixes nothing; the ISA is dispatched inside.
    std::string name() const;
    // The library of one CPU target's code: the untuned name, the target's features ("base" for a
    // target with none), and a hash of the target and `tunables` (which then hold that target's ISA
    // section alone). Variants whose code for a target is the same share it (tools/variants).
    std::string piece_name(const std::string &halide_target) const;
    // A GPU variant's API, the section of the gpu family its code reads ("cuda", "opencl"); "" for
    // a CPU variant, whose code reads the section of the ISA the dispatcher runs.
    std::string gpu_api() const;
    // The schedule family that builds it: `cpu_family` (the build's), or "gpu".
    std::string family(const std::string &cpu_family) const { return device == Device::kCpu ? cpu_family : "gpu"; }
    // The generator parameters that build it in a build of CPU family `cpu_family`.
    std::vector<std::pair<std::string, std::string>> generator_params(const std::string &cpu_family) const;
    // This struct as a C++ brace initializer, in field order: the runtime's table rows.
    std::string initializer() const;

    // The variant tuned for `key`'s layer fixes what the key fixes: type, layout, kernel, strides,
    // dilations and multiplier (the image size and channel counts stay run-time values).
    static VariantSpec for_layer(const internal::ShapeKey &key);
};

}  // namespace sepconv
