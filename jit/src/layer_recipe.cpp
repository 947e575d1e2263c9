// The recipe of a Layer's call (recipe.h): the tier's side, which knows the Layer and this machine.
#include "common/config_text.h"
#include "families.h"
#include "halide_call.h"
#include "recipe.h"
#include "shape_key.h"

namespace sepconv::jit {

bool make_recipe(const internal::LayerFacts &layer, const internal::ConvGeometry &g, const std::string &tunables,
                 KernelRecipe *r, std::string *error) {
    error->clear();
    const std::string target = cpu_info().dispatched_target;
    const Family *family = target.empty() ? nullptr : family_for_target(target);
    const IsaRow *isa = family ? family->isa_for(target) : nullptr;
    if (isa == nullptr) {
        *error = "no schedule family serves this machine's target '" + target + "'";
        return false;
    }
    internal::ShapeKey key;
    key.type = layer.type;
    key.nchw = g.f.nchw;
    key.batch = g.batch, key.height = g.height, key.width = g.width;
    key.channels = g.f.channels, key.multiplier = g.f.multiplier, key.out_channels = g.f.out_channels;
    key.kernel_h = g.f.kh, key.kernel_w = g.f.kw, key.stride_h = g.f.stride_h, key.stride_w = g.f.stride_w;
    key.dilation_h = g.f.dilation_h, key.dilation_w = g.f.dilation_w;
    r->spec = VariantSpec::for_layer(key);
    r->family = family->name;
    r->target = target;
    r->isa = isa->isa.name;
    if (!isa_configuration(*family, *isa, g.f.nchw, tunables, &r->configuration,
                           error)) {
        return false;
    }
    const Options &o = *layer.options;
    const KernelScalars scalars = internal::kernel_scalars(
        g, o.activation, internal::depthwise_epilogue(g.f, layer.type, o.depthwise_activation), *layer.requant);
    int32_t values[15];
    kernel_scalar_values(scalars, values);
    r->constants.clear();
    for (int i = 0; i < 15; ++i) {
        r->constants += (i ? "," : "") + std::string(kKernelScalarNames[i]) + ":" + std::to_string(values[i]);
    }
    r->shapes = internal::kernel_buffer_shapes(g, layer.type);
    return true;
}

}  // namespace sepconv::jit
