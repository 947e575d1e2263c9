// Halide's default AOT error handler calls abort(). The runtime installs its own, so a Halide
// runtime error inside a variant (here: buffers that break the generator's shape contract, which
// the public API would have refused) must come back as a Status with Halide's message.
#include <gtest/gtest.h>

#include <algorithm>

#include "conv_geometry.h"
#include "cpu_dispatch.h"
#include "halide_call.h"
#include "packed_pointwise.h"
#include "support/int8_tester.h"
#include "support/tester.h"
#include "variant_table.h"
#include "weights.h"

namespace sepconv_test {
namespace {

const sepconv::internal::Requantization kNoRequantization;  // float32 calls: no int8 tables

// The runtime's own geometry for a legal case, as the public API would compute it.
::testing::AssertionResult resolve(const ConvCase &k, const TensorSet &t, sepconv::internal::ConvGeometry *g) {
    const sepconv::Options o = options_for(k);
    sepconv::internal::FilterGeometry f;
    sepconv::Status s = sepconv::internal::validate_filters(t.dw_shape, t.pw_shape, o, &f);
    if (s.ok()) s = sepconv::internal::resolve_geometry(t.in_shape, f, o, g);
    if (!s.ok()) return ::testing::AssertionFailure() << s.message;
    return ::testing::AssertionSuccess();
}

TEST(HalideErrors, ComeBackAsAStatusInsteadOfAborting) {
    ConvCase k;
    k.h = 6, k.w = 6, k.c = 4, k.cout = 5;
    TensorSet t = make_tensors(k, 8);
    sepconv::internal::ConvGeometry g;
    ASSERT_TRUE(resolve(k, t, &g));
    const sepconv::internal::FilterGeometry &f = g.f;
    std::string why;
    const sepconv::internal::VariantRow *row = sepconv::internal::select_variant(f, sepconv::DataType::kFloat32, nullptr, {}, "", &why);
    ASSERT_NE(row, nullptr) << why;

    // Lie about the pointwise filter: the variant's requirement "pointwise_filter rows must equal
    // C * M" fails inside the generated code.
    sepconv::internal::ConvGeometry lie = g;
    lie.f.multiplier = 2;  // the depthwise filter is described as [3, 3, 4, 2]: twice its real size
    std::vector<float> big_dw(t.dwf.size() * 2), bias(k.cout, 0.f), depthwise_bias(8, 0.f);
    std::vector<float> big_pw(sepconv::internal::packed_pointwise_elements(8, k.cout));  // float32: groups of 1
    std::vector<float> out(t.expected.size() * 2, 7.f);
    sepconv::internal::CallArgs args{t.input.data(), big_dw.data(), big_pw.data(), bias.data(), depthwise_bias.data(),
                                     out.data(), sepconv::DataType::kFloat32, sepconv::DataType::kFloat32,
                                     sepconv::Activation::kNone, /*depthwise_epilogue=*/0, &kNoRequantization, /*num_threads=*/0};
    const sepconv::internal::VariantRow *specialized =
        sepconv::internal::select_variant(f, sepconv::DataType::kFloat32, nullptr, {}, "f32_sepconv_nhwc_k3x3_s1_d1_m1", &why);
    ASSERT_NE(specialized, nullptr) << why;
    sepconv::Status s = sepconv::internal::call_variant(*specialized, lie, args);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInternal);
    EXPECT_NE(s.message.find("f32_sepconv_nhwc_k3x3_s1_d1_m1 failed (Halide error"), std::string::npos) << s.message;
    EXPECT_NE(s.message.find("depthwise_filter"), std::string::npos) << s.message;

    // The process is still healthy: the honest call works.
    std::vector<float> good(t.expected.size());
    const sepconv::internal::AlignedBuffer<float> packed = sepconv::internal::pack_pointwise(t.pwf.data(), k.c, k.cout);
    args = {t.input.data(), t.dwf.data(), packed.data(), bias.data(), depthwise_bias.data(), good.data(),
            sepconv::DataType::kFloat32, sepconv::DataType::kFloat32, sepconv::Activation::kNone, 0, &kNoRequantization, 0};
    s = sepconv::internal::call_variant(*row, g, args);
    ASSERT_TRUE(s.ok()) << s.message;
    EXPECT_TRUE(all_close(t.expected, good));
}

// int8's output clamp runs on int8 values (the kernels saturate first), so its bounds must lie in
// int8's range: the runtime's always do (CalculateActivationRangeQuantized); a caller of the
// generated code that passes others gets the variant's requirement back, not wrapped values.
TEST(HalideErrors, Int8OutputBoundsOutsideInt8AreRefused) {
    using sepconv::DataType;
    ConvCase k;
    k.h = 5, k.w = 7, k.c = 4, k.cout = 6;
    const Int8Tensors t = make_int8_tensors(k, 11);
    const sepconv::Options o = int8_options(k, t);
    sepconv::internal::ConvGeometry g;
    sepconv::Status s = sepconv::internal::validate_filters(t.dw_shape, t.pw_shape, o, &g.f);
    if (s.ok()) s = sepconv::internal::resolve_geometry(t.in_shape, g.f, o, &g);
    sepconv::internal::Requantization requant;
    if (s.ok()) s = sepconv::internal::prepare_quantization(g.f, o, &requant);
    ASSERT_TRUE(s.ok()) << s.message;
    const sepconv::internal::Weights w =
        sepconv::internal::Weights::prepare(g.f, DataType::kInt8, {t.dwf.data(), t.pwf.data()}, DataType::kInt8,
                                            o.quantization, requant, sepconv::internal::dispatched_int8_pairs());
    std::string why;
    const sepconv::internal::VariantRow *row =
        sepconv::internal::select_variant(g.f, DataType::kInt8, nullptr, {}, "qs8_sepconv_nhwc_k3x3_s1_d1_m1", &why);
    if (row == nullptr) GTEST_SKIP() << "this build has no qs8_sepconv_nhwc_k3x3_s1_d1_m1: " << why;

    std::vector<int8_t> out(t.expected.size(), int8_t(0x5a));
    auto call = [&](const sepconv::internal::Requantization &r) {
        const sepconv::internal::CallArgs args{t.input.data(), w.depthwise(), w.pointwise(), w.bias(), w.depthwise_bias(),
                                               out.data(), DataType::kInt8, DataType::kInt8, sepconv::Activation::kNone,
                                               sepconv::internal::depthwise_epilogue(g.f, DataType::kInt8, sepconv::Activation::kNone),
                                               &r, /*num_threads=*/1};
        return sepconv::internal::call_variant(*row, g, args);
    };
    for (auto [lo, hi] : {std::pair{-129, 127}, std::pair{-128, 128}, std::pair{5, 4}}) {
        sepconv::internal::Requantization bad = w.requantization();
        bad.output_min = lo, bad.output_max = hi;
        s = call(bad);
        EXPECT_EQ(s.code, sepconv::StatusCode::kInternal) << lo << ", " << hi;
        EXPECT_NE(s.message.find("output_min and output_max must lie in [-128, 127]"), std::string::npos) << s.message;
        EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](int8_t v) { return v == int8_t(0x5a); }))
            << "a refused call wrote its output";
    }
    s = call(w.requantization());
    ASSERT_TRUE(s.ok()) << s.message;
    EXPECT_TRUE(bit_equal(t.expected, out));
}

// Without a GPU, Halide's CUDA runtime fails to find a driver or device. Calling a CUDA variant
// anyway (bypassing the runtime's own probe) must still come back as an error status.
TEST(HalideErrors, ACudaVariantWithoutAGpuReturnsAnError) {
    const sepconv::CudaInfo cuda = sepconv::cuda_info();
    if (cuda.available) GTEST_SKIP() << "a CUDA device is present (" << cuda.name << "): nothing to provoke";
    ConvCase k;
    k.h = 5, k.w = 5, k.c = 3, k.cout = 4;
    TensorSet t = make_tensors(k, 9);
    sepconv::internal::ConvGeometry g;
    ASSERT_TRUE(resolve(k, t, &g));
    const sepconv::internal::FilterGeometry &f = g.f;
    const sepconv::internal::VariantRow *cuda_row = nullptr;
    for (const auto &row : sepconv::internal::variant_table()) {
        if (row.spec.device == sepconv::Device::kCuda) cuda_row = &row;
    }
    if (cuda_row == nullptr) GTEST_SKIP() << "this build has no CUDA variants (SEPCONV_GPU=OFF)";
    std::vector<float> bias(k.cout, 0.f), depthwise_bias(k.c, 0.f), out(t.expected.size(), 3.f);
    const sepconv::internal::AlignedBuffer<float> packed = sepconv::internal::pack_pointwise(t.pwf.data(), k.c, k.cout);
    sepconv::internal::CallArgs args{t.input.data(), t.dwf.data(), packed.data(), bias.data(), depthwise_bias.data(),
                                     out.data(), sepconv::DataType::kFloat32, sepconv::DataType::kFloat32,
                                     sepconv::Activation::kNone, /*depthwise_epilogue=*/0, &kNoRequantization, /*num_threads=*/0};
    sepconv::Status s = sepconv::internal::call_variant(*cuda_row, g, args);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInternal);
    EXPECT_NE(s.message.find("failed (Halide error"), std::string::npos) << s.message;
    EXPECT_EQ(out, std::vector<float>(t.expected.size(), 3.f));
}

}  // namespace
}  // namespace sepconv_test
