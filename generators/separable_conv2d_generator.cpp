// separable_conv2d: TensorFlow's tf.nn.separable_conv2d (plus Keras's optional bias + activation),
// or a MobileNet block (a depthwise bias and activation between the two convs as well), stated
// once. Schedules live apart in schedules/: the `target_family` param names the family
// (schedules/families.cpp), whose schedule and per-ISA configuration are chosen once per run.
//
// Shape contract (Halide dimension 0 is the innermost, i.e. the last TF dimension):
//   input             NHWC: (C, W, H, N)          NCHW: (W, H, C, N)
//   depthwise_filter  TF [kh, kw, C, M]  ->  (M, C, kw, kh)
//   pointwise_filter  TF [1, 1, C*M, Cout], packed by the runtime in blocks of kPackedWeightsBlock
//                     output channels and groups of G rows (packed_weights.h: G = 1, int8 4):
//                     (offset(b, k%G), k/G, j) = TF[0, 0, k, j*B + b], zero past Cout and C*M;
//                     extents (B*G, ceil(C*M / G), ceil(Cout / B))
//   bias              (Cout)                    zeros when the caller has no bias
//   depthwise_bias    (C*M), channel c*M + m    zeros when the caller has none
//   output            NHWC: (Cout, Wo, Ho, N)     NCHW: (Wo, Ho, Cout, N)
// Types: input and output are elem_type. The filters and bias are elem_type too, except in a
// float16 variant of a family that computes float16 in float32 (x86): there they are float32,
// widened once by the runtime, so that no weight is converted in the inner loops.
// int8 (TFLite's quantized scheme, its integer arithmetic to the bit): int8 tensors, int32 biases
// with the zero points folded in by the runtime (bias - zero_point * sum of the weights it
// multiplies: the input's for the depthwise bias, the intermediate's for the pointwise one), so
// the sums multiply the stored values alone; the padding is input_zero_point, which the fold
// cancels. depthwise_requant (C*M, 2) and pointwise_requant (Cout, 3) hold each channel's
// multiplier (row 0) and shift (row 1) from TFLite's QuantizeMultiplier, and pointwise_requant the
// sum of the channel's weights (row 2, read where the 1x1 offsets its operand: Int8Dot::kQuadsU8);
// each sum is requantized, offset by its zero point and clamped to [depthwise_min, depthwise_max]
// (the intermediate) or [output_min, output_max] (the output, then int8): the activations, in
// quantized units. Other types ignore these inputs (the runtime passes empty ones).
// Scalars: stride_h/w >= 1, dilation_h/w >= 1, pad_top/pad_left >= 0 (the bottom/right padding is
// implied by the output extent), activation 0 = none, 1 = relu, 2 = relu6, depthwise_epilogue
// 0 = none (TF's op), 1 = depthwise bias, 2 = bias then relu, 3 = bias then relu6 (kernel_args.h;
// int8 reads its activations from the clamp bounds instead).
// Every variant has this same signature; a specialized variant requires (and exploits) fixed
// values for some scalars and filter extents. The runtime checks all of this before calling.
#include <climits>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>

#include "Halide.h"
#include "kernel_args.h"
#include "packed_weights.h"
#include "families.h"
#include "cpu/cpu_schedule.h"
#include "schedule.h"
#include "sepconv_pipeline.h"

namespace sepconv {
namespace {

using namespace Halide;

// TFLite's MultiplyByQuantizedMultiplier (kernels/internal/common.h) with its double rounding, on
// int32 x: SaturatingRoundingDoublingHighMul(x * 2^max(shift, 0), multiplier), then
// RoundingDivideByPOT by max(-shift, 0): the first rounds ties toward +infinity, the second away
// from zero, exactly as TFLite's code does. Two forms of the same arithmetic, by what the target has.
//
// ARM has TFLite's doubling high multiply as one instruction (sqrdmulh: Halide's
// rounding_mul_shift_right by 31, saturation included) and a rounding shift (srshl), which rounds
// ties up: TFLite's NEON code first moves a negative value down by one, so that its ties round away
// from zero, and so does this (9 instructions a vector of 4 where the 64-bit form takes 16).
bool has_rounding_doubling_high_mul(const Target &target) { return target.arch == Target::ARM; }

Expr multiply_by_quantized_multiplier(Expr x, Expr multiplier, Expr shift, const Target &target) {
    const Expr left = max(shift, 0), right = max(-shift, 0);
    const Expr a = x * (cast<int32_t>(1) << left);
    if (has_rounding_doubling_high_mul(target)) {
        const Expr high = rounding_mul_shift_right(a, multiplier, 31);
        // -1 where high < 0 and right > 0 (-right has its sign bit set): TFLite's fix-up.
        const Expr fixup = (high & (0 - right)) >> 31;
        return rounding_shift_right(saturating_add(high, fixup), right);
    }
    // Elsewhere (x86 has no such multiply) a 64-bit product: TFLite nudges it by 2^30 (1 - 2^30 when
    // negative) and divides by 2^31 truncating toward zero; for a negative product that truncation
    // is the floor of the product plus 2^30, as for a positive one. So: (a*b + 2^30) >> 31. TFLite
    // saturates the one case that overflows, INT32_MIN squared; QuantizeMultiplier's multipliers lie
    // in [0, 2^31), where the result always fits int32, so the cast truncates nothing.
    // The nudge is written as min(multiplier, 0) + 2^30 (= 2^30) so that Halide does not see a
    // rounding shift: its lowering of that on 64-bit vectors is twice as long as the plain
    // multiply (vpmuldq), add and shift.
    const Expr ab = cast<int64_t>(a) * cast<int64_t>(multiplier);
    const Expr nudge = cast<int64_t>(min(multiplier, 0) + (1 << 30));
    const Expr high = cast<int32_t>((ab + nudge) >> 31);
    // Divide by 2^right, rounding half away from zero.
    // (right <= 31: 2^31 - 1 fits, computed in uint32 rather than in 64-bit vectors.)
    const Expr mask = cast<int32_t>((cast<uint32_t>(1) << cast<uint32_t>(right)) - 1);
    const Expr threshold = (mask >> 1) + select(high < 0, 1, 0);
    return (high >> right) + select((high & mask) > threshold, 1, 0);
}

class SeparableConv2D : public Generator<SeparableConv2D> {
public:
    GeneratorParam<Type> elem_type{"elem_type", Float(32)};
    GeneratorParam<Layout> layout{"layout", Layout::NHWC, {{"nhwc", Layout::NHWC}, {"nchw", Layout::NCHW}}};
    // 0 = taken at run time; > 0 = fixed at compile time (the specialized variants).
    GeneratorParam<int> kernel_h{"kernel_h", 0}, kernel_w{"kernel_w", 0};
    GeneratorParam<int> stride_h_fixed{"stride_h", 0}, stride_w_fixed{"stride_w", 0};
    GeneratorParam<int> dilation_h_fixed{"dilation_h", 0}, dilation_w_fixed{"dilation_w", 0};
    GeneratorParam<int> multiplier{"multiplier", 0};
    GeneratorParam<std::string> target_family{"target_family", "x86"};
    // One configuration per ISA, "isa.knob:value,..." (schedules/families.h); "" = the defaults.
    GeneratorParam<std::string> tunables{"tunables", ""};
    // Scalar inputs fixed at compile time, "name:value,..." by the Inputs' names (the JIT tier's
    // kernels, specialized to one call); each still is an argument, required to equal its value.
    GeneratorParam<std::string> constants{"constants", ""};

    Input<Buffer<void, 4>> input{"input"};
    Input<Buffer<void, 4>> depthwise_filter{"depthwise_filter"};
    Input<Buffer<void, 3>> pointwise_filter{"pointwise_filter"};
    Input<Buffer<void, 1>> bias{"bias"};
    Input<Buffer<void, 1>> depthwise_bias{"depthwise_bias"};
    Input<int32_t> stride_h{"stride_h_in"}, stride_w{"stride_w_in"};
    Input<int32_t> dilation_h{"dilation_h_in"}, dilation_w{"dilation_w_in"};
    Input<int32_t> pad_top{"pad_top"}, pad_left{"pad_left"};
    Input<int32_t> activation{"activation"};
    Input<int32_t> depthwise_epilogue{"depthwise_epilogue"};
    // int8's quantization (see the contract above).
    Input<Buffer<int32_t, 2>> depthwise_requant{"depthwise_requant"}, pointwise_requant{"pointwise_requant"};
    Input<int32_t> input_zero_point{"input_zero_point"}, intermediate_zero_point{"intermediate_zero_point"};
    Input<int32_t> output_zero_point{"output_zero_point"};
    Input<int32_t> depthwise_min{"depthwise_min"}, depthwise_max{"depthwise_max"};
    Input<int32_t> output_min{"output_min"}, output_max{"output_max"};
    Output<Buffer<void, 4>> output{"output"};

    void configure() {
        const Type t = elem_type;
        if (t != Float(32) && t != Float(16) && t != Int(8)) fail("separable_conv2d: elem_type must be float32, float16 or int8");
        const Family *family = find_family(target_family);
        if (family == nullptr) fail("unknown target_family '" + std::string(target_family) + "'");
        const Type weights = t == Float(16) && !family->f16_weights() ? Float(32) : t;
        const Type biases = t == Int(8) ? Int(32) : weights;
        input.set_type(t);
        depthwise_filter.set_type(weights);
        pointwise_filter.set_type(weights);
        bias.set_type(biases);
        depthwise_bias.set_type(biases);
        output.set_type(t);
    }

    void generate() {
        SepconvPipeline p;
        p.layout = layout;
        // The family's schedule for this target: what it wants of the algorithm's form, then
        // (unless an autoscheduler schedules the pipeline) the schedule itself.
        ScheduleChoice schedule;
        std::string error;
        if (!choose_schedule(target_family, p.layout, tunables, get_target(), &schedule, &error)) fail(error);
        const bool nchw = p.layout == Layout::NCHW;
        if (!parse_constants(&error)) fail(error);
        const Expr pad_top = scalar(this->pad_top), pad_left = scalar(this->pad_left);
        const Expr activation = scalar(this->activation), depthwise_epilogue = scalar(this->depthwise_epilogue);
        const Expr input_zero_point = scalar(this->input_zero_point);
        const Expr intermediate_zero_point = scalar(this->intermediate_zero_point);
        const Expr output_zero_point = scalar(this->output_zero_point);
        const Expr depthwise_min = scalar(this->depthwise_min), depthwise_max = scalar(this->depthwise_max);
        const Expr output_min = scalar(this->output_min), output_max = scalar(this->output_max);
        // The arithmetic's type: float16 is computed in float32 unless the target has float16 FMAs.
        const bool half_arithmetic = elem_type == Float(16) && schedule.f16_arithmetic;
        const Type arith = elem_type == Float(16) && !half_arithmetic ? Float(32) : Type(elem_type);
        // int8: the values are read as int16 (operand) and multiplied into int32 sums (widening
        // multiplies, which x86 does with pmaddwd and ARM with smlal).
        const bool quantized = elem_type == Int(8);
        const Type operand = quantized ? Int(16) : arith;
        const Type acc = quantized ? Int(32) : arith;
        auto multiply = [&](Expr a, Expr b) { return quantized ? cast(acc, a) * cast(acc, b) : a * b; };
        Var c = p.c, m = p.m, co = p.co, x = p.x, y = p.y, n = p.n;

        // Fixed values replace the run-time scalars, so the specialized variants get constant
        // strides, taps and loop extents.
        Expr sh = fixed_or(stride_h_fixed, scalar(stride_h)), sw = fixed_or(stride_w_fixed, scalar(stride_w));
        Expr dh = fixed_or(dilation_h_fixed, scalar(dilation_h)), dw = fixed_or(dilation_w_fixed, scalar(dilation_w));
        Expr kh = fixed_or(kernel_h, depthwise_filter.dim(3).extent());
        Expr kw = fixed_or(kernel_w, depthwise_filter.dim(2).extent());
        Expr mult = fixed_or(multiplier, depthwise_filter.dim(0).extent());
        p.fixed_kernel_h = kernel_h;
        p.fixed_kernel_w = kernel_w;
        // The filter is dense (the runtime passes TF's [kh, kw, C, M] as is): with M known, one
        // channel's taps are then a plain vector load instead of a gather with a run-time stride.
        if (multiplier > 0) depthwise_filter.dim(1).set_stride(multiplier);
        if (multiplier == 0) {
            p.single_multiplier = depthwise_filter.dim(0).extent() == 1 && depthwise_filter.dim(1).stride() == 1;
        }
        // Every buffer starts at 0 (the runtime wraps dense tensors): output-channel blocks then start
        // at multiples of the block size, which is what keeps a vector of channels inside one packed
        // block of the pointwise filter (a dense load, not a gather).
        for (int d = 0; d < 4; ++d) output.dim(d).set_min(0);
        for (int d = 0; d < 3; ++d) pointwise_filter.dim(d).set_min(0);

        const int in_c = nchw ? 2 : 0, in_w = nchw ? 0 : 1, in_h = 1 + (nchw ? 0 : 1);
        Expr channels = input.dim(in_c).extent();
        Expr width = input.dim(in_w).extent(), height = input.dim(in_h).extent();

        // Logical NHWC view of the input, zero outside the image rows and columns only.
        Func in_logical("in_logical");
        if (nchw) {
            in_logical(c, x, y, n) = cast(operand, input(x, y, c, n));
        } else {
            in_logical(c, x, y, n) = cast(operand, input(c, x, y, n));
        }
        // The padding: zero, or int8's input zero point (a real zero).
        const Expr pad_value = quantized ? cast(operand, input_zero_point) : cast(operand, 0);
        // Rows and columns are bounded separately, columns outermost: loop partitioning then drops the
        // column test from the interior of a row, and the row test left is the same for the whole
        // row (one combined test per tap would stay in every iteration).
        Func rows_padded = BoundaryConditions::constant_exterior(
            in_logical, pad_value, {{Expr(), Expr()}, {Expr(), Expr()}, {0, height}, {Expr(), Expr()}});
        Func padded = BoundaryConditions::constant_exterior(
            rows_padded, pad_value, {{Expr(), Expr()}, {0, width}, {Expr(), Expr()}, {Expr(), Expr()}});
        p.padded = padded;

        // Depthwise: out channel (c, m) of pixel (x, y) = taps of input channel c. With a fixed kernel
        // size the schedule may ask for the taps written out (unrolled_taps): each row's taps summed,
        // then the rows, a dependency chain of kw + kh - 1 operations where the loop's is kh * kw (36
        // FMA latencies a pixel for 3x3, which a 7- or 14-wide row cannot hide). Otherwise a loop
        // over the taps.
        auto tap = [&](Expr kx, Expr ky) {
            return multiply(padded(c, x * sw + kx * dw - pad_left, y * sh + ky * dh - pad_top, n),
                            cast(operand, depthwise_filter(m, c, kx, ky)));
        };
        // The depthwise stage of a MobileNet block: bias, then relu or relu6 (the same strict clamp as
        // the output's epilogue, below). TF's op has none (depthwise_plain): the schedules specialize
        // on it, and there the pointwise conv reads the raw sums.
        // int8: always the requantization to the intermediate's scale, zero point and clamp.
        p.depthwise_plain = depthwise_epilogue == 0;
        auto depthwise_stage = [&](Expr sum) {
            const Expr ch = c * mult + m;
            if (quantized) {
                Expr q = multiply_by_quantized_multiplier(sum + depthwise_bias(ch), depthwise_requant(ch, 0),
                                                          depthwise_requant(ch, 1), get_target());
                return clamp(q + intermediate_zero_point, depthwise_min, depthwise_max);
            }
            Expr v = sum + cast(arith, depthwise_bias(ch));
            const Expr zero = cast(arith, 0);
            const Expr inf = Halide::Internal::make_const(arith, std::numeric_limits<double>::infinity());
            const Expr hi = select(depthwise_epilogue == 3, cast(arith, 6), inf);
            Expr clamped = strict_float(select(v < zero, zero, select(hi < v, hi, v)));
            return select(p.depthwise_plain, sum, select(depthwise_epilogue == 1, v, clamped));
        };
        p.depthwise = Func("depthwise");
        p.unrolled_taps = kernel_h > 0 && kernel_w > 0 && schedule.unrolled_taps;
        if (p.unrolled_taps) {
            Expr sum;
            for (int ky = 0; ky < kernel_h; ++ky) {
                Expr row = tap(0, ky);
                for (int kx = 1; kx < kernel_w; ++kx) row += tap(kx, ky);
                sum = sum.defined() ? sum + row : row;
            }
            p.depthwise(m, c, x, y, n) = depthwise_stage(sum);
        } else {
            p.r_kernel = RDom(0, kw, 0, kh, "r_kernel");
            p.depthwise(m, c, x, y, n) = cast(acc, 0);
            p.depthwise(m, c, x, y, n) += tap(p.r_kernel.x, p.r_kernel.y);
            p.depthwise(m, c, x, y, n) = depthwise_stage(p.depthwise(m, c, x, y, n));
        }

        const int out_c = nchw ? 2 : 0, out_w = nchw ? 0 : 1, out_h = nchw ? 1 : 2;
        p.input_channels = channels;
        p.output_channels = output.dim(out_c).extent();
        p.output_width = output.dim(out_w).extent();
        p.output_height = output.dim(out_h).extent();

        // Pointwise: 1x1 conv over the C*M depthwise channels, ordered c-major as TF flattens them.
        // Indexed by (x, y), or, when the CPU schedule asks for it (tile_rows > 0), by the flat
        // pixel y * Wo + x, so that a register block of pixels may run on into the next row: a
        // 7-wide row then leaves no part of a 3-pixel block idle (cpu_schedule.cpp).
        p.flat_pixels = schedule.flat_pixels;
        p.r_channel = RDom(0, mult, 0, channels, "r_channel");
        RVar rm = p.r_channel.x, rc = p.r_channel.y;
        // A schedule that computes register tiles past the last output channel (values never
        // stored) reads the filter there clamped, in bounds.
        Expr co_read = schedule.past_last_channel ? min(co, p.output_channels - 1) : Expr(co);
        Var k("k");
        p.pointwise_weights = Func("pointwise_weights");
        // A vector of output channels that starts at a multiple of its width lies within one packed block
        // (every vector width divides kPackedWeightsBlock), so it is one dense load.
        // A schedule may compute a whole register block past the last output channel (values never
        // stored): the block index is clamped to the last packed block, so those reads stay in bounds.
        Expr last_block = pointwise_filter.dim(2).extent() - 1;
        p.pointwise_weights(co, k) = cast(
            operand, pointwise_filter(co_read % kPackedWeightsBlock, k, min(co_read / kPackedWeightsBlock, last_block)));
        p.pointwise = Func("pointwise");
        // Epilogue: bias then activation, as Keras's SeparableConv2D applies them. Without an
        // activation the epilogue is the bias alone (the CPU schedules specialize on
        // p.no_activation: TF's op itself has none, and the clamp is 3 of the epilogue's 4 vector ops
        // a value). relu and relu6 are one clamp to [0, hi], hi chosen once per call (a select
        // between the activations computed all of them and blended: 7 vector ops a value, which
        // spilled registers). The compares are strict (IEEE): a NaN fails both
        // and passes through, as in TF; with Halide's default fast math, max/min turned a NaN into a
        // bound (special_values_test).
        // The sums are float32 unless the element type is narrower and computed as such (float16
        // arithmetic sums its blocks in float32: see below); the output rounds once, at the end.
        // int8: the bias, the requantization to the output's scale, its zero point and clamp.
        const Type sum_type = half_arithmetic ? Float(32) : acc;
        const Expr zero = cast(sum_type, 0);
        const Expr inf = quantized ? Expr() : Halide::Internal::make_const(sum_type, std::numeric_limits<double>::infinity());
        const Expr hi = quantized ? Expr() : select(activation == 2, cast(sum_type, 6), inf);
        p.no_activation = activation == 0;
        auto epilogue = [&](Expr sum) {
            if (quantized) {
                Expr q = multiply_by_quantized_multiplier(sum + bias(co), pointwise_requant(co, 0), pointwise_requant(co, 1),
                                                          get_target());
                // The bounds lie in int8's range (a requirement), so saturating first changes
                // nothing and lets the clamp run on packed int8 vectors (a quarter of the operations).
                return clamp(saturating_cast(elem_type, q + output_zero_point), cast(elem_type, output_min),
                             cast(elem_type, output_max));
            }
            Expr v = sum + cast(sum_type, bias(co));
            return cast(elem_type,
                        select(p.no_activation, v, strict_float(select(v < zero, zero, select(hi < v, hi, v)))));
        };
        // One output pixel's pointwise sum over the C*M depthwise channels, reading depthwise(m, c).
        // With float16 arithmetic, sums of kHalfSumChannels channels run in float16 (native FMAs) and
        // the blocks add up in float32: a rounding error of float16 then weighs on at most 16 * M
        // products and the kernel's taps, not on all C*M (1024 in MobileNet's last layers).
        auto define_pointwise = [&](const std::vector<Var> &at, const std::function<Expr(Expr, Expr)> &depthwise_at) {
            if (quantized) {
                // Groups of G channels, in the form the target's dot product takes (SepconvPipeline::Int8Dot).
                // Under the pairs order (packed_weights.h) a group is two halves of 2 rows, each one
                // step of the sum; otherwise one step of G / H rows for each of H lanes.
                const int G = packed_row_group(true), B = kPackedWeightsBlock;
                const Int8Dot form = schedule.int8_dot;
                const bool pairs = cpu::int8_pairs_order(get_target());
                const int H = form == Int8Dot::kLanes ? G : 1, halves = pairs ? 2 : 1, per_step = G / H / halves;
                const bool offset = form == Int8Dot::kQuadsU8;  // +128: the unsigned operand
                const Type k_type = offset ? UInt(8) : form == Int8Dot::kQuadsS8 ? Int(8) : Int(16);
                const Type w_type = k_type.bits() == 8 ? Int(8) : Int(16);
                const Expr K = channels * mult;
                std::vector<Var> k_at = at;
                k_at[0] = p.k;
                // Channels past K (the last group's padding) read the last one, and are replaced: the
                // clamp is `likely` in range, so the loop's steady state reads a plain vector.
                const Expr kk = min(likely(p.k), K - 1);
                p.quantized = true;
                p.int8_dot = form;
                p.int8_lanes = H;
                p.depthwise_k = Func("depthwise_k");
                const Expr value = depthwise_at(kk % mult, kk / mult) + (offset ? 128 : 0);
                p.depthwise_k(k_at) = cast(k_type, select(p.k < K, value, offset ? 128 : 0));
                RDom r(0, per_step, 0, halves, 0, (K + G - 1) / G, "r_group");
                p.r_channel = r;
                const Expr in_group = (p.h * halves + r.y) * per_step + r.x;
                std::vector<Expr> k_of(at.begin(), at.end());
                k_of[0] = r.z * G + in_group;
                // packed_int8_offset(co % B, in_group), written so that a vector over (in_group, co)
                // (quads) or over (r.x, co) (pairs) is one ramp.
                const Expr row_offset = pairs ? r.y * (2 * B) + (co_read * 2 + r.x) % (2 * B)
                                              : (co_read * G + in_group) % (B * G);
                Var wi("wi"), wg("wg"), wb("wb");
                p.int8_weights = Func("int8_weights");
                p.int8_weights(wi, wg, wb) = cast(w_type, pointwise_filter(wi, wg, wb));
                const Expr w = p.int8_weights(row_offset, r.z, min(co_read / B, last_block));
                std::vector<Var> h_at{p.h};
                h_at.insert(h_at.end(), at.begin(), at.end());
                p.pointwise_groups = Func("pointwise_groups");
                p.pointwise_groups(h_at) = cast(acc, 0);
                p.pointwise_groups(h_at) += multiply(p.depthwise_k(k_of), w);
                Expr sum;
                for (int lane = 0; lane < H; ++lane) {
                    std::vector<Expr> at_lane{lane};
                    at_lane.insert(at_lane.end(), at.begin(), at.end());
                    sum = sum.defined() ? sum + p.pointwise_groups(at_lane) : p.pointwise_groups(at_lane);
                }
                // Row 2 of pointwise_requant: the channel's weight sum.
                if (offset) sum -= 128 * pointwise_requant(co, 2);
                p.pointwise(at) = sum;
                return;
            }
            if (!half_arithmetic) {
                p.pointwise(at) = cast(sum_type, 0);
                p.pointwise(at) += depthwise_at(rm, rc) * p.pointwise_weights(co, rc * mult + rm);
                return;
            }
            const int B = SepconvPipeline::kHalfSumChannels;
            Var b("b");
            std::vector<Var> in_block = at;
            in_block.push_back(b);
            RDom r(0, mult, 0, B, "r_channel");
            Expr ch = b * B + r.y;
            r.where(ch < channels);
            p.r_channel = r;
            p.pointwise_partial = Func("pointwise_partial");
            p.pointwise_partial(in_block) = cast(arith, 0);
            // The predicate trims the last block's loop, but bounds inference reads the whole
            // block: the clamp keeps the inferred reads of the input and filter in bounds.
            Expr in_range = min(ch, channels - 1);
            p.pointwise_partial(in_block) += depthwise_at(r.x, in_range) * p.pointwise_weights(co, in_range * mult + r.x);
            p.r_block = RDom(0, (channels + B - 1) / B, "r_block");
            std::vector<Expr> block_of(at.begin(), at.end());
            block_of.push_back(p.r_block.x);
            p.pointwise(at) = cast(sum_type, 0);
            p.pointwise(at) += cast(sum_type, p.pointwise_partial(block_of));
        };
        if (p.flat_pixels) {
            Var pixel = p.pixel;
            p.depthwise_flat = Func("depthwise_flat");
            p.depthwise_flat(m, c, pixel, n) = p.depthwise(m, c, pixel % p.output_width, pixel / p.output_width, n);
            define_pointwise({co, pixel, n}, [&](Expr mm, Expr cc) { return p.depthwise_flat(mm, cc, pixel, n); });
            p.flat_output = Func("flat_output");
            p.flat_output(co, pixel, n) = epilogue(p.pointwise(co, pixel, n));
            output(co, x, y, n) = p.flat_output(co, y * p.output_width + x, n);
        } else {
            define_pointwise({co, x, y, n}, [&](Expr mm, Expr cc) { return p.depthwise(mm, cc, x, y, n); });
            if (nchw) {
                output(x, y, co, n) = epilogue(p.pointwise(co, x, y, n));
            } else {
                output(co, x, y, n) = epilogue(p.pointwise(co, x, y, n));
            }
        }
        p.output = output;

        add_requirements(channels, mult, kh, kw, nchw);

        if (!using_autoscheduler()) schedule.apply(p);
    }

private:
    [[noreturn]] static void fail(const std::string &message) { throw CompileError(message); }
    static Expr fixed_or(int fixed, Expr runtime) { return fixed > 0 ? Expr(fixed) : runtime; }

    std::map<std::string, int32_t> constant_values;
    bool parse_constants(std::string *error) {
        KnobItems items;
        if (!parse_knob_items(constants, &items, error)) return false;
        for (const auto &[name, value] : items) {
            bool known = false;
            for (const char *n : kKernelScalarNames) known = known || name == n;
            char *end = nullptr;
            const long v = std::strtol(value.c_str(), &end, 10);
            if (!known || value.empty() || *end != '\0' || v < INT32_MIN || v > INT32_MAX) {
                *error = "constants: '" + name + ":" + value + "' is not a scalar input and an int32 value";
                return false;
            }
            constant_values[name] = static_cast<int32_t>(v);
        }
        return true;
    }
    // In kKernelScalarNames' order (kernel_args.h).
    std::vector<const Input<int32_t> *> scalar_inputs() const {
        return {&stride_h, &stride_w, &dilation_h, &dilation_w, &pad_top, &pad_left, &activation,
                &depthwise_epilogue, &input_zero_point, &intermediate_zero_point, &output_zero_point,
                &depthwise_min, &depthwise_max, &output_min, &output_max};
    }
    // A scalar input's value in the algorithm: its constant when one is given.
    Expr scalar(const Input<int32_t> &in) const {
        const std::vector<const Input<int32_t> *> inputs = scalar_inputs();
        for (size_t i = 0; i < inputs.size(); ++i) {
            auto it = constant_values.find(kKernelScalarNames[i]);
            if (inputs[i] == &in && it != constant_values.end()) return Expr(it->second);
        }
        return Expr(in);
    }

    // The runtime validates every argument before calling; these requirements restate the contract
    // so that a caller who bypasses the runtime gets an error status instead of a wild read.
    void add_requirements(Expr channels, Expr mult, Expr kh, Expr kw, bool nchw) {
        const int out_c = nchw ? 2 : 0;
        add_requirement(stride_h >= 1 && stride_w >= 1, "strides must be >= 1");
        add_requirement(dilation_h >= 1 && dilation_w >= 1, "dilations must be >= 1");
        add_requirement(pad_top >= 0 && pad_left >= 0, "padding must be >= 0");
        add_requirement(activation >= 0 && activation <= 2, "activation must be 0, 1 or 2");
        add_requirement(depthwise_epilogue >= 0 && depthwise_epilogue <= 3, "depthwise_epilogue must be 0 to 3");
        add_requirement(depthwise_bias.dim(0).extent() == channels * mult, "depthwise_bias must have C * M entries");
        if (Type(elem_type) == Int(8)) {
            add_requirement(depthwise_epilogue != 0, "int8 always requantizes its depthwise result");
            add_requirement(depthwise_requant.dim(0).extent() == channels * mult && depthwise_requant.dim(1).extent() == 2,
                            "depthwise_requant must be (C * M, 2)");
            add_requirement(pointwise_requant.dim(0).extent() == output.dim(out_c).extent() &&
                                pointwise_requant.dim(1).extent() == 3,
                            "pointwise_requant must be (Cout, 3)");
            add_requirement(output_min >= -128 && output_min <= output_max && output_max <= 127,
                            "output_min and output_max must lie in [-128, 127], in order");
        }
        add_requirement(depthwise_filter.dim(1).extent() == channels,
                        "depthwise_filter channels must equal input channels");
        add_requirement(depthwise_filter.dim(0).extent() == mult &&
                            depthwise_filter.dim(2).extent() == kw && depthwise_filter.dim(3).extent() == kh,
                        "depthwise_filter extents do not match this variant");
        Expr out_channels = output.dim(out_c).extent();
        const int G = packed_row_group(Type(elem_type) == Int(8));
        add_requirement(pointwise_filter.dim(0).extent() == kPackedWeightsBlock * G,
                        "pointwise_filter must be packed in blocks of ", kPackedWeightsBlock, " output channels");
        add_requirement(pointwise_filter.dim(1).extent() == (channels * mult + G - 1) / G,
                        "pointwise_filter rows must equal C * M (in groups of ", G, ")");
        add_requirement(pointwise_filter.dim(2).extent() == (out_channels + kPackedWeightsBlock - 1) / kPackedWeightsBlock,
                        "pointwise_filter must hold ceil(output channels / ", kPackedWeightsBlock, ") blocks");
        add_requirement(bias.dim(0).extent() == output.dim(out_c).extent(), "bias must have Cout entries");
        const std::vector<const Input<int32_t> *> inputs = scalar_inputs();
        for (size_t i = 0; i < inputs.size(); ++i) {
            auto it = constant_values.find(kKernelScalarNames[i]);
            if (it != constant_values.end()) {
                add_requirement(*inputs[i] == it->second, "this kernel requires ", it->first, " = ", it->second);
            }
        }
        for (auto [fixed, runtime] : {std::pair<int, Expr>{stride_h_fixed, stride_h},
                                      {stride_w_fixed, stride_w},
                                      {dilation_h_fixed, dilation_h},
                                      {dilation_w_fixed, dilation_w}}) {
            if (fixed > 0) add_requirement(runtime == fixed, "this variant requires a fixed stride/dilation of ", fixed);
        }
    }
};

}  // namespace
}  // namespace sepconv

HALIDE_REGISTER_GENERATOR(sepconv::SeparableConv2D, separable_conv2d)
