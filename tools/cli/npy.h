// NumPy .npy files: float32 (float64 is converted), C order, little-endian. The reader trusts
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
    std::vector<float> data;
    bool converted_from_float64 = false;
};

// Parses a whole .npy image held in memory (what read() and the fuzzer call).
Status parse(const uint8_t *bytes, size_t size, Array *out);
Status read(const std::string &path, Array *out);
// Writes through a temporary file and a rename, so a failed write leaves no partial output.
Status write(const std::string &path, const std::vector<int64_t> &shape, const float *data);

}  // namespace sepconv::npy
