// sepconv: TensorFlow's tf.nn.separable_conv2d as ahead-of-time compiled Halide kernels.
//
// Two forms:
//   * sepconv::separable_conv2d(input, depthwise_filter, pointwise_filter, options, output)
//     one call shaped like TF's op;
//   * sepconv::Layer, which checks the filters and options once, picks the kernel variant and
//     packs the weights, then runs on many inputs (and may be shared by threads).
// Nothing throws across this API and nothing aborts: every failure is a Status with a message
// naming the argument and what was expected.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sepconv {

enum class StatusCode {
    kOk = 0,
    kInvalidArgument,  // the arguments break a rule; the message names the argument
    kUnavailable,      // the requested device (CUDA, OpenCL) is not there; the message says why
    kInternal,         // a kernel failed at run time; the message carries Halide's error
};

struct Status {
    StatusCode code = StatusCode::kOk;
    std::string message;

    bool ok() const { return code == StatusCode::kOk; }
    static Status Ok() { return {}; }
    static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
    static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
};

// Where a tensor's memory lives: host memory, or CUDA device memory (a CUdeviceptr cast to the
// pointer type, on the device the CUDA variants run on: device 0, or HL_GPU_DEVICE). sepconv runs
// its CUDA code in that device's primary context, the one cudaMalloc, PyTorch and TF use.
enum class MemorySpace { kHost, kCudaDevice };

// The element type of a tensor: float32, float16, or int8 (TFLite's quantized scheme, computed with
// TFLite's integer arithmetic to the bit; its scales, zero points and int32 biases are in
// Options::quantization).
//
// float16 is IEEE binary16, stored as its bit pattern in a uint16_t (C++17 has no half type; the
// bits are what `_Float16`, `__fp16`, numpy's float16 and TF's tf.float16 hold). Every tensor of a
// call has the same type, the bias included: mixing float16 and float32 is refused. On x86 the
// arithmetic is float32 (F16C converts at the loads and stores: half the bytes moved, one rounding
// at the output); on ARMv8.2 with FP16 it is float16, in sums of 16 channels added in float32
// (README: "float16").
enum class DataType { kFloat32, kInt8, kFloat16 };

// IEEE binary16 <-> float32: round to nearest even, overflow to infinity, subnormals kept, a NaN
// stays a NaN (quiet, sign and leading payload bits kept).
uint16_t float_to_half(float value);
float half_to_float(uint16_t bits);

// A dense, C-order (row-major) tensor that the caller owns. `shape` lists TF's dimensions
// outermost first, e.g. {N, H, W, C} for an NHWC input. `{data, shape}` is a float32 tensor.
struct TensorView {
    const void *data = nullptr;
    std::vector<int64_t> shape;
    MemorySpace memory = MemorySpace::kHost;
    DataType type = DataType::kFloat32;

    TensorView() = default;
    TensorView(const float *d, std::vector<int64_t> s, MemorySpace m = MemorySpace::kHost)
        : data(d), shape(std::move(s)), memory(m) {}
    TensorView(const void *d, DataType t, std::vector<int64_t> s, MemorySpace m = MemorySpace::kHost)
        : data(d), shape(std::move(s)), memory(m), type(t) {}
};
struct MutableTensorView {
    void *data = nullptr;
    std::vector<int64_t> shape;
    MemorySpace memory = MemorySpace::kHost;
    DataType type = DataType::kFloat32;

    MutableTensorView() = default;
    MutableTensorView(float *d, std::vector<int64_t> s, MemorySpace m = MemorySpace::kHost)
        : data(d), shape(std::move(s)), memory(m) {}
    MutableTensorView(void *d, DataType t, std::vector<int64_t> s, MemorySpace m = MemorySpace::kHost)
        : data(d), shape(std::move(s)), memory(m), type(t) {}
};

// Where a call runs. kAuto runs on the CPU unless the input or output is CUDA device memory.
// The GPU variants serve NHWC with C*M within their shared-memory tile (2048 at the default
// configuration; variants() states each one's limit); host tensors are copied in and out, device
// tensors are used in place. Filters and bias are host memory.
enum class Device { kAuto, kCpu, kCuda, kOpenCL };

enum class DataFormat { kNHWC, kNCHW };
enum class Padding { kSame, kValid, kExplicit };
enum class Activation { kNone, kRelu, kRelu6 };

// An int8 call's quantization, as TFLite stores it: real = scale * (q - zero_point), weights
// symmetric (zero point 0) with one scale per channel, or one for all (a list of length 1). The
// result is TFLite's reference kernels' to the bit: DEPTHWISE_CONV_2D (its bias and activation:
// Options::depthwise_activation) requantized to the intermediate int8 tensor, then the 1x1
// CONV_2D (Options::activation). Scales must be positive and finite, zero points in [-128, 127].
struct Quantization {
    float input_scale = 0;
    int32_t input_zero_point = 0;
    std::vector<float> depthwise_scales;   // C*M entries (channel c*M + m), or 1
    std::vector<int32_t> depthwise_bias;   // C*M entries, or empty for none
    float intermediate_scale = 0;          // the depthwise conv's int8 output
    int32_t intermediate_zero_point = 0;
    std::vector<float> pointwise_scales;   // Cout entries, or 1
    std::vector<int32_t> pointwise_bias;   // Cout entries, or empty for none
    float output_scale = 0;
    int32_t output_zero_point = 0;
};

struct Options {
    // 4 entries in the data format's order; the batch and channel entries must be 1.
    std::vector<int64_t> strides{1, 1, 1, 1};
    Padding padding = Padding::kSame;
    // With Padding::kExplicit: {top, bottom, left, right}, each >= 0.
    std::vector<int64_t> explicit_padding{0, 0, 0, 0};
    DataFormat data_format = DataFormat::kNHWC;
    std::vector<int64_t> dilations{1, 1};  // {height, width}

    // Optional fused epilogue (Keras's SeparableConv2D): out = activation(conv + bias).
    TensorView bias;  // empty (data == nullptr) for none, else shape {Cout}
    Activation activation = Activation::kNone;

    // Optional depthwise stage, which makes the call a MobileNet block (TFLite's DEPTHWISE_CONV_2D
    // with its bias and fused activation, then the 1x1 CONV_2D): the pointwise conv reads
    // depthwise_activation(depthwise + depthwise_bias), channel c * M + m, never stored whole.
    // With neither (the default) the call is TF's separable_conv2d.
    TensorView depthwise_bias;  // empty for none, else shape {C * M}, the type of the filters
    Activation depthwise_activation = Activation::kNone;

    // int8 calls: the scales, zero points and int32 biases (`bias` and `depthwise_bias` above stay
    // empty); the activations are the two above. Ignored for other types.
    Quantization quantization;

    // Threads for this call, the calling one among them: 1 runs it on the calling thread alone;
    // n > 1 on n threads of the library's worker pool; 0 on one thread per core. Idle workers spin
    // for about a millisecond after a call (so the next call does not wait for them to wake), then
    // sleep. A call that starts while another thread's call holds the pool runs on its own thread.
    int num_threads = 0;

    Device device = Device::kAuto;

    // Force one compiled variant by name (see variants()); empty lets the table choose.
    std::string variant;

    // Ceiling on the memory the library allocates itself (a Layer's weight copies, per-call
    // scratch); a call or layer that would need more is refused before allocating anything.
    // Caller-owned tensors do not count.
    int64_t memory_limit_bytes = int64_t(1) << 30;
};

// Computes TF's output shape for these arguments, after validating all of them.
Status output_shape(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
                    const std::vector<int64_t> &pointwise_filter_shape, const Options &options,
                    std::vector<int64_t> *shape);

// One-shot call. `output` must already have the shape output_shape() gives. It packs the pointwise
// filter into the kernels' layout on every call (C*M x Cout floats copied); a Layer packs it once.
Status separable_conv2d(const TensorView &input, const TensorView &depthwise_filter,
                        const TensorView &pointwise_filter, const Options &options, const MutableTensorView &output);

// A prepared layer: owns copies of the filters and bias (the pointwise filter packed in blocks of
// 16 output channels, the layout every kernel reads), so the caller's buffers may be freed after
// create(). run() is const and safe to call from several threads at once.
class Layer;
namespace internal {
struct LayerFacts;
class JitHook;
class SpecializedKernel;
LayerFacts layer_facts(const Layer &layer);
void set_layer_jit(const Layer &layer, std::shared_ptr<JitHook> hook);
std::shared_ptr<JitHook> layer_jit(const Layer &layer);
Status run_layer_with(const Layer &layer, const SpecializedKernel *kernel, const TensorView &input,
                      const MutableTensorView &output, int num_threads);
}  // namespace internal

class Layer {
public:
    static Status create(const TensorView &depthwise_filter, const TensorView &pointwise_filter,
                         const Options &options, std::unique_ptr<Layer> *layer);
    ~Layer();

    Status output_shape(const std::vector<int64_t> &input_shape, std::vector<int64_t> *shape) const;
    Status run(const TensorView &input, const MutableTensorView &output) const;
    // The variant a run on this input shape would use.
    Status variant_for(const std::vector<int64_t> &input_shape, std::string *variant) const;

    struct Impl;

private:
    // The JIT tier's seam (runtime/src/jit_hook.h).
    friend internal::LayerFacts internal::layer_facts(const Layer &);
    friend void internal::set_layer_jit(const Layer &, std::shared_ptr<internal::JitHook>);
    friend std::shared_ptr<internal::JitHook> internal::layer_jit(const Layer &);
    friend Status internal::run_layer_with(const Layer &, const internal::SpecializedKernel *, const TensorView &,
                                          const MutableTensorView &, int);
    explicit Layer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Which variant a call with these shapes and options would use, and why. The choice, among the
// variants that can serve the call: a variant tuned for exactly this layer (batch aside), else the
// one tuned for the nearest shape in the same shape class (output pixels, C*M and output channels
// each within 2x), else the most specialized untuned variant.
struct Explanation {
    std::string variant;
    std::string reason;
    // What runs inside the variant on this machine: the Halide target its CPU dispatch picks (or
    // the GPU API), the ISA whose configuration that code reads, the configuration itself
    // ("co_vectors:4,tile_x:3,..."), and which compiled path this call takes ("full blocks, no
    // activation"; "partial blocks" is the guarded path for images narrower than one block).
    std::string target;
    std::string isa;
    std::string configuration;
    std::string specialization;
};
Status explain(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
               const std::vector<int64_t> &pointwise_filter_shape, const Options &options,
               Explanation *explanation, DataType type = DataType::kFloat32);

// The compiled variants, most specialized first, with the constraints each one serves.
struct VariantInfo {
    std::string name;
    std::string constraints;  // e.g. "float32, CPU, NHWC, 3x3 kernel, stride 1x1, dilation 1x1, multiplier 1"
    std::string tunables;     // its configurations, one section per ISA ("avx2.co_vectors:4,..."); "" = defaults
    Device device = Device::kCpu;
    DataType type = DataType::kFloat32;
    // Tuned variants (built from the tuned database, SEPCONV_TUNED_DB): where they came from and
    // the shape keys (e.g. "f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same") they were tuned
    // for. Calls on those shapes pick them; so do calls on shapes near them (see explain()).
    std::string origin;
    std::vector<std::string> tuned_shapes;
    // The ISA its code runs on this machine (see Explanation) and the configuration that ISA reads.
    std::string isa;
    std::string configuration;
};
std::vector<VariantInfo> variants();

// CPU features seen on this machine and the Halide target whose code the dispatch will run.
struct CpuInfo {
    std::vector<std::string> features;  // e.g. {"sse4.1", "avx", "avx2", "fma", "f16c"}
    std::string dispatched_target;      // e.g. "x86-64-linux-avx2-fma"
    // e.g. "amd-zen4": the tuned entries recorded on this microarchitecture are preferred here.
    std::string microarchitecture;
    // Per-core data caches, as the variant choice's cost model reads them (sysconf, else sysfs;
    // where neither tells, 32 KiB and 512 KiB, marked by caches_assumed).
    int64_t l1d_bytes = 0, l2_bytes = 0;
    bool caches_assumed = false;
};
CpuInfo cpu_info();

// The Halide targets compiled into every variant, best first (the build's SEPCONV_TARGETS).
std::vector<std::string> compiled_targets();

// The CUDA device the CUDA variants would run on. `available` is false, with `why`, when there is
// no CUDA driver or device; this never aborts.
struct CudaInfo {
    bool available = false;
    int capability = 0;  // e.g. 86 for compute capability 8.6
    std::string name, why;
};
CudaInfo cuda_info();

// Whether an OpenCL platform with at least one device is present (e.g. PoCL on the CPU).
bool opencl_available(std::string *why);

// Caps the CPU dispatch at `target`, one of compiled_targets(): better targets are
// not used even where the CPU has them (to test each ISA's code, or to avoid AVX-512 clock
// throttling). Empty removes the cap. Process-wide; takes effect from the next call.
Status set_max_target(const std::string &target);

// FLOPs of one call, counting multiply and add: 2*N*Ho*Wo*C*M*(kh*kw + Cout) (for int8, integer
// operations).
int64_t flop_count(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
                   const std::vector<int64_t> &pointwise_filter_shape, const Options &options);

const char *to_string(DataFormat f);
const char *to_string(Padding p);
const char *to_string(Activation a);
const char *to_string(Device d);
const char *to_string(DataType t);  // "float32", "int8", "float16"
// The type that to_string() names `name`; false for any other text.
bool parse_data_type(const std::string &name, DataType *type);

}  // namespace sepconv
