// A test case's arguments as sepconv::Options: shared by the tester and the fuzzer.
#pragma once

#include "naive_reference.h"
#include "sepconv/sepconv.h"

namespace sepconv_test {

inline sepconv::Options options_for(const ConvCase &k) {
    sepconv::Options o;
    o.data_format = k.nchw ? sepconv::DataFormat::kNCHW : sepconv::DataFormat::kNHWC;
    o.strides = k.nchw ? std::vector<int64_t>{1, 1, k.sh, k.sw} : std::vector<int64_t>{1, k.sh, k.sw, 1};
    o.dilations = {k.dh, k.dw};
    o.padding = k.pad == Pad::kSame ? sepconv::Padding::kSame
                : k.pad == Pad::kValid ? sepconv::Padding::kValid
                                       : sepconv::Padding::kExplicit;
    o.explicit_padding = {k.pad_top, k.pad_bottom, k.pad_left, k.pad_right};
    o.activation = static_cast<sepconv::Activation>(k.activation);
    o.depthwise_activation = static_cast<sepconv::Activation>(k.depthwise_activation);
    return o;
}

}  // namespace sepconv_test
