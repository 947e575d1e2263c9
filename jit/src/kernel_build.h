// One JIT kernel: what it is compiled from (a recipe: the generator parameters of the Layer's
// variant, one ISA's configuration, every scalar and extent of one call), and the two ways to
// build it: an object file with its own Halide runtime (linked into a shared object and loaded,
// the disk cache's form), or a kernel JIT-compiled in memory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "Halide.h"
#include "jit_hook.h"
#include "variant_spec.h"

namespace sepconv::jit {

struct KernelRecipe {
    VariantSpec spec;        // the generator parameters: VariantSpec::for_layer of the call's shape
    std::string family;      // the schedule family serving the target
    Halide::Target target;   // this machine's dispatched CPU target
    std::string isa;         // the target's ISA in the family
    std::string configuration;  // that ISA's resolved configuration, "knob:value,..."
    std::string constants;      // every scalar, "name:value,..." (the generator's `constants`)
    KernelBuffers<std::vector<int64_t>> shapes;  // every buffer's extents, TF's order

    // Everything that decides the compiled code, one item per line: the disk cache's key (with the
    // build's identity, added by the cache).
    std::string key_text() const;
    // For people: "f32 nhwc 1x56x56x128 k3x3 s1 -> 128, avx2 co_vectors:4,tile_x:3".
    std::string label() const;
};

// The recipe for `layer`'s call `g` with `tunables` (sectioned, "isa.knob:value,...", as a
// variant's; "" = the family's defaults).
bool make_recipe(const internal::LayerFacts &layer, const internal::ConvGeometry &g, const std::string &tunables,
                 KernelRecipe *recipe, std::string *error);

// The kernels' entry point in an object file; its signature is KernelFn's.
constexpr const char *kEntryName = "sepconv_jit_kernel";

// Compiles the recipe to an object file at `path`, with its own Halide runtime.
bool compile_object(const KernelRecipe &recipe, const std::string &path, std::string *error);

// Compiles the recipe in memory (no linker needed; nothing to cache).
std::shared_ptr<const internal::SpecializedKernel> compile_in_memory(const KernelRecipe &recipe, std::string *error);

// Loads a shared object built from compile_object's output and points its Halide runtime's
// handlers at the library's (internal::runtime_hooks). Never unloaded.
std::shared_ptr<const internal::SpecializedKernel> load_shared_object(const std::string &path, const std::string &name,
                                                                      std::string *error);

}  // namespace sepconv::jit
