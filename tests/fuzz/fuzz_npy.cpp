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
        // of its type (float32, float16 bits or int8), and the other buffers are empty.
        int64_t count = 1;
        for (int64_t d : array.shape) count *= d;
        const size_t f32 = array.data.size(), f16 = array.half.size(), i8 = array.i8.size();
        const size_t held = array.type == sepconv::DataType::kFloat16 ? f16 : array.type == sepconv::DataType::kInt8 ? i8 : f32;
        if (count != static_cast<int64_t>(held) || f32 + f16 + i8 != held) std::abort();
    } else if (s.message.empty()) {
        std::abort();  // every refusal says why
    }
    return 0;
}
