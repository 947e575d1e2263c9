// The seam between a Layer and the optional JIT tier (sepconv_jit, jit/). libsepconv.a only calls
// through these interfaces; the JIT tier implements them, so nothing of it (nor libHalide) is
// linked into the library.
#pragma once

#include <memory>
#include <string>

#include "conv_geometry.h"
#include "kernel_args.h"
#include "quantization.h"
#include "sepconv/sepconv.h"

namespace sepconv::internal {

// The user_context of every sepconv kernel call (the variants are compiled with Halide's
// user_context feature): the sink for Halide's errors, and the thread count its parallel loops
// run on (RuntimeHooks read it).
struct CallContext {
    std::string error;
    int num_threads = 0;  // Options::num_threads
};

// The handlers every Halide runtime that runs sepconv kernels has installed: libsepconv's own
// runtime, and the runtime inside each kernel the JIT tier loads.
struct RuntimeHooks {
    void (*error)(void *user_context, const char *message);
    int (*do_par_for)(void *user_context, halide_task_t task, int min, int size, uint8_t *closure);
    void *(*malloc)(void *user_context, size_t bytes);
    void (*free)(void *user_context, void *ptr);
};
const RuntimeHooks &runtime_hooks();

// A kernel compiled for one exact call of one Layer (its extents and scalars constant): it takes
// the same arguments as the AOT variant the Layer picked, and reads the same packed weights.
class SpecializedKernel {
public:
    virtual ~SpecializedKernel() = default;
    virtual int run(CallContext *context, const KernelBuffers<halide_buffer_t *> &buffers,
                    const KernelScalars &scalars) const = 0;
    virtual std::string name() const = 0;
};

// The JIT tier, as a Layer's run() sees it. kernel_for() returns the kernel serving `g`, or null;
// it never waits for a compile or a cache load unless the tier was asked to (synchronous mode).
class JitHook {
public:
    virtual ~JitHook() = default;
    virtual std::shared_ptr<const SpecializedKernel> kernel_for(const ConvGeometry &g) = 0;
    // The Layer is being destroyed: stop using it, waiting for work in progress on it to stop.
    virtual void detach() = 0;
};

// What the JIT tier reads of a Layer: what create() fixed, and the AOT variant its calls run
// (its tunables are the specialized kernel's configuration).
struct LayerFacts {
    FilterGeometry filters;
    DataType type = DataType::kFloat32;
    const Options *options = nullptr;  // biases cleared: the layer holds its own copies
    std::string variant;               // the AOT variant picked at create
    std::string tunables;              // its configurations, one section per ISA
    const Requantization *requant = nullptr;  // int8's tables and scalars (empty for other types)
};
LayerFacts layer_facts(const Layer &layer);

// Installs `hook` on `layer` (null removes it); atomic, so calls running meanwhile use the old one
// or the new one, whole.
void set_layer_jit(const Layer &layer, std::shared_ptr<JitHook> hook);
std::shared_ptr<JitHook> layer_jit(const Layer &layer);

// The shapes (TF's order, outermost first) and scalars of a call's kernel arguments: what
// call_variant passes, and what the JIT tier compiles constant.
KernelBuffers<std::vector<int64_t>> kernel_buffer_shapes(const ConvGeometry &g, DataType type);
KernelScalars kernel_scalars(const ConvGeometry &g, Activation activation, int32_t depthwise_epilogue,
                             const Requantization &requant);

// One run of `layer` with `kernel` instead of the Layer's own choice (null: the AOT variant and no
// JIT hook): the JIT tier's measurements and checks of candidate kernels.
Status run_layer_with(const Layer &layer, const SpecializedKernel *kernel, const TensorView &input,
                      const MutableTensorView &output, int num_threads);

}  // namespace sepconv::internal
