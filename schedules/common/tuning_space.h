// A schedule family's tuning space: the knobs of its Tunables struct and the values worth trying,
// declared next to the schedule that reads them (cpu/cpu_tuning_space.cpp, gpu/gpu_tuning_space.cpp).
// The offline tuner (tools/tune) searches the points of this space; a point's text form is the
// same "key=value,..." string the AOT build passes to the generator as `tunables`.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sepconv {

struct Knob {
    std::string name;
    std::vector<std::string> values;  // ordered, so that neighbouring values are neighbours
};

struct TuningSpace {
    std::vector<Knob> knobs;
    std::vector<int> defaults;  // the family's hand defaults: one value index per knob
    // Which points are worth compiling (e.g. a register tile that fits the register file); the
    // search skips the others. Empty = every point.
    std::function<bool(const std::vector<int> &point)> valid;

    // "key=value,..." for the point (one value index per knob).
    std::string text(const std::vector<int> &point) const;
    // The "key=value" items of `tunables` whose key is none of this space's knobs (e.g. another
    // ISA's keys in a multi-target variant's tunables), comma-separated, in their order.
    std::string items_not_searched(const std::string &tunables) const;
};

// Builds a space from the knobs and the defaults' text ("key=value,..."); a default value not
// among a knob's values is added to them, so the hand default is always a point of the space.
TuningSpace make_tuning_space(std::vector<Knob> knobs, const std::string &defaults_text);

// "1".."n" as knob values.
std::vector<std::string> int_values(int lo, int hi);

}  // namespace sepconv
