#include "worker_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace sepconv::internal {
namespace {

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// One loop at a time (the caller holds `busy`). The caller publishes a loop by bumping `generation`;
// workers that see it join, claim indices until none is left, and leave. A worker can wake late,
// after the loop it saw has ended: `joined` counts the workers inside a loop, and the caller sets it
// to kLocked (so nobody joins) while it writes the next loop's fields.
//
// The indices are cut into one contiguous range per thread, each with its own claim counter: a
// thread takes its own range front to back, then helps the others with theirs. Neighbouring indices
// (output rows) share input rows, which then stay in one core's cache; one shared counter dealt
// them out alternately, so each core fetched twice the input rows.
class Pool {
public:
    bool try_run(int threads, halide_task_t task, void *user_context, int min, int size, uint8_t *closure,
                 int *result) {
        std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
        if (!busy.owns_lock()) return false;
        const int helpers = std::min(threads, size) - 1;
        grow(helpers);

        int unlocked = 0;
        while (!joined_.compare_exchange_weak(unlocked, kLocked)) {  // a late worker still leaving
            unlocked = 0;
            cpu_relax();
        }
        task_ = task;
        user_context_ = user_context;
        closure_ = closure;
        min_ = min;
        size_ = size;
        helpers_ = helpers;
        ranges_ = std::min(helpers + 1, kMaxRanges);
        for (int r = 0; r < ranges_; ++r) {
            ranges_at_[r].next.store(static_cast<int>(static_cast<int64_t>(size) * r / ranges_));
            ranges_at_[r].end = static_cast<int>(static_cast<int64_t>(size) * (r + 1) / ranges_);
        }
        unfinished_.store(size);
        result_.store(0);
        generation_.fetch_add(1);  // seq_cst: ordered before the read of sleepers_ below
        joined_.store(0);
        if (helpers > 0 && sleepers_.load() > 0) {
            std::lock_guard<std::mutex> lock(sleep_mutex_);
            wake_.notify_all();
        }

        run_tasks(0);
        while (unfinished_.load(std::memory_order_acquire) > 0) cpu_relax();
        *result = result_.load();
        return true;
    }

private:
    static constexpr int kLocked = -1;

    // Starts workers until there are `helpers` (never fewer later: a pool only grows).
    void grow(int helpers) {
        while (static_cast<int>(workers_.size()) < helpers) {
            const int id = static_cast<int>(workers_.size());
            // The loop about to be published is the first this worker must take.
            const uint64_t done = generation_.load();
            workers_.emplace_back([this, id, done] { work(id, done); });
            workers_.back().detach();  // the pool lives as long as the process
        }
    }

    // Claims and runs the loop's indices until none is left: those of range `own` first, then the
    // other ranges' in turn.
    void run_tasks(int own) {
        for (int k = 0; k < ranges_; ++k) {
            Range &r = ranges_at_[(own + k) % ranges_];
            for (int i = r.next.fetch_add(1, std::memory_order_relaxed); i < r.end;
                 i = r.next.fetch_add(1, std::memory_order_relaxed)) {
                const int rc = task_(user_context_, min_ + i, closure_);
                if (rc != 0) {
                    int none = 0;
                    result_.compare_exchange_strong(none, rc);
                }
                unfinished_.fetch_sub(1, std::memory_order_release);
            }
        }
    }

    // `done`: the newest loop this worker has dealt with (or need not).
    void work(int id, uint64_t done) {
        for (;;) {
            const uint64_t generation = wait_for_loop_after(done);
            if (!try_join()) continue;  // the caller is writing a newer loop: wait for it
            // Joined, so the fields stay as they are until this worker leaves. They are those of
            // `generation` unless a newer loop came first; then leave, and the next turn takes it.
            if (generation_.load() == generation) {
                if (id < helpers_) run_tasks((id + 1) % ranges_);
                done = generation;
            }
            joined_.fetch_sub(1, std::memory_order_release);
        }
    }

    bool try_join() {
        int joined = joined_.load();
        while (joined != kLocked) {
            if (joined_.compare_exchange_weak(joined, joined + 1)) return true;
        }
        return false;
    }

    // Spins, then sleeps, until a loop newer than `seen` is published; returns its generation.
    uint64_t wait_for_loop_after(uint64_t seen) {
        const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(kWorkerSpinMicroseconds);
        for (int spins = 0;; ++spins) {
            const uint64_t generation = generation_.load(std::memory_order_acquire);
            if (generation != seen) return generation;
            cpu_relax();
            if (spins % 256 == 255 && std::chrono::steady_clock::now() > spin_until) break;
        }
        std::unique_lock<std::mutex> lock(sleep_mutex_);
        sleepers_.fetch_add(1);  // seq_cst: ordered before the read of generation_ in the predicate
        wake_.wait(lock, [&] { return generation_.load() != seen; });
        sleepers_.fetch_sub(1);
        return generation_.load();
    }

    std::mutex busy_;
    std::vector<std::thread> workers_;  // grown under busy_

    // The loop being run, written under busy_ while joined_ == kLocked.
    halide_task_t task_ = nullptr;
    void *user_context_ = nullptr;
    uint8_t *closure_ = nullptr;
    int min_ = 0, size_ = 0, helpers_ = 0;

    // The loop's indices, one contiguous range per thread (the caller's first), each on its own
    // cache line so that claims in one range do not slow the others.
    static constexpr int kMaxRanges = 64;
    struct alignas(64) Range {
        std::atomic<int> next{0};
        int end = 0;
    };
    Range ranges_at_[kMaxRanges];
    int ranges_ = 1;

    std::atomic<uint64_t> generation_{0};
    std::atomic<int> joined_{0};
    std::atomic<int> unfinished_{0}, result_{0};

    std::mutex sleep_mutex_;
    std::condition_variable wake_;
    std::atomic<int> sleepers_{0};
};

}  // namespace

bool run_on_worker_pool(int threads, halide_task_t task, void *user_context, int min, int size, uint8_t *closure,
                        int *result) {
    static Pool *pool = new Pool;  // never destroyed: detached workers use it until the process ends
    return pool->try_run(threads, task, user_context, min, size, closure, result);
}

int call_threads(int num_threads) {
    // (hardware_concurrency() reads /sys on every call: once per process is enough.)
    static const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return num_threads > 0 ? num_threads : cores;
}

int run_parallel_loop(int num_threads, halide_task_t task, void *user_context, int min, int size, uint8_t *closure) {
    const int threads = call_threads(num_threads);
    int rc = 0;
    if (threads > 1 && size > 1 && run_on_worker_pool(threads, task, user_context, min, size, closure, &rc)) return rc;
    for (int i = min; i < min + size; ++i) {
        if ((rc = task(user_context, i, closure)) != 0) return rc;
    }
    return 0;
}

}  // namespace sepconv::internal
