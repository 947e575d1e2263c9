#include "variant_table.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "cpu/cost_model.h"
#include "cpu/cpu_tunables.h"
#include "cpu_dispatch.h"
#include "data_types.h"
#include "families.h"

// One #include per library of generated code and one SEPCONV_VARIANT(name, fallback, spec) row per
// variant, written by sepconv_write_variant_table() from the build's variant list (tools/variants).
#include "sepconv_variant_headers.inc"

// Each CPU variant's table of entry points, its pieces' (one per compiled target, SEPCONV_TARGETS
// order), in assembly: an array of addresses of symbols the table's own build names.
#define SEPCONV_CPU_TARGETS(name, entries)                                                          \
    asm(".pushsection .data.rel.ro,\"aw\"\n\t.balign 8\n\t.globl sepconv_targets_" #name "\n\t.hidden " \
        "sepconv_targets_" #name "\nsepconv_targets_" #name ":\n" entries ".popsection\n");         \
    extern "C" const sepconv::KernelFn sepconv_targets_##name[];
#include "sepconv_variant_targets.inc"
#undef SEPCONV_CPU_TARGETS

namespace sepconv::internal {
namespace {

// The entry points of the CPU variant `name` (null for a GPU variant, which has one target).
const KernelFn *target_fns(const char *name) {
    static const std::vector<std::pair<std::string, const KernelFn *>> tables = {
#define SEPCONV_CPU_TARGETS(name, entries) {#name, sepconv_targets_##name},
#include "sepconv_variant_targets.inc"
#undef SEPCONV_CPU_TARGETS
    };
    for (const auto &[variant, fns] : tables) {
        if (variant == name) return fns;
    }
    return nullptr;
}

// The configurations the cost model ranks `v` by, one per ISA of its family; empty where the model
// does not apply (see the header).
std::vector<cpu::Tunables> modeled_configs(const VariantSpec &v) {
    if (v.device != Device::kCpu || v.nchw) return {};
    const Family *family = find_family(v.family(SEPCONV_TARGET_FAMILY));
    if (family == nullptr || family->schedule != ScheduleKind::kCpuTiles) return {};
    std::vector<cpu::Tunables> configs;
    for (const IsaRow &isa : family->isas) {
        cpu::Tunables t;
        std::string error;
        if (!resolve_config(cpu::knobs(), *family, isa, false, v.tunables, &t, &error)) return {};
        configs.push_back(t);
    }
    return configs;
}

// The cost model applied to one call: the ISA that runs, the workload, the caches.
class CallModel {
public:
    CallModel(const CallShape &call) {
        const Family *family = find_family(SEPCONV_TARGET_FAMILY);
        const IsaRow *isa = family == nullptr ? nullptr : family->isa_for(dispatched_target());
        if (isa == nullptr) return;
        isa_ = isa;
        isa_index_ = static_cast<size_t>(isa - family->isas.data());
        const ShapeKey &k = call.key;
        w_.batch = k.batch, w_.out_height = call.out_height, w_.out_width = call.out_width;
        w_.channels = k.channels * k.multiplier, w_.out_channels = k.out_channels;
        w_.taps = k.kernel_h * k.kernel_w, w_.threads = call.threads;
        caches_ = cache_sizes();
    }
    // Modeled cycles of `row` on the call; negative where the model does not rank it.
    double cycles(const VariantRow &row) const {
        if (isa_ == nullptr || row.modeled_configs.size() <= isa_index_) return -1;
        cpu::Workload w = w_;
        w.widened_weights = w.separate_adds = row.spec.type == DataType::kInt8 && dispatched_int8_pairs();
        w.weight_bytes = w.widened_weights ? 2 : row_of(row.spec.weights_type).bytes;
        return cpu::modeled_cycles(row.modeled_configs[isa_index_], isa_->isa, w, caches_);
    }
    std::string describe() const {
        std::ostringstream s;
        s << (isa_ ? isa_->isa.name : "?") << ", " << w_.threads << " thread(s), L1d " << caches_.l1d_bytes / 1024
          << " KiB";
        return s.str();
    }

private:
    const IsaRow *isa_ = nullptr;
    size_t isa_index_ = 0;
    cpu::Workload w_;
    cpu::CacheSizes caches_;
};

std::vector<VariantRow> build_table() {
    std::vector<VariantRow> rows = {
#define SEPCONV_VARIANT(name, fallback, ...) VariantRow{#name, VariantSpec __VA_ARGS__, &fallback, {}},
#include "sepconv_variant_rows.inc"
#undef SEPCONV_VARIANT
    };
    for (VariantRow &row : rows) {
        std::stringstream keys(row.spec.tuned_shapes);
        std::string text, error;
        while (keys >> text) {
            TunedKey key;
            ConvGeometry g;
            // The build wrote these keys from a database it parsed with the same grammar; a key
            // that still fails here is skipped, leaving the variant reachable only by name.
            if (!TunedKey::parse(text, &key, &error) || !key.shape.geometry(&g).ok()) continue;
            TunedShape t;
            t.key = key.shape;
            t.uarch = key.uarch;
            t.out_pixels = g.out_height * g.out_width;
            row.tuned_shapes.push_back(t);
        }
        row.modeled_configs = modeled_configs(row.spec);
        row.target_fns = target_fns(row.name);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const VariantRow &a, const VariantRow &b) {
        if (a.specificity() != b.specificity()) return a.specificity() > b.specificity();
        return a.spec.cuda_capability > b.spec.cuda_capability;
    });
    return rows;
}

void describe(std::ostringstream &s, const char *what, int a, int b, const char *sep) {
    s << ", " << what << " ";
    if (a == 0 && b == 0) {
        s << "any";
    } else {
        s << (a ? std::to_string(a) : "any") << sep << (b ? std::to_string(b) : "any");
    }
}

}  // namespace

KernelFn VariantRow::kernel() const {
    const int target = dispatched_target_index();
    return target_fns != nullptr && target >= 0 ? target_fns[target] : fn;
}

int VariantRow::specificity() const {
    const VariantSpec &v = spec;
    return (v.kernel_h > 0) + (v.kernel_w > 0) + (v.stride_h > 0) + (v.stride_w > 0) + (v.dilation_h > 0) +
           (v.dilation_w > 0) + (v.multiplier > 0);
}

std::string VariantRow::constraints() const {
    const VariantSpec &v = spec;
    std::ostringstream s;
    if (tuned()) s << "tuned: ";
    s << to_string(v.type) << ", " << to_string(v.device);
    if (v.cuda_capability) s << " (compute capability >= " << v.cuda_capability / 10 << "." << v.cuda_capability % 10 << ")";
    s << ", " << (v.nchw ? "NCHW" : "NHWC");
    describe(s, "kernel", v.kernel_h, v.kernel_w, "x");
    describe(s, "stride", v.stride_h, v.stride_w, "x");
    describe(s, "dilation", v.dilation_h, v.dilation_w, "x");
    s << ", multiplier " << (v.multiplier ? std::to_string(v.multiplier) : "any");
    if (v.max_depthwise_channels) s << ", C*M <= " << v.max_depthwise_channels;
    return s.str();
}

bool VariantRow::serves(const FilterGeometry &f, DataType type, const DeviceChoice &d) const {
    const VariantSpec &v = spec;
    auto fits = [](int want, int64_t got) { return want == 0 || want == got; };
    return v.type == type && v.device == d.device && v.cuda_capability <= d.cuda_capability && v.nchw == f.nchw &&
           (!v.max_depthwise_channels || f.channels * f.multiplier <= v.max_depthwise_channels) &&
           fits(v.kernel_h, f.kh) && fits(v.kernel_w, f.kw) && fits(v.stride_h, f.stride_h) &&
           fits(v.stride_w, f.stride_w) && fits(v.dilation_h, f.dilation_h) && fits(v.dilation_w, f.dilation_w) &&
           fits(v.multiplier, f.multiplier);
}

std::string VariantRow::mismatch(const FilterGeometry &f, DataType type, const DeviceChoice &d) const {
    const VariantSpec &v = spec;
    std::ostringstream s;
    auto check = [&](const char *what, int want, int64_t got) {
        if (s.tellp() == 0 && want > 0 && want != got) s << what << " is " << got << ", needs " << want;
    };
    if (v.type != type) {
        s << "the data type is " << to_string(type) << ", this variant computes " << to_string(v.type);
    } else if (v.device != d.device) {
        s << "the call runs on " << to_string(d.device) << ", this variant on " << to_string(v.device);
    } else if (v.cuda_capability > d.cuda_capability) {
        s << "the CUDA device has compute capability " << d.cuda_capability / 10 << "." << d.cuda_capability % 10
          << ", this variant needs " << v.cuda_capability / 10 << "." << v.cuda_capability % 10;
    } else if (v.nchw != f.nchw) {
        s << "data_format is " << (f.nchw ? "NCHW" : "NHWC") << ", needs " << (v.nchw ? "NCHW" : "NHWC");
    } else if (v.max_depthwise_channels && f.channels * f.multiplier > v.max_depthwise_channels) {
        s << "C*M is " << f.channels * f.multiplier << ", its shared-memory tile holds at most "
          << v.max_depthwise_channels;
    }
    check("kernel height", v.kernel_h, f.kh);
    check("kernel width", v.kernel_w, f.kw);
    check("stride height", v.stride_h, f.stride_h);
    check("stride width", v.stride_w, f.stride_w);
    check("dilation height", v.dilation_h, f.dilation_h);
    check("dilation width", v.dilation_w, f.dilation_w);
    check("channel multiplier", v.multiplier, f.multiplier);
    return s.str();
}

const std::vector<VariantRow> &variant_table() {
    static const std::vector<VariantRow> table = build_table();
    return table;
}

double shape_class_distance(const CallShape &call, const TunedShape &tuned) {
    const double ratios[] = {
        static_cast<double>(call.out_pixels) / std::max<int64_t>(tuned.out_pixels, 1),
        static_cast<double>(call.key.channels * call.key.multiplier) / (tuned.key.channels * tuned.key.multiplier),
        static_cast<double>(call.key.out_channels) / tuned.key.out_channels,
    };
    double distance = 0;
    for (double r : ratios) {
        if (!(r > 0) || r > kShapeClassFactor || r < 1 / kShapeClassFactor) return -1;
        distance += std::fabs(std::log2(r));
    }
    return distance;
}

const VariantRow *select_variant(const FilterGeometry &f, DataType type, const CallShape *call,
                                 const DeviceChoice &device, const std::string &forced, std::string *why) {
    if (!forced.empty()) {
        for (const VariantRow &row : variant_table()) {
            if (forced != row.name) continue;
            const std::string miss = row.mismatch(f, type, device);
            if (!miss.empty()) {
                if (why) *why = "variant '" + forced + "' (" + row.constraints() + ") cannot serve this call: " + miss;
                return nullptr;
            }
            if (why) *why = "forced by options.variant; it serves this call (" + row.constraints() + ")";
            return &row;
        }
        if (why) *why = "options.variant names no compiled variant: '" + forced + "'";
        return nullptr;
    }

    // The rows that can serve the call at all; other devices are not candidates.
    std::vector<const VariantRow *> serving;
    bool any_tuned = false;
    for (const VariantRow &row : variant_table()) {
        if (row.serves(f, type, device)) {
            serving.push_back(&row);
            any_tuned |= row.tuned();
        }
    }

    if (call) {
        // Rules 1 and 2 read the entries tuned here (0) or for any machine (1), in that order.
        auto rank = [&](const TunedShape &t) { return tuned_entry_rank(t.uarch, device.uarch); };
        // 1. Tuned for exactly this layer: the first entry of the best rank, in the table's order.
        const VariantRow *exact = nullptr;
        const TunedShape *exact_shape = nullptr;
        if (!call->explicit_padding) {
            for (const VariantRow *row : serving) {
                for (const TunedShape &t : row->tuned_shapes) {
                    if (rank(t) < 0 || !t.key.same_layer(call->key)) continue;
                    if (!exact || rank(t) < rank(*exact_shape)) exact = row, exact_shape = &t;
                }
            }
        }
        if (exact) {
            if (why) {
                *why = std::string("tuned for this exact shape") +
                       (rank(*exact_shape) == 0 ? " on this microarchitecture" : "") + " (" + exact_shape->to_string() +
                       "; " + exact->spec.origin + ")";
            }
            return exact;
        }
        // 2. The nearest tuned shape in the same shape class.
        const VariantRow *nearest = nullptr;
        const TunedShape *nearest_shape = nullptr;
        double best = 0;
        for (const VariantRow *row : serving) {
            for (const TunedShape &t : row->tuned_shapes) {
                const double d = shape_class_distance(*call, t);
                if (d < 0 || rank(t) < 0) continue;
                if (!nearest || d < best || (d == best && rank(t) < rank(*nearest_shape))) {
                    nearest = row, nearest_shape = &t, best = d;
                }
            }
        }
        // 3. The cost model's choice among the most specialized variants it ranks.
        const CallModel model(*call);
        const VariantRow *modeled = nullptr;
        double fewest = 0;
        int top = 0;  // the specificity of the first row the model ranks
        for (const VariantRow *row : serving) {  // the table's order: most specialized first
            if (modeled && row->specificity() < top) break;
            const double c = model.cycles(*row);
            if (c < 0) continue;
            if (!modeled) top = row->specificity();
            if (!modeled || c < fewest) modeled = row, fewest = c;
        }
        const double nearest_cycles = nearest ? model.cycles(*nearest) : -1;
        const bool keep_nearest = nearest && (!modeled || nearest_cycles < 0 || nearest_cycles <= fewest);
        if (why && (keep_nearest || modeled)) {
            std::ostringstream s;
            if (nearest) {
                s << "tuned for the nearest shape in this shape class (" << nearest_shape->to_string()
                  << ": output pixels, C*M and output channels within " << kShapeClassFactor << "x; "
                  << nearest->spec.origin << ")";
            }
            if (keep_nearest) {
                if (modeled) s << "; the cost model ranks it first too";
                *why = s.str();
            } else {
                std::ostringstream m;
                m << "the cost model's choice for this shape (" << model.describe() << "): " << std::llround(fewest)
                  << " modeled cycles, the fewest of the most specialized variants";
                if (nearest) {
                    m << "; the variant " << s.str() << " models " << std::fixed << std::setprecision(2)
                      << nearest_cycles / fewest << "x that";
                }
                *why = m.str();
            }
        }
        if (keep_nearest) return nearest;
        if (modeled) return modeled;
    }
    // 4. The most specialized untuned variant (calls the model does not rank, and Layer::create).
    for (const VariantRow *row : serving) {
        if (row->tuned() || row->spec.basis) continue;
        if (why) *why = std::string(call && any_tuned ? "no tuned shape in this shape class; " : "") +
               "most specialized variant whose constraints all hold (" + row->constraints() + ")";
        return row;
    }
    if (why == nullptr) return nullptr;
    std::ostringstream skipped;  // only now, on the error path: why each untuned variant does not serve
    for (const VariantRow &row : variant_table()) {
        if (row.spec.device == device.device && !row.tuned()) skipped << "skipped " << row.name << ": " << row.mismatch(f, type, device) << "; ";
    }
    *why = std::string("no compiled variant serves this ") + to_string(type) + " call on " + to_string(device.device) +
           ": " + skipped.str();
    return nullptr;
}

RunningCode running_code(const VariantRow &row, const ConvGeometry *g, Activation activation, bool depthwise_stage) {
    RunningCode code;
    const bool on_cpu = row.spec.device == Device::kCpu;
    const Family *family = find_family(row.spec.family(SEPCONV_TARGET_FAMILY));
    code.target = on_cpu ? cpu_info().dispatched_target : to_string(row.spec.device);
    const IsaRow *isa = family == nullptr ? nullptr
                        : on_cpu          ? family->isa_for(code.target)
                                          : family->isa(row.spec.gpu_api());
    if (isa == nullptr) return code;
    code.isa = isa->isa.name;
    std::string error;
    if (!isa_configuration(*family, *isa, row.spec.nchw, row.spec.tunables, &code.configuration, &error)) {
        code.configuration = error;
        return code;
    }
    if (g == nullptr) return code;
    if (!on_cpu) {
        code.specialization = "the GPU schedule (one path)";
        return code;
    }
    cpu::Tunables t;
    resolve_config(cpu::knobs(), *family, *isa, row.spec.nchw, row.spec.tunables, &t, &error);
    const bool full = cpu::full_blocks<int64_t>(t, row.spec.nchw, cpu::vector_lanes(t, isa->isa), g->f.out_channels,
                                                g->out_width, g->out_height);
    code.specialization = std::string(full ? "full blocks" : "partial blocks") + ", " +
                          (activation == Activation::kNone ? "no activation" : "activation") +
                          (depthwise_stage ? ", depthwise stage" : "");
    return code;
}

}  // namespace sepconv::internal
