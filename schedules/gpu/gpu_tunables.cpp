#include "gpu_tunables.h"

#include "common/tunables_text.h"

namespace sepconv::gpu {

bool Tunables::parse(const std::string &text, Tunables *out, std::string *error) {
    Tunables t = *out;
    auto apply = [&t](const std::string &key, const std::string &value, bool *bad) {
        if (key == "x_tile") {
            *bad = !parse_int_in(value, 1, 16, &t.x_tile);
        } else if (key == "co_threads") {
            *bad = !parse_int_in(value, 8, 128, &t.co_threads);
        } else if (key == "co_per_thread") {
            *bad = !parse_int_in(value, 1, 8, &t.co_per_thread);
        } else {
            return false;
        }
        return true;
    };
    if (!parse_tunables_text(text, apply, error)) return false;
    *out = t;
    return true;
}

std::string Tunables::to_string() const {
    return "x_tile=" + std::to_string(x_tile) + ",co_threads=" + std::to_string(co_threads) +
           ",co_per_thread=" + std::to_string(co_per_thread);
}

}  // namespace sepconv::gpu
