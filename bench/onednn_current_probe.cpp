// Times the current oneDNN release from PyPI (`onednn` / `onednn-devel` 2026.1, oneDNN 3.x API) on
// the bench layers, the same two primitives as bench/peers/onednn_peer.cpp (grouped conv with
// groups = C, then a 1x1 conv; NHWC, `format_tag::any` weights, TF's SAME padding given
// explicitly). Built and run by tools/onednn_current.sh, not by the project's build: that wheel is a
// SYCL build (its CPU engine is a SYCL device on Intel's OpenCL CPU runtime, threads from TBB),
// 2 GB of wheels that the bench does not need. Speed only: the bench's peer is the one whose
// output is checked against sepconv's.
//
//   onednn_current_probe LAYERS_CSV  ->  one line per layer: "name GFLOP/s" (median of 7 runs)
// The thread count is TBB's: the script runs it under `taskset -c 0` for one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Layer {
    std::string name;
    int h = 0, w = 0, c = 0, cout = 0, stride = 1;
};

std::vector<Layer> read_layers(const char *path) {
    std::vector<Layer> layers;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::replace(line.begin(), line.end(), ',', ' ');
        Layer l;
        std::istringstream(line) >> l.name >> l.h >> l.w >> l.c >> l.cout >> l.stride;
        layers.push_back(l);
    }
    return layers;
}

// TF's SAME padding along one dimension (3-wide kernel): the extra row/column goes after.
void same_padding(int size, int stride, int *out, int *before, int *after) {
    *out = (size + stride - 1) / stride;
    const int total = std::max((*out - 1) * stride + 3 - size, 0);
    *before = total / 2;
    *after = total - *before;
}

double gflops(const Layer &l, dnnl::engine &engine, dnnl::stream &stream) {
    int ho, wo, top, bottom, left, right;
    same_padding(l.h, l.stride, &ho, &top, &bottom);
    same_padding(l.w, l.stride, &wo, &left, &right);
    const memory::desc src({1, l.c, l.h, l.w}, dt::f32, tag::nhwc), mid({1, l.c, ho, wo}, dt::f32, tag::nhwc),
        dst({1, l.cout, ho, wo}, dt::f32, tag::nhwc);
    auto dw_pd = dnnl::convolution_forward::primitive_desc(
        engine, dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src,
        memory::desc({l.c, 1, 1, 3, 3}, dt::f32, tag::any), mid, {l.stride, l.stride}, {top, left}, {bottom, right});
    auto pw_pd = dnnl::convolution_forward::primitive_desc(
        engine, dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, mid,
        memory::desc({l.cout, l.c, 1, 1}, dt::f32, tag::any), dst, {1, 1}, {0, 0}, {0, 0});
    memory in(src, engine), between(mid, engine), out(dst, engine);
    memory dw_weights(dw_pd.weights_desc(), engine), pw_weights(pw_pd.weights_desc(), engine);
    for (memory *m : {&in, &dw_weights, &pw_weights}) {
        float *p = static_cast<float *>(m->get_data_handle());
        const size_t n = m->get_desc().get_size() / sizeof(float);
        for (size_t i = 0; i < n; ++i) p[i] = static_cast<float>(i % 13) * 0.01f;
    }
    dnnl::convolution_forward dw(dw_pd), pw(pw_pd);
    auto run = [&] {
        dw.execute(stream, {{DNNL_ARG_SRC, in}, {DNNL_ARG_WEIGHTS, dw_weights}, {DNNL_ARG_DST, between}});
        pw.execute(stream, {{DNNL_ARG_SRC, between}, {DNNL_ARG_WEIGHTS, pw_weights}, {DNNL_ARG_DST, out}});
        stream.wait();
    };
    const double flops = 2.0 * ho * wo * l.c * (9.0 + l.cout);
    std::vector<double> samples;
    for (int rep = 0; rep < 7; ++rep) {
        int iterations = 0;
        const auto start = std::chrono::steady_clock::now();
        double seconds = 0;
        do {
            run();
            ++iterations;
            seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        } while (seconds < 0.2);
        samples.push_back(flops * iterations / seconds * 1e-9);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: onednn_current_probe LAYERS_CSV\n");
        return 2;
    }
    try {
        dnnl::engine engine(dnnl::engine::kind::cpu, 0);
        dnnl::stream stream(engine);
        const dnnl_version_t *v = dnnl_version();
        std::printf("# oneDNN %d.%d.%d\n", v->major, v->minor, v->patch);
        for (const Layer &l : read_layers(argv[1])) std::printf("%s %.1f\n", l.name.c_str(), gflops(l, engine, stream));
    } catch (const dnnl::error &e) {
        std::fprintf(stderr, "onednn_current_probe: %s\n", e.what());
        return 1;
    }
    return 0;
}
