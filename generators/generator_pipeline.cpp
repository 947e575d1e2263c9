#include "generator_pipeline.h"

// The factory HALIDE_REGISTER_GENERATOR defines (separable_conv2d_generator.cpp), called directly:
// that also keeps the generator's object file in a static link.
namespace halide_register_generator::separable_conv2d_ns {
std::unique_ptr<Halide::Internal::AbstractGenerator> factory(const Halide::GeneratorContext &context);
}

namespace sepconv {

GeneratorPipeline build_generator_pipeline(const Halide::GeneratorContext &context,
                                          const std::vector<std::pair<std::string, std::string>> &params) {
    GeneratorPipeline out;
    out.generator = halide_register_generator::separable_conv2d_ns::factory(context);
    Halide::Internal::AbstractGenerator &gen = *out.generator;
    for (const auto &[name, value] : params) gen.set_generatorparam_value(name, value);
    out.pipeline = gen.build_pipeline();
    for (const auto &info : gen.arginfos()) {
        if (info.dir != Halide::Internal::ArgInfoDirection::Input) continue;
        for (const Halide::Parameter &p : gen.input_parameter(info.name)) {
            out.arguments.emplace_back(p.name(), p.is_buffer() ? Halide::Argument::InputBuffer
                                                               : Halide::Argument::InputScalar,
                                       p.type(), p.dimensions(), Halide::ArgumentEstimates{});
        }
    }
    return out;
}

}  // namespace sepconv
