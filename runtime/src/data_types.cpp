#include "data_types.h"

#include <cmath>
#include <cstring>
#include <string>

namespace sepconv::internal {

const DataTypeRow &row_of(DataType t) {
    for (const DataTypeRow &r : kDataTypes) {
        if (r.type == t) return r;
    }
    return kDataTypes[0];  // unreachable: every enumerator has a row
}

const DataTypeRow *row_by_prefix(const char *prefix) {
    for (const DataTypeRow &r : kDataTypes) {
        if (std::strcmp(r.prefix, prefix) == 0) return &r;
    }
    return nullptr;
}

Status check_implemented(const char *what, DataType t) {
    if (row_of(t).implemented) return Status::Ok();
    std::string implemented;
    for (const DataTypeRow &r : kDataTypes) {
        if (r.implemented) implemented += std::string(implemented.empty() ? "" : ", ") + r.name;
    }
    return Status::InvalidArgument(std::string(what) + ": data type " + row_of(t).name +
                                   " is not implemented (this build computes " + implemented + ")");
}

}  // namespace sepconv::internal

namespace sepconv {

const char *to_string(DataType t) { return internal::row_of(t).name; }
bool parse_data_type(const std::string &name, DataType *type) {
    for (const internal::DataTypeRow &r : internal::kDataTypes) {
        if (name == r.name) {
            *type = r.type;
            return true;
        }
    }
    return false;
}
const char *to_string(DataFormat f) { return f == DataFormat::kNCHW ? "NCHW" : "NHWC"; }
const char *to_string(Padding p) {
    return p == Padding::kSame ? "SAME" : p == Padding::kValid ? "VALID" : "EXPLICIT";
}
const char *to_string(Activation a) {
    return a == Activation::kRelu ? "relu" : a == Activation::kRelu6 ? "relu6" : "none";
}
const char *to_string(Device d) {
    switch (d) {
    case Device::kAuto: return "auto";
    case Device::kCpu: return "CPU";
    case Device::kCuda: return "CUDA";
    case Device::kOpenCL: return "OpenCL";
    }
    return "unknown device";
}

}  // namespace sepconv

namespace sepconv {

uint16_t float_to_half(float value) {
    uint32_t x;
    std::memcpy(&x, &value, sizeof x);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return sign | 0x7e00u | static_cast<uint16_t>((ax >> 13) & 0x3ffu);  // NaN, quiet
    if (ax >= 0x477ff000u) return sign | 0x7c00u;  // 65520 and up round to infinity (65504 is the largest half)
    if (ax < 0x38800000u) {
        // Below 2^-14: a subnormal half, |value| / 2^-24 rounded to an integer (to nearest even, the
        // default rounding mode); 1024 is the smallest normal half, encoded the same way.
        const float scaled = std::fabs(value) * 16777216.0f;  // exact: a power-of-two scale
        return sign | static_cast<uint16_t>(std::nearbyint(scaled));
    }
    // Normal: rebias the exponent (127 -> 15), keep 10 mantissa bits, round the 13 dropped to
    // nearest even; a carry into the exponent is the right result (up to infinity).
    uint32_t half = (ax - 0x38000000u) >> 13;
    const uint32_t dropped = ax & 0x1fffu;
    if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u))) ++half;
    return sign | static_cast<uint16_t>(half);
}

float half_to_float(uint16_t bits) {
    const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1fu, mantissa = bits & 0x3ffu;
    uint32_t x;
    if (exponent == 0) {
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal, exact
        std::memcpy(&x, &magnitude, sizeof x);
        x |= sign;
    } else if (exponent == 31) {
        x = sign | 0x7f800000u | (mantissa << 13);  // infinity or NaN
    } else {
        x = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float value;
    std::memcpy(&value, &x, sizeof value);
    return value;
}

}  // namespace sepconv
