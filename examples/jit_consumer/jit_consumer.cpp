// A layer with the JIT tier on: the first call of its input shape waits for a specialized kernel
// (synchronous mode: compiled, or loaded from the cache directory argv[1]), then runs it. The
// result must equal the AOT variant's. Prints what the JIT tier did; exit 1 on any failure.
#include <cmath>
#include <cstdio>
#include <vector>

#include "sepconv/jit.h"

int main(int argc, char **argv) {
    const std::vector<int64_t> in_shape{1, 10, 10, 32}, dw_shape{3, 3, 32, 1}, pw_shape{1, 1, 32, 48},
        out_shape{1, 10, 10, 48};
    std::vector<float> input(10 * 10 * 32), dw(9 * 32), pw(32 * 48), aot(10 * 10 * 48), jit(10 * 10 * 48);
    for (size_t i = 0; i < input.size(); ++i) input[i] = std::sin(0.1f * i);
    for (size_t i = 0; i < dw.size(); ++i) dw[i] = std::cos(0.3f * i);
    for (size_t i = 0; i < pw.size(); ++i) pw[i] = std::sin(0.7f * i);

    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({dw.data(), dw_shape}, {pw.data(), pw_shape}, sepconv::Options{}, &layer);
    if (s.ok()) s = layer->run({input.data(), in_shape}, {aot.data(), out_shape});
    sepconv::jit::Options options;
    options.synchronous = true;
    if (argc > 1) options.cache_dir = argv[1];
    options.diagnostics = [](const std::string &line) { std::printf("jit: %s\n", line.c_str()); };
    if (s.ok()) s = sepconv::jit::enable(*layer, options);
    if (s.ok()) s = layer->run({input.data(), in_shape}, {jit.data(), out_shape});
    if (!s.ok()) {
        std::fprintf(stderr, "jit_consumer: %s\n", s.message.c_str());
        return 1;
    }
    std::string kernel;
    sepconv::jit::kernel_for(*layer, in_shape, &kernel);
    for (size_t i = 0; i < aot.size(); ++i) {
        if (!(std::fabs(aot[i] - jit[i]) <= 1e-4f * (1 + std::fabs(aot[i])))) {
            std::fprintf(stderr, "jit_consumer: element %zu: JIT %g, AOT %g\n", i, jit[i], aot[i]);
            return 1;
        }
    }
    std::printf("jit_consumer: %s matches the AOT variant\n", kernel.c_str());
    return kernel.rfind("jit:", 0) == 0 ? 0 : 1;
}
