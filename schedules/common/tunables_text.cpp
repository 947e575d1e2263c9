#include "tunables_text.h"

#include <sstream>

namespace sepconv {

bool parse_tunables_text(const std::string &text,
                         const std::function<bool(const std::string &, const std::string &, bool *)> &apply,
                         std::string *error) {
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        if (item.empty()) continue;
        // GenGen's command line splits every generator parameter at '=', so the build passes
        // "key:value" (cmake/SepconvVariants.cmake); everywhere else "key=value" reads better.
        const size_t eq = item.find_first_of("=:");
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        bool bad_value = false;
        if (!apply(key, value, &bad_value)) {
            *error = "unknown tunable '" + key + "'";
            return false;
        }
        if (bad_value) {
            *error = "bad value '" + value + "' for tunable '" + key + "'";
            return false;
        }
    }
    return true;
}

bool parse_int_in(const std::string &value, int lo, int hi, int *out) {
    try {
        size_t used = 0;
        const int v = std::stoi(value, &used);
        if (used != value.size() || v < lo || v > hi) return false;
        *out = v;
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace sepconv
