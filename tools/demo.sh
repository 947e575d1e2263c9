#!/usr/bin/env bash
# The main job: build, then time one separable conv on a MobileNet v1 layer (56x56x128, 3x3,
# stride 1, 128 -> 128), printing the variant picked, the time and the GFLOP/s.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
./build/release/tools/cli/sepconv bench --layer "${1:-mobilenet_v1_conv3}"
