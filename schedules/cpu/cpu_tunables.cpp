#include "cpu_tunables.h"

#include <sstream>

namespace sepconv::cpu {
namespace {

bool parse_int(const std::string &value, int lo, int hi, int *out) {
    try {
        size_t used = 0;
        int v = std::stoi(value, &used);
        if (used != value.size() || v < lo || v > hi) return false;
        *out = v;
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

bool Tunables::parse(const std::string &text, Tunables *out, std::string *error) {
    Tunables t = *out;
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        int flag = 0;
        bool ok = true;
        if (key == "co_vectors") {
            ok = parse_int(value, 1, 8, &t.co_vectors);
        } else if (key == "tile_x") {
            ok = parse_int(value, 1, 8, &t.tile_x);
        } else if (key == "depthwise_at") {
            ok = value == "xtile" || value == "row";
            t.depthwise_at = value == "row" ? DepthwiseAt::Row : DepthwiseAt::XTile;
        } else if (key == "nchw_co_block") {
            ok = parse_int(value, 1, 8, &t.nchw_co_block);
        } else if (key == "nchw_x_vectors") {
            ok = parse_int(value, 1, 4, &t.nchw_x_vectors);
        } else if (key == "unroll_kernel") {
            ok = parse_int(value, 0, 1, &flag);
            t.unroll_kernel = flag != 0;
        } else {
            *error = "unknown tunable '" + key + "'";
            return false;
        }
        if (!ok) {
            *error = "bad value '" + value + "' for tunable '" + key + "'";
            return false;
        }
    }
    *out = t;
    return true;
}

std::string Tunables::to_string() const {
    std::ostringstream s;
    s << "co_vectors=" << co_vectors << ",tile_x=" << tile_x
      << ",depthwise_at=" << (depthwise_at == DepthwiseAt::Row ? "row" : "xtile")
      << ",unroll_kernel=" << (unroll_kernel ? 1 : 0) << ",nchw_co_block=" << nchw_co_block
      << ",nchw_x_vectors=" << nchw_x_vectors;
    return s.str();
}

}  // namespace sepconv::cpu
