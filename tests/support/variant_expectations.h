// Which compiled variant should serve which case, stated independently of the library's table,
// so that tests can assert the selection instead of trusting it.
//
// The untuned variants are listed here by hand. The tuned ones depend on the database the build
// read (SEPCONV_TUNED_DB), so they are taken from the public sepconv::variants() list: each serves
// the filter geometry of the shape keys it was tuned for, read here by the test's own parser.
// Automatic selection follows the rule the README states: a variant tuned for exactly this layer;
// else, in NHWC, the cost model's choice among the most specialized variants (or the nearest tuned
// shape's, which is one of them); else the most specialized untuned variant. Which one the model
// picks is checked against the model itself in variant_table_test.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "naive_reference.h"
#include "sepconv/sepconv.h"

namespace sepconv_test {

struct VariantExpectation {
    std::string name;
    sepconv::DataType type;
    std::function<bool(const ConvCase &)> serves;
};

// The floating-point types with variants, and their prefixes, as the test states them: the float
// tester's types (int8 has its own tester, int8_tester.h, and quantized_variants()).
struct TypeUnderTest {
    sepconv::DataType type;
    const char *prefix;
};
inline const std::vector<TypeUnderTest> &types_under_test() {
    static const std::vector<TypeUnderTest> t = {{sepconv::DataType::kFloat32, "f32"},
                                                 {sepconv::DataType::kFloat16, "f16"}};
    return t;
}

inline bool is_3x3_d1_m1_nhwc(const ConvCase &k) {
    return !k.nchw && k.kh == 3 && k.kw == 3 && k.dh == 1 && k.dw == 1 && k.m == 1;
}

// A tuned shape key ("f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same", optionally followed by
// "@" and the microarchitecture it was tuned on) as a ConvCase and that microarchitecture ("" = any).
inline bool parse_tuned_shape(const std::string &key, ConvCase *k, std::string *uarch) {
    char type[8] = {}, layout[5] = {}, padding[6] = {};
    long long n, h, w, c, m, co, kh, kw, sh, sw, dh, dw;
    int used = 0;
    if (std::sscanf(key.c_str(),
                    "%7[a-z0-9]_%4[a-z]_n%lld_h%lld_w%lld_c%lld_m%lld_co%lld_k%lldx%lld_s%lldx%lld_d%lldx%lld_%5[a-z]%n",
                    type, layout, &n, &h, &w, &c, &m, &co, &kh, &kw, &sh, &sw, &dh, &dw, padding, &used) != 15) {
        return false;
    }
    const std::string rest = key.substr(used);
    if (!rest.empty() && (rest[0] != '@' || rest.size() == 1)) return false;
    *uarch = rest.empty() ? "" : rest.substr(1);
    k->nchw = std::string(layout) == "nchw";
    k->n = n, k->h = h, k->w = w, k->c = c, k->m = m, k->cout = co;
    k->kh = kh, k->kw = kw, k->sh = sh, k->sw = sw, k->dh = dh, k->dw = dw;
    k->pad = std::string(padding) == "same" ? Pad::kSame : Pad::kValid;
    return true;
}

inline bool same_filter_geometry(const ConvCase &a, const ConvCase &b) {
    return a.nchw == b.nchw && a.kh == b.kh && a.kw == b.kw && a.sh == b.sh && a.sw == b.sw && a.dh == b.dh &&
           a.dw == b.dw && a.m == b.m;
}

struct TunedExpectation {
    std::string name;
    sepconv::DataType type;
    std::vector<ConvCase> shapes;
    std::vector<std::string> uarchs;  // per shape: the microarchitecture it was tuned on, "" = any
};

// This machine's microarchitecture: the tuned entries recorded on it are its first choice.
inline const std::string &this_microarchitecture() {
    static const std::string u = sepconv::cpu_info().microarchitecture;
    return u;
}

// Tuned shape keys the parser above could not read (tuned_variant_test requires none).
inline std::vector<std::string> &unparsed_tuned_shapes() {
    static std::vector<std::string> keys;
    return keys;
}

inline const std::vector<TunedExpectation> &tuned_variants() {
    static const std::vector<TunedExpectation> v = [] {
        std::vector<TunedExpectation> out;
        for (const sepconv::VariantInfo &info : sepconv::variants()) {
            if (info.tuned_shapes.empty() || info.device != sepconv::Device::kCpu) continue;
            TunedExpectation t{info.name, info.type, {}};
            for (const std::string &key : info.tuned_shapes) {
                ConvCase k;
                std::string uarch;
                if (!parse_tuned_shape(key, &k, &uarch)) {
                    unparsed_tuned_shapes().push_back(info.name + ": " + key);
                    continue;
                }
                t.shapes.push_back(k);
                t.uarchs.push_back(uarch);
            }
            if (!t.shapes.empty()) out.push_back(t);
        }
        return out;
    }();
    return v;
}

// Every type's untuned CPU variants, most specialized first.
inline void add_untuned_variants(const TypeUnderTest &t, std::vector<VariantExpectation> *out) {
    const std::string p = t.prefix;
    out->push_back({p + "_sepconv_nhwc_k3x3_s1_d1_m1", t.type,
                    [](const ConvCase &k) { return is_3x3_d1_m1_nhwc(k) && k.sh == 1 && k.sw == 1; }});
    out->push_back({p + "_sepconv_nhwc_k3x3_s2_d1_m1", t.type,
                    [](const ConvCase &k) { return is_3x3_d1_m1_nhwc(k) && k.sh == 2 && k.sw == 2; }});
    out->push_back({p + "_sepconv_nhwc_generic", t.type, [](const ConvCase &k) { return !k.nchw; }});
    out->push_back({p + "_sepconv_nchw_generic", t.type, [](const ConvCase &k) { return k.nchw; }});
}

// The basis variants (float32 and int8, 3x3 at stride 1 and 2; the family's own configurations, so
// taken from the public list by name): <prefix>_sepconv_nhwc_k3x3_s<S>_d1_m1_basis_<hash> serves
// what the untuned variant of that stride serves.
inline void add_basis_variants(std::vector<VariantExpectation> *out) {
    for (const sepconv::VariantInfo &info : sepconv::variants()) {
        const size_t at = info.name.find("_basis_");
        if (at == std::string::npos || info.device != sepconv::Device::kCpu) continue;
        const std::string untuned = info.name.substr(0, at);
        std::function<bool(const ConvCase &)> serves;
        for (const VariantExpectation &v : *out) {
            if (v.name == untuned && v.type == info.type) serves = v.serves;
        }
        if (serves) out->push_back({info.name, info.type, serves});
    }
}

// The int8 variants: untuned and basis (the tuned database has no int8 entries yet).
inline const std::vector<VariantExpectation> &quantized_variants() {
    static const std::vector<VariantExpectation> v = [] {
        std::vector<VariantExpectation> out;
        add_untuned_variants({sepconv::DataType::kInt8, "qs8"}, &out);
        add_basis_variants(&out);
        return out;
    }();
    return v;
}

inline const std::vector<VariantExpectation> &expected_variants() {
    static const std::vector<VariantExpectation> v = [] {
        std::vector<VariantExpectation> out;
        for (const TypeUnderTest &t : types_under_test()) add_untuned_variants(t, &out);
        add_basis_variants(&out);
        for (const TunedExpectation &t : tuned_variants()) {
            const ConvCase geometry = t.shapes.front();
            out.push_back({t.name, t.type, [geometry](const ConvCase &k) { return same_filter_geometry(k, geometry); }});
        }
        return out;
    }();
    return v;
}

// The tuned variant tuned for exactly this layer (the batch aside) on `uarch` (this machine's
// by default), else for any machine, or "" when there is none: what another microarchitecture
// measured is never an exact match.
inline std::string expected_exact_tuned_variant(const ConvCase &k, sepconv::DataType type = sepconv::DataType::kFloat32,
                                                const std::string &uarch = this_microarchitecture()) {
    for (const std::string &wanted : {uarch, std::string()}) {
        for (const TunedExpectation &t : tuned_variants()) {
            if (t.type != type) continue;
            for (size_t i = 0; i < t.shapes.size(); ++i) {
                const ConvCase &s = t.shapes[i];
                if (t.uarchs[i] == wanted && k.pad != Pad::kExplicit && same_filter_geometry(k, s) && k.h == s.h &&
                    k.w == s.w && k.c == s.c && k.cout == s.cout && k.pad == s.pad) {
                    return t.name;
                }
            }
        }
    }
    return "";
}

// The variants automatic selection may pick for `k` in `type`:
//   - a variant tuned for exactly this layer, alone;
//   - NHWC (where the cost model chooses): the most specialized variants that serve the case, tuned
//     or not: the tuned variants of its filter geometry, the untuned 3x3 ones and their basis
//     configurations, else the generic;
//   - NCHW: the most specialized untuned variant, alone (the first that serves it).
inline std::vector<std::string> expected_auto_variants(const ConvCase &k,
                                                       sepconv::DataType type = sepconv::DataType::kFloat32) {
    const std::string exact = expected_exact_tuned_variant(k, type);
    if (!exact.empty()) return {exact};
    std::vector<std::string> out;
    if (!k.nchw) {
        for (const VariantExpectation &v : expected_variants()) {
            if (v.type == type && v.serves(k) && v.name.find("_generic") == std::string::npos) out.push_back(v.name);
        }
        if (!out.empty()) return out;
    }
    for (const VariantExpectation &v : expected_variants()) {  // the first (most specialized) untuned one
        if (v.type == type && v.name.find("_tuned_") == std::string::npos && v.name.find("_basis_") == std::string::npos &&
            v.serves(k)) {
            return {v.name};
        }
    }
    return out;
}

// Whether automatic selection's pick `variant` for `k` is one expected_auto_variants() allows.
inline ::testing::AssertionResult picked_as_expected(const ConvCase &k, sepconv::DataType type,
                                                      const std::string &variant) {
    const std::vector<std::string> allowed = expected_auto_variants(k, type);
    for (const std::string &a : allowed) {
        if (a == variant) return ::testing::AssertionSuccess();
    }
    std::string list;
    for (const std::string &a : allowed) list += " " + a;
    return ::testing::AssertionFailure() << "picked " << variant << ", expected one of:" << list;
}

}  // namespace sepconv_test
