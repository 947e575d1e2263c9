// The public API: argument checking, variant choice and the call, for both the one-shot form and
// the prepared Layer.
#include "sepconv/sepconv.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "conv_geometry.h"
#include "cpu_dispatch.h"
#include "data_types.h"
#include "gpu_probe.h"
#include "halide_call.h"
#include "jit_hook.h"
#include "microarchitecture.h"
#include "variant_table.h"
#include "weights.h"
#include "worker_pool.h"

namespace sepconv {

using internal::ConvGeometry;
using internal::FilterGeometry;

namespace {

bool overlaps(const void *a, int64_t a_bytes, const void *b, int64_t b_bytes) {
    const auto pa = reinterpret_cast<uintptr_t>(a), pb = reinterpret_cast<uintptr_t>(b);
    return pa < pb + static_cast<uintptr_t>(b_bytes) && pb < pa + static_cast<uintptr_t>(a_bytes);
}

int64_t element_count(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// The memory the library allocates itself, checked against Options::memory_limit_bytes before
// anything is allocated: `weight_bytes` of weight copies (internal::Weights: a Layer's own, or
// the one-shot call's), and Halide's depthwise scratch: one output row of C*M channels per worker
// thread, or the whole image for a variant whose threads split the output channels
// (parallel_over=channels). `g` is null before the input is known (Layer::create). The scratch
// holds the arithmetic's type: the variant's weights type, or int8's int32; int8 adds a weight block
// widened to int16 per worker (pmaddwd's: at most 8 vectors of 8 output channels, cpu_schedule.cpp).
Status check_memory(const FilterGeometry &f, const Options &o, const ConvGeometry *g,
                    const internal::VariantRow &variant, int64_t weight_bytes) {
    const int64_t cm = f.channels * f.multiplier;
    int64_t bytes = weight_bytes;
    if (g != nullptr) {
        const int64_t workers = internal::call_threads(o.num_threads);
        const int64_t scratch = cm * g->out_width * (variant.spec.whole_image_scratch ? g->out_height : workers);
        const int scratch_bytes = variant.spec.type == DataType::kInt8 ? 4 : internal::row_of(variant.spec.weights_type).bytes;
        bytes += scratch * scratch_bytes;  // each term is < 2^31 elements
        if (variant.spec.type == DataType::kInt8) bytes += workers * cm * 64 * 2;
    }
    if (bytes > o.memory_limit_bytes) {
        return Status::InvalidArgument("this call needs about " + std::to_string(bytes) +
                                       " bytes of library memory (weights and scratch), over "
                                       "memory_limit_bytes = " + std::to_string(o.memory_limit_bytes));
    }
    return Status::Ok();
}

// Where the call runs. kAuto follows the data: CUDA when the input or output is CUDA device
// memory, else the CPU. A GPU device is probed once per process; its absence is kUnavailable.
Status choose_device(const Options &o, MemorySpace input_memory, MemorySpace output_memory,
                     internal::DeviceChoice *choice) {
    const bool on_cuda = input_memory == MemorySpace::kCudaDevice || output_memory == MemorySpace::kCudaDevice;
    Device device = o.device == Device::kAuto ? (on_cuda ? Device::kCuda : Device::kCpu) : o.device;
    if (on_cuda && device != Device::kCuda) {
        return Status::InvalidArgument(std::string("input or output is CUDA device memory, which needs device CUDA "
                                                   "(or auto), got ") + to_string(device));
    }
    choice->device = device;
    if (device == Device::kCpu) choice->uarch = internal::microarchitecture();
#ifndef SEPCONV_HAS_GPU
    if (device == Device::kCuda || device == Device::kOpenCL) {
        return {StatusCode::kUnavailable, std::string("device ") + to_string(device) +
                                              " requested, but this build has no GPU variants (SEPCONV_GPU=OFF)"};
    }
#endif
    if (device == Device::kCuda) {
        static const CudaInfo cuda = cuda_info();
        if (!cuda.available) return {StatusCode::kUnavailable, "device CUDA requested but unavailable: " + cuda.why};
        choice->cuda_capability = cuda.capability;
        Status s = internal::use_cuda_primary_context();
        if (!s.ok()) return s;
    } else if (device == Device::kOpenCL) {
        static std::string why;
        static const bool available = opencl_available(&why);
        if (!available) return {StatusCode::kUnavailable, "device OpenCL requested but unavailable: " + why};
    }
    return Status::Ok();
}

// What the variant table matches a call against (tuned shapes are keyed by it).
internal::CallShape call_shape(const ConvGeometry &g, DataType type, const Options &o) {
    internal::CallShape c;
    internal::ShapeKey &k = c.key;
    k.type = type;
    k.nchw = g.f.nchw;
    k.batch = g.batch, k.height = g.height, k.width = g.width;
    k.channels = g.f.channels, k.multiplier = g.f.multiplier, k.out_channels = g.f.out_channels;
    k.kernel_h = g.f.kh, k.kernel_w = g.f.kw, k.stride_h = g.f.stride_h, k.stride_w = g.f.stride_w;
    k.dilation_h = g.f.dilation_h, k.dilation_w = g.f.dilation_w;
    k.same = o.padding == Padding::kSame;
    c.explicit_padding = o.padding == Padding::kExplicit;
    c.out_pixels = g.out_height * g.out_width;
    c.out_height = g.out_height, c.out_width = g.out_width;
    c.threads = internal::call_threads(o.num_threads);
    return c;
}

// The order of int8's packed pointwise filter that `variant` reads now: its CPU code is the target
// Halide's dispatch picks (the GPU variants are float only).
bool int8_pairs_for(const internal::VariantRow &variant) {
    return variant.spec.weights_type == DataType::kInt8 && variant.spec.device == Device::kCpu &&
           internal::dispatched_int8_pairs();
}

// The variant a call runs: where it runs (choose_device), then the table's choice there. `g` is
// null when the input is not known yet (Layer::create); `why` may be null (a failure's Status
// still says why).
Status pick_variant(const FilterGeometry &f, DataType type, const ConvGeometry *g, const Options &o,
                    MemorySpace input_memory, MemorySpace output_memory, const internal::VariantRow **row,
                    std::string *why) {
    internal::DeviceChoice device;
    Status s = choose_device(o, input_memory, output_memory, &device);
    if (!s.ok()) return s;
    internal::CallShape call;
    if (g) call = call_shape(*g, type, o);
    *row = internal::select_variant(f, type, g ? &call : nullptr, device, o.variant, why);
    if (*row) return Status::Ok();
    std::string reason;
    internal::select_variant(f, type, g ? &call : nullptr, device, o.variant, &reason);
    return Status::InvalidArgument(reason);
}

// Every tensor of a call has one type, the depthwise filter's: "<what>: data type float16, but
// <reference> float32 ...", where `reference` names the tensor that sets it ("the filters are").
Status check_type(const char *what, DataType type, const char *reference, DataType expected) {
    if (type == expected) return Status::Ok();
    return Status::InvalidArgument(std::string(what) + ": data type " + to_string(type) + ", but " + reference + " " +
                                   to_string(expected) + " (every tensor of a call has one type)");
}

// The caller's filters and biases, of one type; for int8, the quantization prepared from them.
struct CallerFilters {
    DataType type;
    internal::FilterData data;
    internal::Requantization requant;
};

// A Layer's variant choice per input shape: the cost model's choice depends on the shape, so it is
// made at a shape's first call and reused. Calls of one Layer may run on several threads at once.
// The key holds everything else the choice reads that may change between calls: the memory the
// tensors are in, and the target the dispatch runs (set_max_target).
class ChoiceCache {
public:
    const internal::VariantRow *find(const std::vector<int64_t> &shape, MemorySpace in, MemorySpace out) const {
        const std::string *target = &internal::dispatched_target();
        std::lock_guard<std::mutex> lock(mutex_);
        for (const Entry &e : entries_) {
            if (e.shape == shape && e.in == in && e.out == out && e.target == target) return e.row;
        }
        return nullptr;
    }
    void put(const std::vector<int64_t> &shape, MemorySpace in, MemorySpace out, const internal::VariantRow *row) const {
        const std::string *target = &internal::dispatched_target();
        std::lock_guard<std::mutex> lock(mutex_);
        if (entries_.size() == kMaxShapes) entries_.erase(entries_.begin());  // the oldest
        entries_.push_back({shape, in, out, target, row});
    }

private:
    static constexpr size_t kMaxShapes = 64;
    struct Entry {
        std::vector<int64_t> shape;
        MemorySpace in, out;
        const std::string *target;  // dispatched_target() returns one of a fixed set of strings
        const internal::VariantRow *row;
    };
    mutable std::mutex mutex_;
    mutable std::vector<Entry> entries_;
};

// Where a Layer's CPU calls may run other code than the AOT variant's: a given kernel (the JIT
// tier measuring a candidate), else the JIT tier's kernel for the call, if it has one ready; and
// the Layer's cache of variant choices (null for one-shot calls).
struct KernelSource {
    const internal::SpecializedKernel *kernel = nullptr;
    internal::JitHook *jit = nullptr;
    const ChoiceCache *choices = nullptr;
};

// Everything after the filters are known: resolve the input, check both buffers, pick, call. A
// Layer passes its `prepared` weights; a one-shot call passes null and its `caller` filters,
// prepared here into a scratch copy once every check has passed.
Status run_with_filters(const FilterGeometry &f, const Options &options, const CallerFilters &caller,
                        const internal::Weights *prepared, const TensorView &input, const MutableTensorView &output,
                        KernelSource source = {}) {
    ConvGeometry g;
    Status s = internal::resolve_geometry(input.shape, f, options, &g);
    if (!s.ok()) return s;
    if (input.data == nullptr) return Status::InvalidArgument("input: data is null");
    for (auto [what, type] : {std::pair{"input", input.type}, std::pair{"output", output.type}}) {
        s = internal::check_implemented(what, type);
        if (s.ok()) s = check_type(what, type, "the filters are", caller.type);
        if (!s.ok()) return s;
    }
    s = internal::check_tensor("output", output.data, output.shape, g.output_shape());
    if (!s.ok()) return s;
    const int bytes = internal::row_of(input.type).bytes;
    const int64_t in_bytes = element_count(input.shape) * bytes, out_bytes = element_count(output.shape) * bytes;
    if (input.memory == output.memory && overlaps(input.data, in_bytes, output.data, out_bytes)) {
        return Status::InvalidArgument("output must not overlap input (in-place is not supported)");
    }

    const internal::VariantRow *variant =
        source.choices ? source.choices->find(input.shape, input.memory, output.memory) : nullptr;
    if (variant == nullptr) {
        s = pick_variant(f, input.type, &g, options, input.memory, output.memory, &variant, /*why=*/nullptr);
        if (!s.ok()) return s;
        if (source.choices) source.choices->put(input.shape, input.memory, output.memory, variant);
    }
    // A Layer's weights were prepared for the type (and int8's order) the variant it picked at
    // create reads; a variant that reads another (a device with another arithmetic, a CPU target
    // under another set_max_target) gets a copy per call.
    const bool pairs = int8_pairs_for(*variant);
    const bool reuse = prepared != nullptr && prepared->type() == variant->spec.weights_type &&
                       prepared->int8_pairs() == pairs;
    s = check_memory(f, options, &g, *variant,
                     reuse ? 0 : internal::Weights::bytes(f, caller.type, variant->spec.weights_type));
    if (!s.ok()) return s;
    internal::Weights scratch;
    if (!reuse && prepared != nullptr && prepared->type() == variant->spec.weights_type) {
        scratch = prepared->with_int8_order(f, pairs);
        prepared = &scratch;
    } else if (!reuse) {
        if (caller.data.pointwise == nullptr) {
            return {StatusCode::kInternal, std::string("variant ") + variant->name + " reads " +
                                               to_string(variant->spec.weights_type) + " weights, the layer holds " +
                                               to_string(prepared->type())};
        }
        scratch = internal::Weights::prepare(f, caller.type, caller.data, variant->spec.weights_type,
                                             options.quantization, caller.requant, pairs);
        prepared = &scratch;
    }
    internal::CallArgs args{input.data,
                            prepared->depthwise(),
                            prepared->pointwise(),
                            prepared->bias(),
                            prepared->depthwise_bias(),
                            output.data,
                            input.type,
                            prepared->type(),
                            options.activation,
                            internal::depthwise_epilogue(f, input.type, options.depthwise_activation),
                            &prepared->requantization(),
                            options.num_threads,
                            input.memory,
                            output.memory};
    // A kernel of the JIT tier reads the Layer's weights as the variant picked at create does.
    std::shared_ptr<const internal::SpecializedKernel> jit_kernel;
    if (reuse && variant->spec.device == Device::kCpu && source.kernel == nullptr && source.jit != nullptr) {
        jit_kernel = source.jit->kernel_for(g);
        source.kernel = jit_kernel.get();
    }
    return internal::call_variant(*variant, g, args, reuse ? source.kernel : nullptr);
}

// The filters' (and the biases') data and data types: one implemented type, the depthwise filter's.
Status check_filter_data(const TensorView &depthwise_filter, const TensorView &pointwise_filter, const Options &o) {
    if (depthwise_filter.data == nullptr) return Status::InvalidArgument("depthwise_filter: data is null");
    if (pointwise_filter.data == nullptr) return Status::InvalidArgument("pointwise_filter: data is null");
    Status s = internal::check_implemented("depthwise_filter", depthwise_filter.type);
    if (!s.ok()) return s;
    for (auto [what, view] : {std::pair{"pointwise_filter", &pointwise_filter}, std::pair{"bias", &o.bias},
                              std::pair{"depthwise_bias", &o.depthwise_bias}}) {
        if (view != &pointwise_filter && view->data == nullptr) continue;  // no bias
        s = internal::check_implemented(what, view->type);
        if (s.ok()) s = check_type(what, view->type, "depthwise_filter is", depthwise_filter.type);
        if (!s.ok()) return s;
    }
    return Status::Ok();
}

// The caller's filters, after check_filter_data; int8's quantization is checked and prepared here.
Status caller_filters(const FilterGeometry &f, const TensorView &depthwise_filter, const TensorView &pointwise_filter,
                      const Options &o, CallerFilters *caller) {
    *caller = {depthwise_filter.type, {depthwise_filter.data, pointwise_filter.data, o.bias.data, o.depthwise_bias.data}, {}};
    return depthwise_filter.type == DataType::kInt8 ? internal::prepare_quantization(f, o, &caller->requant)
                                                    : Status::Ok();
}

}  // namespace

Status output_shape(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
                    const std::vector<int64_t> &pointwise_filter_shape, const Options &options,
                    std::vector<int64_t> *shape) {
    FilterGeometry f;
    ConvGeometry g;
    Status s = internal::validate_shapes(input_shape, depthwise_filter_shape, pointwise_filter_shape, options, &f, &g);
    if (!s.ok()) return s;
    *shape = g.output_shape();
    return Status::Ok();
}

Status separable_conv2d(const TensorView &input, const TensorView &depthwise_filter,
                        const TensorView &pointwise_filter, const Options &options,
                        const MutableTensorView &output) {
    FilterGeometry f;
    Status s = internal::validate_filters(depthwise_filter.shape, pointwise_filter.shape, options, &f);
    if (!s.ok()) return s;
    s = check_filter_data(depthwise_filter, pointwise_filter, options);
    if (!s.ok()) return s;
    CallerFilters caller;
    s = caller_filters(f, depthwise_filter, pointwise_filter, options, &caller);
    if (!s.ok()) return s;
    return run_with_filters(f, options, caller, /*prepared=*/nullptr, input, output);
}

struct Layer::Impl {
    FilterGeometry geometry;
    DataType type = DataType::kFloat32;
    Options options;  // biases cleared: the layer owns its copies below
    internal::Weights weights;  // for the variant picked at create (its weights type)
    std::string variant, tunables;  // the variant picked at create, and its configurations
    // The JIT tier's hook, if enabled (jit_hook.h): read and replaced with std::atomic_load/store.
    std::shared_ptr<internal::JitHook> jit;
    // Whether `jit` was ever set: libstdc++'s atomic shared_ptr load takes a lock, which a Layer's
    // calls skip while the JIT tier was never enabled on it.
    std::atomic<bool> jit_enabled{false};
    ChoiceCache choices;  // the variant per input shape
};

Layer::Layer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Layer::~Layer() {
    if (std::shared_ptr<internal::JitHook> jit = std::atomic_load(&impl_->jit)) jit->detach();
}

Status Layer::create(const TensorView &depthwise_filter, const TensorView &pointwise_filter, const Options &options,
                     std::unique_ptr<Layer> *layer) {
    if (layer == nullptr) return Status::InvalidArgument("layer: output pointer is null");
    auto impl = std::make_unique<Impl>();
    Status s = internal::validate_filters(depthwise_filter.shape, pointwise_filter.shape, options, &impl->geometry);
    if (!s.ok()) return s;
    s = check_filter_data(depthwise_filter, pointwise_filter, options);
    if (!s.ok()) return s;
    CallerFilters caller;
    s = caller_filters(impl->geometry, depthwise_filter, pointwise_filter, options, &caller);
    if (!s.ok()) return s;
    // The variant depends only on the filters and options, so an impossible forced variant is an
    // error now rather than at the first run.
    const internal::VariantRow *row = nullptr;
    std::string why;
    const DataType type = depthwise_filter.type;
    s = pick_variant(impl->geometry, type, nullptr, options, MemorySpace::kHost, MemorySpace::kHost, &row, &why);
    if (!s.ok()) return s;
    const FilterGeometry &f = impl->geometry;
    s = check_memory(f, options, /*g=*/nullptr, *row, internal::Weights::bytes(f, type, row->spec.weights_type));
    if (!s.ok()) return s;
    impl->weights = internal::Weights::prepare(f, type, caller.data, row->spec.weights_type, options.quantization,
                                               caller.requant, int8_pairs_for(*row));
    impl->type = type;
    impl->variant = row->name;
    impl->tunables = row->spec.tunables;
    impl->options = options;
    impl->options.bias = TensorView{};
    impl->options.depthwise_bias = TensorView{};
    layer->reset(new Layer(std::move(impl)));
    return Status::Ok();
}

Status Layer::output_shape(const std::vector<int64_t> &input_shape, std::vector<int64_t> *shape) const {
    ConvGeometry g;
    Status s = internal::resolve_geometry(input_shape, impl_->geometry, impl_->options, &g);
    if (s.ok()) *shape = g.output_shape();
    return s;
}

Status Layer::run(const TensorView &input, const MutableTensorView &output) const {
    const CallerFilters none{impl_->type, {}, {}};
    const std::shared_ptr<internal::JitHook> jit = impl_->jit_enabled ? std::atomic_load(&impl_->jit) : nullptr;
    return run_with_filters(impl_->geometry, impl_->options, none, &impl_->weights, input, output,
                            KernelSource{nullptr, jit.get(), &impl_->choices});
}

namespace internal {

LayerFacts layer_facts(const Layer &layer) {
    const Layer::Impl &impl = *layer.impl_;
    return {impl.geometry, impl.type, &impl.options, impl.variant, impl.tunables, &impl.weights.requantization()};
}

std::shared_ptr<JitHook> layer_jit(const Layer &layer) { return std::atomic_load(&layer.impl_->jit); }

void set_layer_jit(const Layer &layer, std::shared_ptr<JitHook> hook) {
    if (hook) layer.impl_->jit_enabled = true;  // before the hook: a call that sees it then loads it
    std::atomic_store(&layer.impl_->jit, std::move(hook));
}

Status run_layer_with(const Layer &layer, const SpecializedKernel *kernel, const TensorView &input,
                      const MutableTensorView &output, int num_threads) {
    const Layer::Impl &impl = *layer.impl_;
    Options options = impl.options;
    options.num_threads = num_threads;
    const CallerFilters none{impl.type, {}, {}};
    return run_with_filters(impl.geometry, options, none, &impl.weights, input, output, KernelSource{kernel, nullptr});
}

}  // namespace internal

Status Layer::variant_for(const std::vector<int64_t> &input_shape, std::string *variant) const {
    ConvGeometry g;
    Status s = internal::resolve_geometry(input_shape, impl_->geometry, impl_->options, &g);
    if (!s.ok()) return s;
    const internal::VariantRow *row = nullptr;
    s = pick_variant(impl_->geometry, impl_->type, &g, impl_->options, MemorySpace::kHost, MemorySpace::kHost,
                     &row, /*why=*/nullptr);
    if (!s.ok()) return s;
    *variant = row->name;
    return Status::Ok();
}

Status explain(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
               const std::vector<int64_t> &pointwise_filter_shape, const Options &options,
               Explanation *explanation, DataType type) {
    FilterGeometry f;
    ConvGeometry g;
    Status s = internal::validate_shapes(input_shape, depthwise_filter_shape, pointwise_filter_shape, options, &f, &g);
    if (!s.ok()) return s;
    s = internal::check_implemented("type", type);
    if (!s.ok()) return s;
    const internal::VariantRow *row = nullptr;
    std::string why;
    s = pick_variant(f, type, &g, options, MemorySpace::kHost, MemorySpace::kHost, &row, &why);
    if (!s.ok()) return s;
    const bool depthwise_stage = internal::depthwise_epilogue(f, type, options.depthwise_activation) != 0;
    const internal::RunningCode code = internal::running_code(*row, &g, options.activation, depthwise_stage);
    *explanation = {row->name, why, code.target, code.isa, code.configuration, code.specialization};
    return Status::Ok();
}

std::vector<VariantInfo> variants() {
    std::vector<VariantInfo> out;
    for (const internal::VariantRow &row : internal::variant_table()) {
        std::vector<std::string> tuned_shapes;
        for (const internal::TunedShape &t : row.tuned_shapes) tuned_shapes.push_back(t.to_string());
        const internal::RunningCode code = internal::running_code(row, nullptr, Activation::kNone, false);
        out.push_back({row.name, row.constraints(), row.spec.tunables, row.spec.device, row.spec.type, row.spec.origin,
                       tuned_shapes, code.isa, code.configuration});
    }
    return out;
}

int64_t flop_count(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
                   const std::vector<int64_t> &pointwise_filter_shape, const Options &options) {
    std::vector<int64_t> out;
    if (!output_shape(input_shape, depthwise_filter_shape, pointwise_filter_shape, options, &out).ok()) return 0;
    const bool nchw = options.data_format == DataFormat::kNCHW;
    const int64_t pixels = out[0] * (nchw ? out[2] * out[3] : out[1] * out[2]);
    const int64_t cm = depthwise_filter_shape[2] * depthwise_filter_shape[3];
    const int64_t taps = depthwise_filter_shape[0] * depthwise_filter_shape[1];
    return 2 * pixels * cm * (taps + pointwise_filter_shape[3]);
}

}  // namespace sepconv
