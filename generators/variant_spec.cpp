#include "variant_spec.h"

#include <cstdio>
#include <sstream>

#include "data_types.h"

namespace sepconv {
namespace {

std::string pair_text(int a, int b) { return a == b ? std::to_string(a) : std::to_string(a) + "x" + std::to_string(b); }

// FNV-1a: a stable short name for a configuration, the same on every machine and compiler.
std::string short_hash(const std::string &s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return std::string(buf, 6);
}

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

}  // namespace

std::string VariantSpec::name() const {
    std::string n = std::string(internal::row_of(type).prefix) + "_sepconv_" + (nchw ? "nchw" : "nhwc");
    const bool generic = !kernel_h && !kernel_w && !stride_h && !stride_w && !dilation_h && !dilation_w && !multiplier;
    if (generic) {
        n += "_generic";
    } else {
        n += "_k" + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) + "_s" + pair_text(stride_h, stride_w) +
             "_d" + pair_text(dilation_h, dilation_w) + "_m" + std::to_string(multiplier);
    }
    if (device == Device::kCuda) n += "_cuda_sm" + std::to_string(cuda_capability);
    if (device == Device::kOpenCL) n += "_opencl";
    if (!tuned_shapes.empty()) n += "_tuned_" + short_hash(tunables);
    if (basis) n += "_basis_" + short_hash(tunables);
    return n;
}

std::string VariantSpec::piece_name(const std::string &halide_target) const {
    VariantSpec untuned = *this;
    untuned.tuned_shapes.clear();
    untuned.basis = false;
    // "x86-64-linux-avx2-fma" -> "avx2_fma": the features after arch, bits and OS.
    std::string features;
    size_t at = 0;
    for (int dashes = 0; dashes < 3 && at != std::string::npos; ++dashes) {
        at = halide_target.find('-', at);
        if (at != std::string::npos) ++at;
    }
    if (at != std::string::npos) features = halide_target.substr(at);
    for (char &c : features) c = c == '-' ? '_' : c;
    return untuned.name() + "_" + (features.empty() ? "base" : features) + "_" + short_hash(halide_target + " " + tunables);
}

std::string VariantSpec::gpu_api() const {
    return device == Device::kCuda ? "cuda" : device == Device::kOpenCL ? "opencl" : "";
}

std::vector<std::pair<std::string, std::string>> VariantSpec::generator_params(const std::string &cpu_family) const {
    std::vector<std::pair<std::string, std::string>> p = {
        {"elem_type", internal::row_of(type).name},
        {"layout", nchw ? "nchw" : "nhwc"},
        {"kernel_h", std::to_string(kernel_h)},
        {"kernel_w", std::to_string(kernel_w)},
        {"stride_h", std::to_string(stride_h)},
        {"stride_w", std::to_string(stride_w)},
        {"dilation_h", std::to_string(dilation_h)},
        {"dilation_w", std::to_string(dilation_w)},
        {"multiplier", std::to_string(multiplier)},
        {"target_family", family(cpu_family)},
    };
    if (!tunables.empty()) p.emplace_back("tunables", tunables);  // GenGen refuses an empty value
    return p;
}

std::string VariantSpec::initializer() const {
    std::ostringstream s;
    s << "{DataType(" << static_cast<int>(type) << "), DataType(" << static_cast<int>(weights_type) << "), " << (nchw ? "true" : "false") << ", " << kernel_h
      << ", " << kernel_w << ", " << stride_h << ", " << stride_w << ", " << dilation_h << ", " << dilation_w << ", "
      << multiplier << ", Device(" << static_cast<int>(device) << "), " << cuda_capability << ", "
      << max_depthwise_channels << ", " << (whole_image_scratch ? "true" : "false") << ", " << quoted(tunables)
      << ", " << quoted(tuned_shapes) << ", " << quoted(origin) << ", " << (basis ? "true" : "false") << "}";
    return s.str();
}

VariantSpec VariantSpec::for_layer(const internal::ShapeKey &k) {
    VariantSpec v;
    v.type = v.weights_type = k.type;
    v.nchw = k.nchw;
    v.kernel_h = static_cast<int>(k.kernel_h), v.kernel_w = static_cast<int>(k.kernel_w);
    v.stride_h = static_cast<int>(k.stride_h), v.stride_w = static_cast<int>(k.stride_w);
    v.dilation_h = static_cast<int>(k.dilation_h), v.dilation_w = static_cast<int>(k.dilation_w);
    v.multiplier = static_cast<int>(k.multiplier);
    return v;
}

}  // namespace sepconv
