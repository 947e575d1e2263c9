// One candidate schedule for one layer, JIT-compiled with libHalide from the same generator
// (generators/separable_conv2d_generator.cpp) and schedule code the AOT build uses: the tuner sets
// the same generator parameters the build would (generators/variant_spec.h), so a tuned
// configuration compiles to the same code in both.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "Halide.h"
#include "conv_geometry.h"
#include "shape_key.h"

namespace sepconv::tune {

// What schedules the pipeline: our schedule family with a tunables string, or one of Halide's
// autoschedulers (its plugin must have been loaded; see load_autoscheduler).
struct Schedule {
    std::string tunables;       // the target ISA's "knob:value,..."; "" = the family's hand defaults
    std::string autoscheduler;  // "Adams2019", "Mullapudi2016", "Anderson2021"; "" = ours
    std::string label() const;
};

// The data of one layer: seeded random inputs and the reference output, computed by the shipped
// library's general variant (which the tests check against an independent reference).
struct LayerData {
    internal::ShapeKey key;
    int pad_top = 0, pad_left = 0;  // TF's padding for the key's padding mode
    // pointwise_filter in TF's layout (for the reference); packed_pointwise as the variants read it.
    Halide::Buffer<float> input, depthwise_filter, pointwise_filter, packed_pointwise, bias, depthwise_bias, output,
        reference;
    Halide::Buffer<int32_t> no_requant;
    double flops = 0;

    static bool make(const internal::ShapeKey &key, uint32_t seed, LayerData *data, std::string *error);
};

class Candidate {
public:
    // Compiles `schedule` for `data`'s shape on `target` (family: x86, arm or gpu).
    // `threads` is what an autoscheduler is told the machine has.
    static std::unique_ptr<Candidate> compile(const LayerData &data, const Halide::Target &target,
                                              const std::string &family, const Schedule &schedule, int threads,
                                              std::string *error);

    // One run into data.output; false with `error` when the pipeline fails. On a GPU target the
    // result stays on the device unless `copy_back` (timed runs leave it there, as a user would).
    bool run(LayerData &data, int threads, std::string *error, bool copy_back = true);
    // Whether data.output matches data.reference within the tests' tolerance; `error` says where not.
    static bool matches_reference(const LayerData &data, std::string *error);
    // Seconds per run of the fastest of `samples` samples of at least `min_sample_seconds` each. On a
    // shared machine, noise only ever slows a sample down: the fastest is what the code itself does,
    // where a median still moves with a burst of load that covers half the samples.
    bool time(LayerData &data, int threads, int samples, double min_sample_seconds, double *seconds,
              std::string *error);

    double compile_seconds() const { return compile_seconds_; }

private:
    Halide::Callable callable_;
    double compile_seconds_ = 0;
};

// Loads libautoschedule_<name>.so from the Halide package; false with `error` if it is missing.
bool load_autoscheduler(const std::string &name, std::string *error);

// The size of Halide's own JIT pool, which only runs what does not go through halide_do_par_for
// (parallel tasks of an autoscheduled pipeline); parallel loops run on the library's worker pool.
void set_jit_threads(int threads);

}  // namespace sepconv::tune
