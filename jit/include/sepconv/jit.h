// sepconv's JIT tier (library sepconv_jit, which links libHalide; libsepconv.a never does): kernels
// compiled for a Layer's exact call shape on first use, from the same generator and schedules as
// the AOT variants, optionally tuned on this machine, and cached on disk across processes.
//
//   sepconv::jit::Options jit;                      // specialize, in the background
//   sepconv::jit::enable(*layer, jit);
//   layer->run(input, output);                      // the AOT variant, while the kernel compiles
//   ...                                             // later calls of that shape run the JIT kernel
//
// A call never waits for a compile or a cache load unless Options::synchronous: until the kernel
// of its input shape is ready, it runs the AOT variant the Layer picked. One background thread per
// process does the work, at low priority (nice 10): first every load and first compile, then the
// autotune searches. Kernels serve CPU calls only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sepconv/sepconv.h"

namespace sepconv::jit {

enum class Mode {
    kOff,
    // Compile the Layer's configuration (the AOT variant's tunables, tuned or default) with every
    // extent and scalar of the call constant.
    kSpecialize,
    // kSpecialize first, then search the schedule's tuning space on this machine within a budget:
    // each candidate is checked against the AOT variant's output, and the fastest is kept.
    kAutotune,
};

struct Options {
    Mode mode = Mode::kSpecialize;
    // Each call on a new input shape waits until its kernel is ready (loaded, compiled, or for
    // kAutotune tuned): for benchmarks and tests.
    bool synchronous = false;
    // kAutotune: the search's budget per input shape (its first compile included).
    double autotune_seconds = 30;
    int autotune_candidates = 80;
    int autotune_threads = 1;  // the thread count candidates are timed at (0 = one per core)
    // A kernel per input shape, at most this many per Layer (a varying batch size must not grow
    // them without bound): calls on further shapes run the AOT variant.
    int max_shapes = 16;
    // The disk cache: "" = $SEPCONV_CACHE_DIR, else $XDG_CACHE_HOME/sepconv, else
    // $HOME/.cache/sepconv. Without it (or where it cannot be written), kernels are compiled and
    // loaded from a private temporary directory, or JIT-compiled in memory with no linker.
    bool disk_cache = true;
    std::string cache_dir;
    int64_t cache_max_bytes = int64_t(256) << 20;  // least recently used entries go first
    // One line per event (a cache hit or miss, a compile, a fallback and why), from the JIT's
    // thread; stats() keeps the latest lines too.
    std::function<void(const std::string &line)> diagnostics;
};

// What the JIT tier did for one Layer.
struct Stats {
    int64_t shapes_requested = 0;  // input shapes first seen
    int64_t kernels_ready = 0;     // input shapes served by a JIT kernel now
    int64_t cache_hits = 0;        // kernels loaded from the disk cache
    int64_t compiles = 0;          // kernels compiled, candidates of kAutotune included
    int64_t failures = 0;          // requests that left the AOT variant in place
    int64_t pending = 0;           // input shapes queued or being worked on
    double last_load_seconds = 0;     // the latest cache hit: reading, checking and loading it
    double last_compile_seconds = 0;  // the latest compile to a loadable kernel
    double last_ready_seconds = 0;    // the latest request, from the first call to the kernel in
    std::vector<std::string> log;     // the latest diagnostics lines, oldest first
};

// Turns the JIT tier on for `layer` (replacing earlier options; Mode::kOff turns it off). The
// layer must run on the CPU and not force a variant (Options::variant). The Layer stays usable
// from several threads; its destructor waits for work in progress on it to stop.
Status enable(const Layer &layer, const Options &options);
Stats stats(const Layer &layer);
// Waits until no input shape of `layer` is pending, at most `timeout_seconds`; false on timeout.
bool wait(const Layer &layer, double timeout_seconds);
// What a call on `input_shape` runs now: "jit:<name>" or the AOT variant's name.
Status kernel_for(const Layer &layer, const std::vector<int64_t> &input_shape, std::string *kernel);

// The disk cache.
std::string default_cache_dir();
struct CacheEntry {
    std::string name;     // the entry's file name stem: a hash of its key
    std::string kernel;   // what it holds, e.g. "specialize f32 112x112x32->64 avx2 co_vectors:4,..."
    int64_t bytes = 0;
    int64_t last_used = 0;  // seconds since the epoch
};
Status cache_list(const std::string &dir, std::vector<CacheEntry> *entries);
Status cache_clear(const std::string &dir, int64_t *removed_files);

}  // namespace sepconv::jit
