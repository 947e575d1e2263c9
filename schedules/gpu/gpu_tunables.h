// The tuning space of the GPU schedule (gpu_schedule.cpp), shared by CUDA and OpenCL.
//
// One thread block covers `x_tile` output pixels of one row and every output channel: its
// threads first compute the depthwise tile for all C*M channels into shared (local) memory, then
// each thread accumulates `co_per_thread` output channels of one pixel in registers, walking the
// output channels in steps of co_threads * co_per_thread.
#pragma once

#include <string>

namespace sepconv::gpu {

struct Tunables {
    int x_tile = 4;          // output pixels per block = the thread block's y extent  (range 1..16)
    int co_threads = 32;     // threads across output channels = one warp               (range 8..128)
    int co_per_thread = 4;   // output channels accumulated in registers per thread     (range 1..8)

    // Parses "x_tile=4,co_threads=32,co_per_thread=4" over the values already in *out; false and
    // `error` on an unknown key or an out-of-range value.
    static bool parse(const std::string &text, Tunables *out, std::string *error);
    std::string to_string() const;

    // The shared-memory bytes the depthwise tile needs for C*M depthwise channels; the runtime
    // refuses GPU calls over the device's limit (see kMaxSharedBytes).
    int64_t shared_bytes(int64_t depthwise_channels) const { return depthwise_channels * x_tile * 4; }
};

// Shared memory a block may use without opting in to larger carve-outs: 48 KiB on every CUDA
// capability, and the OpenCL minimum for CL_DEVICE_LOCAL_MEM_SIZE is 32 KiB.
constexpr int64_t kMaxSharedBytes = 32 * 1024;

}  // namespace sepconv::gpu
