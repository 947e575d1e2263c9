#include "scratch.h"

#include <cstdlib>
#include <mutex>
#include <vector>

namespace sepconv::internal {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCache = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kCache = false;
#else
constexpr bool kCache = true;
#endif
#else
constexpr bool kCache = true;
#endif

// A block: a 64-byte header holding its capacity, the capacity, then 64 bytes of slack (Halide may
// read a few bytes past the end). The caller sees the address after the header.
constexpr size_t kAlign = 64;

size_t &capacity_of(void *user_ptr) { return *reinterpret_cast<size_t *>(static_cast<char *>(user_ptr) - kAlign); }

void *allocate_block(size_t capacity) {
    void *base = nullptr;
    if (posix_memalign(&base, kAlign, kAlign + capacity + kAlign) != 0) return nullptr;
    void *user = static_cast<char *>(base) + kAlign;
    capacity_of(user) = capacity;
    return user;
}

void free_block(void *user) { std::free(static_cast<char *>(user) - kAlign); }

struct Cache {
    std::mutex mutex;
    std::vector<void *> kept;  // oldest first
    size_t kept_bytes = 0;
    uint64_t fresh = 0, reused = 0;
};

Cache &cache() {
    static Cache *c = new Cache;  // never destroyed: kernels on other threads may free after exit starts
    return *c;
}

}  // namespace

bool scratch_is_cached() { return kCache; }

void *scratch_malloc(void *, size_t bytes) {
    const size_t capacity = (bytes + kAlign - 1) / kAlign * kAlign;
    Cache &c = cache();
    {
        std::lock_guard<std::mutex> lock(c.mutex);
        // The smallest kept block that holds `bytes` without wasting more than half of itself.
        size_t best = c.kept.size();
        for (size_t i = 0; i < c.kept.size(); ++i) {
            const size_t have = capacity_of(c.kept[i]);
            if (have >= capacity && have <= 2 * capacity && (best == c.kept.size() || have < capacity_of(c.kept[best]))) {
                best = i;
            }
        }
        if (best < c.kept.size()) {
            void *p = c.kept[best];
            c.kept.erase(c.kept.begin() + static_cast<std::ptrdiff_t>(best));
            c.kept_bytes -= capacity_of(p);
            ++c.reused;
            return p;
        }
        ++c.fresh;
    }
    return allocate_block(capacity);
}

void scratch_free(void *, void *ptr) {
    if (ptr == nullptr) return;
    const size_t capacity = capacity_of(ptr);
    if (!kCache || capacity > kMaxKeptBytes) return free_block(ptr);
    std::vector<void *> evicted;
    {
        Cache &c = cache();
        std::lock_guard<std::mutex> lock(c.mutex);
        c.kept.push_back(ptr);
        c.kept_bytes += capacity;
        size_t drop = 0;  // the oldest go first
        while (c.kept.size() - drop > kMaxKeptBlocks || c.kept_bytes > kMaxKeptBytes) {
            c.kept_bytes -= capacity_of(c.kept[drop]);
            evicted.push_back(c.kept[drop++]);
        }
        c.kept.erase(c.kept.begin(), c.kept.begin() + static_cast<std::ptrdiff_t>(drop));
    }
    for (void *p : evicted) free_block(p);
}

ScratchStats scratch_stats() {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    return {c.fresh, c.reused, c.kept.size(), c.kept_bytes};
}

void release_scratch() {
    std::vector<void *> kept;
    {
        Cache &c = cache();
        std::lock_guard<std::mutex> lock(c.mutex);
        kept.swap(c.kept);
        c.kept_bytes = 0;
    }
    for (void *p : kept) free_block(p);
}

}  // namespace sepconv::internal
