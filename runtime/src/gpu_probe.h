// Internal: GPU driver plumbing that the public cuda_info()/opencl_available() do not cover.
#pragma once

#include "sepconv/sepconv.h"

namespace sepconv::internal {

// Makes Halide's CUDA runtime run in the device's primary context (the one the CUDA runtime API,
// cudaMalloc, PyTorch and TF use) instead of a private context of its own, so that caller device
// pointers are valid in it. Idempotent; call once CUDA is known to be available.
Status use_cuda_primary_context();

}  // namespace sepconv::internal
