#!/usr/bin/env bash
# Set up, build and run every test:
#   1. release build: GoogleTest suites, TF parity, vector-code check, bench smoke (ctest --preset release)
#      and the install tree with a downstream consumer                            (tools/check_install.sh)
#   2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer        (ctest --preset asan)
#   3. the prepared-layer, worker-pool and JIT-seam tests under ThreadSanitizer   (ctest --preset tsan)
#   4. each libFuzzer target for FUZZ_SECONDS (default 60)                        (tools/fuzz.sh)
#   5. the aarch64 cross build: every suite and the consumer under qemu-aarch64   (ctest --preset aarch64)
# `tools/test.sh --quick` runs step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
export PATH="$PWD/.venv/bin:$PATH"
ctest --preset release
bash tools/check_install.sh release
[ "${1:-}" = "--quick" ] && exit 0

# The sanitizer suites start from an empty PoCL kernel cache, as on a fresh machine: a cache the
# release run filled would hide what PoCL does (and leaks) while it compiles. They build the
# untuned variants only: the sanitizers instrument the library's C++, never Halide's generated
# code, and the tuned variants' results are checked in the release suites.
cmake --preset asan >/dev/null
cmake --build --preset asan
POCL_CACHE_DIR="$(mktemp -d)" ctest --preset asan

cmake --preset tsan >/dev/null
cmake --build --preset tsan --target layer_test worker_pool_test jit_hook_test
POCL_CACHE_DIR="$(mktemp -d)" ctest --preset tsan

bash tools/fuzz.sh

# The cross build imports the generators from build/release (see the aarch64 preset).
cmake --preset aarch64 >/dev/null
cmake --build --preset aarch64
ctest --preset aarch64
bash tools/check_install.sh aarch64
