// The independent reference: tf.nn.separable_conv2d written out plainly from TF's documented
// formula, in double precision, sharing no code with the library; with a depthwise bias and
// activation, a MobileNet block as TFLite runs it (DEPTHWISE_CONV_2D with its bias and fused
// activation, then CONV_2D 1x1 with its own). Used by the tests and as the
// baseline in bench/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sepconv_test {

enum class Pad { kSame, kValid, kExplicit };

struct ConvCase {
    int64_t n = 1, h = 1, w = 1, c = 1;  // input
    int64_t kh = 3, kw = 3, m = 1, cout = 1;
    int64_t sh = 1, sw = 1, dh = 1, dw = 1;
    Pad pad = Pad::kSame;
    int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;  // used when pad == kExplicit
    bool nchw = false;
    bool bias = false;
    int activation = 0;  // 0 none, 1 relu, 2 relu6
    bool depthwise_bias = false;
    int depthwise_activation = 0;  // as `activation`, on the depthwise result
};

// relu (1) or relu6 (2); 0 is the identity.
inline double activate(double v, int activation) {
    if (activation == 1) return std::max(v, 0.0);
    if (activation == 2) return std::min(std::max(v, 0.0), 6.0);
    return v;
}

// TF's output size and leading pad for one spatial dimension.
inline void reference_dim(int64_t in, int64_t k, int64_t s, int64_t d, Pad pad, int64_t explicit_before,
                          int64_t explicit_after, int64_t *out, int64_t *before) {
    const int64_t span = (k - 1) * d + 1;
    if (pad == Pad::kSame) {
        *out = (in + s - 1) / s;  // ceil(in / s)
        const int64_t total = std::max<int64_t>((*out - 1) * s + span - in, 0);
        *before = total / 2;      // the odd one goes after (bottom/right)
    } else if (pad == Pad::kValid) {
        *out = (in - span + s) / s;  // ceil((in - span + 1) / s)
        *before = 0;
    } else {
        *out = (in + explicit_before + explicit_after - span) / s + 1;
        *before = explicit_before;
    }
}

inline void reference_output_hw(const ConvCase &k, int64_t *ho, int64_t *wo, int64_t *top, int64_t *left) {
    reference_dim(k.h, k.kh, k.sh, k.dh, k.pad, k.pad_top, k.pad_bottom, ho, top);
    reference_dim(k.w, k.kw, k.sw, k.dw, k.pad, k.pad_left, k.pad_right, wo, left);
}

// A case's tensors' shapes in TF's layouts (the input and output in the case's data format).
struct CaseShapes {
    std::vector<int64_t> in_shape, dw_shape, pw_shape, out_shape;
};
inline CaseShapes case_shapes(const ConvCase &k) {
    int64_t ho, wo, top, left;
    reference_output_hw(k, &ho, &wo, &top, &left);
    CaseShapes s;
    s.in_shape = k.nchw ? std::vector<int64_t>{k.n, k.c, k.h, k.w} : std::vector<int64_t>{k.n, k.h, k.w, k.c};
    s.out_shape = k.nchw ? std::vector<int64_t>{k.n, k.cout, ho, wo} : std::vector<int64_t>{k.n, ho, wo, k.cout};
    s.dw_shape = {k.kh, k.kw, k.c, k.m};
    s.pw_shape = {1, 1, k.c * k.m, k.cout};
    return s;
}

// input: NHWC or NCHW per k.nchw; dwf: [kh, kw, C, M]; pwf: [1, 1, C*M, Cout]; bias: [Cout] or empty;
// depthwise_bias: [C*M] or empty. Returns the output in the same data format as the input.
inline std::vector<float> naive_separable_conv2d(const ConvCase &k, const std::vector<float> &input,
                                                 const std::vector<float> &dwf, const std::vector<float> &pwf,
                                                 const std::vector<float> &bias,
                                                 const std::vector<float> &depthwise_bias = {}) {
    int64_t ho, wo, top, left;
    reference_output_hw(k, &ho, &wo, &top, &left);
    auto in_at = [&](int64_t b, int64_t y, int64_t x, int64_t ch) -> double {
        if (y < 0 || y >= k.h || x < 0 || x >= k.w) return 0.0;
        const int64_t i = k.nchw ? ((b * k.c + ch) * k.h + y) * k.w + x : ((b * k.h + y) * k.w + x) * k.c + ch;
        return input[i];
    };
    std::vector<float> out(static_cast<size_t>(k.n * ho * wo * k.cout));
    std::vector<double> depthwise(static_cast<size_t>(k.c * k.m));
    for (int64_t b = 0; b < k.n; ++b) {
        for (int64_t i = 0; i < ho; ++i) {
            for (int64_t j = 0; j < wo; ++j) {
                for (int64_t q = 0; q < k.c; ++q) {
                    for (int64_t r = 0; r < k.m; ++r) {
                        double acc = 0.0;
                        for (int64_t di = 0; di < k.kh; ++di) {
                            for (int64_t dj = 0; dj < k.kw; ++dj) {
                                acc += in_at(b, i * k.sh + di * k.dh - top, j * k.sw + dj * k.dw - left, q) *
                                       dwf[((di * k.kw + dj) * k.c + q) * k.m + r];
                            }
                        }
                        if (!depthwise_bias.empty()) acc += depthwise_bias[q * k.m + r];
                        depthwise[q * k.m + r] = activate(acc, k.depthwise_activation);
                    }
                }
                for (int64_t o = 0; o < k.cout; ++o) {
                    double acc = bias.empty() ? 0.0 : bias[o];
                    for (int64_t qr = 0; qr < k.c * k.m; ++qr) acc += depthwise[qr] * pwf[qr * k.cout + o];
                    acc = activate(acc, k.activation);
                    const int64_t idx = k.nchw ? ((b * k.cout + o) * ho + i) * wo + j : ((b * ho + i) * wo + j) * k.cout + o;
                    out[idx] = static_cast<float>(acc);
                }
            }
        }
    }
    return out;
}

}  // namespace sepconv_test
