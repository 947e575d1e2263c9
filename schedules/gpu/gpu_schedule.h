// The GPU schedule (CUDA and OpenCL) for the separable-conv pipeline; NHWC only.
#pragma once

#include <string>

#include "gpu_tunables.h"
#include "sepconv_pipeline.h"

namespace sepconv::gpu {

// Applies the GPU schedule with its defaults overridden by `tunables` ("key=value,..."); false and
// `error` on a bad tunables string or an unsupported layout.
bool apply_schedule(SepconvPipeline &p, const std::string &tunables, const Halide::Target &target, std::string *error);

}  // namespace sepconv::gpu
