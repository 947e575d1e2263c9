#include "data_types.h"

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
