#include "halide_call.h"

#include <mutex>
#include <string>
#include <vector>

#ifdef SEPCONV_HAS_GPU
#include "HalideRuntimeCuda.h"
#endif
#include "worker_pool.h"

namespace sepconv::internal {
namespace {

// Per-call sink for Halide runtime errors: the variants are compiled with the user_context
// feature, so the handler receives this call's context and never touches global state.
struct CallContext {
    std::string error;
};

void capture_halide_error(void *user_context, const char *message) {
    if (user_context != nullptr) {
        static_cast<CallContext *>(user_context)->error += message;
    }
}

// The Options::num_threads of the variant call running on this thread (worker_pool.h).
thread_local int t_call_threads = 0;

int do_par_for_on_worker_pool(void *user_context, halide_task_t task, int min, int size, uint8_t *closure) {
    return run_parallel_loop(t_call_threads, task, user_context, min, size, closure);
}

// Once per process: our error handler (Halide's default AOT handler calls abort()) and the
// parallel-for that runs loops on the worker pool.
void install_runtime_hooks() {
    static std::once_flag once;
    std::call_once(once, [] {
        halide_set_error_handler(capture_halide_error);
        halide_set_custom_do_par_for(do_par_for_on_worker_pool);
    });
}

// Sets the calling thread's call thread count for the scope's lifetime.
class CallThreadsScope {
public:
    explicit CallThreadsScope(int threads) { t_call_threads = threads; }
    ~CallThreadsScope() { t_call_threads = 0; }
};

// A dense C-order tensor seen by Halide: dimension 0 is the innermost (last) TF dimension.
class HalideTensor {
public:
    HalideTensor(const float *data, std::vector<int64_t> shape) {
        buf_.host = reinterpret_cast<uint8_t *>(const_cast<float *>(data));
        buf_.type = halide_type_t(halide_type_float, 32);
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

std::vector<int64_t> input_shape(const ConvGeometry &g) {
    if (g.f.nchw) return {g.batch, g.f.channels, g.height, g.width};
    return {g.batch, g.height, g.width, g.f.channels};
}

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

Status call_variant(const VariantRow &variant, const ConvGeometry &g, const CallArgs &args) {
    install_runtime_hooks();
    CallThreadsScope threads(args.num_threads);

    const FilterGeometry &f = g.f;
    HalideTensor input(args.input, input_shape(g));
    HalideTensor depthwise(args.depthwise_filter, {f.kh, f.kw, f.channels, f.multiplier});
    HalideTensor pointwise(args.pointwise_filter,
                           {packed_pointwise_blocks(f.out_channels), f.channels * f.multiplier, kPackedWeightsBlock});
    HalideTensor bias(args.bias, {f.out_channels});
    HalideTensor output(args.output, g.output_shape());

    CallContext context;
    auto run = [&] {
        return variant.fn(&context, input.get(), depthwise.get(), pointwise.get(), bias.get(),
                          static_cast<int32_t>(f.stride_h), static_cast<int32_t>(f.stride_w),
                          static_cast<int32_t>(f.dilation_h), static_cast<int32_t>(f.dilation_w),
                          static_cast<int32_t>(g.pad_top), static_cast<int32_t>(g.pad_left),
                          static_cast<int32_t>(args.activation), output.get());
    };
    int rc = 0;
    if (variant.device == Device::kCpu) {
        rc = run();
    } else {
        GpuBuffers gpu(&context, {{&input, args.input_memory},
                                  {&depthwise, MemorySpace::kHost},
                                  {&pointwise, MemorySpace::kHost},
                                  {&bias, MemorySpace::kHost},
                                  {&output, args.output_memory}});
        rc = gpu.status();
        if (rc == 0) rc = run();
        if (rc == 0) rc = gpu.copy_to_host(&output, args.output_memory);
    }
    if (rc != 0) {
        return Status::Internal(std::string("variant ") + variant.name + " failed (Halide error " +
                                std::to_string(rc) + "): " + (context.error.empty() ? "no message" : context.error));
    }
    return Status::Ok();
}

}  // namespace sepconv::internal
