// One instruction set a schedule family compiles for, as the schedules and the tuner see it.
#pragma once

#include <string>

namespace sepconv {

struct Isa {
    std::string name;   // its configuration section: avx512, avx2, sse41, neon_dot_fp16, neon, cuda, opencl
    int lanes = 1;      // float32 lanes of one natural vector
    int registers = 0;  // architectural vector registers (0 on GPUs: not the schedule's limit)
};

}  // namespace sepconv
