#include "kernel_build.h"

#include <dlfcn.h>

#include <sstream>

#include "common/config_text.h"
#include "data_types.h"
#include "families.h"
#include "generator_pipeline.h"
#include "halide_call.h"
#include "shape_key.h"
#include "worker_pool.h"

namespace sepconv::jit {
namespace {

std::string join(const std::vector<int64_t> &v, const char *sep) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
    return s;
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
    GeneratorPipeline b = build_generator_pipeline(Halide::GeneratorContext(r.target), params);
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

// A kernel in a loaded shared object: an AOT variant's entry point, its runtime's handlers the
// library's.
class LoadedKernel : public internal::SpecializedKernel {
public:
    LoadedKernel(KernelFn fn, std::string name) : fn_(fn), name_(std::move(name)) {}
    int run(internal::CallContext *context, const KernelBuffers<halide_buffer_t *> &buffers,
            const KernelScalars &scalars) const override {
        return call_kernel(fn_, context, buffers, scalars);
    }
    std::string name() const override { return name_; }

private:
    KernelFn fn_;
    std::string name_;
};

// A kernel JIT-compiled in memory: libHalide's JIT runtime, with the call's context carrying the
// handlers the library's runtime has (its worker pool, its error capture).
class InMemoryKernel : public internal::SpecializedKernel {
public:
    InMemoryKernel(Halide::Callable callable, std::string name) : callable_(std::move(callable)), name_(std::move(name)) {}
    int run(internal::CallContext *call, const KernelBuffers<halide_buffer_t *> &buffers,
            const KernelScalars &scalars) const override {
        Context context;
        context.call = call;
        context.handlers.custom_do_par_for = do_par_for;
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
    struct Context : Halide::JITUserContext {
        internal::CallContext *call = nullptr;
    };
    struct Loop {
        int (*task)(Halide::JITUserContext *, int, uint8_t *);
        Halide::JITUserContext *context;
        uint8_t *closure;
    };
    static int run_task(void *, int i, uint8_t *loop) {
        const Loop &l = *reinterpret_cast<const Loop *>(loop);
        return l.task(l.context, i, l.closure);
    }
    static int do_par_for(Halide::JITUserContext *c, int (*task)(Halide::JITUserContext *, int, uint8_t *), int min,
                          int extent, uint8_t *closure) {
        Loop loop{task, c, closure};
        return internal::run_parallel_loop(static_cast<Context *>(c)->call->num_threads, run_task, nullptr, min, extent,
                                           reinterpret_cast<uint8_t *>(&loop));
    }

    mutable Halide::Callable callable_;
    std::string name_;
};

}  // namespace

std::string KernelRecipe::key_text() const {
    std::ostringstream k;
    k << "target " << target.to_string() << "\n";
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
    r->target = Halide::Target(target).with_feature(Halide::Target::UserContext).without_feature(Halide::Target::NoRuntime);
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

bool compile_object(const KernelRecipe &recipe, const std::string &path, std::string *error) {
    try {
        GeneratorPipeline b = build(recipe);
        b.pipeline.compile_to_object(path, b.arguments, kEntryName, recipe.target);
        return true;
    } catch (const Halide::Error &e) {
        *error = std::string("compiling ") + recipe.label() + ": " + e.what();
        return false;
    }
}

std::shared_ptr<const internal::SpecializedKernel> compile_in_memory(const KernelRecipe &recipe, std::string *error) {
    try {
        GeneratorPipeline b = build(recipe);
        const Halide::Target jit_target = recipe.target.without_feature(Halide::Target::UserContext);
        Halide::Callable callable = b.pipeline.compile_to_callable(b.arguments, jit_target);
        return std::make_shared<InMemoryKernel>(std::move(callable), "in-memory " + recipe.label());
    } catch (const Halide::Error &e) {
        *error = std::string("compiling ") + recipe.label() + ": " + e.what();
        return nullptr;
    }
}

std::shared_ptr<const internal::SpecializedKernel> load_shared_object(const std::string &path, const std::string &name,
                                                                      std::string *error) {
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char *why = dlerror();
        *error = "cannot load " + path + ": " + (why ? why : "dlopen failed");
        return nullptr;
    }
    auto symbol = [&](const char *s) { return dlsym(handle, s); };
    auto fn = reinterpret_cast<KernelFn>(symbol(kEntryName));
    auto set_error = reinterpret_cast<halide_error_handler_t (*)(halide_error_handler_t)>(symbol("halide_set_error_handler"));
    auto set_par_for = reinterpret_cast<halide_do_par_for_t (*)(halide_do_par_for_t)>(symbol("halide_set_custom_do_par_for"));
    auto set_malloc = reinterpret_cast<halide_malloc_t (*)(halide_malloc_t)>(symbol("halide_set_custom_malloc"));
    auto set_free = reinterpret_cast<halide_free_t (*)(halide_free_t)>(symbol("halide_set_custom_free"));
    if (!fn || !set_error || !set_par_for || !set_malloc || !set_free) {
        dlclose(handle);
        *error = path + " is no sepconv JIT kernel (a symbol is missing)";
        return nullptr;
    }
    const internal::RuntimeHooks &h = internal::runtime_hooks();
    set_error(h.error);
    set_par_for(h.do_par_for);
    set_malloc(h.malloc);
    set_free(h.free);
    return std::make_shared<LoadedKernel>(fn, name);
}

}  // namespace sepconv::jit
