#include "cpu_tunables.h"

#include <sstream>

#include "common/tunables_text.h"

namespace sepconv::cpu {
namespace {

const std::string kAvx512Suffix = "_avx512";

// The NHWC knobs that AVX-512 code may set apart (K_avx512).
bool has_avx512_twin(const std::string &key) {
    for (const char *k : {"co_vectors", "tile_x", "tile_rows", "depthwise_at", "depthwise_inner", "unroll_kernel",
                          "pad_copy", "co_outer", "parallel_over"}) {
        if (key == k) return true;
    }
    return false;
}

bool parse_flag(const std::string &value, bool *out) {
    int flag = 0;
    if (!parse_int_in(value, 0, 1, &flag)) return false;
    *out = flag != 0;
    return true;
}

// Sets one knob (its plain name) in `t`; false for an unknown key, *bad for a value out of range.
bool apply_knob(Tunables &t, const std::string &key, const std::string &value, bool *bad) {
    if (key == "co_vectors") {
        *bad = !parse_int_in(value, 1, 8, &t.co_vectors);
    } else if (key == "tile_x") {
        *bad = !parse_int_in(value, 1, 8, &t.tile_x);
    } else if (key == "tile_rows") {
        *bad = !parse_int_in(value, 0, 16, &t.tile_rows);
    } else if (key == "lanes_avx512") {
        *bad = !parse_int_in(value, 0, 16, &t.lanes_avx512) || (t.lanes_avx512 != 0 && t.lanes_avx512 != 8);
    } else if (key == "depthwise_at") {
        *bad = value != "xtile" && value != "row";
        t.depthwise_at = value == "row" ? DepthwiseAt::Row : DepthwiseAt::XTile;
    } else if (key == "depthwise_inner") {
        *bad = value != "pixels" && value != "channels";
        t.depthwise_inner = value == "channels" ? DepthwiseInner::Channels : DepthwiseInner::Pixels;
    } else if (key == "parallel_over") {
        *bad = value != "rows" && value != "channels";
        t.parallel_over = value == "channels" ? ParallelOver::Channels : ParallelOver::Rows;
    } else if (key == "nchw_co_block") {
        *bad = !parse_int_in(value, 1, 8, &t.nchw_co_block);
    } else if (key == "nchw_x_vectors") {
        *bad = !parse_int_in(value, 1, 4, &t.nchw_x_vectors);
    } else if (key == "co_outer") {
        *bad = !parse_flag(value, &t.co_outer);
    } else if (key == "pad_copy") {
        *bad = !parse_flag(value, &t.pad_copy);
    } else if (key == "unroll_kernel") {
        *bad = !parse_flag(value, &t.unroll_kernel);
    } else {
        return false;
    }
    return true;
}

// The knobs that have an AVX-512 twin, with their values in `t`.
std::string twin_values(const Tunables &t, const std::string &suffix) {
    std::ostringstream s;
    s << "co_vectors" << suffix << "=" << t.co_vectors << ",tile_x" << suffix << "=" << t.tile_x
      << ",tile_rows" << suffix << "=" << t.tile_rows
      << ",depthwise_at" << suffix << "=" << (t.depthwise_at == DepthwiseAt::Row ? "row" : "xtile")
      << ",depthwise_inner" << suffix << "=" << (t.depthwise_inner == DepthwiseInner::Channels ? "channels" : "pixels")
      << ",unroll_kernel" << suffix << "=" << (t.unroll_kernel ? 1 : 0) << ",pad_copy" << suffix << "="
      << (t.pad_copy ? 1 : 0) << ",co_outer" << suffix << "=" << (t.co_outer ? 1 : 0) << ",parallel_over" << suffix
      << "=" << (t.parallel_over == ParallelOver::Channels ? "channels" : "rows");
    return s.str();
}

}  // namespace

bool Tunables::parse(const std::string &text, Tunables *out, std::string *error) {
    Tunables t = *out;
    auto apply = [&t](const std::string &key, const std::string &value, bool *bad) {
        const size_t n = kAvx512Suffix.size();
        const bool twin = key.size() > n && key.compare(key.size() - n, n, kAvx512Suffix) == 0 &&
                          has_avx512_twin(key.substr(0, key.size() - n));
        if (!twin) return apply_knob(t, key, value, bad);
        const std::string knob = key.substr(0, key.size() - n);
        // Older databases wrote co_vectors_avx512=0 / tile_x_avx512=0 for "the same as co_vectors".
        if (value == "0" && (knob == "co_vectors" || knob == "tile_x")) return true;
        Tunables probe = t;  // validates the value; AVX-512 code applies it in resolve()
        apply_knob(probe, knob, value, bad);
        if (!*bad) t.avx512_overrides += (t.avx512_overrides.empty() ? "" : ",") + knob + "=" + value;
        return true;
    };
    if (!parse_tunables_text(text, apply, error)) return false;
    *out = t;
    return true;
}

Tunables Tunables::resolve(bool avx512) const {
    Tunables t = *this;
    t.avx512_overrides.clear();
    if (avx512) {
        std::string ignored;  // validated by parse()
        parse_tunables_text(
            avx512_overrides, [&t](const std::string &k, const std::string &v, bool *bad) { return apply_knob(t, k, v, bad); },
            &ignored);
    }
    return t;
}

std::string Tunables::to_string() const {
    std::ostringstream s;
    s << twin_values(*this, "") << ",lanes_avx512=" << lanes_avx512 << ",nchw_co_block=" << nchw_co_block
      << ",nchw_x_vectors=" << nchw_x_vectors << "," << twin_values(resolve(true), kAvx512Suffix);
    return s.str();
}

}  // namespace sepconv::cpu
