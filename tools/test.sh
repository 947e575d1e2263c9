#!/usr/bin/env bash
# Set up, build and run every test:
#   1. release build: GoogleTest suites, TF parity, vector-code check, bench smoke (ctest --preset release)
#      and the install tree with a downstream consumer                            (tools/check_install.sh)
#   2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer        (ctest --preset asan)
#   3. the prepared-layer, worker-pool and JIT-seam tests under ThreadSanitizer   (ctest --preset tsan)
#   4. each libFuzzer target for FUZZ_SECONDS (here 30 unless set)                (tools/fuzz.sh)
#   5. the aarch64 cross build: every suite and the consumer under qemu-aarch64   (ctest --preset aarch64)
# `tools/test.sh --quick` runs step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's wall time, so that a CI log shows where its time goes (CI has a 30-minute target).
started=$SECONDS
step() { echo "test.sh: $1 done at $((SECONDS - started)) s"; }
bash tools/build.sh
step "release build"
export PATH="$PWD/.venv/bin:$PATH"
ctest --preset release
bash tools/check_install.sh release
step "release tests and install check"
[ "${1:-}" = "--quick" ] && exit 0

# The sanitizer suites start from an empty PoCL kernel cache, as on a fresh machine: a cache the
# release run filled would hide what PoCL does (and leaks) while it compiles. They link the
# release build's untuned variants (the presets' SEPCONV_VARIANTS_FROM): the sanitizers instrument
# the library's C++, never Halide's generated code, and the tuned variants' results are checked in
# the release suites.
cmake --preset asan >/dev/null
cmake --build --preset asan
POCL_CACHE_DIR="$(mktemp -d)" ctest --preset asan
step "asan build and tests"

cmake --preset tsan >/dev/null
cmake --build --preset tsan --target layer_test worker_pool_test jit_hook_test
POCL_CACHE_DIR="$(mktemp -d)" ctest --preset tsan
step "tsan build and tests"

# 30 s a target here (CI's time is budgeted); `tools/fuzz.sh` alone runs 60 s each.
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" bash tools/fuzz.sh
step "fuzzers"

# The cross build imports the generators from build/release (see the aarch64 preset).
cmake --preset aarch64 >/dev/null
cmake --build --preset aarch64
ctest --preset aarch64
bash tools/check_install.sh aarch64
step "aarch64 build, tests under qemu and install check"
