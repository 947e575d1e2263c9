// One process of the JIT cache tests (jit_test.cpp): a fixed float32 layer with the JIT tier on
// (specialize, synchronous) over the cache directory argv[1]; it checks the JIT kernel's output
// against the AOT variant's and prints what the tier did: "compiles=N cache_hits=M kernel=jit:",
// then whether libHalide is mapped into the process ("libHalide loaded: yes|no").
// Exit 0 when the kernel ran and matched, 1 otherwise.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <random>
#include <vector>

#include "sepconv/jit.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: jit_probe CACHE_DIR\n");
        return 2;
    }
    const std::vector<int64_t> in_shape{1, 9, 11, 24}, dw_shape{3, 3, 24, 1}, pw_shape{1, 1, 24, 40},
        out_shape{1, 9, 11, 40};
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> d(-1, 1);
    auto random = [&](size_t n) {
        std::vector<float> v(n);
        for (float &x : v) x = d(rng);
        return v;
    };
    const std::vector<float> input = random(9 * 11 * 24), dw = random(9 * 24), pw = random(24 * 40);
    std::vector<float> aot(9 * 11 * 40, NAN), jit(9 * 11 * 40, NAN);
    sepconv::Options o;
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({dw.data(), dw_shape}, {pw.data(), pw_shape}, o, &layer);
    if (s.ok()) s = layer->run({input.data(), in_shape}, {aot.data(), out_shape});
    sepconv::jit::Options j;
    j.synchronous = true;
    j.cache_dir = argv[1];
    if (s.ok()) s = sepconv::jit::enable(*layer, j);
    if (s.ok()) s = layer->run({input.data(), in_shape}, {jit.data(), out_shape});
    if (!s.ok()) {
        std::fprintf(stderr, "jit_probe: %s\n", s.message.c_str());
        return 1;
    }
    std::string kernel;
    sepconv::jit::kernel_for(*layer, in_shape, &kernel);
    const sepconv::jit::Stats st = sepconv::jit::stats(*layer);
    for (const std::string &line : st.log) std::fprintf(stderr, "jit_probe: %s\n", line.c_str());
    bool same = true;
    for (size_t i = 0; i < aot.size(); ++i) same = same && std::fabs(aot[i] - jit[i]) <= 1e-4f + 1e-4f * std::fabs(aot[i]);
    std::printf("compiles=%lld cache_hits=%lld kernel=%s\n", static_cast<long long>(st.compiles),
                static_cast<long long>(st.cache_hits), kernel.substr(0, 4).c_str());
    std::ifstream maps("/proc/self/maps");
    const std::string mapped((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
    std::printf("libHalide loaded: %s\n", mapped.find("libHalide") != std::string::npos ? "yes" : "no");
    return same && kernel.rfind("jit:", 0) == 0 ? 0 : 1;
}
