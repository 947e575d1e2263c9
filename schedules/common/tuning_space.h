// A schedule family's tuning space for one layout and ISA, derived from its knob registry
// (knobs.h): the knobs that schedule reads, with the values worth trying. The offline tuner
// (tools/tune) searches its points; a point's text is the configuration's canonical form, the same
// "knob:value,..." text the database stores for that ISA.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "knobs.h"

namespace sepconv {

struct Knob {
    std::string name;
    std::vector<std::string> values;  // ordered, so that neighbouring values are neighbours
};

struct TuningSpace {
    std::vector<Knob> knobs;
    std::vector<int> defaults;  // the family's defaults for the ISA: one value index per knob
    // Which points are worth compiling: they fit the machine (e.g. the register file) and are no
    // duplicate (a knob the configuration ignores sits at its default). The search skips the others.
    std::function<bool(const std::vector<int> &point)> valid;
    // The canonical "knob:value,..." text of a point (ignored knobs left out).
    std::function<std::string(const std::vector<int> &point)> text;
};

// The space of `registry`'s knobs read by the layout's schedule on `isa`, around `defaults`;
// `fits` says which configurations the machine can hold. A default value not among a knob's
// searched values is added to them, so the defaults are always a point of the space.
template <typename Config>
TuningSpace make_tuning_space(const KnobRegistry<Config> &registry, const Config &defaults, bool nchw, const Isa &isa,
                              std::function<bool(const Config &)> fits) {
    // The space's functions own a copy of the registry: they outlive the call.
    auto owned = std::make_shared<const KnobRegistry<Config>>(registry);
    TuningSpace space;
    std::vector<size_t> specs;  // registry index of each searched knob
    for (size_t r = 0; r < owned->knobs().size(); ++r) {
        const KnobSpec<Config> &k = owned->knobs()[r];
        if (!k.read_by(nchw, isa)) continue;
        Knob knob{k.name, k.searched};
        const std::string d = k.get(defaults);
        size_t i = 0;
        while (i < knob.values.size() && knob.values[i] != d) ++i;
        if (i == knob.values.size()) knob.values.push_back(d);
        space.defaults.push_back(static_cast<int>(i));
        space.knobs.push_back(std::move(knob));
        specs.push_back(r);
    }
    const std::vector<Knob> knobs = space.knobs;
    auto config_of = [owned, knobs, specs, defaults](const std::vector<int> &p) {
        Config c = defaults;
        for (size_t i = 0; i < specs.size(); ++i) {
            const KnobSpec<Config> &k = owned->knobs()[specs[i]];
            for (size_t v = 0; v < k.values.size(); ++v) {
                if (k.values[v] == knobs[i].values[p[i]]) k.set(c, v);
            }
        }
        return c;
    };
    space.valid = [owned, config_of, specs, default_point = space.defaults, fits](const std::vector<int> &p) {
        const Config c = config_of(p);
        for (size_t i = 0; i < specs.size(); ++i) {
            if (owned->knobs()[specs[i]].ignored(c) && p[i] != default_point[i]) return false;
        }
        return !fits || fits(c);
    };
    space.text = [owned, config_of, nchw, isa](const std::vector<int> &p) { return owned->text(config_of(p), nchw, isa); };
    return space;
}

}  // namespace sepconv
