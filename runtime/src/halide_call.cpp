#include "halide_call.h"

#include <mutex>
#include <string>
#include <vector>

#ifdef SEPCONV_HAS_GPU
#include "HalideRuntimeCuda.h"
#endif
#include "data_types.h"
#include "scratch.h"
#include "worker_pool.h"

namespace sepconv::internal {
namespace {

void capture_halide_error(void *user_context, const char *message) {
    if (user_context != nullptr) {
        static_cast<CallContext *>(user_context)->error += message;
    }
}

// This runtime is sepconv's own (one Halide runtime in libsepconv.a), and every variant call
// passes its CallContext; a context-less call would be no sepconv call, and runs serially.
int do_par_for_on_worker_pool(void *user_context, halide_task_t task, int min, int size, uint8_t *closure) {
    const int threads = user_context ? static_cast<CallContext *>(user_context)->num_threads : 1;
    return run_parallel_loop(threads, task, user_context, min, size, closure);
}

// Once per process: our error handler (Halide's default AOT handler calls abort()), the
// parallel-for that runs loops on the worker pool, and scratch memory reused across calls.
void install_runtime_hooks() {
    static std::once_flag once;
    std::call_once(once, [] {
        const RuntimeHooks &h = runtime_hooks();
        halide_set_error_handler(h.error);
        halide_set_custom_do_par_for(h.do_par_for);
        halide_set_custom_malloc(h.malloc);
        halide_set_custom_free(h.free);
    });
}

}  // namespace

const RuntimeHooks &runtime_hooks() {
    static const RuntimeHooks hooks{capture_halide_error, do_par_for_on_worker_pool, scratch_malloc, scratch_free};
    return hooks;
}

namespace {

halide_type_t halide_type_of(DataType type) {
    const DataTypeRow &t = row_of(type);
    return halide_type_t(t.is_float ? halide_type_float : halide_type_int, static_cast<uint8_t>(8 * t.bytes));
}

// A dense C-order tensor seen by Halide: dimension 0 is the innermost (last) TF dimension.
class HalideTensor {
public:
    HalideTensor(const void *data, DataType type, std::vector<int64_t> shape)
        : HalideTensor(data, halide_type_of(type), std::move(shape)) {}
    HalideTensor(const void *data, halide_type_t type, std::vector<int64_t> shape) {
        buf_.host = static_cast<uint8_t *>(const_cast<void *>(data));
        buf_.type = type;
        buf_.dimensions = static_cast<int32_t>(shape.size());
        buf_.dim = dims_;
        int64_t stride = 1;
        for (size_t i = 0; i < shape.size(); ++i) {
            const int64_t extent = shape[shape.size() - 1 - i];
            dims_[i] = halide_dimension_t(0, static_cast<int32_t>(extent), static_cast<int32_t>(stride));
            stride *= extent;
        }
    }
    halide_buffer_t *get() { return &buf_; }

private:
    halide_dimension_t dims_[4];
    halide_buffer_t buf_{};
};

}  // namespace

// GPU variants: Halide copies host buffers marked host-dirty to the device, and leaves results on
// the device. Caller device memory is wrapped instead (CUDA only) and used in place.
class GpuBuffers {
public:
    GpuBuffers(void *uc, std::initializer_list<std::pair<HalideTensor *, MemorySpace>> buffers) : uc_(uc) {
        for (auto [tensor, memory] : buffers) {
            halide_buffer_t *b = tensor->get();
            if (memory == MemorySpace::kHost) {
                b->flags |= halide_buffer_flag_host_dirty;
                owned_.push_back(b);
            } else {
                wrap(b);
            }
        }
    }
    // Brings a host output back; call once the pipeline has succeeded.
    int copy_to_host(HalideTensor *t, MemorySpace memory) {
        return memory == MemorySpace::kHost ? halide_copy_to_host(uc_, t->get()) : 0;
    }
    int status() const { return wrap_status_; }
    ~GpuBuffers() {
        for (halide_buffer_t *b : owned_) halide_device_free(uc_, b);
#ifdef SEPCONV_HAS_GPU
        for (halide_buffer_t *b : wrapped_) halide_cuda_detach_device_ptr(uc_, b);
#endif
    }

private:
    void wrap(halide_buffer_t *b) {
        const uint64_t device_ptr = reinterpret_cast<uintptr_t>(b->host);
        b->host = nullptr;
#ifdef SEPCONV_HAS_GPU
        const int rc = halide_cuda_wrap_device_ptr(uc_, b, device_ptr);
        if (rc == 0) {
            wrapped_.push_back(b);
        } else if (wrap_status_ == 0) {
            wrap_status_ = rc;
        }
#else
        (void)device_ptr;
        wrap_status_ = -1;
#endif
    }

    void *uc_;
    std::vector<halide_buffer_t *> owned_, wrapped_;
    int wrap_status_ = 0;
};

Status call_variant(const VariantRow &variant, const ConvGeometry &g, const CallArgs &args,
                    const SpecializedKernel *kernel) {
    install_runtime_hooks();

    const KernelBuffers<std::vector<int64_t>> shapes = kernel_buffer_shapes(g, args.type);
    const bool quantized = args.type == DataType::kInt8;
    const halide_type_t int32 = halide_type_t(halide_type_int, 32);
    const halide_type_t biases = quantized ? int32 : halide_type_of(args.weights_type);
    // int8's requantization tables; other types' code never reads them (one channel of zeros).
    static const int32_t kNoTable[3] = {0, 0, 0};
    const Requantization &q = *args.requant;
    HalideTensor input(args.input, args.type, shapes.input);
    HalideTensor depthwise(args.depthwise_filter, args.weights_type, shapes.depthwise_filter);
    HalideTensor pointwise(args.pointwise_filter, args.weights_type, shapes.pointwise_filter);
    HalideTensor bias(args.bias, biases, shapes.bias);
    HalideTensor depthwise_bias(args.depthwise_bias, biases, shapes.depthwise_bias);
    HalideTensor depthwise_requant(quantized ? q.depthwise.data() : kNoTable, int32, shapes.depthwise_requant);
    HalideTensor pointwise_requant(quantized ? q.pointwise.data() : kNoTable, int32, shapes.pointwise_requant);
    HalideTensor output(args.output, args.type, shapes.output);

    CallContext context;
    context.num_threads = args.num_threads;
    const KernelScalars scalars = kernel_scalars(g, args.activation, args.depthwise_epilogue, q);
    const KernelBuffers<halide_buffer_t *> buffers{input.get(),          depthwise.get(),         pointwise.get(),
                                                   bias.get(),           depthwise_bias.get(),    depthwise_requant.get(),
                                                   pointwise_requant.get(), output.get()};
    auto run = [&] { return call_kernel(variant.kernel(), &context, buffers, scalars); };
    int rc = 0;
    if (variant.spec.device == Device::kCpu) {
        rc = kernel ? kernel->run(&context, buffers, scalars) : run();
    } else {
        GpuBuffers gpu(&context, {{&input, args.input_memory},
                                  {&depthwise, MemorySpace::kHost},
                                  {&pointwise, MemorySpace::kHost},
                                  {&bias, MemorySpace::kHost},
                                  {&depthwise_bias, MemorySpace::kHost},
                                  {&output, args.output_memory}});
        rc = gpu.status();
        if (rc == 0) rc = run();
        if (rc == 0) rc = gpu.copy_to_host(&output, args.output_memory);
    }
    if (rc != 0) {
        const std::string what = kernel ? "JIT kernel " + kernel->name() : std::string("variant ") + variant.name;
        return Status::Internal(what + " failed (Halide error " +
                                std::to_string(rc) + "): " + (context.error.empty() ? "no message" : context.error));
    }
    return Status::Ok();
}

KernelBuffers<std::vector<int64_t>> kernel_buffer_shapes(const ConvGeometry &g, DataType type) {
    const FilterGeometry &f = g.f;
    const bool quantized = type == DataType::kInt8;
    const int64_t cm = f.channels * f.multiplier;
    const int group = packed_row_group(quantized);
    return {g.input_shape(),
            {f.kh, f.kw, f.channels, f.multiplier},
            {packed_pointwise_blocks(f.out_channels), packed_pointwise_groups(cm, group), kPackedWeightsBlock * group},
            {f.out_channels},
            {cm},
            {2, quantized ? cm : 1},
            {quantized ? 3 : 2, quantized ? f.out_channels : 1},
            g.output_shape()};
}

KernelScalars kernel_scalars(const ConvGeometry &g, Activation activation, int32_t depthwise_epilogue,
                             const Requantization &q) {
    const FilterGeometry &f = g.f;
    return {static_cast<int32_t>(f.stride_h),   static_cast<int32_t>(f.stride_w), static_cast<int32_t>(f.dilation_h),
            static_cast<int32_t>(f.dilation_w), static_cast<int32_t>(g.pad_top),  static_cast<int32_t>(g.pad_left),
            static_cast<int32_t>(activation),   depthwise_epilogue,               q.input_zero_point,
            q.intermediate_zero_point,          q.output_zero_point,              q.depthwise_min,
            q.depthwise_max,                    q.output_min,                     q.output_max};
}

int32_t depthwise_epilogue(const FilterGeometry &f, DataType type, Activation depthwise_activation) {
    if (type != DataType::kInt8 && !f.has_depthwise_bias && depthwise_activation == Activation::kNone) return 0;
    return 1 + static_cast<int32_t>(depthwise_activation);
}

}  // namespace sepconv::internal
