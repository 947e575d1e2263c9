// oneDNN as TF's op is usually run: a grouped convolution (groups = C) then a 1x1 convolution,
// NHWC activations, `format_tag::any` weights reordered once at setup, TF's asymmetric padding
// given explicitly (padding_l / padding_r). Threads: oneDNN's OpenMP runtime.
#include "peer.h"

#ifdef SEPCONV_HAVE_ONEDNN
#include <omp.h>

#include <dnnl.hpp>

namespace sepconv_bench {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

class OneDnnPeer : public Peer {
public:
    OneDnnPeer(const PeerLayer &l, int threads) : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_), threads_(threads) {
        // oneDNN partitions the work for the thread count at primitive creation: set it first.
        omp_set_num_threads(threads_);
        const memory::dims src{l.n, l.c, l.h, l.w}, mid{l.n, l.c, l.ho, l.wo}, dst{l.n, l.cout, l.ho, l.wo};
        const memory::dims dw_dims{l.c, 1, 1, l.kernel, l.kernel};
        auto src_md = memory::desc(src, dt::f32, tag::nhwc);
        auto mid_md = memory::desc(mid, dt::f32, tag::nhwc);
        auto dst_md = memory::desc(dst, dt::f32, tag::nhwc);

        dnnl::convolution_forward::desc dw_desc(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
            memory::desc(dw_dims, dt::f32, tag::any), mid_md, {l.stride, l.stride}, {l.pad_top, l.pad_left},
            {l.pad_bottom, l.pad_right});
        dw_pd_ = dnnl::convolution_forward::primitive_desc(dw_desc, engine_);
        dnnl::convolution_forward::desc pw_desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                                mid_md, memory::desc({l.cout, l.c, 1, 1}, dt::f32, tag::any), dst_md,
                                                {1, 1}, {0, 0}, {0, 0});
        pw_pd_ = dnnl::convolution_forward::primitive_desc(pw_desc, engine_);

        // TF's weights: depthwise [K][K][C][1] is oneDNN's "hwigo" (goihw dims g=C, o=1, i=1);
        // pointwise [1][1][C][Cout] is "hwio". Reorder each once into what the primitive chose.
        dw_weights_ = reorder(memory({dw_dims, dt::f32, tag::hwigo}, engine_, const_cast<float *>(l.depthwise_filter)),
                              dw_pd_.weights_desc());
        pw_weights_ = reorder(memory({{l.cout, l.c, 1, 1}, dt::f32, tag::hwio}, engine_, const_cast<float *>(l.pointwise_filter)),
                              pw_pd_.weights_desc());
        src_ = memory(src_md, engine_, const_cast<float *>(l.input));
        mid_ = memory(dw_pd_.dst_desc(), engine_);
        dst_ = memory(pw_pd_.dst_desc(), engine_);
        dw_ = dnnl::convolution_forward(dw_pd_);
        pw_ = dnnl::convolution_forward(pw_pd_);
    }
    void run() override {
        omp_set_num_threads(threads_);
        dw_.execute(stream_, {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, dw_weights_}, {DNNL_ARG_DST, mid_}});
        pw_.execute(stream_, {{DNNL_ARG_SRC, mid_}, {DNNL_ARG_WEIGHTS, pw_weights_}, {DNNL_ARG_DST, dst_}});
        stream_.wait();
    }
    const float *output() const override { return static_cast<const float *>(dst_.get_data_handle()); }

private:
    memory reorder(memory from, const memory::desc &to_desc) {
        memory to(to_desc, engine_);
        dnnl::reorder(from, to).execute(stream_, from, to);
        stream_.wait();
        return to;
    }
    dnnl::engine engine_;
    dnnl::stream stream_;
    int threads_;
    dnnl::convolution_forward::primitive_desc dw_pd_, pw_pd_;
    dnnl::convolution_forward dw_, pw_;
    memory src_, mid_, dst_, dw_weights_, pw_weights_;
};

}  // namespace

std::unique_ptr<Peer> make_onednn_peer(const PeerLayer &l, int threads, std::string *why) {
    try {
        return std::make_unique<OneDnnPeer>(l, threads);
    } catch (const dnnl::error &e) {
        *why = std::string("oneDNN refused the layer: ") + e.what();
        return nullptr;
    }
}

// The ISA oneDNN's JIT kernels use: the machine's best, or less when the environment caps it
// (DNNL_MAX_CPU_ISA / ONEDNN_MAX_CPU_ISA, as tools/bench_report.py --isa avx2 does).
std::string onednn_isa() {
    switch (dnnl_get_effective_cpu_isa()) {
        case dnnl_cpu_isa_sse41: return "sse41";
        case dnnl_cpu_isa_avx: return "avx";
        case dnnl_cpu_isa_avx2: return "avx2";
        case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
        case dnnl_cpu_isa_avx512_core: return "avx512_core";
        case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
        case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
        case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
        default: return "isa " + std::to_string(static_cast<int>(dnnl_get_effective_cpu_isa()));
    }
}

std::string onednn_version() {
    const dnnl_version_t *v = dnnl_version();
    return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           " (" + (v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other CPU runtime") + ", " + onednn_isa() + ")";
}

}  // namespace sepconv_bench

#else

namespace sepconv_bench {
std::unique_ptr<Peer> make_onednn_peer(const PeerLayer &, int, std::string *why) {
    *why = "oneDNN was not found at configure time (Debian: libdnnl-dev)";
    return nullptr;
}
std::string onednn_version() { return "not built (libdnnl-dev not found)"; }
}  // namespace sepconv_bench

#endif
