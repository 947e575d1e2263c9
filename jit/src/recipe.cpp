// KernelRecipe's texts: compiled into both sides (the tier and the compiler module).
#include "recipe.h"

#include <sstream>

#include "data_types.h"

namespace sepconv::jit {
namespace {

std::string join(const std::vector<int64_t> &v, const char *sep) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
    return s;
}

}  // namespace

std::string KernelRecipe::key_text() const {
    std::ostringstream k;
    k << "target " << target << "\n";
    k << "family " << family << "\nisa " << isa << "\nconfiguration " << configuration << "\n";
    for (const auto &[name, value] : spec.generator_params(family)) {
        if (name != "tunables" && name != "target_family") k << "param " << name << " " << value << "\n";
    }
    k << "constants " << constants << "\n";
    const std::vector<int64_t> *shapes_in_order[] = {&shapes.input,          &shapes.depthwise_filter,
                                                     &shapes.pointwise_filter, &shapes.bias,
                                                     &shapes.depthwise_bias,  &shapes.depthwise_requant,
                                                     &shapes.pointwise_requant, &shapes.output};
    for (const std::vector<int64_t> *s : shapes_in_order) k << "shape " << join(*s, "x") << "\n";
    return k.str();
}

std::string KernelRecipe::label() const {
    std::ostringstream l;
    l << internal::row_of(spec.type).prefix << " " << (spec.nchw ? "nchw" : "nhwc") << " " << join(shapes.input, "x")
      << " k" << spec.kernel_h << "x" << spec.kernel_w << " s" << spec.stride_h << " -> "
      << shapes.bias.front() << ", " << isa << " " << configuration;
    return l.str();
}

}  // namespace sepconv::jit
