// The kernels' scratch memory (Halide's halide_malloc / halide_free): the depthwise rows and tiles a
// variant keeps between its stages. A call frees its scratch when it ends, and the next call of a
// similar shape asks for the same sizes, so freed blocks are kept in one process-wide cache and
// handed out again: a warm layer allocates nothing per call (glibc's large blocks are fresh pages,
// faulted in again on every call). Bounded by kMaxKeptBlocks and kMaxKeptBytes; under AddressSanitizer
// every block is a fresh allocation, so that ASan still sees each call's exact bounds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sepconv::internal {

constexpr size_t kMaxKeptBlocks = 32;
constexpr size_t kMaxKeptBytes = size_t(64) << 20;

// halide_malloc's contract: 64-byte aligned, a size rounded up to a multiple of 64, and at least 8
// readable bytes before the start and past the end.
void *scratch_malloc(void *user_context, size_t bytes);
void scratch_free(void *user_context, void *ptr);

// Whether freed blocks are kept (false under AddressSanitizer).
bool scratch_is_cached();

// Process-wide counts since start: blocks allocated from the system, and requests served from the
// cache; and what the cache holds now.
struct ScratchStats {
    uint64_t fresh = 0, reused = 0;
    size_t kept_blocks = 0, kept_bytes = 0;
};
ScratchStats scratch_stats();

// Frees every kept block (the blocks in use stay with their calls).
void release_scratch();

}  // namespace sepconv::internal
