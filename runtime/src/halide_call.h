// Calling one compiled variant: wrapping caller memory as halide_buffer_t (host memory, or CUDA
// device memory for the CUDA variants), moving data to and from the GPU for GPU variants, and
// routing Halide's runtime errors into a Status (Halide's default AOT handler would abort).
#pragma once

#include "conv_geometry.h"
#include "jit_hook.h"
#include "packed_pointwise.h"
#include "quantization.h"
#include "variant_table.h"

namespace sepconv::internal {

struct CallArgs {
    const void *input;
    const void *depthwise_filter;  // TF layout [kh, kw, C, M]
    const void *pointwise_filter;  // packed (packed_pointwise.h), not TF's layout
    const void *bias;              // Cout entries, never null (zeros when the caller has none); int8: int32, folded
    const void *depthwise_bias;    // C*M entries, likewise
    void *output;
    DataType type;                 // of the input and output
    DataType weights_type;         // of the filters and bias (VariantSpec::weights_type)
    Activation activation;
    int32_t depthwise_epilogue;    // KernelScalars::depthwise_epilogue (depthwise_epilogue() below)
    const Requantization *requant;  // int8's tables and scalars; empty for other types
    int num_threads;
    MemorySpace input_memory = MemorySpace::kHost, output_memory = MemorySpace::kHost;
};

// `kernel`, when given, runs in place of the CPU variant's own code (the JIT tier's kernel for
// this exact call: the same signature and weights).
Status call_variant(const VariantRow &variant, const ConvGeometry &g, const CallArgs &args,
                    const SpecializedKernel *kernel = nullptr);

// The kernels' code for a call's depthwise stage (KernelScalars::depthwise_epilogue): 0 for TF's
// op (no depthwise bias, no depthwise activation), else 1 + the activation's code. int8 always has
// the stage (its requantization).
int32_t depthwise_epilogue(const FilterGeometry &f, DataType type, Activation depthwise_activation);

}  // namespace sepconv::internal
