// A library users would pick instead of sepconv, run on the same layer for a side-by-side
// measurement. Each peer sets itself up once (weights reordered or packed outside the timed loop)
// and then runs the whole separable conv (depthwise, then 1x1) on the layer's input.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sepconv_bench {

// One layer in TF's terms, with TF's SAME padding already resolved (asymmetric when odd).
struct PeerLayer {
    int n, h, w, c, cout, kernel, stride;
    int ho, wo, pad_top, pad_bottom, pad_left, pad_right;
    const float *input;             // NHWC [n, h, w, c]
    const float *depthwise_filter;  // TF [kernel, kernel, c, 1]
    const float *pointwise_filter;  // TF [1, 1, c, cout]
};

class Peer {
public:
    virtual ~Peer() = default;
    virtual void run() = 0;
    virtual const float *output() const = 0;  // NHWC [n, ho, wo, cout]
};

// nullptr and `why` when the peer was not built in or cannot serve the layer.
std::unique_ptr<Peer> make_onednn_peer(const PeerLayer &l, int threads, std::string *why);
std::unique_ptr<Peer> make_xnnpack_peer(const PeerLayer &l, int threads, std::string *why);

// "oneDNN 2.6.3", or "not built (…)"; likewise for XNNPACK.
std::string onednn_version();
std::string xnnpack_version();

}  // namespace sepconv_bench
