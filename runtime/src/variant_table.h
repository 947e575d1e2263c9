// The table of compiled variants and the rule that picks one. The rows come from the build's
// variant list (tools/variants: the untuned variants, the basis configurations and one per tuned
// configuration), so each variant's constraints are written in exactly one place. Among the
// variants whose constraints all hold for a call, the table picks, in this order:
//   1. a tuned variant tuned for exactly this layer (every field of the shape key but the batch):
//      first one tuned on this machine's microarchitecture (microarchitecture.h), then one tuned
//      for any machine (a database key without '@'). What another microarchitecture measured is
//      not a measurement here: those entries take part in rule 3 only;
//   2. the tuned variant of the nearest tuned shape in the same shape class, among the same two
//      kinds of entries (this microarchitecture's winning a tie): output pixels, C*M and output
//      channels each within a factor of 2 (kShapeClassFactor) of the tuned shape; nearest = the
//      smallest sum of |log2| of the three ratios;
//   3. the cost model's choice (schedules/cpu/cost_model.h): among the most specialized variants
//      whose constraints hold, tuned, basis or default, the configuration with the fewest modeled
//      cycles on this call, this machine's caches and the ISA that runs. Rule 2 stands only where
//      the model ranks its configuration first (ties included): a tuned configuration is a
//      measurement for its own shape and a guess for its neighbours, and the nearest-shape rule
//      never picks one the model finds slower than its own choice. The model ranks NHWC on CPUs;
//   4. elsewhere (NCHW, GPUs, and before the input is known), the most specialized untuned
//      variant (the schedule's hand defaults; not a basis configuration, which only the model picks).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conv_geometry.h"
#include "cpu/cpu_tunables.h"
#include "kernel_args.h"
#include "shape_key.h"
#include "variant_spec.h"

namespace sepconv::internal {

// Where a call will run: the device, and for CUDA the device's compute capability (e.g. 86).
struct DeviceChoice {
    Device device = Device::kCpu;
    int cuda_capability = 0;
    // The CPU's microarchitecture (microarchitecture(); static storage, read on every call), whose
    // tuned entries the choice prefers; empty for GPU calls, whose entries serve any host.
    std::string_view uarch;
};

// A shape a tuned variant was tuned for, with its output pixels (for the shape-class distance).
struct TunedShape {
    ShapeKey key;
    std::string uarch;  // the microarchitecture it was tuned on; "" = any machine
    int64_t out_pixels = 0;

    std::string to_string() const { return TunedKey{key, uarch}.to_string(); }
};

// A call's shape as the table matches it; explicit padding never matches a tuned key exactly.
struct CallShape {
    ShapeKey key;
    bool explicit_padding = false;
    int64_t out_pixels = 0;
    int64_t out_height = 0, out_width = 0;
    int threads = 1;  // the threads the call runs on (call_threads)
};

constexpr double kShapeClassFactor = 2.0;

struct VariantRow {
    const char *name;
    VariantSpec spec;  // what it was compiled for (generators/variant_spec.h)
    KernelFn fn;  // a GPU variant's entry point; a CPU variant's baseline target's (the fallback)
    // A CPU variant's entry point per compiled target (compiled_targets() order); null otherwise.
    const KernelFn *target_fns = nullptr;
    std::vector<TunedShape> tuned_shapes;  // parsed from spec.tuned_shapes
    // The configuration each ISA of its family reads (in the family's ISA order), where the cost
    // model ranks the variant; empty elsewhere.
    std::vector<cpu::Tunables> modeled_configs;

    bool tuned() const { return !tuned_shapes.empty(); }
    // The code a call runs now: a CPU variant's entry point for the target dispatched_target()
    // names (so that set_max_target reaches variants already called), else `fn`.
    KernelFn kernel() const;

    int specificity() const;                     // how many constraints are fixed
    std::string constraints() const;             // human-readable
    // Whether the variant serves `f` in `type` on `device` (cheap: asked for every row on every call).
    bool serves(const FilterGeometry &f, DataType type, const DeviceChoice &device) const;
    // Empty when the variant serves them; otherwise the first constraint that fails.
    std::string mismatch(const FilterGeometry &f, DataType type, const DeviceChoice &device) const;
};

// All rows, most specialized first; among CUDA rows, the newest capability first.
const std::vector<VariantRow> &variant_table();

// The row serving `f` in `type` (and `call`, when the input is known; null before that) on `device` by the
// rules above, or the row named `forced` (if it serves them). `why` says why that row was chosen,
// or why none was; null skips building it (a call's hot path: a second call with it gets the
// reason when none serves).
const VariantRow *select_variant(const FilterGeometry &f, DataType type, const CallShape *call,
                                 const DeviceChoice &device, const std::string &forced, std::string *why);

// What runs inside `row` on this machine (sepconv::Explanation): the target and ISA, the ISA's
// configuration, and, for a call (`g` non-null), which of the schedule's compiled paths it takes.
struct RunningCode {
    std::string target, isa, configuration, specialization;
};
// `depthwise_stage`: the call has a depthwise bias or activation (a MobileNet block).
RunningCode running_code(const VariantRow &row, const ConvGeometry *g, Activation activation, bool depthwise_stage);

// The shape-class distance between a call and a tuned shape; negative when outside the class.
double shape_class_distance(const CallShape &call, const TunedShape &tuned);

}  // namespace sepconv::internal
