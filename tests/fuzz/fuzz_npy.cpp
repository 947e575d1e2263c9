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
        // A parsed array is self-consistent: its element count matches its shape.
        int64_t count = 1;
        for (int64_t d : array.shape) count *= d;
        if (count != static_cast<int64_t>(array.data.size())) std::abort();
    } else if (s.message.empty()) {
        std::abort();  // every refusal says why
    }
    return 0;
}
