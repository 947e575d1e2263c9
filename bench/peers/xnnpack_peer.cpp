// XNNPACK (Debian's libxnnpack-dev, a 2022 snapshot): a depthwise convolution operator
// (XNN_FLAG_DEPTHWISE_CONVOLUTION, groups = C) then a 1x1 convolution operator, NHWC, TF's
// padding given explicitly. Threads: a pthreadpool of the requested size. A floor, not the bar.
#include "peer.h"

#ifdef SEPCONV_HAVE_XNNPACK
#include <pthreadpool.h>
#include <xnnpack.h>

#include <limits>

namespace sepconv_bench {
namespace {

class XnnpackPeer : public Peer {
public:
    bool init(const PeerLayer &l, int threads, std::string *why) {
        if (xnn_initialize(nullptr) != xnn_status_success) return *why = "xnn_initialize failed", false;
        pool_ = threads > 1 ? pthreadpool_create(threads) : nullptr;
        mid_.resize(size_t(l.n) * l.ho * l.wo * l.c);
        out_.resize(size_t(l.n) * l.ho * l.wo * l.cout);
        // Pointwise weights: XNNPACK wants [Cout][Cin]; TF's are [Cin][Cout].
        std::vector<float> pw(size_t(l.c) * l.cout);
        for (int q = 0; q < l.c; ++q)
            for (int o = 0; o < l.cout; ++o) pw[size_t(o) * l.c + q] = l.pointwise_filter[size_t(q) * l.cout + o];
        const float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
        // The depthwise kernel with the depthwise flag is [1][K][K][C]: TF's [K][K][C][1] as is.
        if (xnn_create_convolution2d_nhwc_f32(l.pad_top, l.pad_right, l.pad_bottom, l.pad_left, l.kernel, l.kernel,
                                              l.stride, l.stride, 1, 1, l.c, 1, 1, l.c, l.c, l.depthwise_filter, nullptr,
                                              lo, hi, XNN_FLAG_DEPTHWISE_CONVOLUTION, &dw_) != xnn_status_success ||
            xnn_create_convolution2d_nhwc_f32(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, l.c, l.cout, l.c, l.cout, pw.data(),
                                              nullptr, lo, hi, 0, &pw_) != xnn_status_success ||
            xnn_setup_convolution2d_nhwc_f32(dw_, l.n, l.h, l.w, l.input, mid_.data(), pool_) != xnn_status_success ||
            xnn_setup_convolution2d_nhwc_f32(pw_, l.n, l.ho, l.wo, mid_.data(), out_.data(), pool_) != xnn_status_success) {
            *why = "XNNPACK refused the layer";
            return false;
        }
        return true;
    }
    ~XnnpackPeer() override {
        if (dw_) xnn_delete_operator(dw_);
        if (pw_) xnn_delete_operator(pw_);
        if (pool_) pthreadpool_destroy(pool_);
    }
    void run() override {
        xnn_run_operator(dw_, pool_);
        xnn_run_operator(pw_, pool_);
    }
    const float *output() const override { return out_.data(); }

private:
    xnn_operator_t dw_ = nullptr, pw_ = nullptr;
    pthreadpool_t pool_ = nullptr;
    std::vector<float> mid_, out_;
};

}  // namespace

std::unique_ptr<Peer> make_xnnpack_peer(const PeerLayer &l, int threads, std::string *why) {
    auto peer = std::make_unique<XnnpackPeer>();
    if (!peer->init(l, threads, why)) return nullptr;
    return peer;
}
std::string xnnpack_version() { return "XNNPACK (Debian libxnnpack-dev, 2022-02 snapshot)"; }

}  // namespace sepconv_bench

#else

namespace sepconv_bench {
std::unique_ptr<Peer> make_xnnpack_peer(const PeerLayer &, int, std::string *why) {
    *why = "XNNPACK was not found at configure time (Debian: libxnnpack-dev, libpthreadpool-dev)";
    return nullptr;
}
std::string xnnpack_version() { return "not built (libxnnpack-dev not found)"; }
}  // namespace sepconv_bench

#endif
