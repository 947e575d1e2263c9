// The sweep's cases: every edge the kernels must get right, stated once for every suite that
// sweeps (through each variant, through automatic selection, through each ISA).
#pragma once

#include <vector>

#include "naive_reference.h"

namespace sepconv_test {

inline ConvCase make(int64_t n, int64_t h, int64_t w, int64_t c, int64_t cout, int64_t kh, int64_t kw, int64_t sh,
              int64_t sw, Pad pad) {
    ConvCase k;
    k.n = n, k.h = h, k.w = w, k.c = c, k.cout = cout, k.kh = kh, k.kw = kw, k.sh = sh, k.sw = sw, k.pad = pad;
    return k;
}
inline ConvCase with_dilation(ConvCase k, int64_t dh, int64_t dw) { return k.dh = dh, k.dw = dw, k; }
inline ConvCase with_multiplier(ConvCase k, int64_t m) { return k.m = m, k; }
inline ConvCase with_epilogue(ConvCase k, int activation) { return k.bias = true, k.activation = activation, k; }
// A MobileNet block: a depthwise bias and activation too.
inline ConvCase with_block(ConvCase k, int depthwise_activation, int activation) {
    k.depthwise_bias = true, k.depthwise_activation = depthwise_activation;
    return with_epilogue(k, activation);
}
inline ConvCase with_explicit(ConvCase k, int64_t t, int64_t b, int64_t l, int64_t r) {
    k.pad = Pad::kExplicit, k.pad_top = t, k.pad_bottom = b, k.pad_left = l, k.pad_right = r;
    return k;
}

// NHWC cases; each also runs as NCHW. Channel counts deliberately avoid multiples of 8/16 except
// where a full register block is wanted.
inline const std::vector<ConvCase> &nhwc_cases() {
    static const std::vector<ConvCase> cases = {
        // 3x3, stride 1 and 2, M = 1: the specialized variants' home ground.
        make(1, 7, 7, 8, 16, 3, 3, 1, 1, Pad::kSame),
        with_epilogue(make(1, 9, 11, 13, 29, 3, 3, 1, 1, Pad::kSame), 1),
        make(2, 8, 8, 3, 5, 3, 3, 2, 2, Pad::kSame),
        with_epilogue(make(1, 7, 9, 17, 33, 3, 3, 2, 2, Pad::kSame), 2),
        make(3, 5, 6, 24, 40, 3, 3, 1, 1, Pad::kValid),
        make(1, 1, 1, 7, 9, 3, 3, 1, 1, Pad::kSame),     // 1x1 image
        make(1, 1, 13, 5, 11, 3, 3, 2, 2, Pad::kSame),   // 1xW image
        make(1, 6, 1, 8, 8, 3, 3, 1, 1, Pad::kSame),     // Hx1 image
        make(1, 3, 3, 1, 1, 3, 3, 1, 1, Pad::kValid),    // 1x1 output, one channel
        make(1, 12, 12, 32, 64, 3, 3, 2, 2, Pad::kSame), // full register blocks
        make(2, 5, 6, 16, 64, 3, 3, 1, 1, Pad::kSame),   // and at stride 1, in whole int8 registers
        with_epilogue(make(2, 10, 7, 48, 100, 3, 3, 1, 1, Pad::kSame), 1),
        make(1, 1, 1, 5, 3, 3, 3, 2, 2, Pad::kSame),
        with_explicit(make(1, 5, 5, 9, 3, 3, 3, 1, 1, Pad::kSame), 2, 0, 1, 3),
        with_explicit(make(1, 8, 8, 16, 24, 3, 3, 2, 2, Pad::kSame), 0, 1, 0, 1),
        with_epilogue(make(3, 5, 5, 7, 9, 3, 3, 2, 2, Pad::kSame), 2),
        // A bias without an activation: the schedules give that epilogue its own code, for blocks
        // of full size and for images smaller than one block; and a tiny image with an activation.
        with_epilogue(make(1, 8, 9, 16, 40, 3, 3, 1, 1, Pad::kSame), 0),
        with_epilogue(make(1, 1, 2, 6, 10, 3, 3, 1, 1, Pad::kSame), 0),
        with_epilogue(make(1, 1, 1, 7, 9, 3, 3, 2, 2, Pad::kSame), 2),
        // Other kernel sizes, strides 1 to 3, unequal strides.
        make(1, 5, 5, 4, 6, 1, 1, 1, 1, Pad::kSame),
        make(1, 9, 7, 6, 10, 5, 5, 1, 1, Pad::kSame),
        make(1, 7, 8, 5, 7, 2, 4, 1, 1, Pad::kSame),     // even kernel: asymmetric SAME padding
        make(1, 10, 3, 3, 4, 7, 1, 2, 2, Pad::kSame),
        make(1, 13, 13, 10, 12, 3, 3, 3, 3, Pad::kSame),
        make(1, 11, 14, 8, 9, 3, 3, 3, 1, Pad::kSame),
        make(1, 9, 10, 5, 6, 3, 3, 1, 2, Pad::kValid),
        make(1, 2, 3, 3, 4, 5, 5, 1, 1, Pad::kSame),     // filter larger than the image
        with_explicit(make(2, 4, 6, 3, 5, 3, 2, 2, 3, Pad::kSame), 1, 1, 0, 2),
        // Dilations 1 to 3, alone and with strides > 1.
        with_dilation(make(1, 9, 9, 6, 8, 3, 3, 1, 1, Pad::kSame), 2, 2),
        with_dilation(make(1, 12, 10, 5, 7, 3, 3, 1, 1, Pad::kValid), 3, 3),
        with_dilation(make(1, 11, 13, 4, 5, 3, 3, 1, 1, Pad::kSame), 2, 3),
        with_dilation(make(1, 10, 10, 8, 8, 3, 3, 2, 2, Pad::kSame), 2, 2),
        with_explicit(with_dilation(make(1, 15, 14, 3, 4, 3, 3, 3, 2, Pad::kSame), 3, 1), 1, 2, 3, 0),
        // Channel multiplier 2 and 3.
        with_multiplier(make(1, 7, 7, 5, 9, 3, 3, 1, 1, Pad::kSame), 2),
        with_epilogue(with_multiplier(make(1, 6, 9, 4, 7, 3, 3, 2, 2, Pad::kSame), 3), 1),
        with_multiplier(make(1, 4, 4, 3, 2, 1, 1, 1, 1, Pad::kValid), 2),
        with_dilation(with_multiplier(make(2, 9, 9, 3, 5, 3, 3, 1, 1, Pad::kSame), 3), 2, 2),
        // MobileNet blocks (a depthwise bias and activation): relu6 twice (V1), a linear output
        // (V2's projection), a depthwise bias alone, with strides, a multiplier, a dilation, a 1x1
        // image, batch 2 and full register blocks.
        with_block(make(1, 9, 11, 13, 29, 3, 3, 1, 1, Pad::kSame), 2, 2),
        with_block(make(2, 12, 12, 32, 64, 3, 3, 2, 2, Pad::kSame), 2, 0),
        with_block(with_multiplier(make(1, 7, 6, 5, 9, 3, 3, 2, 2, Pad::kSame), 2), 1, 2),
        with_block(with_dilation(make(1, 10, 9, 6, 8, 3, 3, 1, 1, Pad::kValid), 2, 2), 0, 1),
        with_block(make(1, 1, 1, 7, 9, 3, 3, 1, 1, Pad::kSame), 2, 2),
        with_block(make(1, 9, 7, 6, 10, 5, 5, 1, 1, Pad::kSame), 2, 2),
        // Channel counts of whole half vectors, not whole vectors, of AVX-512 (8, 24: the depthwise
        // runs on half vectors there), with a multiplier, the depthwise stage and a 5x5 kernel.
        with_block(with_multiplier(make(1, 6, 7, 8, 12, 3, 3, 1, 1, Pad::kSame), 2), 2, 1),
        with_block(make(2, 7, 9, 24, 20, 5, 5, 2, 2, Pad::kSame), 1, 0),
        // More input channels than a block of the 1x1's reduction (k_block: 128), not a whole
        // number of blocks nor of int8's groups of 4, and a partial last output-channel block.
        make(1, 5, 6, 203, 40, 3, 3, 1, 1, Pad::kSame),
        with_block(make(2, 6, 5, 261, 72, 3, 3, 2, 2, Pad::kSame), 2, 2),
    };
    return cases;
}

// Every case above, in NHWC and in NCHW.
inline std::vector<ConvCase> cases_both_layouts() {
    std::vector<ConvCase> cases;
    for (ConvCase k : nhwc_cases()) {
        for (bool nchw : {false, true}) cases.push_back((k.nchw = nchw, k));
    }
    return cases;
}

}  // namespace sepconv_test
