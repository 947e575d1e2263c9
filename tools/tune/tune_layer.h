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
    std::string family;                       // x86, arm or gpu
    int threads = 1;                          // the search measures at this many threads
    std::vector<int> report_threads;          // the final measurement's thread counts
    std::vector<std::string> autoschedulers;  // baselines, e.g. Adams2019, Mullapudi2016
    SearchBudget budget;
    uint64_t seed = 1;
    std::string machine;  // CPU model, cores and target, for the database
    std::string try_first;  // a configuration to measure right after the default (--tunables)
    bool verbose = false;   // a log line per candidate (--verbose)
};

// Tunes `key` (serving the model layers `names`); `existing` are configurations already in the
// database for layers of the same filter geometry, tried first and preferred when within noise
// (fewer distinct variants to build). `previous` is this layer's entry so far ("" if none): the
// keys that this target's space does not search (another ISA's, e.g. the K_avx512 keys when tuning
// AVX2 code) are kept in the new entry, every one written out at the value that ISA's code read.
// Returns false with `error`, or when `stop` was raised.
bool tune_layer(const internal::ShapeKey &key, const std::string &names, const std::vector<std::string> &existing,
                const std::string &previous, const TuneSettings &settings, const std::atomic<bool> &stop, Progress &progress, TunedEntry *entry,
                std::string *error);

// The schedule family's tuning space for a layout on a target.
bool tuning_space_for(const std::string &family, bool nchw, const Halide::Target &target, TuningSpace *space,
                      std::string *error);

}  // namespace sepconv::tune
