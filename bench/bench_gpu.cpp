// GPU benchmark over bench/layers.csv: sepconv's CUDA variant against cuDNN, side by side, with
// the data already on the device. The cuDNN peer is TF's op done the usual way: a grouped
// convolution (group count C) followed by a 1x1 convolution, NHWC, with TF's SAME padding (where
// TF's padding is asymmetric, the input is first copied into a zero-padded buffer, inside the
// timed region). Each pair is checked for equal results before it is timed. Where the device has a
// float16 (half2) variant, it runs beside them, checked against the float32 result within float16's
// precision.
//
// It builds wherever the CUDA toolkit and cuDNN are installed, and runs only where a CUDA device is.
#include <cuda_runtime.h>
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "layer_list.h"
#include "sepconv/sepconv.h"

namespace {

#define CHECK_CUDA(x)                                                                         \
    do {                                                                                      \
        cudaError_t e_ = (x);                                                                 \
        if (e_ != cudaSuccess) {                                                              \
            std::fprintf(stderr, "bench_gpu: %s: %s\n", #x, cudaGetErrorString(e_));          \
            std::exit(1);                                                                     \
        }                                                                                     \
    } while (0)
#define CHECK_CUDNN(x)                                                                        \
    do {                                                                                      \
        cudnnStatus_t s_ = (x);                                                               \
        if (s_ != CUDNN_STATUS_SUCCESS) {                                                     \
            std::fprintf(stderr, "bench_gpu: %s: %s\n", #x, cudnnGetErrorString(s_));         \
            std::exit(1);                                                                     \
        }                                                                                     \
    } while (0)

// float32 (float) or float16 bits (uint16_t) on the device.
template <typename T = float>
struct DeviceBuffer {
    T *ptr = nullptr;
    size_t count = 0;
    explicit DeviceBuffer(size_t n) : count(n) { CHECK_CUDA(cudaMalloc(&ptr, n * sizeof(T))); }
    ~DeviceBuffer() { cudaFree(ptr); }
    void upload(const std::vector<T> &v) { CHECK_CUDA(cudaMemcpy(ptr, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice)); }
    std::vector<T> download() const {
        std::vector<T> v(count);
        CHECK_CUDA(cudaMemcpy(v.data(), ptr, count * sizeof(T), cudaMemcpyDeviceToHost));
        return v;
    }
};

std::vector<uint16_t> to_half(const std::vector<float> &v) {
    std::vector<uint16_t> h(v.size());
    for (size_t i = 0; i < v.size(); ++i) h[i] = sepconv::float_to_half(v[i]);
    return h;
}

// Milliseconds per run, median of `repeats` batches of `runs`, timed with CUDA events.
template <typename F>
double time_ms(F &&run, int runs = 20, int repeats = 5) {
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    run();
    CHECK_CUDA(cudaDeviceSynchronize());
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        cudaEventRecord(start);
        for (int i = 0; i < runs; ++i) run();
        cudaEventRecord(stop);
        cudaEventSynchronize(stop);
        float ms = 0;
        cudaEventElapsedTime(&ms, start, stop);
        t.push_back(ms / runs);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

// cuDNN: depthwise as a grouped conv, then 1x1, NHWC, float.
class CudnnSepconv {
public:
    CudnnSepconv(cudnnHandle_t h, const sepconv::tools::ModelLayer &l, int pad_top, int pad_left, int padded_h,
                 int padded_w)
        : h_(h) {
        const int c = l.in_channels, cout = l.out_channels, s = l.stride;
        cudnnCreateTensorDescriptor(&in_);
        cudnnCreateTensorDescriptor(&mid_);
        cudnnCreateTensorDescriptor(&out_);
        cudnnCreateFilterDescriptor(&dwf_);
        cudnnCreateFilterDescriptor(&pwf_);
        cudnnCreateConvolutionDescriptor(&dw_conv_);
        cudnnCreateConvolutionDescriptor(&pw_conv_);
        CHECK_CUDNN(cudnnSetTensor4dDescriptor(in_, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 1, c, padded_h, padded_w));
        CHECK_CUDNN(cudnnSetFilter4dDescriptor(dwf_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, c, 1, 3, 3));
        CHECK_CUDNN(cudnnSetConvolution2dDescriptor(dw_conv_, pad_top, pad_left, s, s, 1, 1, CUDNN_CROSS_CORRELATION,
                                                    CUDNN_DATA_FLOAT));
        CHECK_CUDNN(cudnnSetConvolutionGroupCount(dw_conv_, c));
        int n, ch, ho, wo;
        CHECK_CUDNN(cudnnGetConvolution2dForwardOutputDim(dw_conv_, in_, dwf_, &n, &ch, &ho, &wo));
        CHECK_CUDNN(cudnnSetTensor4dDescriptor(mid_, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 1, c, ho, wo));
        CHECK_CUDNN(cudnnSetFilter4dDescriptor(pwf_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, cout, c, 1, 1));
        CHECK_CUDNN(cudnnSetConvolution2dDescriptor(pw_conv_, 0, 0, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        CHECK_CUDNN(cudnnSetTensor4dDescriptor(out_, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 1, cout, ho, wo));
        dw_algo_ = best_algo(in_, dwf_, dw_conv_, mid_);
        pw_algo_ = best_algo(mid_, pwf_, pw_conv_, out_);
        size_t a = 0, b = 0;
        cudnnGetConvolutionForwardWorkspaceSize(h_, in_, dwf_, dw_conv_, mid_, dw_algo_, &a);
        cudnnGetConvolutionForwardWorkspaceSize(h_, mid_, pwf_, pw_conv_, out_, pw_algo_, &b);
        workspace_bytes_ = std::max(a, b);
        CHECK_CUDA(cudaMalloc(&workspace_, std::max<size_t>(workspace_bytes_, 4)));
        CHECK_CUDA(cudaMalloc(&mid_buf_, size_t(ho) * wo * c * 4));
    }
    ~CudnnSepconv() {
        cudaFree(workspace_);
        cudaFree(mid_buf_);
    }
    // dwf in cuDNN's [C, 1, 3, 3] as NHWC = [C][3][3][1]; pwf as [Cout][C].
    void run(const float *in, const float *dwf, const float *pwf, float *out) {
        const float one = 1.f, zero = 0.f;
        CHECK_CUDNN(cudnnConvolutionForward(h_, &one, in_, in, dwf_, dwf, dw_conv_, dw_algo_, workspace_,
                                            workspace_bytes_, &zero, mid_, mid_buf_));
        CHECK_CUDNN(cudnnConvolutionForward(h_, &one, mid_, mid_buf_, pwf_, pwf, pw_conv_, pw_algo_, workspace_,
                                            workspace_bytes_, &zero, out_, out));
    }

private:
    cudnnConvolutionFwdAlgo_t best_algo(cudnnTensorDescriptor_t x, cudnnFilterDescriptor_t w,
                                        cudnnConvolutionDescriptor_t conv, cudnnTensorDescriptor_t y) {
        cudnnConvolutionFwdAlgoPerf_t perf[8];
        int found = 0;
        CHECK_CUDNN(cudnnGetConvolutionForwardAlgorithm_v7(h_, x, w, conv, y, 8, &found, perf));
        return perf[0].algo;
    }
    cudnnHandle_t h_;
    cudnnTensorDescriptor_t in_, mid_, out_;
    cudnnFilterDescriptor_t dwf_, pwf_;
    cudnnConvolutionDescriptor_t dw_conv_, pw_conv_;
    cudnnConvolutionFwdAlgo_t dw_algo_, pw_algo_;
    size_t workspace_bytes_ = 0;
    void *workspace_ = nullptr;
    float *mid_buf_ = nullptr;
};

}  // namespace

// sepconv in float16 on the same values rounded to float16: "GFLOP/s ratio-to-float32", after a check
// against the float32 result `f32` within float16's precision (2^-11 relative to the sum of
// magnitudes, bounded here by 1 + |value|, times the depthwise taps and a 16-channel block).
// Dashes where no float16 variant serves this device (the library says why, on stderr).
std::string time_half(const std::string &name, const sepconv::Options &o, const std::vector<float> &in,
                      const std::vector<float> &dw, const std::vector<float> &pw, const std::vector<int64_t> &in_shape,
                      const std::vector<int64_t> &out_shape, const std::vector<float> &f32, double flops, double f32_gflops) {
    using sepconv::DataType;
    const std::vector<uint16_t> in16 = to_half(in), dw16 = to_half(dw), pw16 = to_half(pw);
    const int64_t c = in_shape[3], cout = out_shape[3];
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status st = sepconv::Layer::create({dw16.data(), DataType::kFloat16, {3, 3, c, 1}},
                                                {pw16.data(), DataType::kFloat16, {1, 1, c, cout}}, o, &layer);
    std::string variant;
    if (st.ok()) st = layer->variant_for(in_shape, &variant);
    if (!st.ok()) {
        std::fprintf(stderr, "bench_gpu: %s float16: %s\n", name.c_str(), st.message.c_str());
        return "         -        -";
    }
    DeviceBuffer<uint16_t> d_in(in16.size()), d_out(f32.size());
    d_in.upload(in16);
    auto run = [&] {
        sepconv::Status r = layer->run({d_in.ptr, DataType::kFloat16, in_shape, sepconv::MemorySpace::kCudaDevice},
                                       {d_out.ptr, DataType::kFloat16, out_shape, sepconv::MemorySpace::kCudaDevice});
        if (!r.ok()) std::fprintf(stderr, "bench_gpu: %s\n", r.message.c_str()), std::exit(1);
    };
    run();
    CHECK_CUDA(cudaDeviceSynchronize());
    const std::vector<uint16_t> out = d_out.download();
    const double tolerance = (9 + 16 + 4) * 0x1p-11 * std::sqrt(double(c));  // random signs: about sqrt(C) of C terms
    for (size_t i = 0; i < out.size(); ++i) {
        const double a = sepconv::half_to_float(out[i]), b = f32[i];
        if (!(std::fabs(a - b) <= tolerance * (1 + std::fabs(b)))) {
            std::fprintf(stderr, "bench_gpu: %s float16 element %zu is %g, float32 %g\n", name.c_str(), i, a, b);
            return "  MISMATCH";
        }
    }
    const double gflops = flops / time_ms(run) * 1e-6;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%10.1f %8.2f", gflops, gflops / f32_gflops);
    return buf;
}

int main() {
    const sepconv::CudaInfo cuda = sepconv::cuda_info();
    if (!cuda.available) {
        std::printf("bench_gpu: no CUDA device (%s); nothing to run\n", cuda.why.c_str());
        return 0;
    }
    std::vector<sepconv::tools::ModelLayer> layers;
    sepconv::Status st = sepconv::tools::load_layer_list("", &layers);
    if (!st.ok()) return std::fprintf(stderr, "bench_gpu: %s\n", st.message.c_str()), 1;
    cudnnHandle_t handle;
    CHECK_CUDNN(cudnnCreate(&handle));
    std::printf("bench_gpu: %s (compute capability %d.%d), cuDNN %zu\n", cuda.name.c_str(), cuda.capability / 10,
                cuda.capability % 10, cudnnGetVersion());
    std::printf("%-24s %10s %10s %10s %10s %8s %10s %8s  %s\n", "layer", "sepconv ms", "GFLOP/s", "cuDNN ms", "GFLOP/s",
                "ratio", "f16 GFLOP/s", "f16/f32", "variant");

    std::mt19937 rng(3);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    auto random = [&](size_t n) {
        std::vector<float> v(n);
        for (float &x : v) x = dist(rng);
        return v;
    };
    for (const auto &l : layers) {
        const int h = l.height, w = l.width, c = l.in_channels, cout = l.out_channels, s = l.stride;
        const int ho = (h + s - 1) / s, wo = (w + s - 1) / s;
        const int pad_h = std::max((ho - 1) * s + 3 - h, 0), pad_w = std::max((wo - 1) * s + 3 - w, 0);
        const int top = pad_h / 2, left = pad_w / 2;
        const bool symmetric = pad_h % 2 == 0 && pad_w % 2 == 0;

        std::vector<float> in = random(size_t(h) * w * c), dw = random(size_t(9) * c), pw = random(size_t(c) * cout);
        // cuDNN's layouts: depthwise [C][3][3][1] (from TF's [3][3][C][1]); pointwise [Cout][C].
        std::vector<float> dw_cudnn(dw.size()), pw_cudnn(pw.size());
        for (int q = 0; q < c; ++q)
            for (int t = 0; t < 9; ++t) dw_cudnn[q * 9 + t] = dw[t * c + q];
        for (int q = 0; q < c; ++q)
            for (int o = 0; o < cout; ++o) pw_cudnn[size_t(o) * c + q] = pw[size_t(q) * cout + o];

        DeviceBuffer<> d_in(in.size()), d_dw(dw.size()), d_pw(pw.size()), d_out(size_t(ho) * wo * cout),
            d_ref(size_t(ho) * wo * cout);
        d_in.upload(in);
        d_dw.upload(dw_cudnn);
        d_pw.upload(pw_cudnn);
        // TF's padding for cuDNN: symmetric pads go to cuDNN; otherwise a zero-padded input copy.
        const int ph = symmetric ? h : h + pad_h, pw_ = symmetric ? w : w + pad_w;
        DeviceBuffer<> d_padded(size_t(ph) * pw_ * c);
        CHECK_CUDA(cudaMemset(d_padded.ptr, 0, d_padded.count * 4));
        CudnnSepconv peer(handle, l, symmetric ? top : 0, symmetric ? left : 0, ph, pw_);
        auto run_cudnn = [&] {
            const float *x = d_in.ptr;
            if (!symmetric) {
                CHECK_CUDA(cudaMemcpy2DAsync(d_padded.ptr + (size_t(top) * pw_ + left) * c, size_t(pw_) * c * 4, d_in.ptr,
                                             size_t(w) * c * 4, size_t(w) * c * 4, h, cudaMemcpyDeviceToDevice));
                x = d_padded.ptr;
            }
            peer.run(x, d_dw.ptr, d_pw.ptr, d_ref.ptr);
        };

        sepconv::Options o;
        o.strides = {1, s, s, 1};
        o.padding = sepconv::Padding::kSame;
        o.device = sepconv::Device::kCuda;
        const std::vector<int64_t> in_shape{1, h, w, c}, out_shape{1, ho, wo, cout};
        std::unique_ptr<sepconv::Layer> layer;
        st = sepconv::Layer::create({dw.data(), {3, 3, c, 1}}, {pw.data(), {1, 1, c, cout}}, o, &layer);
        std::string variant;
        if (st.ok()) st = layer->variant_for(in_shape, &variant);
        if (!st.ok()) {
            std::printf("%-24s sepconv refused: %s\n", l.name.c_str(), st.message.c_str());
            continue;
        }
        auto run_sepconv = [&] {
            sepconv::Status r = layer->run({d_in.ptr, in_shape, sepconv::MemorySpace::kCudaDevice},
                                           {d_out.ptr, out_shape, sepconv::MemorySpace::kCudaDevice});
            if (!r.ok()) std::fprintf(stderr, "bench_gpu: %s\n", r.message.c_str()), std::exit(1);
        };
        run_sepconv();
        run_cudnn();
        CHECK_CUDA(cudaDeviceSynchronize());
        const std::vector<float> a = d_out.download(), b = d_ref.download();
        double worst = 0;
        for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - b[i]) / (1 + std::fabs(b[i])));
        if (worst > 1e-3) {
            std::printf("%-24s MISMATCH with cuDNN (max relative error %.3g); not timed\n", l.name.c_str(), worst);
            continue;
        }
        const double flops = 2.0 * ho * wo * c * (9 + cout);
        const double t_ours = time_ms(run_sepconv), t_peer = time_ms(run_cudnn);
        const std::string f16 = time_half(l.name, o, in, dw, pw, in_shape, out_shape, a, flops, flops / t_ours * 1e-6);
        std::printf("%-24s %10.4f %10.1f %10.4f %10.1f %8.2f %s  %s\n", l.name.c_str(), t_ours, flops / t_ours * 1e-6, t_peer,
                    flops / t_peer * 1e-6, t_peer / t_ours, f16.c_str(), variant.c_str());
    }
    cudnnDestroy(handle);
    return 0;
}
