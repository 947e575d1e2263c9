#include "tuning_space.h"

#include <algorithm>
#include <map>

#include "tunables_text.h"

namespace sepconv {

std::string TuningSpace::text(const std::vector<int> &point) const {
    std::string s;
    for (size_t i = 0; i < knobs.size(); ++i) {
        s += (i ? "," : "") + knobs[i].name + "=" + knobs[i].values[point[i]];
    }
    return s;
}

std::string TuningSpace::items_not_searched(const std::string &tunables) const {
    std::string out;
    std::string ignored;
    parse_tunables_text(
        tunables,
        [&](const std::string &key, const std::string &value, bool *) {
            const bool searched =
                std::any_of(knobs.begin(), knobs.end(), [&](const Knob &k) { return k.name == key; });
            if (!searched) out += (out.empty() ? "" : ",") + key + "=" + value;
            return true;
        },
        &ignored);
    return out;
}

TuningSpace make_tuning_space(std::vector<Knob> knobs, const std::string &defaults_text) {
    std::map<std::string, std::string> defaults;
    std::string ignored;
    parse_tunables_text(
        defaults_text,
        [&](const std::string &key, const std::string &value, bool *) {
            defaults[key] = value;
            return true;
        },
        &ignored);
    TuningSpace space;
    for (Knob &k : knobs) {
        const std::string d = defaults.count(k.name) ? defaults[k.name] : k.values.front();
        auto it = std::find(k.values.begin(), k.values.end(), d);
        if (it == k.values.end()) it = k.values.insert(k.values.end(), d);
        space.defaults.push_back(static_cast<int>(it - k.values.begin()));
        space.knobs.push_back(std::move(k));
    }
    return space;
}

std::vector<std::string> int_values(int lo, int hi) {
    std::vector<std::string> v;
    for (int i = lo; i <= hi; ++i) v.push_back(std::to_string(i));
    return v;
}

}  // namespace sepconv
