// Every argument TF validates (and a few more): each bad input must come back as InvalidArgument
// with a message naming the argument, and must leave the output untouched.
#include <gtest/gtest.h>

#include <functional>

#include "support/tester.h"

namespace sepconv_test {
namespace {

constexpr float kSentinel = 1234.5f;

// A valid NHWC call (2x5x6x3 input, 3x3 filter, M = 2, Cout = 4) that each test breaks one way.
struct Call {
    std::vector<int64_t> in_shape{2, 5, 6, 3}, dw_shape{3, 3, 3, 2}, pw_shape{1, 1, 6, 4}, out_shape{2, 5, 6, 4};
    std::vector<float> input = std::vector<float>(2 * 5 * 6 * 3, 0.5f);
    std::vector<float> dwf = std::vector<float>(3 * 3 * 3 * 2, 0.25f);
    std::vector<float> pwf = std::vector<float>(6 * 4, 0.125f);
    std::vector<float> bias = std::vector<float>(4, 1.f);
    std::vector<float> depthwise_bias = std::vector<float>(6, 1.f);
    std::vector<float> out = std::vector<float>(2 * 5 * 6 * 4 * 2, kSentinel);  // room for any shape tried
    const float *input_data = input.data();
    const float *dw_data = dwf.data();
    const float *pw_data = pwf.data();
    float *out_data = out.data();
    sepconv::Options options;

    sepconv::Status run() {
        return sepconv::separable_conv2d({input_data, in_shape}, {dw_data, dw_shape}, {pw_data, pw_shape}, options,
                                         {out_data, out_shape});
    }
};

struct BadCase {
    const char *name;
    std::function<void(Call &)> breaks;
    std::vector<std::string> message_contains;
};

const std::vector<BadCase> &bad_cases() {
    static const std::vector<BadCase> cases = {
        {"InputRank3", [](Call &c) { c.in_shape = {5, 6, 3}; }, {"input", "rank 4", "rank 3"}},
        {"InputRank5", [](Call &c) { c.in_shape = {1, 2, 5, 6, 3}; }, {"input", "rank 4"}},
        {"DepthwiseRank3", [](Call &c) { c.dw_shape = {3, 3, 3}; }, {"depthwise_filter", "rank 4"}},
        {"PointwiseRank2", [](Call &c) { c.pw_shape = {6, 4}; }, {"pointwise_filter", "rank 4"}},
        {"ChannelMismatch", [](Call &c) { c.in_shape = {2, 5, 6, 4}; }, {"input has 4 channels", "in_channels) is 3"}},
        {"PointwiseNot1x1", [](Call &c) { c.pw_shape = {3, 3, 6, 4}; }, {"pointwise_filter must be 1x1"}},
        {"PointwiseWrongInChannels", [](Call &c) { c.pw_shape = {1, 1, 5, 4}; },
         {"pointwise_filter dimension 2", "= 6", "got 5"}},
        {"BatchStrideNot1", [](Call &c) { c.options.strides = {2, 1, 1, 1}; }, {"strides", "batch and channel"}},
        {"ChannelStrideNot1Nhwc", [](Call &c) { c.options.strides = {1, 1, 1, 2}; }, {"strides", "batch and channel"}},
        {"ChannelStrideNot1Nchw",
         [](Call &c) {
             c.options.data_format = sepconv::DataFormat::kNCHW;
             c.in_shape = {2, 3, 5, 6};
             c.out_shape = {2, 4, 5, 6};
             c.options.strides = {1, 2, 1, 1};
         },
         {"strides", "batch and channel", "NCHW"}},
        {"StridesWrongCount", [](Call &c) { c.options.strides = {1, 1, 1}; }, {"strides must have 4 entries"}},
        {"StrideZero", [](Call &c) { c.options.strides = {1, 0, 1, 1}; }, {"strides entries must be in [1"}},
        {"StrideNegative", [](Call &c) { c.options.strides = {1, -2, 1, 1}; }, {"strides entries must be in [1"}},
        {"DilationZero", [](Call &c) { c.options.dilations = {1, 0}; }, {"dilations entries must be in [1"}},
        {"DilationsWrongCount", [](Call &c) { c.options.dilations = {1, 1, 1}; }, {"dilations must have 2 entries"}},
        {"InputEmpty", [](Call &c) { c.in_shape = {2, 0, 6, 3}; }, {"input must not be empty", "dimension 1 is 0"}},
        {"InputNegative", [](Call &c) { c.in_shape = {2, 5, -6, 3}; }, {"input must not be empty", "-6"}},
        {"DepthwiseEmpty", [](Call &c) { c.dw_shape = {3, 3, 3, 0}; }, {"depthwise_filter must not be empty"}},
        {"PointwiseEmpty", [](Call &c) { c.pw_shape = {1, 1, 6, 0}; }, {"pointwise_filter must not be empty"}},
        {"ValidFilterTallerThanImage",
         [](Call &c) {
             c.options.padding = sepconv::Padding::kValid;
             c.in_shape = {2, 2, 6, 3};
         },
         {"padding VALID", "height (3)", "input height (2)"}},
        {"ValidDilatedFilterWiderThanImage",
         [](Call &c) {
             c.options.padding = sepconv::Padding::kValid;
             c.options.dilations = {1, 3};
         },
         {"padding VALID", "width (7)", "input width (6)"}},
        {"ExplicitPaddingWrongCount",
         [](Call &c) {
             c.options.padding = sepconv::Padding::kExplicit;
             c.options.explicit_padding = {1, 1, 1};
         },
         {"explicit_padding must have 4 entries"}},
        {"ExplicitPaddingNegative",
         [](Call &c) {
             c.options.padding = sepconv::Padding::kExplicit;
             c.options.explicit_padding = {1, -1, 1, 1};
         },
         {"explicit_padding entries must be in [0"}},
        {"InputBytesOverflow", [](Call &c) { c.in_shape = {1 << 20, 1 << 20, 1 << 20, 3}; }, {"input", "too large"}},
        {"InputProductOverflowsInt64",
         [](Call &c) { c.in_shape = {int64_t(1) << 30, int64_t(1) << 30, int64_t(1) << 30, 3}; },
         {"input", "too large"}},
        {"DimensionAboveLimit", [](Call &c) { c.in_shape = {1, int64_t(1) << 40, 6, 3}; }, {"input dimension 1"}},
        {"FilterBytesOverflow", [](Call &c) { c.dw_shape = {1 << 16, 1 << 16, 3, 2}; },
         {"depthwise_filter", "too large"}},
        {"HugeStride", [](Call &c) { c.options.strides = {1, int64_t(1) << 40, 1, 1}; }, {"strides entries"}},
        {"OutputWrongShape", [](Call &c) { c.out_shape = {2, 5, 6, 5}; }, {"output must have shape [2, 5, 6, 4]"}},
        {"OutputNull", [](Call &c) { c.out_data = nullptr; }, {"output: data is null"}},
        {"InputNull", [](Call &c) { c.input_data = nullptr; }, {"input: data is null"}},
        {"DepthwiseNull", [](Call &c) { c.dw_data = nullptr; }, {"depthwise_filter: data is null"}},
        {"PointwiseNull", [](Call &c) { c.pw_data = nullptr; }, {"pointwise_filter: data is null"}},
        {"BiasWrongSize", [](Call &c) { c.options.bias = {c.bias.data(), {3}}; }, {"bias must have shape [out_channels] = [4]"}},
        {"BiasWrongRank", [](Call &c) { c.options.bias = {c.bias.data(), {1, 4}}; }, {"bias must have shape"}},
        {"BiasShapeWithoutData", [](Call &c) { c.options.bias = {nullptr, {4}}; }, {"bias", "data is null"}},
        {"BadActivation", [](Call &c) { c.options.activation = static_cast<sepconv::Activation>(7); }, {"activation"}},
        {"DepthwiseBiasWrongSize", [](Call &c) { c.options.depthwise_bias = {c.depthwise_bias.data(), {3}}; },
         {"depthwise_bias must have shape [in_channels * channel_multiplier] = [6], got [3]"}},
        {"DepthwiseBiasWrongRank", [](Call &c) { c.options.depthwise_bias = {c.depthwise_bias.data(), {2, 3}}; },
         {"depthwise_bias must have shape"}},
        {"DepthwiseBiasShapeWithoutData", [](Call &c) { c.options.depthwise_bias = {nullptr, {6}}; },
         {"depthwise_bias", "data is null"}},
        {"BadDepthwiseActivation",
         [](Call &c) { c.options.depthwise_activation = static_cast<sepconv::Activation>(3); },
         {"depthwise_activation must be none, relu or relu6"}},
        {"BadPaddingEnum", [](Call &c) { c.options.padding = static_cast<sepconv::Padding>(9); }, {"padding must be"}},
        {"BadDataFormatEnum", [](Call &c) { c.options.data_format = static_cast<sepconv::DataFormat>(5); },
         {"data_format must be"}},
        {"NegativeThreads", [](Call &c) { c.options.num_threads = -1; }, {"num_threads"}},
        {"UnknownVariant", [](Call &c) { c.options.variant = "no_such_variant"; }, {"no_such_variant"}},
        {"NegativeMemoryLimit", [](Call &c) { c.options.memory_limit_bytes = -1; }, {"memory_limit_bytes must be >= 0"}},
        {"OverMemoryLimit", [](Call &c) { c.options.memory_limit_bytes = 64; },
         {"bytes of library memory", "memory_limit_bytes = 64"}},
        {"OutputOverlapsInput",
         [](Call &c) {
             c.input.resize(c.out.size());
             c.input_data = c.input.data();
             c.out_data = c.input.data();
         },
         {"output must not overlap input"}},
    };
    return cases;
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, IsRefusedWithAClearMessageAndNoWrite) {
    Call c;
    GetParam().breaks(c);
    const std::vector<float> out_before = c.out;
    sepconv::Status s = c.run();
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << s.message;
    for (const std::string &part : GetParam().message_contains) {
        EXPECT_NE(s.message.find(part), std::string::npos) << "message: " << s.message << "\nmissing: " << part;
    }
    if (c.out_data == c.out.data()) EXPECT_EQ(c.out, out_before) << "a refused call wrote to the output";
}

INSTANTIATE_TEST_SUITE_P(AllBadInputs, BadInput, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase> &info) { return info.param.name; });

TEST(BadInput, TheValidBaseCallSucceeds) {
    Call c;
    sepconv::Status s = c.run();
    EXPECT_TRUE(s.ok()) << s.message;
}

TEST(BadInput, LayerCreateChecksFiltersAndForcedVariant) {
    Call c;
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({c.dwf.data(), {3, 3, 3}}, {c.pwf.data(), c.pw_shape}, c.options, &layer);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_EQ(layer, nullptr);
    c.options.variant = "f32_sepconv_nhwc_k3x3_s1_d1_m1";  // needs M = 1, the filter has M = 2
    s = sepconv::Layer::create({c.dwf.data(), c.dw_shape}, {c.pwf.data(), c.pw_shape}, c.options, &layer);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("channel multiplier is 2, needs 1"), std::string::npos) << s.message;
    EXPECT_EQ(sepconv::Layer::create({c.dwf.data(), c.dw_shape}, {c.pwf.data(), c.pw_shape}, c.options, nullptr).code,
              sepconv::StatusCode::kInvalidArgument);
}

TEST(BadInput, LayerCreateRespectsTheMemoryLimit) {
    Call c;
    c.options.memory_limit_bytes = 100;  // the weights alone are (54 + 24 + 4) * 4 = 328 bytes
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s = sepconv::Layer::create({c.dwf.data(), c.dw_shape}, {c.pwf.data(), c.pw_shape}, c.options, &layer);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("memory_limit_bytes = 100"), std::string::npos) << s.message;
    EXPECT_EQ(layer, nullptr);
}

// A variant whose threads split the output channels computes the depthwise result of the whole
// image first: the memory limit counts that scratch (all rows), not one row per thread.
TEST(BadInput, MemoryLimitCountsAWholeImageScratch) {
    std::string channels_variant;
    for (const sepconv::VariantInfo &v : sepconv::variants()) {
        // The configuration the ISA running here reads (a variant's other ISAs may differ).
        const bool channels = v.configuration.find("parallel_over:channels") != std::string::npos;
        if (v.device == sepconv::Device::kCpu && v.type == sepconv::DataType::kFloat32 && channels &&
            v.constraints.find("kernel 3x3, stride 1x1, dilation 1x1, multiplier 1") != std::string::npos) {
            channels_variant = v.name;
        }
    }
    if (channels_variant.empty()) {
        GTEST_SKIP() << "this build has no 3x3 stride-1 variant with parallel_over=channels (it comes from the "
                        "tuned database; SEPCONV_TUNED_DB is empty in this build?)";
    }
    // 1x9x8x16 input, Cout 20, one thread: one scratch row is 16 * 8 floats, the image 9 times that.
    // The one-shot call also copies the filters and biases: depthwise 144 floats, the pointwise packed
    // in 16 rows of 2 blocks of 16 = 512 floats, bias 20, depthwise bias 16 (zeros).
    // Copies 692 + one row 128 = 3280 bytes; copies 692 + the image 1152 = 7376 bytes.
    std::vector<float> input(9 * 8 * 16, 0.5f), dwf(3 * 3 * 16, 0.25f), pwf(16 * 20, 0.125f), out(9 * 8 * 20);
    sepconv::Options o;
    o.num_threads = 1;
    o.memory_limit_bytes = 4000;
    auto run = [&](const std::string &variant) {
        o.variant = variant;
        return sepconv::separable_conv2d({input.data(), {1, 9, 8, 16}}, {dwf.data(), {3, 3, 16, 1}},
                                         {pwf.data(), {1, 1, 16, 20}}, o, {out.data(), {1, 9, 8, 20}});
    };
    sepconv::Status s = run(channels_variant);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << channels_variant;
    EXPECT_NE(s.message.find("7376 bytes"), std::string::npos) << s.message;
    EXPECT_TRUE(run("f32_sepconv_nhwc_k3x3_s1_d1_m1").ok());  // row scratch: within the limit
}

// One call has one type: a float16 or int8 tensor among float32 ones (and the reverse) is refused,
// naming the argument that differs from the filters, and nothing is written.
TEST(BadInput, MixedTypesAreRefused) {
    const char *arguments[] = {"input", "pointwise_filter", "bias", "depthwise_bias", "output", "depthwise_filter"};
    for (const sepconv::DataType type : {sepconv::DataType::kFloat16, sepconv::DataType::kInt8}) {
    for (const std::string which : arguments) {
        SCOPED_TRACE(std::string(sepconv::to_string(type)) + " " + which);
        Call c;
        auto view = [&](const float *data, const std::vector<int64_t> &shape, const std::string &name) {
            return name == which ? sepconv::TensorView(data, type, shape) : sepconv::TensorView(data, shape);
        };
        c.options.bias = view(c.bias.data(), {4}, "bias");
        c.options.depthwise_bias = view(c.depthwise_bias.data(), {6}, "depthwise_bias");
        const sepconv::MutableTensorView out =
            which == "output" ? sepconv::MutableTensorView(c.out_data, type, c.out_shape)
                              : sepconv::MutableTensorView(c.out_data, c.out_shape);
        const sepconv::Status s = sepconv::separable_conv2d(
            view(c.input_data, c.in_shape, "input"), view(c.dw_data, c.dw_shape, "depthwise_filter"),
            view(c.pw_data, c.pw_shape, "pointwise_filter"), c.options, out);
        EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument) << which;
        // The depthwise filter sets the call's type: with it float16, the pointwise filter differs.
        const std::string named = which == "depthwise_filter" ? "pointwise_filter: data type float32"
                                                              : which + ": data type " + sepconv::to_string(type);
        EXPECT_NE(s.message.find(named), std::string::npos) << s.message;
        EXPECT_NE(s.message.find("every tensor of a call has one type"), std::string::npos) << s.message;
        for (float v : c.out) ASSERT_EQ(v, kSentinel) << which << ": the output was written";
    }
    }
}

TEST(BadInput, LayerRunChecksTheInput) {
    Call c;
    std::unique_ptr<sepconv::Layer> layer;
    ASSERT_TRUE(sepconv::Layer::create({c.dwf.data(), c.dw_shape}, {c.pwf.data(), c.pw_shape}, c.options, &layer).ok());
    const std::vector<float> before = c.out;
    sepconv::Status s = layer->run({c.input.data(), {2, 5, 6, 7}}, {c.out.data(), c.out_shape});
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("input has 7 channels"), std::string::npos) << s.message;
    EXPECT_EQ(c.out, before);
}

}  // namespace
}  // namespace sepconv_test
