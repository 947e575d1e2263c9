// White-box checks of the variant table's choice for GPU devices, which the machines that run CI
// cannot exercise end to end: the newest CUDA capability the device runs wins, and what the GPU
// variants cannot serve is refused with a reason.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/tester.h"
#include "variant_table.h"

namespace sepconv_test {
namespace {

using sepconv::Device;
using sepconv::internal::DeviceChoice;
using sepconv::internal::FilterGeometry;

FilterGeometry nhwc_3x3(int64_t channels, int64_t multiplier) {
    FilterGeometry f;
    f.kh = f.kw = 3, f.channels = channels, f.multiplier = multiplier, f.out_channels = 16;
    return f;
}

// The variant a CUDA device of `capability` runs for a 3x3 NHWC call in `type` (null when none),
// with the table's reason in `why`.
const sepconv::internal::VariantRow *cuda_pick(sepconv::DataType type, int capability, std::string *why) {
    return sepconv::internal::select_variant(nhwc_3x3(32, 1), type, nullptr, DeviceChoice{Device::kCuda, capability}, "", why);
}

// Each capability of `expectations` picks the variant named beside it.
void expect_cuda_picks(sepconv::DataType type, const std::vector<std::pair<int, const char *>> &expectations) {
    for (auto [capability, name] : expectations) {
        std::string why;
        const auto *row = cuda_pick(type, capability, &why);
        ASSERT_NE(row, nullptr) << why;
        EXPECT_STREQ(row->name, name) << "capability " << capability;
    }
}

bool has_gpu_variants() {
    for (const auto &row : sepconv::internal::variant_table()) {
        if (row.spec.device != Device::kCpu) return true;
    }
    return false;
}

TEST(VariantTable, CudaPicksTheNewestCapabilityTheDeviceRuns) {
    if (!has_gpu_variants()) GTEST_SKIP() << "this build has no GPU variants (SEPCONV_GPU=OFF)";
    expect_cuda_picks(sepconv::DataType::kFloat32, {
        {61, "f32_sepconv_nhwc_generic_cuda_sm61"}, {75, "f32_sepconv_nhwc_generic_cuda_sm70"},
        {80, "f32_sepconv_nhwc_generic_cuda_sm80"}, {86, "f32_sepconv_nhwc_generic_cuda_sm86"},
        {90, "f32_sepconv_nhwc_generic_cuda_sm86"}, {120, "f32_sepconv_nhwc_generic_cuda_sm86"},
    });
    std::string why;
    EXPECT_EQ(cuda_pick(sepconv::DataType::kFloat32, 52, &why), nullptr);
    EXPECT_NE(why.find("needs 6.1"), std::string::npos) << why;
}

// float16 runs in half2 on CUDA 7.0 and newer; 6.1 and OpenCL have no float16 variant.
TEST(VariantTable, CudaFloat16NeedsCapability70) {
    if (!has_gpu_variants()) GTEST_SKIP() << "this build has no GPU variants (SEPCONV_GPU=OFF)";
    expect_cuda_picks(sepconv::DataType::kFloat16,
                      {{70, "f16_sepconv_nhwc_generic_cuda_sm70"}, {89, "f16_sepconv_nhwc_generic_cuda_sm86"}});
    std::string why;
    EXPECT_EQ(cuda_pick(sepconv::DataType::kFloat16, 61, &why), nullptr);
    EXPECT_NE(why.find("no compiled variant serves this float16 call on CUDA"), std::string::npos) << why;
    EXPECT_NE(why.find("needs 7.0"), std::string::npos) << why;
    EXPECT_EQ(sepconv::internal::select_variant(nhwc_3x3(32, 1), sepconv::DataType::kFloat16, nullptr, DeviceChoice{Device::kOpenCL, 0}, "", &why), nullptr);
    EXPECT_NE(why.find("no compiled variant serves this float16 call on OpenCL"), std::string::npos) << why;
}

TEST(VariantTable, GpuVariantsRefuseWhatTheyCannotServe) {
    if (!has_gpu_variants()) GTEST_SKIP() << "this build has no GPU variants (SEPCONV_GPU=OFF)";
    std::string why;
    FilterGeometry nchw = nhwc_3x3(8, 1);
    nchw.nchw = true;
    EXPECT_EQ(sepconv::internal::select_variant(nchw, sepconv::DataType::kFloat32, nullptr, DeviceChoice{Device::kOpenCL, 0}, "", &why), nullptr);
    EXPECT_NE(why.find("no compiled variant serves this float32 call on OpenCL"), std::string::npos) << why;
    EXPECT_NE(why.find("data_format is NCHW, needs NHWC"), std::string::npos) << why;
    EXPECT_EQ(sepconv::internal::select_variant(nhwc_3x3(1025, 2), sepconv::DataType::kFloat32, nullptr, DeviceChoice{Device::kCuda, 80}, "", &why), nullptr);
    EXPECT_NE(why.find("C*M is 2050, its shared-memory tile holds at most 2048"), std::string::npos) << why;
    // A CPU call never lands on a GPU variant, even when forced.
    EXPECT_EQ(sepconv::internal::select_variant(nhwc_3x3(8, 1), sepconv::DataType::kFloat32, nullptr, DeviceChoice{}, "f32_sepconv_nhwc_generic_opencl", &why),
              nullptr);
    EXPECT_NE(why.find("the call runs on CPU, this variant on OpenCL"), std::string::npos) << why;
}

}  // namespace
}  // namespace sepconv_test
