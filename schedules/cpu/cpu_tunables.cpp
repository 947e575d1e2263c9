#include "cpu_tunables.h"

#include <sstream>

#include "common/tunables_text.h"

namespace sepconv::cpu {

bool Tunables::parse(const std::string &text, Tunables *out, std::string *error) {
    Tunables t = *out;
    auto apply = [&t](const std::string &key, const std::string &value, bool *bad) {
        int flag = 0;
        if (key == "co_vectors") {
            *bad = !parse_int_in(value, 1, 8, &t.co_vectors);
        } else if (key == "co_vectors_avx512") {
            *bad = !parse_int_in(value, 0, 8, &t.co_vectors_avx512);
        } else if (key == "tile_x") {
            *bad = !parse_int_in(value, 1, 8, &t.tile_x);
        } else if (key == "tile_x_avx512") {
            *bad = !parse_int_in(value, 0, 8, &t.tile_x_avx512);
        } else if (key == "lanes_avx512") {
            *bad = !parse_int_in(value, 0, 16, &t.lanes_avx512) || (t.lanes_avx512 != 0 && t.lanes_avx512 != 8);
        } else if (key == "depthwise_at") {
            *bad = value != "xtile" && value != "row";
            t.depthwise_at = value == "row" ? DepthwiseAt::Row : DepthwiseAt::XTile;
        } else if (key == "parallel_over") {
            *bad = value != "rows" && value != "channels";
            t.parallel_over = value == "channels" ? ParallelOver::Channels : ParallelOver::Rows;
        } else if (key == "nchw_co_block") {
            *bad = !parse_int_in(value, 1, 8, &t.nchw_co_block);
        } else if (key == "nchw_x_vectors") {
            *bad = !parse_int_in(value, 1, 4, &t.nchw_x_vectors);
        } else if (key == "co_outer") {
            *bad = !parse_int_in(value, 0, 1, &flag);
            t.co_outer = flag != 0;
        } else if (key == "pad_copy") {
            *bad = !parse_int_in(value, 0, 1, &flag);
            t.pad_copy = flag != 0;
        } else if (key == "unroll_kernel") {
            *bad = !parse_int_in(value, 0, 1, &flag);
            t.unroll_kernel = flag != 0;
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
    std::ostringstream s;
    s << "co_vectors=" << co_vectors << ",co_vectors_avx512=" << co_vectors_avx512 << ",tile_x=" << tile_x
      << ",tile_x_avx512=" << tile_x_avx512 << ",lanes_avx512=" << lanes_avx512
      << ",depthwise_at=" << (depthwise_at == DepthwiseAt::Row ? "row" : "xtile")
      << ",unroll_kernel=" << (unroll_kernel ? 1 : 0) << ",pad_copy=" << (pad_copy ? 1 : 0) << ",nchw_co_block=" << nchw_co_block
      << ",nchw_x_vectors=" << nchw_x_vectors << ",co_outer=" << (co_outer ? 1 : 0)
      << ",parallel_over=" << (parallel_over == ParallelOver::Channels ? "channels" : "rows");
    return s.str();
}

}  // namespace sepconv::cpu
