#!/usr/bin/env bash
# Installs a build (preset `release`, default, or `aarch64`) into build/install-<preset>, checks the
# archive (exactly one Halide runtime), then builds examples/consumer against the installed package
# alone, and runs it (under qemu-aarch64 for aarch64). Expects `cmake --build --preset <preset>` done.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
export PATH="$PWD/.venv/bin:$PATH"
prefix="$PWD/build/install-$preset"
rm -rf "$prefix" "build/consumer-$preset"
cmake --install "build/$preset" --prefix "$prefix" >/dev/null

nm_tool=nm
toolchain=()
run=()
if [ "$preset" = aarch64 ]; then
    nm_tool=aarch64-linux-gnu-nm
    toolchain=(-DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/aarch64-linux-gnu.cmake")
    run=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
fi
runtimes=$("$nm_tool" -A "$prefix/lib/libsepconv.a" 2>/dev/null | grep -c " [TW] halide_malloc$" || true)
if [ "$runtimes" != 1 ]; then
    echo "check_install: libsepconv.a holds $runtimes Halide runtimes, expected exactly 1" >&2
    exit 1
fi
# The JIT tier stays out of libsepconv.a: no symbol of it, and none of libHalide's compiler (the
# Halide runtime's own Halide::Internal GPU helpers are expected).
jit_symbols=$("$nm_tool" -C "$prefix/lib/libsepconv.a" 2>/dev/null |
              grep -cE "sepconv::jit::|Halide::(Pipeline|Func|Target|Internal::AbstractGenerator)|llvm::" || true)
if [ "$jit_symbols" != 0 ]; then
    echo "check_install: libsepconv.a holds $jit_symbols JIT tier or libHalide symbols" >&2
    exit 1
fi
for f in include/sepconv/sepconv.h lib/cmake/sepconv/sepconvConfig.cmake lib/cmake/sepconv/sepconvConfigVersion.cmake \
         lib/pkgconfig/sepconv.pc; do
    test -f "$prefix/$f" || { echo "check_install: $f is missing from the install tree" >&2; exit 1; }
done

cmake -S examples/consumer -B "build/consumer-$preset" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" "${toolchain[@]}" >/dev/null
cmake --build "build/consumer-$preset" >/dev/null
"${run[@]}" "build/consumer-$preset/consumer"
# The JIT tier, where the build has it: a consumer of the installed package (which links no
# libHalide) compiles a kernel with the installed compiler module, then loads it from the cache.
if [ -f "$prefix/lib/libsepconv_jit.a" ]; then
    rm -rf "build/jit_consumer-$preset"
    cmake -S examples/jit_consumer -B "build/jit_consumer-$preset" -G Ninja -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "build/jit_consumer-$preset" >/dev/null
    if ldd "build/jit_consumer-$preset/jit_consumer" | grep -q libHalide; then
        echo "check_install: a program linking sepconv::jit links libHalide" >&2
        exit 1
    fi
    cache=$(mktemp -d)
    export SEPCONV_JIT_COMPILER="$prefix/lib/sepconv/libsepconv_jit_compiler.so"  # the installed one
    "build/jit_consumer-$preset/jit_consumer" "$cache" | tail -1
    "build/jit_consumer-$preset/jit_consumer" "$cache" | grep -q "cache hit" ||
        { echo "check_install: the second run did not load the kernel from the cache" >&2; exit 1; }
    rm -rf "$cache"
fi
echo "check_install: $preset install tree OK ($(du -h "$prefix/lib/libsepconv.a" | cut -f1) libsepconv.a)"
