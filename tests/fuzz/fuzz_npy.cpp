// libFuzzer target: the .npy reader on arbitrary bytes. It must return a Status for every input,
// never crash, read out of bounds, or allocate more than the bytes present justify.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sepconv::npy::Array array;
    sepconv::Status s = sepconv::npy::parse(data, size, &array, /*max_data_bytes=*/1 << 20);
    if (s.ok()) {
        // A parsed array is self-consistent: its element count matches its shape, in the buffer
        // of its type (float16 bits, or float32), and the other buffer is empty.
        int64_t count = 1;
        for (int64_t d : array.shape) count *= d;
        const bool half = array.type == sepconv::DataType::kFloat16;
        const size_t held = half ? array.half.size() : array.data.size(), other = half ? array.data.size() : array.half.size();
        if (count != static_cast<int64_t>(held) || other != 0) std::abort();
    } else if (s.message.empty()) {
        std::abort();  // every refusal says why
    }
    return 0;
}
