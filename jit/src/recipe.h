// One JIT kernel's recipe: the generator parameters of the Layer's variant, one ISA's
// configuration, every scalar and extent of one call. It is the disk cache's key, and what the
// compiler module (compiler_api.h) compiles. Plain C++: no libHalide on this side.
#pragma once

#include <string>
#include <vector>

#include "jit_hook.h"
#include "variant_spec.h"

namespace sepconv::jit {

struct KernelRecipe {
    VariantSpec spec;        // the generator parameters: VariantSpec::for_layer of the call's shape
    std::string family;      // the schedule family serving the target
    std::string target;      // this machine's dispatched CPU target (Halide's spelling)
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

}  // namespace sepconv::jit
