// Loading code into the process: a cached kernel (a shared object built from the compiler's object
// file, with its own Halide runtime), and the compiler module itself, on first use.
#pragma once

#include <memory>
#include <string>

#include "compiler_api.h"

namespace sepconv::jit {

// Loads a kernel's shared object and points its Halide runtime's handlers at the library's
// (internal::runtime_hooks). Never unloaded.
std::shared_ptr<const internal::SpecializedKernel> load_shared_object(const std::string &path, const std::string &name,
                                                                      std::string *error);

// The compiler module, loaded once: $SEPCONV_JIT_COMPILER when set, else the installed one, else
// the build tree's; null with `error` (then kernels come from the disk cache only).
const CompilerApi *compiler(std::string *error);

}  // namespace sepconv::jit
