// Google Benchmark over the model layers of bench/layers.csv (or $SEPCONV_BENCH_LAYERS), each at
// its kernel size and batch, with 1 and 2 threads: sepconv side by side with the peers users would
// pick instead (oneDNN, XNNPACK; each checked against sepconv's result before it is timed), and
// the naive reference as the baseline. Every
// benchmark reports a rate counter "GFLOP" (shown as GFLOP=x/s, i.e. GFLOP/s), with
// FLOPs = 2*N*Ho*Wo*C*M*(kh*kw + Cout). The measured FMA peak (1 and 2 threads) is in the
// context. tools/bench_report.py turns a run into one table.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "aligned_buffer.h"
#include "layer_list.h"
#include "peak_fma.h"
#include "peers/peer.h"
#include "quantization_file.h"
#include "sepconv/sepconv.h"
#include "support/naive_reference.h"
#ifdef SEPCONV_HAS_JIT
#include <chrono>
#include <map>
#include <tuple>

#include "sepconv/jit.h"
#endif

namespace {

struct LayerData {
    sepconv::tools::ModelLayer layer;
    std::vector<int64_t> in_shape, dw_shape, pw_shape, out_shape;
    // Cache-line aligned, as TensorFlow's allocator aligns tensors (64 bytes).
    sepconv::internal::AlignedBuffer<float> input, dwf, pwf, out;
    // A MobileNet block's biases (depthwise C, pointwise Cout), for sepconv_block.
    sepconv::internal::AlignedBuffer<float> depthwise_bias, bias;
    // The same values as float16 (IEEE binary16 bits), for sepconv's float16 variants.
    sepconv::internal::AlignedBuffer<uint16_t> input16, dwf16, pwf16;
    // The same values as int8 (times 127), for sepconv's int8 variants.
    sepconv::internal::AlignedBuffer<int8_t> input8, dwf8, pwf8;
    std::vector<float> expected;  // sepconv's own result, which every peer must reproduce
    sepconv::Options options;
    int64_t flops = 0;
};

sepconv::internal::AlignedBuffer<float> random_values(const std::vector<int64_t> &shape, std::mt19937 &rng) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    sepconv::internal::AlignedBuffer<float> v(static_cast<size_t>(n));
    for (float &x : v) x = dist(rng);
    return v;
}

LayerData make_layer(const sepconv::tools::ModelLayer &l) {
    LayerData d;
    d.layer = l;
    d.in_shape = {l.batch, l.height, l.width, l.in_channels};
    d.dw_shape = {l.kernel, l.kernel, l.in_channels, 1};
    d.pw_shape = {1, 1, l.in_channels, l.out_channels};
    d.options.strides = {1, l.stride, l.stride, 1};
    d.options.padding = sepconv::Padding::kSame;
    sepconv::output_shape(d.in_shape, d.dw_shape, d.pw_shape, d.options, &d.out_shape);
    std::mt19937 rng(11);
    d.input = random_values(d.in_shape, rng);
    d.dwf = random_values(d.dw_shape, rng);
    d.pwf = random_values(d.pw_shape, rng);
    d.out = random_values(d.out_shape, rng);
    d.depthwise_bias = random_values({l.in_channels}, rng);
    d.bias = random_values({l.out_channels}, rng);
    auto to_half = [](const sepconv::internal::AlignedBuffer<float> &v) {
        sepconv::internal::AlignedBuffer<uint16_t> h(v.size());
        for (size_t i = 0; i < v.size(); ++i) h[i] = sepconv::float_to_half(v[i]);
        return h;
    };
    d.input16 = to_half(d.input), d.dwf16 = to_half(d.dwf), d.pwf16 = to_half(d.pwf);
    auto to_int8 = [](const sepconv::internal::AlignedBuffer<float> &v) {
        sepconv::internal::AlignedBuffer<int8_t> q(v.size());
        for (size_t i = 0; i < v.size(); ++i) q[i] = static_cast<int8_t>(std::lround(v[i] * 127));
        return q;
    };
    d.input8 = to_int8(d.input), d.dwf8 = to_int8(d.dwf), d.pwf8 = to_int8(d.pwf);
    d.flops = sepconv::flop_count(d.in_shape, d.dw_shape, d.pw_shape, d.options);
    d.expected.resize(d.out.size());
    sepconv::separable_conv2d({d.input.data(), d.in_shape}, {d.dwf.data(), d.dw_shape}, {d.pwf.data(), d.pw_shape},
                              d.options, {d.expected.data(), d.out_shape});
    return d;
}

void set_gflops(benchmark::State &state, int64_t flops) {
    state.counters["GFLOP"] =
        benchmark::Counter(static_cast<double>(flops) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

sepconv_bench::PeerLayer peer_layer(const LayerData &d) {
    const sepconv::tools::ModelLayer &l = d.layer;
    const int ho = static_cast<int>(d.out_shape[1]), wo = static_cast<int>(d.out_shape[2]), s = static_cast<int>(l.stride);
    const int k = static_cast<int>(l.kernel);
    const int pad_h = std::max<int>((ho - 1) * s + k - static_cast<int>(l.height), 0);
    const int pad_w = std::max<int>((wo - 1) * s + k - static_cast<int>(l.width), 0);
    return {static_cast<int>(l.batch), static_cast<int>(l.height), static_cast<int>(l.width),
            static_cast<int>(l.in_channels), static_cast<int>(l.out_channels), k, s, ho, wo, pad_h / 2,
            pad_h - pad_h / 2, pad_w / 2, pad_w - pad_w / 2, d.input.data(), d.dwf.data(), d.pwf.data()};
}

using PeerFactory = std::unique_ptr<sepconv_bench::Peer> (*)(const sepconv_bench::PeerLayer &, int, std::string *);

void bench_peer(benchmark::State &state, const LayerData *d, PeerFactory make, const char *label) {
    std::string why;
    std::unique_ptr<sepconv_bench::Peer> peer = make(peer_layer(*d), static_cast<int>(state.range(0)), &why);
    if (!peer) {
        state.SkipWithError(why.c_str());
        return;
    }
    peer->run();  // the result must equal sepconv's before anything is timed
    double worst = 0;
    for (size_t i = 0; i < d->expected.size(); ++i) {
        worst = std::max(worst, std::fabs(double(peer->output()[i]) - d->expected[i]) / (1 + std::fabs(d->expected[i])));
    }
    if (worst > 1e-3) {
        state.SkipWithError(("result differs from sepconv's (max relative error " + std::to_string(worst) + ")").c_str());
        return;
    }
    for (auto _ : state) {
        peer->run();
        benchmark::DoNotOptimize(peer->output());
    }
    set_gflops(state, d->flops);
    state.SetLabel(label);
}


// The FMA peak, as a benchmark: interleaved with the layers, so a busy moment hits it as often.
void bench_peak(benchmark::State &state) {
    const int threads = static_cast<int>(state.range(0));
    const int bits = sepconv_bench::peak_fma_bits(sepconv::cpu_info().dispatched_target);
    double flops = 0;
    for (auto _ : state) flops = sepconv_bench::run_fma_chains(threads, bits);
    if (flops == 0) {
        state.SkipWithError((std::to_string(bits) + "-bit FMAs missing on this CPU").c_str());
        return;
    }
    set_gflops(state, static_cast<int64_t>(flops));
    state.SetLabel(std::to_string(threads) + " thread(s) of independent _mm" + std::to_string(bits) + "_fmadd_ps chains");
}

// int8's peak, beside the FMA's: the 1x1's multiply-add instructions at the dispatched width.
void bench_peak_int8(benchmark::State &state) {
    const int threads = static_cast<int>(state.range(0));
    const std::string target = sepconv::cpu_info().dispatched_target, form = sepconv_bench::int8_peak_form(target);
    double ops = 0;
    for (auto _ : state) ops = sepconv_bench::run_int8_chains(threads, target);
    if (ops == 0) {
        state.SkipWithError((form + " missing on this CPU").c_str());
        return;
    }
    set_gflops(state, static_cast<int64_t>(ops));
    state.SetLabel(std::to_string(threads) + " thread(s) of independent " + form + " chains");
}

// Times a prepared layer on one input: GFLOP/s as the convolutions count them, the variant as the
// label; a layer that failed to prepare (`s`) skips the benchmark with its message.
void time_layer(benchmark::State &state, const LayerData &d, sepconv::Status s, const sepconv::Layer *layer,
                const sepconv::TensorView &input, const sepconv::MutableTensorView &output) {
    std::string variant;
    if (s.ok()) s = layer->variant_for(d.in_shape, &variant);
    if (!s.ok()) {
        state.SkipWithError(s.message.c_str());
        return;
    }
    for (auto _ : state) {
        s = layer->run(input, output);
        benchmark::DoNotOptimize(output.data);
    }
    if (!s.ok()) state.SkipWithError(s.message.c_str());
    set_gflops(state, d.flops);
    state.SetLabel(variant);
}

// TF's op (block = false), or the same layer as a MobileNet block: a depthwise bias and relu6, then
// the pointwise conv with its bias and relu6, fused (the FLOPs counted are the convolutions' alone).
void bench_sepconv(benchmark::State &state, const LayerData *d, bool block, std::string variant) {
    sepconv::Options o = d->options;
    o.num_threads = static_cast<int>(state.range(0));
    o.variant = variant;
    if (block) {
        o.depthwise_bias = {d->depthwise_bias.data(), {d->layer.in_channels}};
        o.depthwise_activation = sepconv::Activation::kRelu6;
        o.bias = {d->bias.data(), {d->layer.out_channels}};
        o.activation = sepconv::Activation::kRelu6;
    }
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({d->dwf.data(), d->dw_shape}, {d->pwf.data(), d->pw_shape}, o, &layer);
    sepconv::internal::AlignedBuffer<float> out(d->out.size());
    time_layer(state, *d, s, layer.get(), {d->input.data(), d->in_shape}, {out.data(), d->out_shape});
}

// sepconv in int8 on the same layer as a MobileNet block (int32 biases, ReLU6 after each conv: what
// TFLite's int8 peer runs), with scales typical of a trained layer. Its arithmetic is tested
// bit-exact elsewhere (int8_test, tflite_int8_parity); here it is timed.
void bench_sepconv_int8(benchmark::State &state, const LayerData *d, std::string variant) {
    using sepconv::DataType;
    sepconv::Options o = d->options;
    o.num_threads = static_cast<int>(state.range(0));
    o.variant = variant;
    o.quantization = sepconv::tools::typical_quantization(d->dw_shape[0] * d->dw_shape[1], d->layer.in_channels,
                                                          d->layer.out_channels);
    o.activation = o.depthwise_activation = sepconv::Activation::kRelu6;
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({d->dwf8.data(), DataType::kInt8, d->dw_shape},
                                               {d->pwf8.data(), DataType::kInt8, d->pw_shape}, o, &layer);
    sepconv::internal::AlignedBuffer<int8_t> out(d->out.size());
    time_layer(state, *d, s, layer.get(), {d->input8.data(), DataType::kInt8, d->in_shape},
               {out.data(), DataType::kInt8, d->out_shape});
}

// sepconv in float16 on the same layer: the default variant for float16, timed as bench_sepconv.
// Its result must be sepconv's float32 one within float16's rounding (checked before timing).
void bench_sepconv_f16(benchmark::State &state, const LayerData *d) {
    using sepconv::DataType;
    sepconv::Options o = d->options;
    o.num_threads = static_cast<int>(state.range(0));
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({d->dwf16.data(), DataType::kFloat16, d->dw_shape},
                                               {d->pwf16.data(), DataType::kFloat16, d->pw_shape}, o, &layer);
    const sepconv::TensorView input{d->input16.data(), DataType::kFloat16, d->in_shape};
    sepconv::internal::AlignedBuffer<uint16_t> out(d->out.size());
    const sepconv::MutableTensorView output{out.data(), DataType::kFloat16, d->out_shape};
    if (s.ok()) s = layer->run(input, output);
    if (!s.ok()) {
        state.SkipWithError(s.message.c_str());
        return;
    }
    double worst = 0, scale = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        worst = std::max(worst, std::fabs(double(sepconv::half_to_float(out[i])) - d->expected[i]));
        scale = std::max(scale, std::fabs(double(d->expected[i])));
    }
    if (!(worst <= 1e-2 * scale)) {  // float16 inputs: a few float16 ulps of the largest result
        state.SkipWithError(("float16 result off by " + std::to_string(worst) + " of " + std::to_string(scale)).c_str());
        return;
    }
    time_layer(state, *d, s, layer.get(), input, output);
}

#ifdef SEPCONV_HAS_JIT
// sepconv with the JIT tier in autotune mode at its default budget, tuned at the benchmark's
// thread count, on TF's op in float32 (int8 = false) or on bench_sepconv_int8's block in int8. The
// layer's first call waits for its kernel (synchronous mode): a search on this machine, or a load
// from the disk cache ($SEPCONV_CACHE_DIR) when an earlier run tuned it. Then a second Layer of the
// same shape starts from the disk cache as another process would. Its result must be the AOT
// variant's (float32 within rounding, int8 to the bit). Counters: first_call_s (the first layer's
// first call), hit_first_call_ms and load_ms (the second's first call, and the cache load within
// it), hit_compiles (what the second compiled: 0 on a hit).
void bench_sepconv_jit(benchmark::State &state, const LayerData *d, bool int8) {
    using sepconv::DataType;
    struct Prepared {
        std::unique_ptr<sepconv::Layer> layer;
        sepconv::Status status;
        double first_call_s = 0, hit_first_call_ms = 0, load_ms = 0;
        int64_t hit_compiles = 0;
    };
    // Once per layer, type and thread count.
    static std::map<std::tuple<const LayerData *, bool, int64_t>, Prepared> prepared;
    const int threads = static_cast<int>(state.range(0));
    const DataType type = int8 ? DataType::kInt8 : DataType::kFloat32;
    const size_t out_bytes = d->out.size() * (int8 ? 1 : sizeof(float));
    sepconv::internal::AlignedBuffer<uint8_t> out(out_bytes), aot_out(out_bytes);
    const sepconv::TensorView input(int8 ? static_cast<const void *>(d->input8.data()) : d->input.data(), type, d->in_shape);
    const sepconv::MutableTensorView output(out.data(), type, d->out_shape);
    sepconv::Options o = d->options;
    o.num_threads = threads;
    if (int8) {
        o.quantization = sepconv::tools::typical_quantization(d->dw_shape[0] * d->dw_shape[1], d->layer.in_channels,
                                                              d->layer.out_channels);
        o.activation = o.depthwise_activation = sepconv::Activation::kRelu6;
    }
    auto create = [&](std::unique_ptr<sepconv::Layer> *layer) {
        const void *dwf = int8 ? static_cast<const void *>(d->dwf8.data()) : d->dwf.data();
        const void *pwf = int8 ? static_cast<const void *>(d->pwf8.data()) : d->pwf.data();
        return sepconv::Layer::create({dwf, type, d->dw_shape}, {pwf, type, d->pw_shape}, o, layer);
    };
    Prepared &p = prepared[{d, int8, threads}];
    if (!p.layer) {
        sepconv::jit::Options j;
        j.mode = sepconv::jit::Mode::kAutotune;
        j.synchronous = true;
        j.autotune_threads = threads;
        auto timed_first_call = [&](std::unique_ptr<sepconv::Layer> *layer, double *seconds) {
            sepconv::Status s = create(layer);
            if (s.ok()) s = sepconv::jit::enable(**layer, j);
            const auto t0 = std::chrono::steady_clock::now();
            if (s.ok()) s = (*layer)->run(input, output);
            *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            return s;
        };
        p.status = timed_first_call(&p.layer, &p.first_call_s);
        std::unique_ptr<sepconv::Layer> second;
        double hit = 0;
        if (p.status.ok()) p.status = timed_first_call(&second, &hit);
        if (p.status.ok()) {
            const sepconv::jit::Stats st = sepconv::jit::stats(*second);
            p.hit_first_call_ms = hit * 1e3, p.load_ms = st.last_load_seconds * 1e3, p.hit_compiles = st.compiles;
        }
        // The AOT variant's result on the same input, for int8 from a layer without the JIT tier.
        bool same = true;
        if (p.status.ok() && int8) {
            std::unique_ptr<sepconv::Layer> aot;
            p.status = create(&aot);
            if (p.status.ok()) p.status = aot->run(input, {aot_out.data(), type, d->out_shape});
            same = std::equal(out.begin(), out.end(), aot_out.begin());
        } else if (p.status.ok()) {
            const float *got = reinterpret_cast<const float *>(out.data());
            for (size_t i = 0; i < d->out.size(); ++i) {
                same = same && std::fabs(double(got[i]) - d->expected[i]) <= 1e-4 * (1 + std::fabs(d->expected[i]));
            }
        }
        if (p.status.ok() && !same) p.status = sepconv::Status::Internal("the JIT kernel's result differs from the AOT variant's");
    }
    if (!p.status.ok()) {
        state.SkipWithError(p.status.message.c_str());
        return;
    }
    std::string kernel;
    sepconv::jit::kernel_for(*p.layer, d->in_shape, &kernel);
    time_layer(state, *d, p.status, p.layer.get(), input, output);
    state.counters["first_call_s"] = p.first_call_s;
    state.counters["hit_first_call_ms"] = p.hit_first_call_ms;
    state.counters["load_ms"] = p.load_ms;
    state.counters["hit_compiles"] = static_cast<double>(p.hit_compiles);
    state.SetLabel(kernel);
}
#endif

void bench_naive(benchmark::State &state, const LayerData *d) {
    sepconv_test::ConvCase k;
    k.n = d->layer.batch, k.h = d->layer.height, k.w = d->layer.width, k.c = d->layer.in_channels;
    k.cout = d->layer.out_channels, k.kh = k.kw = d->layer.kernel, k.sh = k.sw = d->layer.stride;
    const std::vector<float> input(d->input.begin(), d->input.end()), dwf(d->dwf.begin(), d->dwf.end()),
        pwf(d->pwf.begin(), d->pwf.end());
    for (auto _ : state) {
        std::vector<float> out = sepconv_test::naive_separable_conv2d(k, input, dwf, pwf, {});
        benchmark::DoNotOptimize(out.data());
    }
    set_gflops(state, d->flops);
    state.SetLabel("naive reference, 1 thread");
}

}  // namespace

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    // SEPCONV_MAX_TARGET caps sepconv's ISA dispatch (e.g. x86-64-linux-avx2-fma, to measure an AVX2
    // machine's code on an AVX-512 one; tools/bench_report.py --isa avx2 sets it).
    if (const char *target = std::getenv("SEPCONV_MAX_TARGET")) {
        sepconv::Status capped = sepconv::set_max_target(target);
        if (!capped.ok()) {
            std::fprintf(stderr, "bench_sepconv: SEPCONV_MAX_TARGET: %s\n", capped.message.c_str());
            return 1;
        }
    }
    // SEPCONV_BENCH_LAYERS names another layer list (e.g. bench/layers_heldout.csv).
    std::vector<sepconv::tools::ModelLayer> layers;
    const char *list = std::getenv("SEPCONV_BENCH_LAYERS");
    sepconv::Status s = sepconv::tools::load_layer_list(list ? list : "", &layers);
    if (!s.ok()) {
        std::fprintf(stderr, "bench_sepconv: %s\n", s.message.c_str());
        return 1;
    }
    const char *forced = std::getenv("SEPCONV_BENCH_VARIANTS");
    const std::vector<std::string> forced_variants = sepconv::tools::split_list(forced ? forced : "");
    static std::vector<LayerData> data;
    data.reserve(layers.size());
    for (const auto &l : layers) data.push_back(make_layer(l));
    static const std::string onednn = sepconv_bench::onednn_version(), xnnpack = sepconv_bench::xnnpack_version();
    // Every implementation at 1 and 2 threads, timed by wall clock (the work runs on other threads).
    auto add = [](const std::string &name, auto function, auto... args) {
        benchmark::RegisterBenchmark(name.c_str(), function, args...)
            ->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    };
    const std::string table_choice;  // Options::variant left empty: the runtime picks
    add("peak/fma", bench_peak);
    add("peak/int8", bench_peak_int8);
    for (const LayerData &d : data) {
        const std::string &layer = d.layer.name;
        add("sepconv/" + layer, bench_sepconv, &d, false, table_choice);
        add("sepconv_block/" + layer, bench_sepconv, &d, true, table_choice);
#ifdef SEPCONV_HAS_JIT
        add("sepconv_jit/" + layer, bench_sepconv_jit, &d, false);
        add("sepconv_int8_jit/" + layer, bench_sepconv_jit, &d, true);
#endif
        add("sepconv_f16/" + layer, bench_sepconv_f16, &d);
        add("sepconv_int8/" + layer, bench_sepconv_int8, &d, table_choice);
        // SEPCONV_BENCH_VARIANTS=NAME,...: each named variant forced on every layer it serves, beside
        // the table's choice (an A/B of configurations within one interleaved run). int8's names
        // start with qs8_, float32's with f32_.
        for (const std::string &name : forced_variants) {
            if (name.rfind("qs8_", 0) == 0) {
                add("sepconv_int8@" + name + "/" + layer, bench_sepconv_int8, &d, name);
            } else {
                add("sepconv@" + name + "/" + layer, bench_sepconv, &d, false, name);
            }
        }
        add("onednn/" + layer, bench_peer, &d, &sepconv_bench::make_onednn_peer, onednn.c_str());
        add("xnnpack/" + layer, bench_peer, &d, &sepconv_bench::make_xnnpack_peer, xnnpack.c_str());
        benchmark::RegisterBenchmark(("naive/" + layer).c_str(), bench_naive, &d)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1);
    }
    const sepconv::CpuInfo cpu = sepconv::cpu_info();
    benchmark::AddCustomContext("sepconv_dispatch", cpu.dispatched_target);
    benchmark::AddCustomContext("sepconv_microarchitecture", cpu.microarchitecture);
    benchmark::AddCustomContext("onednn", onednn);
    benchmark::AddCustomContext("xnnpack", xnnpack);
    const int peak_bits = sepconv_bench::peak_fma_bits(cpu.dispatched_target);
    benchmark::AddCustomContext("fma_peak_bits", std::to_string(peak_bits));
    benchmark::AddCustomContext("int8_peak_form", sepconv_bench::int8_peak_form(cpu.dispatched_target));
    for (int threads : {1, 2}) {
        benchmark::AddCustomContext("fma_peak_gflops_" + std::to_string(threads) + "t",
                                    std::to_string(sepconv_bench::fma_peak_gflops(threads, peak_bits)));
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
