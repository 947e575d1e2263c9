// One instruction set a schedule family compiles for, as the schedules and the tuner see it.
#pragma once

#include <string>

namespace sepconv {

struct Isa {
    std::string name;   // its configuration section: avx512, avx2, sse41, neon_dot_fp16, neon, cuda, opencl
    int lanes = 1;      // float32 lanes of one natural vector
    int registers = 0;  // architectural vector registers (0 on GPUs: not the schedule's limit)
    // A multiply-add of int16 pairs into int32 lanes (x86's pmaddwd): int8's 1x1 sums then
    // vectorize pairs of channels; otherwise (ARM's smlal) the pair's two products are two steps.
    bool pairwise_int16 = false;
};

}  // namespace sepconv
