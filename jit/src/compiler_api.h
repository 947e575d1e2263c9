// The JIT tier's compiler: a shared module (libsepconv_jit_compiler.so, which links libHalide and
// the generator) that the tier loads with dlopen on its first compile, so that a program using
// the tier loads libHalide only when it compiles, never for kernels found in the disk cache.
// Both sides are built together: the interface is C++, versioned by kCompilerApiVersion.
#pragma once

#include <memory>
#include <string>

#include "recipe.h"
#include "worker_pool.h"

namespace sepconv::jit {

constexpr int kCompilerApiVersion = 1;

// The kernels' entry point in an object file; its signature is KernelFn's.
constexpr const char *kEntryName = "sepconv_jit_kernel";

// What the module uses of the library in the process (its own copy would be another worker pool).
struct CompilerHost {
    int (*run_parallel_loop)(int num_threads, halide_task_t task, void *user_context, int min, int size,
                             uint8_t *closure);
};

struct CompilerApi {
    // Compiles the recipe to an object file at `path` with its own Halide runtime; false with `error`.
    bool (*compile_object)(const KernelRecipe &recipe, const std::string &path, std::string *error);
    // Compiles the recipe in memory (no linker needed, nothing to cache), a kernel called `name`;
    // null with `error`.
    std::shared_ptr<const internal::SpecializedKernel> (*compile_in_memory)(const KernelRecipe &recipe,
                                                                           const std::string &name, std::string *error);
};

}  // namespace sepconv::jit

// The module's one exported symbol; null when `version` is not its own.
extern "C" const sepconv::jit::CompilerApi *sepconv_jit_compiler_api(int version, const sepconv::jit::CompilerHost *host);
