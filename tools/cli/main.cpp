// The `sepconv` command line: run one layer on .npy files, time a layer, list the variants.
// Every failure prints one line on stderr naming the argument, exits non-zero, and writes no output.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "layer_list.h"
#include "npy.h"
#include "quantization_file.h"
#include "sepconv/sepconv.h"
#ifdef SEPCONV_HAS_JIT
#include "sepconv/jit.h"
#endif

namespace {

using sepconv::Status;

constexpr int kExitError = 1;  // a bad file, or the library refused the arguments
constexpr int kExitUsage = 2;  // a malformed command line

const char kUsage[] =
    "usage:\n"
    "  sepconv run --input X.npy --depthwise-filter DW.npy --pointwise-filter PW.npy\n"
    "              --strides 1,S,S,1 --padding SAME|VALID|EXPLICIT [--explicit-padding T,B,L,R]\n"
    "              [--data-format NHWC|NCHW] [--dilations 1,1] [--bias B.npy]\n"
    "              [--activation none|relu|relu6] [--depthwise-bias DB.npy]\n"
    "              [--depthwise-activation none|relu|relu6] [--quantization Q.json (int8 files)]\n"
    "              [--threads N] [--variant NAME] [JIT options]\n"
    "              [--max-target TARGET] [--max-file-bytes N (default 1 GiB)] --output Y.npy\n"
    "  sepconv bench (--layer NAME | --shape H,W,CIN,COUT,STRIDE [--kernel K]) [--layers FILE]\n"
    "              [--type float32|float16|int8] [--batch N] [--threads N] [--repeats N] [--variant NAME]\n"
    "              [--max-target TARGET] [JIT options]\n"
    "      JIT options: --jit off|specialize|autotune [--jit-budget SECONDS (autotune, default 30)]\n"
    "              [--cache-dir DIR (default $SEPCONV_CACHE_DIR, else the XDG cache)]\n"
    "  sepconv cache list|clear [--cache-dir DIR]   the JIT tier's disk cache\n"
    "  sepconv layers [--layers FILE]     list the model layers known to bench\n"
    "  sepconv variants                   list the compiled variants and the CPU dispatch\n";

struct UsageError {
    std::string message;
};

// --key value pairs, each key allowed by the subcommand, none repeated.
class Args {
public:
    Args(int argc, char **argv, int first, const std::set<std::string> &allowed) {
        for (int i = first; i < argc; i += 2) {
            const std::string key = argv[i];
            if (key.rfind("--", 0) != 0 || !allowed.count(key.substr(2))) {
                throw UsageError{"unknown argument '" + key + "'"};
            }
            if (i + 1 >= argc) throw UsageError{key + " needs a value"};
            if (!values_.emplace(key.substr(2), argv[i + 1]).second) throw UsageError{key + " given twice"};
        }
    }
    bool has(const std::string &k) const { return values_.count(k) != 0; }
    std::string get(const std::string &k, const std::string &fallback = "") const {
        auto it = values_.find(k);
        return it == values_.end() ? fallback : it->second;
    }
    std::string required(const std::string &k) const {
        if (!has(k)) throw UsageError{"--" + k + " is required"};
        return get(k);
    }
    std::vector<int64_t> ints(const std::string &k, size_t count, const std::string &fallback) const {
        const std::string text = has(k) ? get(k) : fallback;
        std::vector<int64_t> out;
        std::stringstream items(text);
        std::string item;
        while (std::getline(items, item, ',')) {
            size_t used = 0;
            long long v = 0;
            try {
                v = std::stoll(item, &used);
            } catch (...) {
                used = 0;
            }
            if (used == 0 || used != item.size()) break;
            out.push_back(v);
        }
        if (out.size() != count || std::count(text.begin(), text.end(), ',') != static_cast<long>(count) - 1) {
            throw UsageError{"--" + k + ": expected " + std::to_string(count) + " comma-separated integers, got '" +
                             text + "'"};
        }
        return out;
    }
    int integer(const std::string &k, int fallback, int lo, int hi) const {
        if (!has(k)) return fallback;
        const int64_t v = ints(k, 1, "")[0];
        if (v < lo || v > hi) {
            throw UsageError{"--" + k + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]"};
        }
        return static_cast<int>(v);
    }

private:
    std::map<std::string, std::string> values_;
};

template <typename T>
T choice(const Args &a, const std::string &key, const std::string &fallback,
         const std::vector<std::pair<std::string, T>> &options) {
    const std::string v = a.get(key, fallback);
    std::string names;
    for (const auto &[name, value] : options) {
        if (name == v) return value;
        names += (names.empty() ? "" : "|") + name;
    }
    throw UsageError{"--" + key + " must be " + names + ", got '" + v + "'"};
}

// Options shared by `run` and `bench`.
void parse_common(const Args &a, sepconv::Options *o) {
    o->num_threads = a.integer("threads", 0, 0, 1024);
    o->variant = a.get("variant");
    if (a.has("max-target")) {
        Status s = sepconv::set_max_target(a.get("max-target"));
        if (!s.ok()) throw UsageError{"--max-target: " + s.message};
    }
}

// The JIT options of `run` and `bench` (--jit, --jit-budget, --cache-dir): whether to use it.
#ifdef SEPCONV_HAS_JIT
bool parse_jit(const Args &a, sepconv::jit::Options *j) {
    j->mode = choice<sepconv::jit::Mode>(a, "jit", "off",
                                         {{"off", sepconv::jit::Mode::kOff},
                                          {"specialize", sepconv::jit::Mode::kSpecialize},
                                          {"autotune", sepconv::jit::Mode::kAutotune}});
    if (a.has("jit-budget")) j->autotune_seconds = a.integer("jit-budget", 30, 0, 3600);
    j->cache_dir = a.get("cache-dir");
    // The command waits for the kernel: it runs once, or times the kernel itself.
    j->synchronous = true;
    j->diagnostics = [](const std::string &line) { std::cerr << "sepconv: jit: " << line << "\n"; };
    return j->mode != sepconv::jit::Mode::kOff;
}
#else
struct NoJit {};
bool parse_jit(const Args &a, NoJit *) {
    if (a.has("jit") && a.get("jit") != "off") throw UsageError{"--jit: this build has no JIT tier (SEPCONV_JIT=OFF)"};
    return false;
}
#endif

std::string shape_text(const std::vector<int64_t> &s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

int fail(const std::string &message) {
    std::cerr << "sepconv: error: " << message << "\n";
    return kExitError;
}

Status read_npy(const std::string &what, const std::string &path, int64_t max_bytes, sepconv::npy::Array *a) {
    Status s = sepconv::npy::read(path, a, max_bytes);
    if (!s.ok()) return Status::InvalidArgument(what + ": " + s.message);
    if (a->converted_from_float64) std::cerr << "sepconv: note: " << what << " converted from float64 to float32\n";
    return s;
}

int cmd_run(const Args &a) {
    sepconv::Options o;
    o.data_format = choice<sepconv::DataFormat>(a, "data-format", "NHWC",
                                                {{"NHWC", sepconv::DataFormat::kNHWC}, {"NCHW", sepconv::DataFormat::kNCHW}});
    o.strides = a.ints("strides", 4, a.required("strides"));
    o.padding = choice<sepconv::Padding>(a, "padding", a.required("padding"),
                                         {{"SAME", sepconv::Padding::kSame},
                                          {"VALID", sepconv::Padding::kValid},
                                          {"EXPLICIT", sepconv::Padding::kExplicit}});
    if (o.padding == sepconv::Padding::kExplicit) {
        o.explicit_padding = a.ints("explicit-padding", 4, a.required("explicit-padding"));
    } else if (a.has("explicit-padding")) {
        throw UsageError{"--explicit-padding needs --padding EXPLICIT"};
    }
    o.dilations = a.ints("dilations", 2, "1,1");
    const std::vector<std::pair<std::string, sepconv::Activation>> activations{
        {"none", sepconv::Activation::kNone}, {"relu", sepconv::Activation::kRelu}, {"relu6", sepconv::Activation::kRelu6}};
    o.activation = choice(a, "activation", "none", activations);
    o.depthwise_activation = choice(a, "depthwise-activation", "none", activations);
    if (a.has("quantization") && a.has("depthwise-activation")) {
        throw UsageError{"--depthwise-activation: with --quantization the depthwise activation is Q.json's "
                         "depthwise.activation"};
    }
    parse_common(a, &o);
    const std::string output_path = a.required("output");
    const int64_t max_bytes = a.has("max-file-bytes") ? a.ints("max-file-bytes", 1, "")[0]
                                                      : sepconv::npy::kDefaultMaxDataBytes;
    if (max_bytes < 1) throw UsageError{"--max-file-bytes must be >= 1"};

    sepconv::npy::Array input, dw, pw, bias, depthwise_bias;
    for (auto [what, path, array] : {std::tuple{"--input", a.required("input"), &input},
                                     std::tuple{"--depthwise-filter", a.required("depthwise-filter"), &dw},
                                     std::tuple{"--pointwise-filter", a.required("pointwise-filter"), &pw}}) {
        Status s = read_npy(what, path, max_bytes, array);
        if (!s.ok()) return fail(s.message);
    }
    // int8 files take everything else from the quantization file; float files must not have one.
    const bool quantized = input.type == sepconv::DataType::kInt8;
    if (quantized != a.has("quantization")) {
        return fail(quantized ? "--input is int8: an int8 call needs --quantization Q.json"
                              : std::string("--quantization: --input is ") + sepconv::to_string(input.type) +
                                    ", and only int8 calls are quantized");
    }
    if (quantized) {
        if (a.has("bias") || a.has("depthwise-bias")) {
            throw UsageError{"--bias/--depthwise-bias: an int8 call's biases are in Q.json (int32)"};
        }
        Status s = sepconv::tools::read_quantization(a.get("quantization"), &o.quantization, &o.depthwise_activation);
        if (!s.ok()) return fail("--quantization: " + s.message);
    }
    for (auto [key, array, view] : {std::tuple{"bias", &bias, &o.bias},
                                    std::tuple{"depthwise-bias", &depthwise_bias, &o.depthwise_bias}}) {
        if (!a.has(key)) continue;
        Status s = read_npy(std::string("--") + key, a.get(key), max_bytes, array);
        if (!s.ok()) return fail(s.message);
        *view = {array->bytes(), array->type, array->shape};
    }

    std::vector<int64_t> out_shape;
    Status s = sepconv::output_shape(input.shape, dw.shape, pw.shape, o, &out_shape);
    if (!s.ok()) return fail(s.message);
    int64_t count = 1;
    for (int64_t d : out_shape) count *= d;
    // The output has the input's type (the library refuses a call that mixes types).
    const int bytes = input.type == sepconv::DataType::kFloat32 ? 4 : input.type == sepconv::DataType::kFloat16 ? 2 : 1;
    std::vector<uint8_t> out(static_cast<size_t>(count * bytes));
    void *out_data = out.data();
#ifdef SEPCONV_HAS_JIT
    sepconv::jit::Options jit;
#else
    NoJit jit;
#endif
    if (parse_jit(a, &jit)) {
#ifdef SEPCONV_HAS_JIT
        std::unique_ptr<sepconv::Layer> layer;
        s = sepconv::Layer::create({dw.bytes(), dw.type, dw.shape}, {pw.bytes(), pw.type, pw.shape}, o, &layer);
        if (s.ok()) s = sepconv::jit::enable(*layer, jit);
        if (s.ok()) s = layer->run({input.bytes(), input.type, input.shape}, {out_data, input.type, out_shape});
#endif
    } else {
        s = sepconv::separable_conv2d({input.bytes(), input.type, input.shape}, {dw.bytes(), dw.type, dw.shape},
                                      {pw.bytes(), pw.type, pw.shape}, o, {out_data, input.type, out_shape});
    }
    if (!s.ok()) return fail(s.message);
    s = sepconv::npy::write(output_path, out_shape, input.type, out_data);
    if (!s.ok()) return fail("--output: " + s.message);
    return 0;
}

int cmd_bench(const Args &a) {
    sepconv::tools::ModelLayer layer;
    if (a.has("layer") == a.has("shape")) throw UsageError{"give exactly one of --layer NAME or --shape H,W,CIN,COUT,STRIDE"};
    if (a.has("layer")) {
        std::vector<sepconv::tools::ModelLayer> layers;
        Status s = sepconv::tools::load_layer_list(a.get("layers"), &layers);
        if (!s.ok()) return fail(s.message);
        auto it = std::find_if(layers.begin(), layers.end(),
                               [&](const sepconv::tools::ModelLayer &l) { return l.name == a.get("layer"); });
        if (it == layers.end()) return fail("--layer: no layer named '" + a.get("layer") + "' (see `sepconv layers`)");
        layer = *it;
    } else {
        const std::vector<int64_t> v = a.ints("shape", 5, "");
        layer = {"custom", v[0], v[1], v[2], v[3], v[4], a.integer("kernel", 3, 1, 64)};
    }
    if (a.has("type")) {  // overrides the layer list's type column
        layer.type = choice<sepconv::DataType>(a, "type", "",
                                               {{"float32", sepconv::DataType::kFloat32},
                                                {"float16", sepconv::DataType::kFloat16},
                                                {"int8", sepconv::DataType::kInt8}});
    }
    if (a.has("batch")) layer.batch = a.integer("batch", 1, 1, 1 << 16);  // overrides the layer list's batch column
    const int repeats = a.integer("repeats", 0, 0, 1 << 20);

    sepconv::Options o;
    o.strides = {1, layer.stride, layer.stride, 1};
    o.padding = sepconv::Padding::kSame;
    parse_common(a, &o);
    const std::vector<int64_t> in_shape{layer.batch, layer.height, layer.width, layer.in_channels};
    const std::vector<int64_t> dw_shape{layer.kernel, layer.kernel, layer.in_channels, 1};
    const std::vector<int64_t> pw_shape{1, 1, layer.in_channels, layer.out_channels};
    if (layer.type == sepconv::DataType::kInt8) {
        o.quantization = sepconv::tools::typical_quantization(layer.kernel * layer.kernel, layer.in_channels,
                                                              layer.out_channels);
    }

    sepconv::Explanation why;
    std::vector<int64_t> out_shape;
    Status s = sepconv::explain(in_shape, dw_shape, pw_shape, o, &why, layer.type);
    if (s.ok()) s = sepconv::output_shape(in_shape, dw_shape, pw_shape, o, &out_shape);
    if (!s.ok()) return fail(s.message);

    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    // Tensors of the layer's type, in 4-byte words: float32 values, float16 bits (IEEE binary16)
    // or int8 values (the whole range).
    auto random = [&](const std::vector<int64_t> &shape) {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        std::vector<float> v(static_cast<size_t>(n));  // room for n of any type
        for (int64_t i = 0; i < n; ++i) {
            const float x = dist(rng);
            if (layer.type == sepconv::DataType::kFloat16) {
                reinterpret_cast<uint16_t *>(v.data())[i] = sepconv::float_to_half(x);
            } else if (layer.type == sepconv::DataType::kInt8) {
                reinterpret_cast<int8_t *>(v.data())[i] = static_cast<int8_t>(std::lround(x * 127));
            } else {
                v[static_cast<size_t>(i)] = x;
            }
        }
        return v;
    };
    std::vector<float> input = random(in_shape), dw = random(dw_shape), pw = random(pw_shape), out = random(out_shape);
    std::unique_ptr<sepconv::Layer> prepared;
    s = sepconv::Layer::create({dw.data(), layer.type, dw_shape}, {pw.data(), layer.type, pw_shape}, o, &prepared);
    if (!s.ok()) return fail(s.message);

    using clock = std::chrono::steady_clock;
    auto run_once = [&]() {
        const auto t0 = clock::now();
        Status st = prepared->run({input.data(), layer.type, in_shape}, {out.data(), layer.type, out_shape});
        if (!st.ok()) throw st;
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    // The median time of a run: warm-up first (thread pool start, page faults); without --repeats,
    // about half a second of runs.
    auto median_time = [&](size_t *runs) {
        std::vector<double> times;
        run_once();
        const int n = repeats > 0 ? repeats : std::clamp(static_cast<int>(0.5 / std::max(run_once(), 1e-6)), 5, 10000);
        for (int i = 0; i < n; ++i) times.push_back(run_once());
        std::sort(times.begin(), times.end());
        *runs = times.size();
        return times[times.size() / 2];
    };
    const int64_t flops = sepconv::flop_count(in_shape, dw_shape, pw_shape, o);
    double median = 0;
    size_t runs = 0;
#ifdef SEPCONV_HAS_JIT
    sepconv::jit::Options jit;
#else
    NoJit jit;
#endif
    try {
        if (parse_jit(a, &jit)) {
#ifdef SEPCONV_HAS_JIT
            // The AOT variant first, then the first call with the JIT tier on (it waits for the
            // kernel: a load from the cache, or a compile), then the JIT kernel's runs.
            size_t aot_runs = 0;
            const double aot = median_time(&aot_runs);
            s = sepconv::jit::enable(*prepared, jit);
            if (!s.ok()) return fail(s.message);
            const double first_call = run_once();
            const sepconv::jit::Stats st = sepconv::jit::stats(*prepared);
            std::string kernel;
            sepconv::jit::kernel_for(*prepared, in_shape, &kernel);
            median = median_time(&runs);
            std::printf("jit        %s\n", kernel.c_str());
            std::printf("first call %.1f ms with the JIT tier on (%lld compiles, %lld cache hits; load %.1f ms)\n",
                        first_call * 1e3, static_cast<long long>(st.compiles), static_cast<long long>(st.cache_hits),
                        st.last_load_seconds * 1e3);
            std::printf("aot        %.4f ms, %.2f GFLOP/s (%s); JIT/AOT speed %.3f\n", aot * 1e3, flops / aot * 1e-9,
                        why.variant.c_str(), aot / median);
#endif
        } else {
            median = median_time(&runs);
        }
    } catch (const Status &st) {
        return fail(st.message);
    }

    std::printf("layer      %s: input %s NHWC, %lldx%lld depthwise stride %lld SAME, %lld output channels\n",
                layer.name.c_str(), shape_text(in_shape).c_str(), static_cast<long long>(layer.kernel),
                static_cast<long long>(layer.kernel), static_cast<long long>(layer.stride),
                static_cast<long long>(layer.out_channels));
    std::printf("variant    %s\n           (%s)\n", why.variant.c_str(), why.reason.c_str());
    std::printf("target     %s (reads the %s configuration)\n", why.target.c_str(), why.isa.c_str());
    std::printf("config     %s\n", why.configuration.c_str());
    std::printf("path       %s\n", why.specialization.c_str());
    std::printf("threads    %s\n", o.num_threads ? std::to_string(o.num_threads).c_str() : "default (one per core)");
    std::printf("time       %.4f ms (median of %zu runs)\n", median * 1e3, runs);
    std::printf("GFLOP/s    %.2f (%.1f MFLOP per run)\n", flops / median * 1e-9, flops * 1e-6);
    return 0;
}

int cmd_cache(const std::string &action, const Args &a) {
#ifdef SEPCONV_HAS_JIT
    const std::string dir = a.has("cache-dir") ? a.get("cache-dir") : sepconv::jit::default_cache_dir();
    if (action == "list") {
        std::vector<sepconv::jit::CacheEntry> entries;
        Status s = sepconv::jit::cache_list(dir, &entries);
        if (!s.ok()) return fail(s.message);
        int64_t total = 0;
        for (const auto &e : entries) {
            std::printf("%s %9lld bytes  %s\n", e.name.c_str(), static_cast<long long>(e.bytes), e.kernel.c_str());
            total += e.bytes;
        }
        std::printf("%zu entries, %lld bytes in %s\n", entries.size(), static_cast<long long>(total), dir.c_str());
        return 0;
    }
    if (action == "clear") {
        int64_t removed = 0;
        Status s = sepconv::jit::cache_clear(dir, &removed);
        if (!s.ok()) return fail(s.message);
        std::printf("removed %lld files from %s\n", static_cast<long long>(removed), dir.c_str());
        return 0;
    }
    throw UsageError{"cache: the action must be list or clear, got '" + action + "'"};
#else
    (void)action, (void)a;
    return fail("cache: this build has no JIT tier (SEPCONV_JIT=OFF)");
#endif
}

int cmd_layers(const Args &a) {
    std::vector<sepconv::tools::ModelLayer> layers;
    Status s = sepconv::tools::load_layer_list(a.get("layers"), &layers);
    if (!s.ok()) return fail(s.message);
    std::printf("%-28s %6s %6s %6s %6s %6s %6s %6s\n", "name", "H", "W", "Cin", "Cout", "stride", "kernel", "batch");
    for (const auto &l : layers) {
        std::printf("%-28s %6lld %6lld %6lld %6lld %6lld %6lld %6lld\n", l.name.c_str(), (long long)l.height,
                    (long long)l.width, (long long)l.in_channels, (long long)l.out_channels, (long long)l.stride,
                    (long long)l.kernel, (long long)l.batch);
    }
    return 0;
}

int cmd_variants() {
    for (const sepconv::VariantInfo &v : sepconv::variants()) {
        std::printf("%-44s %s\n", v.name.c_str(), v.constraints.c_str());
        std::printf("%-44s %s code here reads %s\n", "", v.isa.c_str(), v.configuration.c_str());
        if (!v.origin.empty()) std::printf("%-44s from %s\n", "", v.origin.c_str());
        for (const std::string &shape : v.tuned_shapes) std::printf("%-44s tuned for %s\n", "", shape.c_str());
    }
    const sepconv::CpuInfo cpu = sepconv::cpu_info();
    std::string features;
    for (const auto &f : cpu.features) features += (features.empty() ? "" : " ") + f;
    std::printf("cpu features: %s\n", features.c_str());
    std::printf("dispatch:     %s\n", cpu.dispatched_target.c_str());
    std::printf("microarch:    %s (tuned entries recorded on it are preferred)\n", cpu.microarchitecture.c_str());
    std::printf("caches:       L1d %lld KiB, L2 %lld KiB per core%s\n", static_cast<long long>(cpu.l1d_bytes / 1024),
                static_cast<long long>(cpu.l2_bytes / 1024), cpu.caches_assumed ? " (assumed: the system does not say)" : "");
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::cerr << kUsage;
        return kExitUsage;
    }
    const std::string cmd = argv[1];
    try {
        if (cmd == "run") {
            return cmd_run(Args(argc, argv, 2,
                                {"input", "depthwise-filter", "pointwise-filter", "strides", "padding",
                                 "explicit-padding", "data-format", "dilations", "bias", "activation", "depthwise-bias",
                                 "depthwise-activation", "quantization", "threads", "variant", "max-target",
                                 "jit", "jit-budget", "cache-dir",
                                 "max-file-bytes", "output"}));
        }
        if (cmd == "bench") {
            return cmd_bench(Args(argc, argv, 2, {"layer", "shape", "kernel", "type", "layers", "batch", "threads", "repeats", "variant", "max-target",
                                                 "jit", "jit-budget", "cache-dir"}));
        }
        if (cmd == "cache") {
            if (argc < 3) throw UsageError{"cache needs an action: list or clear"};
            return cmd_cache(argv[2], Args(argc, argv, 3, {"cache-dir"}));
        }
        if (cmd == "layers") return cmd_layers(Args(argc, argv, 2, {"layers"}));
        if (cmd == "variants") return (Args(argc, argv, 2, {}), cmd_variants());
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::cout << kUsage;
            return 0;
        }
        throw UsageError{"unknown command '" + cmd + "'"};
    } catch (const UsageError &e) {
        std::cerr << "sepconv: error: " << e.message << "\n" << kUsage;
        return kExitUsage;
    } catch (const std::exception &e) {
        return fail(std::string("unexpected failure: ") + e.what());
    }
}
