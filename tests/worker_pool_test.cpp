// White-box: the worker pool that runs the variants' parallel loops (runtime/src/worker_pool.h).
// Every index runs exactly once, on no more threads than asked, errors come back, a loop nested in
// a task or started by a second thread is refused (the caller then runs it itself), and workers
// that went to sleep take the next loop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "worker_pool.h"

namespace sepconv_test {
namespace {

using sepconv::internal::run_on_worker_pool;

// A loop body with its state: `closure` points at one of these.
struct Loop {
    std::vector<std::atomic<int>> runs;  // runs[i - min]: how often index i ran
    int min = 0;
    std::mutex mutex;
    std::set<std::thread::id> threads;  // the threads that ran an index
    explicit Loop(int size, int first = 0) : runs(size), min(first) {}

    static int body(void *, int i, uint8_t *closure) {
        Loop &loop = *reinterpret_cast<Loop *>(closure);
        loop.runs[i - loop.min].fetch_add(1);
        std::lock_guard<std::mutex> lock(loop.mutex);
        loop.threads.insert(std::this_thread::get_id());
        return 0;
    }
    bool run(int threads) {
        int rc = -1;
        return run_on_worker_pool(threads, body, nullptr, min, static_cast<int>(runs.size()),
                                  reinterpret_cast<uint8_t *>(this), &rc) &&
               rc == 0;
    }
    int indices_not_run_once() const {
        int bad = 0;
        for (const auto &r : runs) bad += r.load() != 1;
        return bad;
    }
};

TEST(WorkerPool, RunsEveryIndexExactlyOnceOnAtMostTheThreadsAskedFor) {
    for (int threads : {2, 3, 8}) {
        for (int size : {2, 3, 17, 1000}) {
            Loop loop(size, 5);
            ASSERT_TRUE(loop.run(threads)) << threads << " threads, " << size << " indices";
            EXPECT_EQ(loop.indices_not_run_once(), 0) << threads << " threads, " << size << " indices";
            EXPECT_LE(static_cast<int>(loop.threads.size()), threads);
        }
    }
}

// Index 0 waits until index 1 has started: only two threads running at once can finish it.
TEST(WorkerPool, RunsTasksConcurrently) {
    struct Meet {
        std::atomic<bool> second_started{false};
        std::atomic<bool> met{false};
    } meet;
    auto body = [](void *, int i, uint8_t *closure) {
        Meet &m = *reinterpret_cast<Meet *>(closure);
        if (i == 1) {
            m.second_started = true;
            return 0;
        }
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!m.second_started && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
        m.met = m.second_started.load();
        return 0;
    };
    int rc = -1;
    ASSERT_TRUE(run_on_worker_pool(2, body, nullptr, 0, 2, reinterpret_cast<uint8_t *>(&meet), &rc));
    EXPECT_EQ(rc, 0);
    EXPECT_TRUE(meet.met) << "index 0 never saw index 1 start: the loop ran on one thread";
}

TEST(WorkerPool, ReturnsATaskError) {
    auto body = [](void *, int i, uint8_t *) { return i == 37 ? -7 : 0; };
    int rc = 0;
    ASSERT_TRUE(run_on_worker_pool(2, body, nullptr, 0, 100, nullptr, &rc));
    EXPECT_EQ(rc, -7);
    // The next loop starts clean.
    Loop loop(10);
    EXPECT_TRUE(loop.run(2));
    EXPECT_EQ(loop.indices_not_run_once(), 0);
}

TEST(WorkerPool, RefusesALoopNestedInATask) {
    std::atomic<int> accepted{0}, refused{0};
    struct Counts {
        std::atomic<int> *accepted, *refused;
    } counts{&accepted, &refused};
    auto body = [](void *, int, uint8_t *closure) {
        Counts &c = *reinterpret_cast<Counts *>(closure);
        Loop inner(4);
        (inner.run(2) ? c.accepted : c.refused)->fetch_add(1);
        return 0;
    };
    int rc = -1;
    ASSERT_TRUE(run_on_worker_pool(2, body, nullptr, 0, 6, reinterpret_cast<uint8_t *>(&counts), &rc));
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(accepted.load(), 0);
    EXPECT_EQ(refused.load(), 6);
}

// Workers spin for kWorkerSpinMicroseconds, then sleep: loops after a longer pause wake them.
TEST(WorkerPool, WakesSleepingWorkers) {
    for (int round = 0; round < 5; ++round) {
        std::this_thread::sleep_for(std::chrono::microseconds(3 * sepconv::internal::kWorkerSpinMicroseconds));
        Loop loop(64);
        ASSERT_TRUE(loop.run(2));
        EXPECT_EQ(loop.indices_not_run_once(), 0) << "round " << round;
    }
}

// Two threads start loops at the same time: each loop either runs whole on the pool or is refused
// (and then runs nowhere); the pool never mixes two loops' indices.
TEST(WorkerPool, CallersFromSeveralThreadsGetWholeLoopsOrARefusal) {
    constexpr int kCallers = 3, kLoopsEach = 300;
    std::vector<int> ran(kCallers, 0), wrong(kCallers, 0);
    std::vector<std::thread> callers;
    for (int c = 0; c < kCallers; ++c) {
        callers.emplace_back([&, c] {
            for (int i = 0; i < kLoopsEach; ++i) {
                Loop loop(1 + (i * 7 + c) % 23);
                if (loop.run(2)) {
                    ++ran[c];
                    wrong[c] += loop.indices_not_run_once();
                } else {
                    wrong[c] += static_cast<int>(loop.runs.size()) - loop.indices_not_run_once();  // none may have run
                }
            }
        });
    }
    for (auto &t : callers) t.join();
    int total = 0;
    for (int c = 0; c < kCallers; ++c) {
        EXPECT_EQ(wrong[c], 0) << "caller " << c;
        total += ran[c];
    }
    EXPECT_GT(total, 0);
}

}  // namespace
}  // namespace sepconv_test
