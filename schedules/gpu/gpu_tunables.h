// The configuration of the GPU schedule (gpu_schedule.cpp), shared by CUDA and OpenCL.
//
// One thread block covers `x_tile` output pixels of one row and every output channel: its
// threads first compute the depthwise tile for all C*M channels into shared (local) memory, then
// each thread accumulates `co_per_thread` output channels of one pixel in registers, walking the
// output channels in steps of co_threads * co_per_thread.
#pragma once

#include <cstdint>

#include "common/knobs.h"

namespace sepconv::gpu {

struct Tunables {
    int x_tile = 4;         // output pixels per block = the thread block's y extent
    int co_threads = 32;    // threads across output channels: one warp
    int co_per_thread = 4;  // output channels accumulated in registers per thread
};

// Every knob of Tunables, declared once.
const KnobRegistry<Tunables> &knobs();

// Shared memory a block may use without opting in to larger carve-outs: 48 KiB on every CUDA
// capability, and 32 KiB is OpenCL's minimum CL_DEVICE_LOCAL_MEM_SIZE.
constexpr int64_t kMaxSharedBytes = 32 * 1024;

// The most depthwise channels (C*M) whose tile of x_tile pixels of `element_bytes` each fits in
// kMaxSharedBytes: the limit every GPU variant's row carries and the runtime checks.
inline int64_t max_depthwise_channels(const Tunables &t, int element_bytes) {
    return kMaxSharedBytes / (int64_t(t.x_tile) * element_bytes);
}

}  // namespace sepconv::gpu
