#!/usr/bin/env bash
# Build, then run every test (GoogleTest suites, the TF parity check, the bench smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
export PATH="$PWD/.venv/bin:$PATH"
ctest --preset release
