// The prepared layer: one create, many inputs of different sizes, shared by threads, and
// independent of the caller's filter buffers after create().
#include <gtest/gtest.h>

#include <thread>

#include "scratch.h"
#include "support/tester.h"
#include "support/variant_expectations.h"

namespace sepconv_test {
namespace {

ConvCase layer_case(int64_t n, int64_t h, int64_t w) {
    ConvCase k;
    k.n = n, k.h = h, k.w = w, k.c = 11, k.cout = 19, k.sh = 2, k.sw = 2, k.bias = true, k.activation = 2;
    return k;
}

struct Prepared {
    TensorSet t;
    std::unique_ptr<sepconv::Layer> layer;
};

Prepared prepare(const ConvCase &k, int num_threads = 0) {
    Prepared p{make_tensors(k, 3), nullptr};
    sepconv::Options o = options_for(k);
    o.num_threads = num_threads;
    o.bias = {p.t.bias.data(), {k.cout}};
    if (k.depthwise_bias) o.depthwise_bias = {p.t.depthwise_bias.data(), {k.c * k.m}};
    sepconv::Status s = sepconv::Layer::create({p.t.dwf.data(), p.t.dw_shape}, {p.t.pwf.data(), p.t.pw_shape}, o, &p.layer);
    EXPECT_TRUE(s.ok()) << s.message;
    return p;
}

// The filters (seeded identically by make_tensors) are the same for every input size; only the
// input differs, so one layer serves all of these.
TEST(Layer, RunsOnInputsOfManySizes) {
    Prepared p = prepare(layer_case(1, 9, 9));
    for (auto [n, h, w] : {std::tuple{1, 9, 9}, {2, 4, 13}, {1, 1, 1}, {3, 17, 5}}) {
        ConvCase k = layer_case(n, h, w);
        TensorSet t = make_tensors(k, 3);
        ASSERT_EQ(t.dwf, p.t.dwf);
        std::vector<int64_t> shape;
        ASSERT_TRUE(p.layer->output_shape(t.in_shape, &shape).ok());
        EXPECT_EQ(shape, t.out_shape);
        std::vector<float> out(t.expected.size());
        sepconv::Status s = p.layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape});
        ASSERT_TRUE(s.ok()) << s.message;
        EXPECT_TRUE(all_close(t.expected, out)) << describe(k);
        std::string variant;
        ASSERT_TRUE(p.layer->variant_for(t.in_shape, &variant).ok());
        EXPECT_TRUE(picked_as_expected(k, sepconv::DataType::kFloat32, variant));
    }
}

// A warm layer allocates nothing: the second call of a shape gets its scratch from the blocks the
// first freed (scratch.h), and results stay right on reused, dirty scratch (inputs of other sizes
// in between, then the first again). One thread, so every task allocates on the calling thread.
TEST(Layer, WarmCallsAllocateNoScratch) {
    if (!sepconv::internal::scratch_is_cached()) GTEST_SKIP() << "scratch is not cached under AddressSanitizer";
    ConvCase base = layer_case(1, 21, 21);
    base.c = 40, base.cout = 48, base.sh = base.sw = 1;
    Prepared p = prepare(base, 1);
    auto run = [&](int64_t h, int64_t w) {
        ConvCase k = base;
        k.h = h, k.w = w;
        TensorSet t = make_tensors(k, 3);
        std::vector<float> out(t.expected.size());
        sepconv::Status s = p.layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape});
        ASSERT_TRUE(s.ok()) << s.message;
        EXPECT_TRUE(all_close(t.expected, out)) << describe(k);
    };
    run(21, 21);
    const sepconv::internal::ScratchStats warm = sepconv::internal::scratch_stats();
    run(21, 21);
    const sepconv::internal::ScratchStats again = sepconv::internal::scratch_stats();
    EXPECT_EQ(again.fresh, warm.fresh) << "a warm call allocated scratch";
    EXPECT_GT(again.reused, warm.reused) << "this variant allocates no scratch from Halide's malloc";
    run(13, 17);
    run(21, 21);
    EXPECT_LE(sepconv::internal::scratch_stats().kept_blocks, sepconv::internal::kMaxKeptBlocks);
    sepconv::internal::release_scratch();
    EXPECT_EQ(sepconv::internal::scratch_stats().kept_bytes, 0u);
}

// A float16 layer: its filters converted and packed once (to float32 where the variant computes
// in float32), then inputs of several sizes, each against the reference on the same float16 values.
TEST(Layer, RunsFloat16) {
    using sepconv::DataType;
    bool compiled = false;
    for (const sepconv::VariantInfo &v : sepconv::variants()) compiled |= v.type == DataType::kFloat16;
    if (!compiled) GTEST_SKIP() << "this build compiles no float16 variants (SEPCONV_TYPES)";
    const ConvCase base = layer_case(1, 9, 9);
    TensorSet first = make_tensors(base, 3, DataType::kFloat16);
    const std::vector<uint16_t> dwf = half_bits(first.dwf), pwf = half_bits(first.pwf), bias = half_bits(first.bias);
    sepconv::Options o = options_for(base);
    o.bias = {bias.data(), DataType::kFloat16, {base.cout}};
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({dwf.data(), DataType::kFloat16, first.dw_shape},
                                               {pwf.data(), DataType::kFloat16, first.pw_shape}, o, &layer);
    ASSERT_TRUE(s.ok()) << s.message;
    for (auto [n, h, w] : {std::tuple{1, 9, 9}, {2, 4, 13}, {1, 1, 1}}) {
        const ConvCase k = layer_case(n, h, w);
        TensorSet t = make_tensors(k, 3, DataType::kFloat16);
        const std::vector<uint16_t> input = half_bits(t.input);
        std::vector<uint16_t> out(t.expected.size(), 0x7e00);
        s = layer->run({input.data(), DataType::kFloat16, t.in_shape}, {out.data(), DataType::kFloat16, t.out_shape});
        ASSERT_TRUE(s.ok()) << s.message;
        EXPECT_TRUE(half_close(k, t, half_values(out))) << describe(k);
        std::string variant;
        ASSERT_TRUE(layer->variant_for(t.in_shape, &variant).ok());
        EXPECT_TRUE(picked_as_expected(k, DataType::kFloat16, variant));
        // A float32 input to a float16 layer is refused, naming the argument, and nothing is written.
        std::vector<float> f32_out(t.expected.size(), 42.f);
        s = layer->run({t.input.data(), t.in_shape}, {f32_out.data(), t.out_shape});
        EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
        EXPECT_NE(s.message.find("input: data type float32, but the filters are float16"), std::string::npos) << s.message;
        for (float v : f32_out) ASSERT_EQ(v, 42.f);
    }
}

// A MobileNet block's layer, whose caller then reuses its buffers: the biases are copies too.
TEST(Layer, OwnsItsCopyOfTheFilters) {
    ConvCase k = layer_case(1, 6, 7);
    k.depthwise_bias = true, k.depthwise_activation = 2;
    Prepared p = prepare(k);
    for (std::vector<float> *v : {&p.t.dwf, &p.t.pwf, &p.t.bias, &p.t.depthwise_bias}) std::fill(v->begin(), v->end(), 0.f);
    std::vector<float> out(p.t.expected.size());
    ASSERT_TRUE(p.layer->run({p.t.input.data(), p.t.in_shape}, {out.data(), p.t.out_shape}).ok());
    EXPECT_TRUE(all_close(p.t.expected, out));
}

TEST(Layer, IsSafeToShareAcrossThreads) {
    Prepared p = prepare(layer_case(1, 8, 8));
    constexpr int kThreads = 4, kRunsEach = 20;
    // Same filters (seed 3) everywhere; a different input size and input values per thread.
    std::vector<TensorSet> inputs;
    for (int i = 0; i < kThreads; ++i) {
        ConvCase k = layer_case(1 + i % 2, 8 + i, 8);
        TensorSet t = make_tensors(k, 3);
        std::mt19937 rng(100 + i);
        t.input = random_tensor(k.n * k.h * k.w * k.c, rng);
        t.expected = naive_separable_conv2d(k, t.input, t.dwf, t.pwf, t.bias);
        inputs.push_back(std::move(t));
    }
    std::vector<int> failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            const TensorSet &t = inputs[i];
            std::vector<float> out(t.expected.size());
            for (int r = 0; r < kRunsEach; ++r) {
                std::fill(out.begin(), out.end(), 0.f);
                if (!p.layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok() ||
                    !all_close(t.expected, out)) {
                    ++failures[i];
                }
            }
        });
    }
    for (auto &t : threads) t.join();
    for (int i = 0; i < kThreads; ++i) EXPECT_EQ(failures[i], 0) << "thread " << i;
}

// The worker pool is process-wide and runs one loop at a time: calls asking for 1, 2 and 3 threads
// interleave from several threads (some then run on their own thread), and every result must still
// be right.
TEST(Layer, InterleavedThreadCountsStayCorrect) {
    ConvCase k = layer_case(2, 12, 10);
    TensorSet t = make_tensors(k, 5);
    std::vector<std::unique_ptr<sepconv::Layer>> layers(3);
    for (int i = 0; i < 3; ++i) {
        sepconv::Options o = options_for(k);
        o.bias = {t.bias.data(), {k.cout}};
        o.num_threads = i + 1;
        ASSERT_TRUE(sepconv::Layer::create({t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, o, &layers[i]).ok());
    }
    std::vector<int> failures(6, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            std::vector<float> out(t.expected.size());
            for (int r = 0; r < 15; ++r) {
                const sepconv::Layer &layer = *layers[(i + r) % 3];
                std::fill(out.begin(), out.end(), 0.f);
                if (!layer.run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok() ||
                    !all_close(t.expected, out)) {
                    ++failures[i];
                }
            }
        });
    }
    for (auto &th : threads) th.join();
    for (int i = 0; i < 6; ++i) EXPECT_EQ(failures[i], 0) << "thread " << i;
}

}  // namespace
}  // namespace sepconv_test
