#include "generator_pipeline.h"

// The factory HALIDE_REGISTER_GENERATOR defines (separable_conv2d_generator.cpp), called directly:
// that also keeps the generator's object file in a static link.
namespace halide_register_generator::separable_conv2d_ns {
std::unique_ptr<Halide::Internal::AbstractGenerator> factory(const Halide::GeneratorContext &context);
}

namespace sepconv {
namespace {

// One JIT parallel loop as a worker-pool loop: the pool's task signature has no JITUserContext.
struct JitLoop {
    int (*task)(Halide::JITUserContext *, int, uint8_t *);
    Halide::JITUserContext *context;
    uint8_t *closure;
};

int run_jit_task(void *, int i, uint8_t *loop) {
    const JitLoop &l = *reinterpret_cast<const JitLoop *>(loop);
    return l.task(l.context, i, l.closure);
}

int do_par_for_on_worker_pool(Halide::JITUserContext *context, int (*task)(Halide::JITUserContext *, int, uint8_t *),
                              int min, int extent, uint8_t *closure) {
    JitLoop loop{task, context, closure};
    const auto &c = *static_cast<WorkerPoolContext *>(context);
    return c.run_loop(c.threads, run_jit_task, nullptr, min, extent, reinterpret_cast<uint8_t *>(&loop));
}

}  // namespace

WorkerPoolContext::WorkerPoolContext(RunLoop run_loop, int threads) : run_loop(run_loop), threads(threads) {
    handlers.custom_do_par_for = do_par_for_on_worker_pool;
}

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
