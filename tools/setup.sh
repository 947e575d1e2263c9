#!/usr/bin/env bash
# Installs everything sepconv needs on Debian 12, run as root (or with the apt packages present):
#   apt:  a C++ compiler, GoogleTest (+ its sources, for cross builds), Google Benchmark, Python's
#         venv, clang for the fuzzers, the aarch64 cross compiler and qemu-user
#   PyPI: tools/requirements.txt into the project-local .venv (Halide 21, CMake, ninja, TF, numpy,
#         matplotlib)
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(g++ make git ca-certificates python3 python3-venv python3-pip libgtest-dev googletest libbenchmark-dev
              clang libclang-rt-14-dev                        # the libFuzzer targets
              pocl-opencl-icd ocl-icd-libopencl1              # OpenCL on the CPU: the GPU schedule, run for real
              libdnnl-dev libxnnpack-dev libpthreadpool-dev   # the peers in bench/ (oneDNN 2.6.3, XNNPACK)
              ocl-icd-opencl-dev                              # OpenCL headers: Debian's oneDNN CMake package requires them
              nlohmann-json3-dev                              # the CLI's int8 quantization file (JSON)
              g++-aarch64-linux-gnu qemu-user binutils-aarch64-linux-gnu)  # the aarch64 cross build
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" != 0 ]; then
        echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    python3 -m venv .venv
fi
if ! .venv/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt; then
    echo "setup: pip install failed; see the output above" >&2
    exit 1
fi
echo "setup: done ($(.venv/bin/python -c 'import halide, sys; print("halide wheel at", halide.install_dir())'))"
