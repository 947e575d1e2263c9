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

// The user context of a JIT-compiled pipeline's call whose parallel loops run as the AOT
// library's do (runtime/src/halide_call.cpp): through `run_loop` (the library's
// internal::run_parallel_loop) on `threads` threads, not on Halide's own JIT thread pool.
struct WorkerPoolContext : Halide::JITUserContext {
    using RunLoop = int (*)(int threads, halide_task_t task, void *user_context, int min, int size, uint8_t *closure);
    WorkerPoolContext(RunLoop run_loop, int threads);
    RunLoop run_loop;
    int threads;
};

// Builds separable_conv2d with `params` ("name", "value") on `context`; throws Halide::Error.
GeneratorPipeline build_generator_pipeline(const Halide::GeneratorContext &context,
                                          const std::vector<std::pair<std::string, std::string>> &params);

}  // namespace sepconv
