// The layout every variant reads the pointwise filter in, shared by the generator (which indexes
// it) and the runtime (which packs TF's [1, 1, C*M, Cout] into it, once per Layer).
//
// Blocks of kPackedWeightsBlock output channels, each block's C*M rows contiguous, in groups of G
// consecutive rows interleaved per channel (G = 1 for the float types; 4 for int8, whose groups of 4
// products one vpdpbusd or sdot sums per lane, and pmaddwd as two pairs: SepconvPipeline::Int8Dot):
//   packed[j][k / G][b][k % G] = TF[0][0][k][j * kPackedWeightsBlock + b],
// zero where j * B + b >= Cout or k >= C*M (the last group, padded).
// In TF's layout one output-channel block reads rows Cout floats apart (4 KiB at Cout = 1024: a new
// page and the same few cache sets for every row); packed, it streams 64-byte rows. 16 is a
// multiple of every vector width the schedules use (4, 8 and 16 floats), so a vector of output
// channels that starts at a multiple of its width never straddles two blocks.
#pragma once

namespace sepconv {

constexpr int kPackedWeightsBlock = 16;

// G above.
constexpr int packed_row_group(bool int8) { return int8 ? 4 : 1; }

}  // namespace sepconv
