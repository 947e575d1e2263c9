// The variants a build compiles: the untuned ones every build of a family has, then one per
// distinct tuned configuration of the tuned database (schedules/tuned/*.db). Entries with the same
// data type, filter geometry (layout, kernel, strides, dilations, multiplier), device and canonical
// configuration share a variant, whose row lists the shapes they were tuned for.
#pragma once

#include <string>
#include <vector>

#include "tuned_db.h"
#include "variant_spec.h"

namespace sepconv::variant_list {

struct VariantList {
    std::vector<VariantSpec> variants;
    std::vector<std::string> skipped;  // tuned entries of another family than the build's
};

// `family` is the build's CPU family (x86, arm); `gpu` adds the GPU variants (and GPU entries).
// False with `error` naming the entry for a malformed shape key or configuration.
bool build(const std::string &family, bool gpu, const tune::TunedDb &db, const std::string &db_name,
                  VariantList *out, std::string *error);

// The database with every ISA's configuration rewritten in canonical form (families.h).
bool canonicalize(tune::TunedDb *db, std::string *error);

}  // namespace sepconv::variant_list
