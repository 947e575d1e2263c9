#!/usr/bin/env bash
# Sets up (tools/setup.sh), then configures and builds the `release` preset into build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"  # CMake >= 3.28 and ninja from the venv
cmake --preset release >/dev/null
cmake --build --preset release
