// The variants a build compiles: the untuned ones every build of a family has, then one per
// distinct tuned configuration of the tuned database (schedules/tuned/*.db). Entries with the same
// data type, filter geometry (layout, kernel, strides, dilations, multiplier), device and canonical
// configuration share a variant, whose row lists the shapes they were tuned for.
//
// A CPU variant's code for each target is a library of its own, a piece: the code for a target
// reads only that target's ISA section (families.h), so variants whose sections for it resolve
// alike (a tuned configuration that changed one ISA, or matches a default) share one piece, and
// each piece is compiled once.
#pragma once

#include <string>
#include <vector>

#include "tuned_db.h"
#include "variant_spec.h"

namespace sepconv::variant_list {

// One CPU target's code: `spec` with that target's ISA section alone (canonical, defaults stated).
struct Piece {
    std::string name;    // VariantSpec::piece_name
    std::string target;  // the Halide target it is compiled for
    VariantSpec spec;
};

struct VariantList {
    std::vector<VariantSpec> variants;
    std::vector<std::vector<std::string>> pieces_of;  // per variant: a piece per target (CPU), none (GPU)
    std::vector<Piece> pieces;                        // every piece once
    std::vector<std::string> skipped;  // tuned entries of another family than the build's
};

// `family` is the build's CPU family (x86, arm), `targets` the Halide targets its CPU variants are
// compiled for (best first); `gpu` adds the GPU variants (and GPU entries). False with `error`
// naming the entry for a malformed shape key or configuration, or a target the family lacks.
bool build(const std::string &family, const std::vector<std::string> &targets, bool gpu, const tune::TunedDb &db,
           const std::string &db_name, VariantList *out, std::string *error);

// The database with every ISA's configuration rewritten in canonical form (families.h).
bool canonicalize(tune::TunedDb *db, std::string *error);

}  // namespace sepconv::variant_list
