// The generator as a pipeline compiled in the process, for the host tools that link libHalide and
// JIT-compile it: the offline tuner (tools/tune) and the JIT tier (jit/). They set the generator
// parameters an AOT variant is built with (VariantSpec::generator_params), so the same parameters
// give the same code in all three.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "Halide.h"

namespace sepconv {

struct GeneratorPipeline {
    std::unique_ptr<Halide::Internal::AbstractGenerator> generator;  // its Input parameters, for constraints
    Halide::Pipeline pipeline;
    std::vector<Halide::Argument> arguments;  // the Inputs, in the generator's (KernelFn's) order
};

// Builds separable_conv2d with `params` ("name", "value") on `context`; throws Halide::Error.
GeneratorPipeline build_generator_pipeline(const Halide::GeneratorContext &context,
                                          const std::vector<std::pair<std::string, std::string>> &params);

}  // namespace sepconv
