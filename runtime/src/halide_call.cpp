#include "halide_call.h"

#include <mutex>
#include <string>

namespace sepconv::internal {
namespace {

// Per-call sink for Halide runtime errors: the variants are compiled with the user_context
// feature, so the handler receives this call's context and never touches global state.
struct CallContext {
    std::string error;
};

void capture_halide_error(void *user_context, const char *message) {
    if (user_context != nullptr) {
        static_cast<CallContext *>(user_context)->error += message;
    }
}

void install_error_handler() {
    static std::once_flag once;
    std::call_once(once, [] { halide_set_error_handler(capture_halide_error); });
}

// A dense C-order tensor seen by Halide: dimension 0 is the innermost (last) TF dimension.
class HalideTensor {
public:
    HalideTensor(const float *data, std::vector<int64_t> shape) {
        buf_.host = reinterpret_cast<uint8_t *>(const_cast<float *>(data));
        buf_.type = halide_type_t(halide_type_float, 32);
        buf_.dimensions = static_cast<int32_t>(shape.size());
        buf_.dim = dims_;
        int64_t stride = 1;
        for (size_t i = 0; i < shape.size(); ++i) {
            const int64_t extent = shape[shape.size() - 1 - i];
            dims_[i] = halide_dimension_t(0, static_cast<int32_t>(extent), static_cast<int32_t>(stride));
            stride *= extent;
        }
    }
    halide_buffer_t *get() { return &buf_; }

private:
    halide_dimension_t dims_[4];
    halide_buffer_t buf_{};
};

std::vector<int64_t> input_shape(const ConvGeometry &g) {
    if (g.f.nchw) return {g.batch, g.f.channels, g.height, g.width};
    return {g.batch, g.height, g.width, g.f.channels};
}

}  // namespace

Status call_variant(const VariantRow &variant, const ConvGeometry &g, const CallArgs &args) {
    install_error_handler();
    if (args.num_threads > 0) halide_set_num_threads(args.num_threads);

    const FilterGeometry &f = g.f;
    HalideTensor input(args.input, input_shape(g));
    HalideTensor depthwise(args.depthwise_filter, {f.kh, f.kw, f.channels, f.multiplier});
    HalideTensor pointwise(args.pointwise_filter, {f.channels * f.multiplier, f.out_channels});
    HalideTensor bias(args.bias, {f.out_channels});
    HalideTensor output(args.output, g.output_shape());

    CallContext context;
    const int rc = variant.fn(&context, input.get(), depthwise.get(), pointwise.get(), bias.get(),
                              static_cast<int32_t>(f.stride_h), static_cast<int32_t>(f.stride_w),
                              static_cast<int32_t>(f.dilation_h), static_cast<int32_t>(f.dilation_w),
                              static_cast<int32_t>(g.pad_top), static_cast<int32_t>(g.pad_left),
                              static_cast<int32_t>(args.activation), output.get());
    if (rc != 0) {
        return Status::Internal(std::string("variant ") + variant.name + " failed (Halide error " +
                                std::to_string(rc) + "): " + (context.error.empty() ? "no message" : context.error));
    }
    return Status::Ok();
}

}  // namespace sepconv::internal
