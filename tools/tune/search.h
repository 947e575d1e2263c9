// The search over a schedule family's tuning space: seeded random-restart hill climbing.
//
// It starts from the hand default (and any configurations given, e.g. those already tuned for
// other layers of the same filter geometry), then walks to the first better neighbour (one knob
// one step up or down), trying neighbours in a seeded random order; points the space declares
// invalid (space.valid) are never compiled. At a local optimum it restarts
// from a random point it has not measured. Every point is measured at most once. Why this and not
// an evolutionary search: the space is small (a few hundred points), its knobs are ordered and
// mostly unimodal (a tile grows until registers spill), and a candidate costs a second or two of
// JIT compilation, so a budget of tens of candidates must go to the neighbourhood of good points.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "common/tuning_space.h"

namespace sepconv::tune {

using Point = std::vector<int>;

struct SearchBudget {
    int max_candidates = 40;
    double max_seconds = 60;
};

struct SearchResult {
    std::map<Point, double> measured;  // GFLOP/s per point; 0 = failed to compile or to match
    Point best;
    double best_gflops = 0;
};

// `evaluate` returns the candidate's GFLOP/s (0 when it fails); `stop` ends the search early
// (Ctrl-C). The default point is always measured first.
SearchResult hill_climb(const TuningSpace &space, const std::vector<Point> &starts, const SearchBudget &budget,
                        uint64_t seed, const std::function<double(const Point &)> &evaluate,
                        const std::function<bool()> &stop);

// The point of `space` for one ISA's configuration ("knob:value,..."): knobs it sets take those
// values, knobs it leaves out the defaults (as the generator does), knobs outside the space are
// named in `ignored` when given; false for malformed text or a value outside a knob's range.
bool point_of(const TuningSpace &space, const std::string &tunables, Point *point,
              std::vector<std::string> *ignored = nullptr);

// Closer than this is measurement noise on a shared machine: the offline tuner and the JIT tier keep
// a challenger over what runs now only this far ahead of it.
constexpr double kNoise = 0.03;

// The final comparison of both: `rounds` rounds, each measuring every one of `contenders` once
// (`measure(i, &value)`: seconds or GFLOP/s, false on failure) in an order shuffled per round from
// `seed`, so that a slow spell of the machine hits them alike. Each contender's median in
// `medians`; false when a measurement fails or `stop` ends it early.
bool interleaved_medians(size_t contenders, int rounds, uint64_t seed,
                         const std::function<bool(size_t contender, double *value)> &measure,
                         const std::function<bool()> &stop, std::vector<double> *medians);

}  // namespace sepconv::tune
