// One tester for every variant: random tensors for a ConvCase, a run through the library (forcing
// a variant by name when asked), and an element-wise comparison with the naive reference.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>
#include <string>

#include "case_options.h"
#include "naive_reference.h"
#include "sepconv/sepconv.h"

namespace sepconv_test {

// The comparison tolerance, shared with the fuzzer and the TF parity script (tests/tolerance.cmake).
constexpr double kAbsTolerance = SEPCONV_TEST_ATOL;
constexpr double kRelTolerance = SEPCONV_TEST_RTOL;

inline std::vector<float> random_tensor(int64_t count, std::mt19937 &rng, float lo = -1.f, float hi = 1.f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(static_cast<size_t>(count));
    for (float &x : v) x = dist(rng);
    return v;
}

inline std::string describe(const ConvCase &k) {
    std::ostringstream s;
    s << (k.nchw ? "NCHW" : "NHWC") << " in=" << k.n << "x" << k.h << "x" << k.w << "x" << k.c << " k=" << k.kh
      << "x" << k.kw << " m=" << k.m << " cout=" << k.cout << " s=" << k.sh << "," << k.sw << " d=" << k.dh << ","
      << k.dw << " pad="
      << (k.pad == Pad::kSame ? "SAME" : k.pad == Pad::kValid ? "VALID" : "EXPLICIT")
      << (k.pad == Pad::kExplicit ? "(" + std::to_string(k.pad_top) + "," + std::to_string(k.pad_bottom) + "," +
                                        std::to_string(k.pad_left) + "," + std::to_string(k.pad_right) + ")"
                                  : "")
      << (k.bias ? " bias" : "") << " act=" << k.activation;
    return s.str();
}

// One case through one variant, chosen by name: the parameter of the suites that sweep the variants
// (gtest prints it with PrintTo, so a failure names the case instead of dumping its bytes).
struct CaseOnVariant {
    ConvCase k;
    std::string variant;
};
inline void PrintTo(const CaseOnVariant &p, std::ostream *os) { *os << describe(p.k) << " variant=" << p.variant; }

struct TensorSet {
    std::vector<int64_t> in_shape, dw_shape, pw_shape, out_shape;
    std::vector<float> input, dwf, pwf, bias, expected;
};

inline TensorSet make_tensors(const ConvCase &k, uint32_t seed) {
    std::mt19937 rng(seed);
    TensorSet t;
    int64_t ho, wo, top, left;
    reference_output_hw(k, &ho, &wo, &top, &left);
    t.in_shape = k.nchw ? std::vector<int64_t>{k.n, k.c, k.h, k.w} : std::vector<int64_t>{k.n, k.h, k.w, k.c};
    t.out_shape = k.nchw ? std::vector<int64_t>{k.n, k.cout, ho, wo} : std::vector<int64_t>{k.n, ho, wo, k.cout};
    t.dw_shape = {k.kh, k.kw, k.c, k.m};
    t.pw_shape = {1, 1, k.c * k.m, k.cout};
    // Filters first, so that one seed gives the same filters whatever the input size.
    t.dwf = random_tensor(k.kh * k.kw * k.c * k.m, rng);
    t.pwf = random_tensor(k.c * k.m * k.cout, rng);
    if (k.bias) t.bias = random_tensor(k.cout, rng);
    t.input = random_tensor(k.n * k.h * k.w * k.c, rng);
    t.expected = naive_separable_conv2d(k, t.input, t.dwf, t.pwf, t.bias);
    return t;
}

inline ::testing::AssertionResult all_close(const std::vector<float> &expected, const std::vector<float> &actual) {
    if (expected.size() != actual.size()) {
        return ::testing::AssertionFailure() << "size " << actual.size() << " != expected " << expected.size();
    }
    for (size_t i = 0; i < expected.size(); ++i) {
        const double e = expected[i], a = actual[i];
        if (!(std::fabs(e - a) <= kAbsTolerance + kRelTolerance * std::fabs(e))) {
            return ::testing::AssertionFailure() << "element " << i << ": got " << a << ", expected " << e;
        }
    }
    return ::testing::AssertionSuccess();
}

// Runs case `k` through the library, one-shot, forcing `variant` if non-empty, on `device`, and
// compares.
inline ::testing::AssertionResult run_and_compare(const ConvCase &k, const std::string &variant, uint32_t seed = 1,
                                                  sepconv::Device device = sepconv::Device::kAuto) {
    TensorSet t = make_tensors(k, seed);
    sepconv::Options o = options_for(k);
    o.variant = variant;
    o.device = device;
    if (k.bias) o.bias = {t.bias.data(), {k.cout}};
    std::vector<float> out(t.expected.size(), std::nanf(""));
    sepconv::Status s = sepconv::separable_conv2d({t.input.data(), t.in_shape}, {t.dwf.data(), t.dw_shape},
                                                  {t.pwf.data(), t.pw_shape}, o, {out.data(), t.out_shape});
    if (!s.ok()) return ::testing::AssertionFailure() << "status error: " << s.message;
    return all_close(t.expected, out);
}

}  // namespace sepconv_test

namespace sepconv_test {
// Readable names in gtest output instead of byte dumps.
inline void PrintTo(const ConvCase &k, std::ostream *os) { *os << describe(k); }
}  // namespace sepconv_test
