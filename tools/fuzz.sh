#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan + UBSan) and runs each for a bounded
# time (FUZZ_SECONDS, default 60) from its seed corpus. Any crash, sanitizer report or reference
# mismatch fails the run and leaves the reproducer in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh  # the fuzz preset links the release build's variants
export PATH="$PWD/.venv/bin:$PATH"
seconds="${FUZZ_SECONDS:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_npy fuzz_separable_conv2d
mkdir -p build/fuzz/artifacts
targets=(npy separable_conv2d)
fuzz_one() {
    local work="build/fuzz/corpus-$1"  # new inputs go here, never into the committed seeds
    mkdir -p "$work"
    "build/fuzz/tests/fuzz/fuzz_$1" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ "$work" "tests/fuzz/corpus/$1" \
        >"build/fuzz/fuzz_$1.log" 2>&1
}
# Side by side: each target is one process on one core.
echo "fuzz: ${targets[*]/#/fuzz_} for ${seconds}s each, side by side"
pids=()
for target in "${targets[@]}"; do
    fuzz_one "$target" &
    pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
    log="build/fuzz/fuzz_${targets[i]}.log"
    if wait "${pids[i]}"; then
        echo "fuzz: fuzz_${targets[i]}"
        grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
    else
        tail -n 60 "$log"
        echo "fuzz: fuzz_${targets[i]} FAILED; reproducer in build/fuzz/artifacts/" >&2
        failed=1
    fi
done
[ "$failed" = 0 ] || exit 1
echo "fuzz: all targets ran clean"
