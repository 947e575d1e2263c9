# Cross-compiling for 64-bit ARM Linux from an x86-64 Debian host (g++-aarch64-linux-gnu,
# qemu-user). The Halide generators are not built here: they run on the host, imported from a
# host build (sepconv_generators_DIR, set by the `aarch64` preset to build/release/cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages may be host-side (Halide's CMake helpers in the venv, the host generators).
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# ctest, gtest discovery and add_test run aarch64 binaries through user-mode qemu.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
