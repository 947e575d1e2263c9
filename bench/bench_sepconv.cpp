// Google Benchmark over the model layers of bench/layers.csv, at batch 1 with 1 and 2 threads,
// with the naive reference as the baseline. Every benchmark reports a rate counter "GFLOP" (shown
// as GFLOP=x/s, i.e. GFLOP/s), with
// FLOPs = 2*Ho*Wo*C*M*kh*kw + 2*Ho*Wo*C*M*Cout.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>

#include "layer_list.h"
#include "sepconv/sepconv.h"
#include "support/naive_reference.h"

namespace {

struct LayerData {
    sepconv::tools::ModelLayer layer;
    std::vector<int64_t> in_shape, dw_shape, pw_shape, out_shape;
    std::vector<float> input, dwf, pwf, out;
    sepconv::Options options;
    int64_t flops = 0;
};

std::vector<float> random_values(const std::vector<int64_t> &shape, std::mt19937 &rng) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    std::vector<float> v(static_cast<size_t>(n));
    for (float &x : v) x = dist(rng);
    return v;
}

LayerData make_layer(const sepconv::tools::ModelLayer &l) {
    LayerData d;
    d.layer = l;
    d.in_shape = {1, l.height, l.width, l.in_channels};
    d.dw_shape = {3, 3, l.in_channels, 1};
    d.pw_shape = {1, 1, l.in_channels, l.out_channels};
    d.options.strides = {1, l.stride, l.stride, 1};
    d.options.padding = sepconv::Padding::kSame;
    sepconv::output_shape(d.in_shape, d.dw_shape, d.pw_shape, d.options, &d.out_shape);
    std::mt19937 rng(11);
    d.input = random_values(d.in_shape, rng);
    d.dwf = random_values(d.dw_shape, rng);
    d.pwf = random_values(d.pw_shape, rng);
    d.out = random_values(d.out_shape, rng);
    d.flops = sepconv::flop_count(d.in_shape, d.dw_shape, d.pw_shape, d.options);
    return d;
}

void set_gflops(benchmark::State &state, int64_t flops) {
    state.counters["GFLOP"] =
        benchmark::Counter(static_cast<double>(flops) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void bench_sepconv(benchmark::State &state, const LayerData *d) {
    sepconv::Options o = d->options;
    o.num_threads = static_cast<int>(state.range(0));
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({d->dwf.data(), d->dw_shape}, {d->pwf.data(), d->pw_shape}, o, &layer);
    std::string variant;
    if (s.ok()) s = layer->variant_for(d->in_shape, &variant);
    if (!s.ok()) {
        state.SkipWithError(s.message.c_str());
        return;
    }
    std::vector<float> out(d->out.size());
    for (auto _ : state) {
        s = layer->run({d->input.data(), d->in_shape}, {out.data(), d->out_shape});
        benchmark::DoNotOptimize(out.data());
    }
    if (!s.ok()) state.SkipWithError(s.message.c_str());
    set_gflops(state, d->flops);
    state.SetLabel(variant);
}

void bench_naive(benchmark::State &state, const LayerData *d) {
    sepconv_test::ConvCase k;
    k.h = d->layer.height, k.w = d->layer.width, k.c = d->layer.in_channels, k.cout = d->layer.out_channels;
    k.sh = k.sw = d->layer.stride;
    for (auto _ : state) {
        std::vector<float> out = sepconv_test::naive_separable_conv2d(k, d->input, d->dwf, d->pwf, {});
        benchmark::DoNotOptimize(out.data());
    }
    set_gflops(state, d->flops);
    state.SetLabel("naive reference, 1 thread");
}

}  // namespace

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    std::vector<sepconv::tools::ModelLayer> layers;
    sepconv::Status s = sepconv::tools::load_layer_list("", &layers);
    if (!s.ok()) {
        std::fprintf(stderr, "bench_sepconv: %s\n", s.message.c_str());
        return 1;
    }
    static std::vector<LayerData> data;
    data.reserve(layers.size());
    for (const auto &l : layers) data.push_back(make_layer(l));
    for (const LayerData &d : data) {
        benchmark::RegisterBenchmark(("sepconv/" + d.layer.name).c_str(), bench_sepconv, &d)
            ->ArgName("threads")
            ->Arg(1)
            ->Arg(2)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("naive/" + d.layer.name).c_str(), bench_naive, &d)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1);
    }
    const sepconv::CpuInfo cpu = sepconv::cpu_info();
    benchmark::AddCustomContext("sepconv_dispatch", cpu.dispatched_target);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
