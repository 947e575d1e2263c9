// The GPU variants. OpenCL runs the GPU schedule for real wherever an OpenCL device exists (PoCL
// on the CPU in CI), which exercises its tiling and bounds logic; CUDA runs where a CUDA device
// exists and otherwise must fail cleanly. Each suite that cannot run here says why.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include "support/sweep_cases.h"
#include "support/tester.h"

namespace sepconv_test {
namespace {

// The GPU variants serve NHWC with C*M <= 2048 (their shared-memory tile); those are the cases.
std::vector<ConvCase> gpu_cases() {
    std::vector<ConvCase> cases;
    for (const ConvCase &k : cases_both_layouts()) {
        if (!k.nchw && k.c * k.m <= 2048) cases.push_back(k);
    }
    ConvCase big;  // a model-sized layer: several output-channel blocks and x tiles
    big.h = 14, big.w = 13, big.c = 96, big.cout = 300, big.sh = big.sw = 2, big.bias = true, big.activation = 2;
    cases.push_back(big);
    return cases;
}

class OpenClSweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(OpenClSweep, MatchesTheReference) {
    std::string why;
    if (!sepconv::opencl_available(&why)) GTEST_SKIP() << "no OpenCL device: " << why;
    EXPECT_TRUE(run_and_compare(GetParam(), "", 6, sepconv::Device::kOpenCL)) << describe(GetParam());
}
INSTANTIATE_TEST_SUITE_P(GpuCases, OpenClSweep, ::testing::ValuesIn(gpu_cases()));

class CudaSweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(CudaSweep, MatchesTheReference) {
    const sepconv::CudaInfo cuda = sepconv::cuda_info();
    if (!cuda.available) GTEST_SKIP() << "no CUDA device: " << cuda.why;
    EXPECT_TRUE(run_and_compare(GetParam(), "", 6, sepconv::Device::kCuda)) << describe(GetParam());
}
INSTANTIATE_TEST_SUITE_P(GpuCases, CudaSweep, ::testing::ValuesIn(gpu_cases()));

// float16 on CUDA: half2 arithmetic (compute capability 7.0 and newer), within the float16
// arithmetic's tolerance (tester.h).
class CudaHalfSweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(CudaHalfSweep, MatchesTheReference) {
    const sepconv::CudaInfo cuda = sepconv::cuda_info();
    if (!cuda.available) GTEST_SKIP() << "no CUDA device: " << cuda.why;
    if (cuda.capability < 70) GTEST_SKIP() << "float16 needs compute capability 7.0; " << cuda.name << " has " << cuda.capability;
    EXPECT_TRUE(run_and_compare(GetParam(), "", 6, sepconv::Device::kCuda, sepconv::DataType::kFloat16))
        << describe(GetParam());
}
INSTANTIATE_TEST_SUITE_P(GpuCases, CudaHalfSweep, ::testing::ValuesIn(gpu_cases()));

TEST(Cuda, WithoutADeviceACallFailsCleanly) {
    const sepconv::CudaInfo cuda = sepconv::cuda_info();
    if (cuda.available) GTEST_SKIP() << "a CUDA device is present (" << cuda.name << ")";
    ConvCase k;
    k.h = 6, k.w = 6, k.c = 4, k.cout = 5;
    TensorSet t = make_tensors(k, 1);
    sepconv::Options o = options_for(k);
    o.device = sepconv::Device::kCuda;
    std::vector<float> out(t.expected.size(), 9.f);
    sepconv::Status s = sepconv::separable_conv2d({t.input.data(), t.in_shape}, {t.dwf.data(), t.dw_shape},
                                                  {t.pwf.data(), t.pw_shape}, o, {out.data(), t.out_shape});
    bool cuda_variants = false;  // a build for a non-x86 host has none (SEPCONV_GPU=OFF)
    for (const sepconv::VariantInfo &v : sepconv::variants()) cuda_variants |= v.device == sepconv::Device::kCuda;
    const std::string reason = cuda_variants ? "device CUDA requested but unavailable: " + cuda.why
                                             : "device CUDA requested, but this build has no GPU variants";
    EXPECT_EQ(s.code, sepconv::StatusCode::kUnavailable);
    EXPECT_NE(s.message.find(reason), std::string::npos) << s.message;
    EXPECT_EQ(out, std::vector<float>(t.expected.size(), 9.f));
    // Device memory without a CUDA device, and a CUDA layer, are refused the same way.
    s = sepconv::separable_conv2d({t.input.data(), t.in_shape, sepconv::MemorySpace::kCudaDevice},
                                  {t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, options_for(k),
                                  {out.data(), t.out_shape});
    EXPECT_EQ(s.code, sepconv::StatusCode::kUnavailable) << s.message;
    std::unique_ptr<sepconv::Layer> layer;
    s = sepconv::Layer::create({t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, o, &layer);
    EXPECT_EQ(s.code, sepconv::StatusCode::kUnavailable) << s.message;
}

TEST(Cuda, DeviceMemoryNeedsTheCudaDevice) {
    ConvCase k;
    k.h = 4, k.w = 4, k.c = 2, k.cout = 3;
    TensorSet t = make_tensors(k, 1);
    sepconv::Options o = options_for(k);
    o.device = sepconv::Device::kCpu;
    std::vector<float> out(t.expected.size());
    sepconv::Status s = sepconv::separable_conv2d({t.input.data(), t.in_shape, sepconv::MemorySpace::kCudaDevice},
                                                  {t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, o,
                                                  {out.data(), t.out_shape});
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("CUDA device memory, which needs device CUDA (or auto), got CPU"), std::string::npos)
        << s.message;
}

// With a CUDA device: input and output already in device memory are used in place. The driver API
// is reached through dlopen, as the library does, so the test links nothing from CUDA.
TEST(Cuda, DeviceMemoryIsUsedInPlace) {
    const sepconv::CudaInfo cuda = sepconv::cuda_info();
    if (!cuda.available) GTEST_SKIP() << "no CUDA device: " << cuda.why;
    void *lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    ASSERT_NE(lib, nullptr);
    using Retain = int (*)(void **, int);
    using SetCurrent = int (*)(void *);
    using Alloc = int (*)(uint64_t *, size_t);
    using Free = int (*)(uint64_t);
    using HtoD = int (*)(uint64_t, const void *, size_t);
    using DtoH = int (*)(void *, uint64_t, size_t);
    auto retain = reinterpret_cast<Retain>(dlsym(lib, "cuDevicePrimaryCtxRetain"));
    auto set_current = reinterpret_cast<SetCurrent>(dlsym(lib, "cuCtxSetCurrent"));
    auto alloc = reinterpret_cast<Alloc>(dlsym(lib, "cuMemAlloc_v2"));
    auto release = reinterpret_cast<Free>(dlsym(lib, "cuMemFree_v2"));
    auto htod = reinterpret_cast<HtoD>(dlsym(lib, "cuMemcpyHtoD_v2"));
    auto dtoh = reinterpret_cast<DtoH>(dlsym(lib, "cuMemcpyDtoH_v2"));
    ASSERT_TRUE(retain && set_current && alloc && release && htod && dtoh);
    void *context = nullptr;
    ASSERT_EQ(retain(&context, 0), 0);
    ASSERT_EQ(set_current(context), 0);

    ConvCase k;
    k.h = 9, k.w = 11, k.c = 24, k.cout = 40, k.sh = k.sw = 2;
    TensorSet t = make_tensors(k, 2);
    uint64_t d_in = 0, d_out = 0;
    const size_t in_bytes = t.input.size() * 4, out_bytes = t.expected.size() * 4;
    ASSERT_EQ(alloc(&d_in, in_bytes), 0);
    ASSERT_EQ(alloc(&d_out, out_bytes), 0);
    ASSERT_EQ(htod(d_in, t.input.data(), in_bytes), 0);
    sepconv::Options o = options_for(k);  // device auto: follows the data to CUDA
    sepconv::Status s = sepconv::separable_conv2d(
        {reinterpret_cast<const float *>(d_in), t.in_shape, sepconv::MemorySpace::kCudaDevice},
        {t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, o,
        {reinterpret_cast<float *>(d_out), t.out_shape, sepconv::MemorySpace::kCudaDevice});
    std::vector<float> out(t.expected.size());
    EXPECT_TRUE(s.ok()) << s.message;
    EXPECT_EQ(dtoh(out.data(), d_out, out_bytes), 0);
    EXPECT_TRUE(all_close(t.expected, out));
    release(d_in);
    release(d_out);
}

}  // namespace
}  // namespace sepconv_test
