#include "gpu_tunables.h"

#include <sstream>

namespace sepconv::gpu {

bool Tunables::parse(const std::string &text, Tunables *out, std::string *error) {
    Tunables t = *out;
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        int v = 0;
        try {
            size_t used = 0;
            v = std::stoi(value, &used);
            if (used != value.size()) v = -1;
        } catch (...) {
            v = -1;
        }
        struct Range {
            const char *key;
            int *field, lo, hi;
        };
        const Range ranges[] = {{"x_tile", &t.x_tile, 1, 16},
                                {"co_threads", &t.co_threads, 8, 128},
                                {"co_per_thread", &t.co_per_thread, 1, 8}};
        bool known = false;
        for (const Range &r : ranges) {
            if (key != r.key) continue;
            known = true;
            if (v < r.lo || v > r.hi) {
                *error = "bad value '" + value + "' for GPU tunable '" + key + "'";
                return false;
            }
            *r.field = v;
        }
        if (!known) {
            *error = "unknown GPU tunable '" + key + "'";
            return false;
        }
    }
    *out = t;
    return true;
}

}  // namespace sepconv::gpu
