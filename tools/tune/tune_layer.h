// Tuning one layer: the search over the family's space, the baselines (the hand default and
// Halide's autoschedulers), and the final side-by-side measurement that goes into the database.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "Halide.h"
#include "progress.h"
#include "search.h"
#include "shape_key.h"
#include "tuned_db.h"

namespace sepconv::tune {

struct TuneSettings {
    Halide::Target target;
    std::string family;                       // x86, arm or gpu (schedules/families.h)
    std::string isa;                          // the target's ISA in the family: the section tuned
    int threads = 1;                          // the search measures at this many threads
    std::vector<int> report_threads;          // the final measurement's thread counts
    std::vector<std::string> autoschedulers;  // baselines, e.g. Adams2019, Mullapudi2016
    SearchBudget budget;
    uint64_t seed = 1;
    std::string machine;  // CPU model, cores and target, for the database
    std::string uarch;    // the microarchitecture the entry is keyed by (shape_key.h); "" = any machine
    std::string try_first;  // a configuration to measure right after the default (--tunables)
    bool verbose = false;   // a log line per candidate (--verbose)
};

// Tunes `key` (serving the model layers `names`) for settings.isa; `existing` are that ISA's
// configurations already in the database for layers of the same filter geometry, tried first and
// preferred when within noise (fewer distinct variants to build). `incumbent` is what the runtime
// runs for this shape here now ("" = the default): the written configuration replaces it only by
// beating it at every thread count of the final measurement. `entry` holds this layer's entry
// so far (empty if none): its settings.isa fields are rewritten, every other ISA's kept as they are.
// Returns false with `error`, or when `stop` was raised.
bool tune_layer(const internal::ShapeKey &key, const std::string &names, const std::vector<std::string> &existing,
                const std::string &incumbent, const TuneSettings &settings, const std::atomic<bool> &stop,
                Progress &progress, TunedEntry *entry, std::string *error);

}  // namespace sepconv::tune
