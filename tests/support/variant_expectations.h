// Which compiled variant should serve which case, stated independently of the library's table,
// so that tests can assert the selection instead of trusting it.
#pragma once

#include <string>
#include <vector>

#include "naive_reference.h"

namespace sepconv_test {

struct VariantExpectation {
    std::string name;
    bool (*serves)(const ConvCase &k);
};

inline bool is_3x3_d1_m1_nhwc(const ConvCase &k) {
    return !k.nchw && k.kh == 3 && k.kw == 3 && k.dh == 1 && k.dw == 1 && k.m == 1;
}

inline const std::vector<VariantExpectation> &expected_variants() {
    static const std::vector<VariantExpectation> v = {
        {"f32_sepconv_nhwc_k3x3_s1_d1_m1",
         [](const ConvCase &k) { return is_3x3_d1_m1_nhwc(k) && k.sh == 1 && k.sw == 1; }},
        {"f32_sepconv_nhwc_k3x3_s2_d1_m1",
         [](const ConvCase &k) { return is_3x3_d1_m1_nhwc(k) && k.sh == 2 && k.sw == 2; }},
        {"f32_sepconv_nhwc_generic", [](const ConvCase &k) { return !k.nchw; }},
        {"f32_sepconv_nchw_generic", [](const ConvCase &k) { return k.nchw; }},
    };
    return v;
}

// The variant automatic selection must pick: the first (most specialized) that serves.
inline std::string expected_auto_variant(const ConvCase &k) {
    for (const VariantExpectation &v : expected_variants()) {
        if (v.serves(k)) return v.name;
    }
    return "";
}

}  // namespace sepconv_test
