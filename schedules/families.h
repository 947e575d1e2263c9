// The schedule families, one row each: which targets a family claims, the schedule it uses, its
// ISAs (best first) with their register files and the family's hand defaults on each. Adding a
// target that the CPU tile schedule serves is one row here; a new schedule is one file under
// schedules/ plus its ScheduleKind.
//
// A variant's tunables hold one configuration per ISA ("isa.knob:value,...", config_text.h): the
// code compiled for an ISA reads that ISA's section over the family's defaults on it, and never
// another ISA's section.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/config_text.h"
#include "common/knobs.h"
#include "common/tuning_space.h"

namespace sepconv {

enum class ScheduleKind {
    kCpuTiles,   // cpu/cpu_schedule.cpp, configured by cpu::Tunables
    kGpuBlocks,  // gpu/gpu_schedule.cpp, configured by gpu::Tunables
};

struct IsaRow {
    Isa isa;
    std::vector<std::string> features;  // the Halide target features that select it (all of them)
    std::string defaults;               // the family's hand defaults on this ISA ("knob:value,...")
    // float16 arithmetic in float16 (ARMv8.2 FP16, CUDA's half2: twice the float32 rate). Otherwise a float16
    // variant loads and stores float16 and computes in float32.
    bool f16_arithmetic = false;
    // The untuned int8 NHWC variants' configuration on this ISA, over `defaults` ("knob:value,...").
    std::string int8_defaults;
};

struct Family {
    std::string name;       // x86, arm, gpu: the generator's target_family, the database's family
    std::string arch;       // the Halide target arch it claims ("x86", "arm"); GPU families: any host
    bool gpu = false;       // claims targets with a GPU feature (cuda, opencl)
    ScheduleKind schedule = ScheduleKind::kCpuTiles;
    bool nchw = true;       // its schedule serves NCHW too
    std::vector<IsaRow> isas;  // best first: a target's ISA is the first whose features it has
    // Float32 configurations compiled beside the defaults for the 3x3 layers at stride 1 and 2, one
    // sections text each ("isa.knob:value,..."): the shapes the defaults serve badly (few output
    // channels, rows of 5, 10 or 20 pixels, small images with many channels). The runtime's cost
    // model chooses among them and the tuned variants for shapes no variant was tuned for.
    std::vector<std::string> basis;
    // The same for int8 (its NHWC configurations, each ISA's int8_defaults included): where int8's
    // defaults serve a shape badly.
    std::vector<std::string> int8_basis;

    const IsaRow *isa_for(const std::string &halide_target) const;  // null when none matches
    // A float16 variant's filters and bias are float16 when some ISA computes in float16, else
    // float32 (the runtime widens them once): every ISA of a variant has the same signature.
    bool f16_weights() const;
    const IsaRow *isa(const std::string &name) const;
    std::string isa_names() const;  // "avx512, avx2, sse41"
};

const std::vector<Family> &families();
const Family *find_family(const std::string &name);
// The family that claims a Halide target string, or null.
const Family *family_for_target(const std::string &halide_target);

// The configuration code for `isa` reads: the family's defaults on it, then the section of
// `tunables` ("isa.knob:value,...") for it. Every section is checked: an ISA the family lacks, or a
// knob its schedule does not read, is an error naming it.
template <typename Config>
bool resolve_config(const KnobRegistry<Config> &registry, const Family &family, const IsaRow &isa, bool nchw,
                    const std::string &tunables, Config *out, std::string *error) {
    std::map<std::string, KnobItems> sections;
    if (!parse_sections(tunables, &sections, error)) return false;
    Config resolved;
    for (const auto &[name, items] : sections) {
        const IsaRow *row = family.isa(name);
        if (row == nullptr) {
            *error = "no ISA '" + name + "' in the " + family.name + " family (" + family.isa_names() + ")";
            return false;
        }
        Config c;
        if (!registry.apply(items, nchw, row->isa, &c, error)) {
            *error = name + ": " + *error;
            return false;
        }
    }
    std::string why;
    if (!registry.apply(isa.defaults, nchw, isa.isa, &resolved, &why, /*skip_unread=*/true)) {
        *error = family.name + " defaults on " + isa.isa.name + ": " + why;  // a broken row of families.cpp
        return false;
    }
    auto it = sections.find(isa.isa.name);
    if (it != sections.end()) registry.apply(it->second, nchw, isa.isa, &resolved, error);
    *out = resolved;
    return true;
}

// `tunables` in canonical form: a section for each ISA it names, in the family's order, listing
// every knob that ISA's schedule reads under its resolved configuration; a section that resolves to
// the family's defaults is left out. Two texts that compile to the same code (they differ only in
// knobs the registry marks ignored, in order, or in stating defaults) have one canonical form.
bool canonical_tunables(const Family &family, bool nchw, const std::string &tunables, std::string *canonical,
                        std::string *error);
// The canonical "knob:value,..." configuration `isa`'s code reads (defaults included).
bool isa_configuration(const Family &family, const IsaRow &isa, bool nchw, const std::string &tunables,
                       std::string *text, std::string *error);

// The tuning space of `isa`'s code for a layout: the family's knob registry around the family's
// defaults on that ISA, sized to its register file.
bool tuning_space(const Family &family, const IsaRow &isa, bool nchw, TuningSpace *space, std::string *error);

}  // namespace sepconv
