// Storage that starts on a cache line (64 bytes), for the weight copies the library keeps.
// std::vector's 16-byte alignment makes every other 256-bit load of the packed pointwise weights
// straddle two cache lines (a split load) in the innermost loop; the tuner's Halide buffers are
// aligned, so without this the built library would run below what the tuner measured.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace sepconv::internal {

constexpr std::size_t kCacheLineBytes = 64;

template <class T>
struct CacheLineAllocator {
    using value_type = T;
    CacheLineAllocator() = default;
    template <class U>
    CacheLineAllocator(const CacheLineAllocator<U> &) {}
    T *allocate(std::size_t n) {
        return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t{kCacheLineBytes}));
    }
    void deallocate(T *p, std::size_t) { ::operator delete(p, std::align_val_t{kCacheLineBytes}); }
    template <class U>
    bool operator==(const CacheLineAllocator<U> &) const { return true; }
    template <class U>
    bool operator!=(const CacheLineAllocator<U> &) const { return false; }
};

template <class T>
using AlignedBuffer = std::vector<T, CacheLineAllocator<T>>;

}  // namespace sepconv::internal
