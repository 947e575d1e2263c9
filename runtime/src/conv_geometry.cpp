#include "conv_geometry.h"

#include <limits>
#include <sstream>

#include "data_types.h"

namespace sepconv::internal {
namespace {

// Halide buffers address with 32-bit extents, strides and byte offsets (no large_buffers
// feature), so every tensor must stay below 2^31 bytes and every coordinate below 2^31.
constexpr int64_t kMaxBytes = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxCoordinate = int64_t(1) << 30;  // leaves headroom for index arithmetic

std::string str(const std::vector<int64_t> &v) { return shape_string(v); }

template <typename... Parts>
Status invalid(Parts &&...parts) {
    std::ostringstream s;
    (s << ... << parts);
    return Status::InvalidArgument(s.str());
}

Status check_rank(const char *name, const std::vector<int64_t> &shape, size_t rank, const char *layout) {
    if (shape.size() != rank) {
        return invalid(name, " must have rank ", rank, " (", layout, "), got rank ", shape.size(), " shape ",
                       str(shape));
    }
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] < 1) {
            return invalid(name, " must not be empty: dimension ", i, " is ", shape[i], " in shape ", str(shape),
                           "; every dimension must be >= 1");
        }
        if (shape[i] > kMaxCoordinate) {
            return invalid(name, " dimension ", i, " is ", shape[i], ", larger than the supported maximum ",
                           kMaxCoordinate);
        }
    }
    int64_t bytes = max_element_bytes();
    for (int64_t d : shape) {
        if (__builtin_mul_overflow(bytes, d, &bytes) || bytes > kMaxBytes) {
            return invalid(name, " of shape ", str(shape), " is too large: its size in bytes overflows the ",
                           kMaxBytes, "-byte limit of one tensor");
        }
    }
    return Status::Ok();
}

Status check_positive(const char *name, const std::vector<int64_t> &values, size_t count) {
    if (values.size() != count) {
        return invalid(name, " must have ", count, " entries, got ", values.size());
    }
    for (int64_t v : values) {
        if (v < 1 || v > kMaxCoordinate) {
            return invalid(name, " entries must be in [1, ", kMaxCoordinate, "], got ", str(values));
        }
    }
    return Status::Ok();
}

// TF's rule for one spatial dimension.
Status resolve_dim(const char *dim_name, int64_t in, int64_t k, int64_t stride, int64_t dilation,
                   const Options &o, int explicit_index, int64_t *pad_before, int64_t *pad_after, int64_t *out) {
    const int64_t effective = (k - 1) * dilation + 1;
    if (effective > kMaxCoordinate) {
        return invalid("depthwise_filter: the dilated filter ", dim_name, " (", effective, ") is too large");
    }
    switch (o.padding) {
    case Padding::kSame: {
        *out = (in + stride - 1) / stride;
        const int64_t total = std::max<int64_t>((*out - 1) * stride + effective - in, 0);
        *pad_before = total / 2;
        *pad_after = total - total / 2;  // TF puts the odd row/column at the bottom/right
        break;
    }
    case Padding::kValid:
        if (effective > in) {
            return invalid("padding VALID needs the dilated filter ", dim_name, " (", effective,
                           ") to be <= the input ", dim_name, " (", in, ")");
        }
        *pad_before = *pad_after = 0;
        *out = (in - effective) / stride + 1;
        break;
    case Padding::kExplicit: {
        *pad_before = o.explicit_padding[explicit_index];
        *pad_after = o.explicit_padding[explicit_index + 1];
        const int64_t padded = in + *pad_before + *pad_after;
        if (effective > padded) {
            return invalid("explicit_padding: the padded input ", dim_name, " (", padded,
                           ") is smaller than the dilated filter ", dim_name, " (", effective, ")");
        }
        *out = (padded - effective) / stride + 1;
        break;
    }
    }
    return Status::Ok();
}

}  // namespace

std::string shape_string(const std::vector<int64_t> &shape) {
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
    s << "]";
    return s.str();
}

std::vector<int64_t> ConvGeometry::input_shape() const {
    if (f.nchw) return {batch, f.channels, height, width};
    return {batch, height, width, f.channels};
}

std::vector<int64_t> ConvGeometry::output_shape() const {
    if (f.nchw) return {batch, f.out_channels, out_height, out_width};
    return {batch, out_height, out_width, f.out_channels};
}

Status validate_filters(const std::vector<int64_t> &dw, const std::vector<int64_t> &pw, const Options &o,
                        FilterGeometry *f) {
    if (o.data_format != DataFormat::kNHWC && o.data_format != DataFormat::kNCHW) {
        return invalid("data_format must be NHWC or NCHW");
    }
    if (o.padding != Padding::kSame && o.padding != Padding::kValid && o.padding != Padding::kExplicit) {
        return invalid("padding must be SAME, VALID or EXPLICIT");
    }
    for (auto [what, a] : {std::pair{"activation", o.activation}, {"depthwise_activation", o.depthwise_activation}}) {
        if (a != Activation::kNone && a != Activation::kRelu && a != Activation::kRelu6) {
            return invalid(what, " must be none, relu or relu6");
        }
    }
    if (o.device != Device::kAuto && o.device != Device::kCpu && o.device != Device::kCuda &&
        o.device != Device::kOpenCL) {
        return invalid("device must be auto, CPU, CUDA or OpenCL");
    }
    if (o.memory_limit_bytes < 0) {
        return invalid("memory_limit_bytes must be >= 0, got ", o.memory_limit_bytes);
    }
    if (o.num_threads < 0 || o.num_threads > 1024) {
        return invalid("num_threads must be in [0, 1024] (0 = keep the current setting), got ", o.num_threads);
    }
    const bool nchw = o.data_format == DataFormat::kNCHW;
    if (o.strides.size() != 4) {
        return invalid("strides must have 4 entries (", nchw ? "[1, 1, stride_h, stride_w] for NCHW" :
                                                             "[1, stride_h, stride_w, 1] for NHWC",
                       "), got ", o.strides.size());
    }
    Status s = check_positive("strides", o.strides, 4);
    if (!s.ok()) return s;
    const int64_t batch_stride = o.strides[0], channel_stride = o.strides[nchw ? 1 : 3];
    if (batch_stride != 1 || channel_stride != 1) {
        return invalid("strides ", str(o.strides), ": the batch and channel entries must be 1 (data_format ",
                       to_string(o.data_format), ")");
    }
    s = check_positive("dilations", o.dilations, 2);
    if (!s.ok()) return s;
    if (o.padding == Padding::kExplicit) {
        if (o.explicit_padding.size() != 4) {
            return invalid("explicit_padding must have 4 entries [top, bottom, left, right], got ",
                           o.explicit_padding.size());
        }
        for (int64_t p : o.explicit_padding) {
            if (p < 0 || p > kMaxCoordinate) {
                return invalid("explicit_padding entries must be in [0, ", kMaxCoordinate, "], got ",
                               str(o.explicit_padding));
            }
        }
    }

    s = check_rank("depthwise_filter", dw, 4, "[filter_height, filter_width, in_channels, channel_multiplier]");
    if (!s.ok()) return s;
    s = check_rank("pointwise_filter", pw, 4, "[1, 1, in_channels * channel_multiplier, out_channels]");
    if (!s.ok()) return s;
    if (pw[0] != 1 || pw[1] != 1) {
        return invalid("pointwise_filter must be 1x1: shape [1, 1, in_channels * channel_multiplier, "
                       "out_channels] expected, got ",
                       str(pw));
    }
    if (pw[2] != dw[2] * dw[3]) {
        return invalid("pointwise_filter dimension 2 must equal in_channels * channel_multiplier = ", dw[2], " * ",
                       dw[3], " = ", dw[2] * dw[3], ", got ", pw[2]);
    }

    f->nchw = nchw;
    f->kh = dw[0];
    f->kw = dw[1];
    f->channels = dw[2];
    f->multiplier = dw[3];
    f->out_channels = pw[3];
    f->stride_h = o.strides[nchw ? 2 : 1];
    f->stride_w = o.strides[nchw ? 3 : 2];
    f->dilation_h = o.dilations[0];
    f->dilation_w = o.dilations[1];

    const struct {
        const char *name, *extent_name;
        const TensorView &view;
        int64_t extent;
        bool *present;
    } biases[] = {{"bias", "out_channels", o.bias, f->out_channels, &f->has_bias},
                  {"depthwise_bias", "in_channels * channel_multiplier", o.depthwise_bias,
                   f->channels * f->multiplier, &f->has_depthwise_bias}};
    for (const auto &b : biases) {
        *b.present = b.view.data != nullptr || !b.view.shape.empty();
        if (!*b.present) continue;
        if (b.view.data == nullptr) return invalid(b.name, ": shape ", str(b.view.shape), " given but data is null");
        if (b.view.shape.size() != 1 || b.view.shape[0] != b.extent) {
            return invalid(b.name, " must have shape [", b.extent_name, "] = [", b.extent, "], got ", str(b.view.shape));
        }
    }
    return Status::Ok();
}

Status resolve_geometry(const std::vector<int64_t> &input_shape, const FilterGeometry &f, const Options &o,
                        ConvGeometry *g) {
    Status s = check_rank("input", input_shape, 4, f.nchw ? "[batch, channels, height, width] for NCHW" :
                                                            "[batch, height, width, channels] for NHWC");
    if (!s.ok()) return s;
    g->f = f;
    g->batch = input_shape[0];
    const int64_t channels = input_shape[f.nchw ? 1 : 3];
    g->height = input_shape[f.nchw ? 2 : 1];
    g->width = input_shape[f.nchw ? 3 : 2];
    if (channels != f.channels) {
        return invalid("input has ", channels, " channels (shape ", str(input_shape), ", ", to_string(o.data_format),
                       ") but depthwise_filter dimension 2 (in_channels) is ", f.channels);
    }
    s = resolve_dim("height", g->height, f.kh, f.stride_h, f.dilation_h, o, 0, &g->pad_top, &g->pad_bottom,
                    &g->out_height);
    if (!s.ok()) return s;
    s = resolve_dim("width", g->width, f.kw, f.stride_w, f.dilation_w, o, 2, &g->pad_left, &g->pad_right,
                    &g->out_width);
    if (!s.ok()) return s;
    return check_rank("output", g->output_shape(), 4, "computed output shape");
}

Status validate_shapes(const std::vector<int64_t> &input_shape, const std::vector<int64_t> &depthwise_filter_shape,
                       const std::vector<int64_t> &pointwise_filter_shape, const Options &options, FilterGeometry *f,
                       ConvGeometry *g) {
    Status s = validate_filters(depthwise_filter_shape, pointwise_filter_shape, options, f);
    return s.ok() ? resolve_geometry(input_shape, *f, options, g) : s;
}

Status check_tensor(const char *name, const void *data, const std::vector<int64_t> &shape,
                    const std::vector<int64_t> &expected) {
    if (shape != expected) {
        return invalid(name, " must have shape ", str(expected), ", got ", str(shape));
    }
    if (data == nullptr) return invalid(name, ": data is null");
    return Status::Ok();
}

}  // namespace sepconv::internal
