#include "jit_candidate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <sstream>

#include "common/config_text.h"
#include "families.h"
#include "generator_pipeline.h"
#include "kernel_args.h"
#include "packed_pointwise.h"
#include "variant_spec.h"
#include "worker_pool.h"
#include "sepconv/sepconv.h"

namespace sepconv::tune {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Halide::Buffer<float> random_buffer(const std::vector<int> &extents, std::mt19937 &rng) {
    Halide::Buffer<float> b(extents);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    b.for_each_value([&](float &v) { v = dist(rng); });
    return b;
}

// The estimates an autoscheduler plans for: exactly this layer.
void set_estimates(Halide::Internal::AbstractGenerator &gen, const LayerData &d) {
    const internal::ShapeKey &k = d.key;
    auto estimate_buffer = [&](const char *name, const Halide::Buffer<float> &b) {
        for (Halide::Parameter p : gen.input_parameter(name)) {
            for (int i = 0; i < b.dimensions(); ++i) {
                p.set_min_constraint_estimate(i, 0);
                p.set_extent_constraint_estimate(i, b.dim(i).extent());
            }
        }
    };
    estimate_buffer("input", d.input);
    estimate_buffer("depthwise_filter", d.depthwise_filter);
    estimate_buffer("pointwise_filter", d.packed_pointwise);
    estimate_buffer("bias", d.bias);
    estimate_buffer("depthwise_bias", d.depthwise_bias);
    for (const char *table : {"depthwise_requant", "pointwise_requant"}) {
        for (Halide::Parameter p : gen.input_parameter(table)) {
            for (int i = 0; i < 2; ++i) {
                p.set_min_constraint_estimate(i, 0);
                p.set_extent_constraint_estimate(i, d.no_requant.dim(i).extent());
            }
        }
    }
    const std::pair<const char *, int64_t> scalars[] = {
        {"stride_h_in", k.stride_h},   {"stride_w_in", k.stride_w}, {"dilation_h_in", k.dilation_h},
        {"dilation_w_in", k.dilation_w}, {"pad_top", d.pad_top},
        {"pad_left", d.pad_left}, {"activation", 0}, {"depthwise_epilogue", 0}, {"input_zero_point", 0},
        {"intermediate_zero_point", 0}, {"output_zero_point", 0}, {"depthwise_min", 0}, {"depthwise_max", 0},
        {"output_min", 0}, {"output_max", 0}};
    for (const auto &[name, value] : scalars) {
        for (Halide::Parameter p : gen.input_parameter(name)) p.set_estimate(Halide::Expr(static_cast<int32_t>(value)));
    }
    Halide::Region region;
    for (int i = 0; i < d.output.dimensions(); ++i) region.push_back({0, d.output.dim(i).extent()});
    for (Halide::Func f : gen.output_func("output")) f.set_estimates(region);
}

}  // namespace

std::string Schedule::label() const {
    if (!autoscheduler.empty()) return autoscheduler;
    return tunables.empty() ? std::string("default") : tunables;
}

bool LayerData::make(const internal::ShapeKey &key, uint32_t seed, LayerData *d, std::string *error) {
    internal::ConvGeometry g;
    Status s = key.geometry(&g);
    const Options options = key.options();
    const std::vector<int64_t> out_shape = g.output_shape();
    if (!s.ok()) {
        *error = key.to_string() + ": " + s.message;
        return false;
    }
    // Halide's dimension 0 is TF's last: a dense TF tensor is a dense Halide buffer with the
    // dimensions reversed (the generator's shape contract).
    auto reversed = [](const std::vector<int64_t> &shape) {
        return std::vector<int>(shape.rbegin(), shape.rend());
    };
    std::mt19937 rng(seed);
    d->key = key;
    d->pad_top = static_cast<int>(g.pad_top);
    d->pad_left = static_cast<int>(g.pad_left);
    d->input = random_buffer(reversed(key.input_shape()), rng);
    d->depthwise_filter = random_buffer(reversed(key.depthwise_filter_shape()), rng);
    const int64_t cm = key.channels * key.multiplier;
    d->pointwise_filter = random_buffer({static_cast<int>(key.out_channels), static_cast<int>(cm)}, rng);
    const internal::AlignedBuffer<float> packed =
        internal::pack_pointwise(d->pointwise_filter.data(), cm, key.out_channels);
    d->packed_pointwise = Halide::Buffer<float>(std::vector<int>{
        kPackedWeightsBlock, static_cast<int>(cm), static_cast<int>(internal::packed_pointwise_blocks(key.out_channels))});
    std::copy(packed.begin(), packed.end(), d->packed_pointwise.data());
    d->bias = random_buffer({static_cast<int>(key.out_channels)}, rng);
    // Candidates are timed on TF's op: no depthwise stage (depthwise_epilogue 0), its bias unread.
    d->depthwise_bias = Halide::Buffer<float>(std::vector<int>{static_cast<int>(cm)});
    d->depthwise_bias.fill(0.0f);
    d->no_requant = Halide::Buffer<int32_t>(1, 2);  // int8's tables: unread by the float variants
    d->no_requant.fill(0);
    d->output = Halide::Buffer<float>(reversed(out_shape));
    d->reference = Halide::Buffer<float>(reversed(out_shape));
    d->flops = static_cast<double>(
        flop_count(key.input_shape(), key.depthwise_filter_shape(), key.pointwise_filter_shape(), options));

    Options ref = options;
    VariantSpec generic;
    generic.type = key.type;
    generic.nchw = key.nchw;
    ref.variant = generic.name();
    ref.bias = TensorView{d->bias.data(), {key.out_channels}};
    s = separable_conv2d({d->input.data(), key.input_shape()}, {d->depthwise_filter.data(), key.depthwise_filter_shape()},
                         {d->pointwise_filter.data(), key.pointwise_filter_shape()}, ref,
                         {d->reference.data(), out_shape});
    if (!s.ok()) {
        *error = key.to_string() + ": the reference failed: " + s.message;
        return false;
    }
    return true;
}

std::unique_ptr<Candidate> Candidate::compile(const LayerData &d, const Halide::Target &target,
                                              const std::string &family, const Schedule &schedule, int threads,
                                              std::string *error) {
    const auto start = Clock::now();
    const internal::ShapeKey &k = d.key;
    try {
        Halide::GeneratorContext context =
            schedule.autoscheduler.empty()
                ? Halide::GeneratorContext(target)
                : Halide::GeneratorContext(
                      target, Halide::AutoschedulerParams(schedule.autoscheduler,
                                                          {{"parallelism", std::to_string(std::max(threads, 1))}}));
        // The generator parameters a tuned AOT variant is built with (generators/variant_spec.h),
        // the configuration given as the target's ISA section.
        const Family *f = find_family(family);
        const IsaRow *isa = f ? f->isa_for(target.to_string()) : nullptr;
        if (isa == nullptr) {
            *error = "no ISA of the " + family + " family matches " + target.to_string();
            return nullptr;
        }
        VariantSpec spec = VariantSpec::for_layer(k);
        spec.tunables = section_text(isa->isa.name, schedule.tunables);
        GeneratorPipeline built = build_generator_pipeline(context, spec.generator_params(family));
        Halide::Internal::AbstractGenerator &gen = *built.generator;
        Halide::Pipeline &pipeline = built.pipeline;
        const std::vector<Halide::Argument> &arguments = built.arguments;
        if (!schedule.autoscheduler.empty()) {
            set_estimates(gen, d);
            pipeline.apply_autoscheduler(target, context.autoscheduler_params());
        }
        auto c = std::unique_ptr<Candidate>(new Candidate);
        c->callable_ = pipeline.compile_to_callable(arguments, target);
        c->compile_seconds_ = seconds_since(start);
        return c;
    } catch (const Halide::Error &e) {
        *error = schedule.label() + " does not compile: " + e.what();
        return nullptr;
    }
}

bool Candidate::run(LayerData &d, int threads, std::string *error, bool copy_back) {
    const internal::ShapeKey &k = d.key;
    // Parallel loops as the AOT library runs them: serially for a 1-thread measurement, else on the
    // library's worker pool (Halide's own JIT pool would time other start-up and wake-up costs).
    WorkerPoolContext context(internal::run_parallel_loop, threads);
    KernelScalars scalars{};
    scalars.stride_h = static_cast<int32_t>(k.stride_h), scalars.stride_w = static_cast<int32_t>(k.stride_w);
    scalars.dilation_h = static_cast<int32_t>(k.dilation_h), scalars.dilation_w = static_cast<int32_t>(k.dilation_w);
    scalars.pad_top = d.pad_top, scalars.pad_left = d.pad_left;  // no activation, no depthwise stage
    const KernelBuffers<halide_buffer_t *> buffers{d.input.raw_buffer(),
                                                   d.depthwise_filter.raw_buffer(),
                                                   d.packed_pointwise.raw_buffer(),
                                                   d.bias.raw_buffer(),
                                                   d.depthwise_bias.raw_buffer(),
                                                   d.no_requant.raw_buffer(),
                                                   d.no_requant.raw_buffer(),
                                                   d.output.raw_buffer()};
    try {
        const int result = call_kernel(callable_, static_cast<Halide::JITUserContext *>(&context), buffers, scalars);
        if (result != 0) {
            *error = "the pipeline returned error " + std::to_string(result);
            return false;
        }
        d.output.device_sync();
        if (copy_back) d.output.copy_to_host();
        return true;
    } catch (const Halide::Error &e) {
        *error = std::string("the pipeline failed: ") + e.what();
        return false;
    }
}

bool Candidate::matches_reference(const LayerData &d, std::string *error) {
    bool ok = true;
    d.reference.for_each_element([&](const int *at) {
        if (!ok) return;
        const float want = d.reference(at), got = d.output(at);
        if (!(std::fabs(got - want) <= SEPCONV_TEST_ATOL + SEPCONV_TEST_RTOL * std::fabs(want))) {
            std::ostringstream s;
            s << "output element (" << at[0] << ", " << at[1] << ", " << at[2] << ", " << at[3] << ") is " << got
              << ", the reference " << want;
            *error = s.str();
            ok = false;
        }
    });
    return ok;
}

bool Candidate::time(LayerData &d, int threads, int samples, double min_sample_seconds, double *seconds,
                     std::string *error) {
    auto start = Clock::now();
    if (!run(d, threads, error)) return false;  // warm-up: thread start, page faults
    const double once = std::max(seconds_since(start), 1e-7);
    const int runs = std::clamp(static_cast<int>(min_sample_seconds / once), 1, 100000);
    std::vector<double> per_run;
    for (int s = 0; s < samples; ++s) {
        start = Clock::now();
        for (int r = 0; r < runs; ++r) {
            if (!run(d, threads, error, /*copy_back=*/false)) return false;
        }
        per_run.push_back(seconds_since(start) / runs);
    }
    *seconds = *std::min_element(per_run.begin(), per_run.end());
    return true;
}

bool load_autoscheduler(const std::string &name, std::string *error) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::string path = std::string(SEPCONV_HALIDE_PLUGIN_DIR) + "/libautoschedule_" + lower + ".so";
    try {
        Halide::load_plugin(path);
        return true;
    } catch (const Halide::Error &e) {
        *error = "cannot load the " + name + " autoscheduler from " + path + ": " + e.what();
        return false;
    }
}

void set_jit_threads(int threads) { Halide::Internal::JITSharedRuntime::set_num_threads(threads); }

}  // namespace sepconv::tune
