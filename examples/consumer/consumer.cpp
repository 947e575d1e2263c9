// Runs one small separable conv through the installed sepconv and checks it against a direct
// computation, the way a downstream user would smoke-test the library they linked.
#include <cmath>
#include <cstdio>
#include <vector>

#include "sepconv/sepconv.h"

int main() {
    // NHWC input [1, 6, 5, 3], 3x3 depthwise with multiplier 2, 6 -> 4 pointwise, stride 2, SAME.
    const int H = 6, W = 5, C = 3, M = 2, K = 3, COUT = 4, S = 2;
    std::vector<float> in(H * W * C), dw(K * K * C * M), pw(C * M * COUT);
    for (size_t i = 0; i < in.size(); ++i) in[i] = std::sin(0.1f * i);
    for (size_t i = 0; i < dw.size(); ++i) dw[i] = std::cos(0.2f * i);
    for (size_t i = 0; i < pw.size(); ++i) pw[i] = 0.05f * (static_cast<int>(i % 7) - 3);

    sepconv::Options options;
    options.strides = {1, S, S, 1};
    options.padding = sepconv::Padding::kSame;
    std::vector<int64_t> out_shape;
    sepconv::Status s = sepconv::output_shape({1, H, W, C}, {K, K, C, M}, {1, 1, C * M, COUT}, options, &out_shape);
    if (!s.ok()) return std::fprintf(stderr, "output_shape: %s\n", s.message.c_str()), 1;
    const int HO = static_cast<int>(out_shape[1]), WO = static_cast<int>(out_shape[2]);
    std::vector<float> out(HO * WO * COUT);
    s = sepconv::separable_conv2d({in.data(), {1, H, W, C}}, {dw.data(), {K, K, C, M}}, {pw.data(), {1, 1, C * M, COUT}},
                                  options, {out.data(), out_shape});
    if (!s.ok()) return std::fprintf(stderr, "separable_conv2d: %s\n", s.message.c_str()), 1;

    // TF's SAME: ceil(6/2) = 3 rows, pad_total = (3-1)*2 + 3 - 6 = 1 -> top 0, bottom 1.
    const int top = ((HO - 1) * S + K - H) / 2, left = ((WO - 1) * S + K - W) / 2;
    double worst = 0;
    for (int i = 0; i < HO; ++i)
        for (int j = 0; j < WO; ++j)
            for (int o = 0; o < COUT; ++o) {
                double acc = 0;
                for (int q = 0; q < C; ++q)
                    for (int r = 0; r < M; ++r) {
                        double d = 0;
                        for (int a = 0; a < K; ++a)
                            for (int b = 0; b < K; ++b) {
                                const int y = i * S + a - top, x = j * S + b - left;
                                if (y >= 0 && y < H && x >= 0 && x < W) d += in[(y * W + x) * C + q] * dw[((a * K + b) * C + q) * M + r];
                            }
                        acc += d * pw[(q * M + r) * COUT + o];
                    }
                worst = std::fmax(worst, std::fabs(acc - out[(i * WO + j) * COUT + o]));
            }
    const sepconv::CpuInfo cpu = sepconv::cpu_info();
    std::printf("consumer: output [1, %d, %d, %d] on %s, max error %.2e\n", HO, WO, COUT, cpu.dispatched_target.c_str(), worst);
    if (worst > 1e-4) return std::fprintf(stderr, "consumer: result differs from the direct computation\n"), 1;

    // And a bad call comes back as a status, not a crash.
    s = sepconv::separable_conv2d({in.data(), {1, H, W, C + 1}}, {dw.data(), {K, K, C, M}}, {pw.data(), {1, 1, C * M, COUT}},
                                  options, {out.data(), out_shape});
    if (s.ok()) return std::fprintf(stderr, "consumer: a channel mismatch was accepted\n"), 1;
    std::printf("consumer: OK (bad input refused: %s)\n", s.message.c_str());
    return 0;
}
