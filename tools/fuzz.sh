#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan + UBSan) and runs each for a bounded
# time (FUZZ_SECONDS, default 60) from its seed corpus. Any crash, sanitizer report or reference
# mismatch fails the run and leaves the reproducer in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
seconds="${FUZZ_SECONDS:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_npy fuzz_separable_conv2d
mkdir -p build/fuzz/artifacts
for target in npy separable_conv2d; do
    work="build/fuzz/corpus-$target"  # new inputs go here, never into the committed seeds
    mkdir -p "$work"
    echo "fuzz: fuzz_$target for ${seconds}s"
    log="build/fuzz/fuzz_$target.log"
    if ! "build/fuzz/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: fuzz_$target FAILED; reproducer in build/fuzz/artifacts/" >&2
        exit 1
    fi
    grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
done
echo "fuzz: all targets ran clean"
