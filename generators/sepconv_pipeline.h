// The pieces of the separable-conv algorithm that a schedule needs to see.
//
// The generator (separable_conv2d_generator.cpp) defines the math once and fills this struct;
// the schedule that schedules/families.cpp assigns to the target's family (schedules/cpu/ or
// schedules/gpu/) receives it and decides loop order, tiling, vectorization and where the
// depthwise intermediate lives. Schedules never change the math.
#pragma once

#include "Halide.h"

namespace sepconv {

enum class Layout { NHWC, NCHW };

// How one step of int8's 1x1 sums multiplies a group of 4 depthwise channels into int32 lanes: a
// plain function of the target (the family's schedule picks it, cpu_schedule.h). In NHWC a vector
// holds output channels times the lanes of each channel's group (int8_lanes: 4, 2 or 1), which
// the sum adds at the end.
enum class Int8Dot {
    kColumns,  // NCHW: vectors of columns, one channel a step (widening multiply-adds)
    kLanes,    // a lane per channel of the group, widening multiply-adds (ARM's smlal)
    kPairs,    // a lane per pair of the group: two int16 products summed per lane (x86's pmaddwd)
    kQuadsU8,  // the whole group in a lane, four u8 x s8 products (VNNI's vpdpbusd): the depthwise
               // result offset by +128, which the sum removes as 128 times the channel's weight sum
    kQuadsS8,  // the whole group in a lane, four s8 x s8 products (ARM's sdot)
};

struct SepconvPipeline {
    Layout layout = Layout::NHWC;

    // Logical loop variables: c = input channel, m = multiplier index, co = output channel,
    // x/y = output column/row, n = batch.
    Halide::Var c{"c"}, m{"m"}, co{"co"}, x{"x"}, y{"y"}, n{"n"};

    // padded(c, x, y, n): the input in NHWC order, zero outside the image. Inlined into the
    // depthwise taps (a bounds select per tap) unless a schedule stores it.
    Halide::Func padded;

    // depthwise(m, c, x, y, n): pure init to zero, one update summing over kernel taps r_kernel and
    // a second applying the depthwise stage (bias, activation); or, with unrolled_taps (fixed
    // kernel sizes, when the schedule asks), one pure definition: the taps written out, then the
    // stage, and no r_kernel.
    Halide::Func depthwise;
    // True when the call has no depthwise stage (TF's op): the stage is then the identity, and a
    // schedule specializes the definition that holds it on this.
    Halide::Expr depthwise_plain;
    // Variants with a run-time multiplier M only (undefined otherwise): M == 1 at run time, where
    // one channel's taps are adjacent in the filter (TF's [kh, kw, C, M]: a vector load rather than
    // a gather) and depthwise channel k is input channel k. A schedule specializes on it.
    Halide::Expr single_multiplier;
    bool unrolled_taps = false;
    Halide::RDom r_kernel;  // r_kernel.x = kernel column, r_kernel.y = kernel row

    // pointwise_weights(co, k): the pointwise filter, row k = c * M + m, read from the runtime's
    // packed layout (packed_weights.h). Inlined into the pointwise sum.
    Halide::Func pointwise_weights;

    // pointwise(co, x, y, n): pure init to zero, one update summing over r_channel (m inner, c outer).
    // With flat_pixels it is pointwise(co, pixel, n), pixel = y * output_width + x, and reads
    // depthwise_flat(m, c, pixel, n) = depthwise(m, c, pixel % output_width, pixel / output_width, n)
    // (stored by the schedule: one division per pixel, not one per pixel of every register block).
    Halide::Func pointwise;
    bool flat_pixels = false;
    Halide::Var pixel{"pixel"};
    Halide::Func depthwise_flat;
    // With flat_pixels: flat_output(co, pixel, n) = pointwise plus bias and activation, which the
    // output reads at pixel = y * output_width + x. Inlined there unless a schedule stores it (to
    // tile the pixels of several rows as one run: the output's own x and y loops cannot).
    Halide::Func flat_output;
    Halide::RDom r_channel;  // r_channel.x = m, r_channel.y = c; int8: see depthwise_k

    // int8: the pointwise sums run over groups of 4 consecutive depthwise channels k = c * M + m
    // (the packed filter's row groups, packed_weights.h), read from depthwise_k(k, x, y, n) (or
    // (k, pixel, n) with flat_pixels): the depthwise result, padded with zero channels to whole
    // groups, in the type int8_dot multiplies. The sums are pointwise_groups(h, co, ...) over
    // r_channel (r_channel.x = the channel within lane h's part of the group, r_channel.y = the
    // group), h < int8_lanes; pointwise adds the lanes (and, for kQuadsU8, removes the offset). A
    // schedule stores depthwise_k beside the depthwise result and holds the register tile in
    // pointwise_groups.
    bool quantized = false;
    Int8Dot int8_dot = Int8Dot::kColumns;
    int int8_lanes = 1;
    Halide::Var k{"k"}, h{"h"};
    Halide::Func depthwise_k, pointwise_groups;
    // int8_weights(i, g, b): the packed filter (packed_weights.h: offset i in group g of block b) in
    // the type the dot product multiplies. Inlined (a widening at every use) unless a schedule stores
    // a weight block of it, widened once for all the pixel tiles that read the block.
    Halide::Func int8_weights;

    // float16 arithmetic (a target with native float16 FMAs): the pointwise sums run in float16 over
    // blocks of kHalfSumChannels input channels, pointwise_partial(co, x, y, n, b) with r_channel
    // covering block b, and pointwise (float32) adds the blocks over r_block. Undefined otherwise:
    // pointwise sums r_channel itself, in float32 or the element type.
    Halide::Func pointwise_partial;
    Halide::RDom r_block;
    static constexpr int kHalfSumChannels = 16;

    // The pipeline output; its dimension order follows `layout`:
    // NHWC -> (co, x, y, n), NCHW -> (x, y, co, n). Bias and activation are inlined into it.
    Halide::Func output;

    // True when the call has no activation: the epilogue is then only the bias (a schedule may
    // specialize the stage that holds the epilogue on it).
    Halide::Expr no_activation;

    // Compile-time facts a schedule may exploit; 0 means "known only at run time".
    int fixed_kernel_w = 0, fixed_kernel_h = 0;

    // Run-time extents a schedule may specialize on.
    Halide::Expr input_channels, output_channels, output_width, output_height;
};

}  // namespace sepconv
