// The threads that run the variants' parallel loops, in place of Halide's own pool.
//
// Why not Halide's pool: its workers give up after ~40 yields and sleep on a condition variable,
// so a call that follows another a moment later first waits for them to wake, and every task
// claim takes the pool's mutex. A separable conv on a MobileNet layer lasts 0.1-1 ms, which makes
// those costs visible on 2 cores. Here an idle worker spins for a while before it sleeps (as
// OpenMP runtimes do), a task is claimed with one atomic add, each thread takes a contiguous range
// of the loop first (neighbouring output rows share input rows), and a loop runs on the thread
// count of its own call (Options::num_threads), not on a process-wide one.
#pragma once

#include <cstdint>

#include "HalideRuntime.h"

namespace sepconv::internal {

// How long an idle worker spins, waiting for the next loop, before it sleeps.
constexpr int64_t kWorkerSpinMicroseconds = 1000;

// Runs task(user_context, i, closure) for every i in [min, min + size) on at most `threads`
// threads, the calling one among them, and returns true with *result = the first nonzero task
// result, or 0. Returns false and runs nothing when the pool is already running a loop (a loop
// nested in a task, or another thread's call): the caller then runs the loop some other way.
bool run_on_worker_pool(int threads, halide_task_t task, void *user_context, int min, int size, uint8_t *closure,
                        int *result);

// The threads a call asking for `num_threads` (Options::num_threads) runs on: that many, or one per
// core for 0.
int call_threads(int num_threads);

// One parallel loop of a call asking for `num_threads`: on the worker pool when that means more than
// one thread and the pool is free, else serially on the calling thread (one thread asked for, or the
// pool busy with a loop this one is nested in, or with another thread's call, which already has the
// cores). Returns the first nonzero task result, or 0.
int run_parallel_loop(int num_threads, halide_task_t task, void *user_context, int min, int size, uint8_t *closure);

}  // namespace sepconv::internal
