// One tester for every variant: random tensors for a ConvCase, a run through the library (forcing
// a variant by name when asked), and an element-wise comparison with the naive reference.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
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

// Whether the host CPU's float16 variants may compute in float16 (ARMv8.2 FP16), not float32.
#if defined(__aarch64__)
constexpr bool kHostHalfArithmetic = true;
#else
constexpr bool kHostHalfArithmetic = false;
#endif

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
      << (k.bias ? " bias" : "") << " act=" << k.activation << (k.depthwise_bias ? " dw_bias" : "")
      << " dw_act=" << k.depthwise_activation;
    return s.str();
}

// One case through one variant, chosen by name: the parameter of the suites that sweep the variants
// (gtest prints it with PrintTo, so a failure names the case instead of dumping its bytes).
struct CaseOnVariant {
    ConvCase k;
    std::string variant;
    sepconv::DataType type = sepconv::DataType::kFloat32;  // the variant's
};
inline void PrintTo(const CaseOnVariant &p, std::ostream *os) { *os << describe(p.k) << " variant=" << p.variant; }

struct TensorSet : CaseShapes {
    sepconv::DataType type = sepconv::DataType::kFloat32;
    std::vector<float> input, dwf, pwf, bias, depthwise_bias, expected;
    // float16: every tensor above holds float16 values (rounded from the random float32 ones), the
    // reference computed from them; `magnitude` is the reference on their absolute values (no
    // activation), which bounds every partial sum the kernel rounds (half_tolerance).
    std::vector<float> magnitude;
    // float16: whether the kernel may compute in float16 (half_tolerance): where the host CPU may
    // (aarch64), and on CUDA (half2).
    bool half_arithmetic = kHostHalfArithmetic;
};

// float16 through the compiler's own type, never the library's helpers: ARM's __fp16 (IEEE
// format), x86's _Float16 (GCC 12 has no _Float16 in C++ on aarch64).
#if defined(__aarch64__)
using CompilerHalf = __fp16;
#else
using CompilerHalf = _Float16;
#endif
inline uint16_t to_half_bits(float v) {
    const CompilerHalf h = static_cast<CompilerHalf>(v);
    uint16_t bits;
    std::memcpy(&bits, &h, sizeof bits);
    return bits;
}
inline float from_half_bits(uint16_t bits) {
    CompilerHalf h;
    std::memcpy(&h, &bits, sizeof h);
    return static_cast<float>(h);
}
inline std::vector<uint16_t> half_bits(const std::vector<float> &v) {
    std::vector<uint16_t> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) out[i] = to_half_bits(v[i]);
    return out;
}
inline std::vector<float> half_values(const std::vector<uint16_t> &bits) {
    std::vector<float> out(bits.size());
    for (size_t i = 0; i < bits.size(); ++i) out[i] = from_half_bits(bits[i]);
    return out;
}
inline std::vector<float> absolute(std::vector<float> v) {
    for (float &x : v) x = std::fabs(x);
    return v;
}

// The reference for t's tensors, and for float16 their magnitude; a test that edits the tensors
// calls it again.
inline void compute_reference(const ConvCase &k, TensorSet *t) {
    if (t->type == sepconv::DataType::kFloat16) {
        ConvCase plain = k;
        plain.activation = plain.depthwise_activation = 0;  // |relu(v)| <= |v|
        t->magnitude = naive_separable_conv2d(plain, absolute(t->input), absolute(t->dwf), absolute(t->pwf),
                                              absolute(t->bias), absolute(t->depthwise_bias));
    }
    t->expected = naive_separable_conv2d(k, t->input, t->dwf, t->pwf, t->bias, t->depthwise_bias);
}

inline TensorSet make_tensors(const ConvCase &k, uint32_t seed, sepconv::DataType type = sepconv::DataType::kFloat32) {
    std::mt19937 rng(seed);
    TensorSet t;
    static_cast<CaseShapes &>(t) = case_shapes(k);
    // Filters first, so that one seed gives the same filters whatever the input size.
    t.dwf = random_tensor(k.kh * k.kw * k.c * k.m, rng);
    t.pwf = random_tensor(k.c * k.m * k.cout, rng);
    if (k.bias) t.bias = random_tensor(k.cout, rng);
    t.input = random_tensor(k.n * k.h * k.w * k.c, rng);
    if (k.depthwise_bias) t.depthwise_bias = random_tensor(k.c * k.m, rng);
    t.type = type;
    if (type == sepconv::DataType::kFloat16) {
        for (std::vector<float> *v : {&t.input, &t.dwf, &t.pwf, &t.bias, &t.depthwise_bias}) *v = half_values(half_bits(*v));
    }
    compute_reference(k, &t);
    return t;
}

// The float16 tolerance: the output's own rounding (half an ulp of float16, 2^-11 relative, 2^-25
// absolute below the normal range) plus the rounding of the sums, bounded by the classic
// n * u * (sum of |terms|) with `magnitude` as the sum of |terms| of both stages:
//  - float32 arithmetic (x86, and every NCHW or flat-run schedule): n = taps + C*M + 2, u = 2^-24;
//  - float16 arithmetic (ARMv8.2 NHWC): the depthwise taps and one block of 16*M products round
//    in float16, n = taps + 16*M + 4, u = 2^-11 (the blocks add up in float32);
//  - a depthwise bias adds one to n (the magnitude then includes |depthwise_bias|).
//  - CUDA computes as ARMv8.2 does (half2 FMAs in the same blocks).
// The test runs the float16 bound wherever the library may use float16 arithmetic.
inline double half_tolerance(const ConvCase &k, double expected, double magnitude, bool half_arithmetic) {
    const int depthwise_bias = k.depthwise_bias ? 1 : 0;  // one more rounding of the depthwise result
    const double sums = half_arithmetic ? (k.kh * k.kw + depthwise_bias + 16 * k.m + 4) * 0x1p-11
                                        : (k.kh * k.kw + depthwise_bias + k.c * k.m + 2) * 0x1p-24;
    return 0x1p-11 * std::fabs(expected) + 0x1p-25 + sums * magnitude;
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

// Element i's tolerance: half_tolerance for float16, the shared one for float32.
inline double tolerance_at(const ConvCase &k, const TensorSet &t, size_t i) {
    const double e = t.expected[i];
    return t.type == sepconv::DataType::kFloat16 ? half_tolerance(k, e, t.magnitude[i], t.half_arithmetic)
                                                 : kAbsTolerance + kRelTolerance * std::fabs(e);
}

// float16 results against the reference, within half_tolerance.
inline ::testing::AssertionResult half_close(const ConvCase &k, const TensorSet &t, const std::vector<float> &actual) {
    if (t.expected.size() != actual.size()) {
        return ::testing::AssertionFailure() << "size " << actual.size() << " != expected " << t.expected.size();
    }
    for (size_t i = 0; i < actual.size(); ++i) {
        const double e = t.expected[i], a = actual[i], tol = tolerance_at(k, t, i);
        if (!(std::fabs(e - a) <= tol)) {
            return ::testing::AssertionFailure() << "element " << i << ": got " << a << ", expected " << e
                                                 << " (float16 tolerance " << tol << ")";
        }
    }
    return ::testing::AssertionSuccess();
}

// One call on the tensors of `t`, in its type: float16 tensors are passed as their bits, and the
// output read back as floats. The output starts as a sentinel (NaN).
inline sepconv::Status run_tensors(const TensorSet &t, const sepconv::Options &options, std::vector<float> *out) {
    using sepconv::DataType;
    if (t.type == DataType::kFloat32) {
        out->assign(t.expected.size(), std::nanf(""));
        sepconv::Options o = options;
        if (!t.bias.empty()) o.bias = {t.bias.data(), {static_cast<int64_t>(t.bias.size())}};
        if (!t.depthwise_bias.empty()) {
            o.depthwise_bias = {t.depthwise_bias.data(), {static_cast<int64_t>(t.depthwise_bias.size())}};
        }
        return sepconv::separable_conv2d({t.input.data(), t.in_shape}, {t.dwf.data(), t.dw_shape},
                                         {t.pwf.data(), t.pw_shape}, o, {out->data(), t.out_shape});
    }
    const std::vector<uint16_t> input = half_bits(t.input), dwf = half_bits(t.dwf), pwf = half_bits(t.pwf),
                                bias = half_bits(t.bias), depthwise_bias = half_bits(t.depthwise_bias);
    std::vector<uint16_t> result(t.expected.size(), 0x7e00);  // NaN
    sepconv::Options o = options;
    if (!t.bias.empty()) o.bias = {bias.data(), DataType::kFloat16, {static_cast<int64_t>(bias.size())}};
    if (!t.depthwise_bias.empty()) {
        o.depthwise_bias = {depthwise_bias.data(), DataType::kFloat16, {static_cast<int64_t>(depthwise_bias.size())}};
    }
    sepconv::Status s = sepconv::separable_conv2d(
        {input.data(), DataType::kFloat16, t.in_shape}, {dwf.data(), DataType::kFloat16, t.dw_shape},
        {pwf.data(), DataType::kFloat16, t.pw_shape}, o, {result.data(), DataType::kFloat16, t.out_shape});
    *out = half_values(result);
    return s;
}

// Runs case `k` through the library in `type`, one-shot, forcing `variant` if non-empty, on
// `device`, and compares.
inline ::testing::AssertionResult run_and_compare(const ConvCase &k, const std::string &variant, uint32_t seed = 1,
                                                  sepconv::Device device = sepconv::Device::kAuto,
                                                  sepconv::DataType type = sepconv::DataType::kFloat32) {
    TensorSet t = make_tensors(k, seed, type);
    t.half_arithmetic |= device == sepconv::Device::kCuda;
    sepconv::Options o = options_for(k);
    o.variant = variant;
    o.device = device;
    std::vector<float> out;
    sepconv::Status s = run_tensors(t, o, &out);
    if (!s.ok()) return ::testing::AssertionFailure() << "status error: " << s.message;
    return type == sepconv::DataType::kFloat16 ? half_close(k, t, out) : all_close(t.expected, out);
}

}  // namespace sepconv_test

namespace sepconv_test {
// Readable names in gtest output instead of byte dumps.
inline void PrintTo(const ConvCase &k, std::ostream *os) { *os << describe(k); }
}  // namespace sepconv_test
