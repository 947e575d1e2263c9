// The JIT tier's compiler module (compiler_api.h): the generator's pipeline for a recipe, with
// every extent and scalar constant, compiled to an object file or in memory. The only code of the
// tier that links libHalide.
#include <sstream>

#include "Halide.h"
#include "common/config_text.h"
#include "compiler_api.h"
#include "generator_pipeline.h"

namespace sepconv::jit {
namespace {

const CompilerHost *host = nullptr;

// The kernel's target: the dispatched one, with the user_context argument every sepconv kernel
// takes, and its own runtime.
Halide::Target target_of(const KernelRecipe &r) {
    return Halide::Target(r.target).with_feature(Halide::Target::UserContext).without_feature(Halide::Target::NoRuntime);
}

// The generator's pipeline for a recipe, its scalars fixed (the `constants` parameter) and every
// buffer constrained to its exact extents, starting at 0 and dense, so that Halide substitutes
// them as constants (tile edges and bounds checks fold away).
void constrain(Halide::Parameter p, const std::vector<int64_t> &shape) {
    int64_t stride = 1;
    for (int i = 0; i < static_cast<int>(shape.size()); ++i) {
        const int64_t extent = shape[shape.size() - 1 - i];
        p.set_min_constraint(i, 0);
        p.set_extent_constraint(i, static_cast<int32_t>(extent));
        p.set_stride_constraint(i, static_cast<int32_t>(stride));
        stride *= extent;
    }
}

GeneratorPipeline build(const KernelRecipe &r) {
    VariantSpec spec = r.spec;
    spec.tunables = section_text(r.isa, r.configuration);
    std::vector<std::pair<std::string, std::string>> params = spec.generator_params(r.family);
    params.emplace_back("constants", r.constants);
    GeneratorPipeline b = build_generator_pipeline(Halide::GeneratorContext(target_of(r)), params);
    const KernelBuffers<std::vector<int64_t>> &s = r.shapes;
    const std::pair<const char *, const std::vector<int64_t> *> buffers[] = {
        {"input", &s.input},   {"depthwise_filter", &s.depthwise_filter}, {"pointwise_filter", &s.pointwise_filter},
        {"bias", &s.bias},     {"depthwise_bias", &s.depthwise_bias},     {"depthwise_requant", &s.depthwise_requant},
        {"pointwise_requant", &s.pointwise_requant}};
    for (const auto &[name, shape] : buffers) {
        for (const Halide::Parameter &p : b.generator->input_parameter(name)) constrain(p, *shape);
    }
    Halide::OutputImageParam output = b.pipeline.outputs()[0].output_buffer();
    int64_t stride = 1;
    for (int i = 0; i < static_cast<int>(s.output.size()); ++i) {
        const int64_t extent = s.output[s.output.size() - 1 - i];
        output.dim(i).set_bounds(0, static_cast<int32_t>(extent)).set_stride(static_cast<int32_t>(stride));
        stride *= extent;
    }
    return b;
}

// A kernel JIT-compiled in memory: libHalide's JIT runtime, with the call's context carrying the
// handlers the library's runtime has (its worker pool, its error capture).
class InMemoryKernel : public internal::SpecializedKernel {
public:
    InMemoryKernel(Halide::Callable callable, std::string name) : callable_(std::move(callable)), name_(std::move(name)) {}
    int run(internal::CallContext *call, const KernelBuffers<halide_buffer_t *> &buffers,
            const KernelScalars &scalars) const override {
        Context context(call);
        context.handlers.custom_error = [](Halide::JITUserContext *c, const char *message) {
            static_cast<Context *>(c)->call->error += message;
        };
        try {
            return call_kernel(callable_, static_cast<Halide::JITUserContext *>(&context), buffers, scalars);
        } catch (const Halide::Error &e) {
            call->error += e.what();
            return -1;
        }
    }
    std::string name() const override { return name_; }

private:
    // The library's worker pool (through the host's run_parallel_loop) and its error capture.
    struct Context : WorkerPoolContext {
        explicit Context(internal::CallContext *c) : WorkerPoolContext(host->run_parallel_loop, c->num_threads), call(c) {}
        internal::CallContext *call;
    };

    mutable Halide::Callable callable_;
    std::string name_;
};


bool compile_object_impl(const KernelRecipe &recipe, const std::string &path, std::string *error) {
    try {
        GeneratorPipeline b = build(recipe);
        b.pipeline.compile_to_object(path, b.arguments, kEntryName, target_of(recipe));
        return true;
    } catch (const Halide::Error &e) {
        *error = std::string("compiling ") + recipe.label() + ": " + e.what();
        return false;
    }
}

std::shared_ptr<const internal::SpecializedKernel> compile_in_memory_impl(const KernelRecipe &recipe,
                                                                          const std::string &name, std::string *error) {
    try {
        GeneratorPipeline b = build(recipe);
        const Halide::Target jit_target = target_of(recipe).without_feature(Halide::Target::UserContext);
        Halide::Callable callable = b.pipeline.compile_to_callable(b.arguments, jit_target);
        return std::make_shared<InMemoryKernel>(std::move(callable), name);
    } catch (const Halide::Error &e) {
        *error = std::string("compiling ") + recipe.label() + ": " + e.what();
        return nullptr;
    }
}

}  // namespace
}  // namespace sepconv::jit

extern "C" __attribute__((visibility("default"))) const sepconv::jit::CompilerApi *sepconv_jit_compiler_api(
    int version, const sepconv::jit::CompilerHost *host) {
    static const sepconv::jit::CompilerApi api{sepconv::jit::compile_object_impl, sepconv::jit::compile_in_memory_impl};
    if (version != sepconv::jit::kCompilerApiVersion || host == nullptr) return nullptr;
    sepconv::jit::host = host;
    return &api;
}
