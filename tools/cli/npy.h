// NumPy .npy files: float32 (float64 is converted to it), float16 and int8, C order, little-endian. The reader trusts
// nothing in the file: every header field and every size is checked against the bytes present.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sepconv/sepconv.h"

namespace sepconv::npy {

struct Array {
    std::vector<int64_t> shape;
    DataType type = DataType::kFloat32;
    std::vector<float> data;   // float32
    std::vector<uint16_t> half;  // float16 (IEEE binary16 bits)
    std::vector<int8_t> i8;      // int8
    bool converted_from_float64 = false;

    const void *bytes() const {
        if (type == DataType::kFloat16) return half.data();
        if (type == DataType::kInt8) return i8.data();
        return data.data();
    }
};

// The largest array data read() accepts unless told otherwise: a header can claim any size, and
// nothing is allocated for a file before its size is checked against this.
constexpr int64_t kDefaultMaxDataBytes = int64_t(1) << 30;  // 1 GiB

// Parses a whole .npy image held in memory (what read() and the fuzzer call).
Status parse(const uint8_t *bytes, size_t size, Array *out, int64_t max_data_bytes = kDefaultMaxDataBytes);
Status read(const std::string &path, Array *out, int64_t max_data_bytes = kDefaultMaxDataBytes);
// Writes through a temporary file and a rename, so a failed write leaves no partial output.
Status write(const std::string &path, const std::vector<int64_t> &shape, const float *data);
Status write(const std::string &path, const std::vector<int64_t> &shape, DataType type, const void *data);

}  // namespace sepconv::npy
