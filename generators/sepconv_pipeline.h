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

    // int8: the pointwise sums run over pairs of consecutive depthwise channels k = c * M + m, so
    // that one vpmaddwd adds a pair's two int16 products: r_channel.x = the channel in the pair,
    // r_channel.y = the pair, read from depthwise_k(k, x, y, n) (or (k, pixel, n) with flat_pixels),
    // the depthwise result narrowed to int16 and padded with a zero channel to an even count.
    // A schedule stores depthwise_k beside the depthwise result and, where the ISA has a pairwise
    // multiply-add (Isa::pairwise_int16), vectorizes the pair atomically with the output channels.
    bool quantized = false;
    Halide::Var k{"k"};
    Halide::Func depthwise_k;

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

    // Run-time output extents a schedule may specialize on.
    Halide::Expr output_channels, output_width, output_height;
};

}  // namespace sepconv
