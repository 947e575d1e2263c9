#include "search.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "common/config_text.h"

namespace sepconv::tune {

SearchResult hill_climb(const TuningSpace &space, const std::vector<Point> &starts, const SearchBudget &budget,
                        uint64_t seed, const std::function<double(const Point &)> &evaluate,
                        const std::function<bool()> &stop) {
    const auto start_time = std::chrono::steady_clock::now();
    std::mt19937_64 rng(seed);
    SearchResult r;
    auto out_of_budget = [&]() {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
        return stop() || static_cast<int>(r.measured.size()) >= budget.max_candidates || elapsed >= budget.max_seconds;
    };
    auto valid = [&](const Point &p) { return !space.valid || space.valid(p); };
    auto measure = [&](const Point &p) {
        auto it = r.measured.find(p);
        if (it != r.measured.end()) return it->second;
        const double g = evaluate(p);
        r.measured[p] = g;
        if (g > r.best_gflops || r.best.empty()) {
            r.best = p;
            r.best_gflops = g;
        }
        return g;
    };
    auto random_unmeasured = [&](Point *p) {
        for (int attempt = 0; attempt < 1000; ++attempt) {
            Point q;
            for (const Knob &k : space.knobs) q.push_back(std::uniform_int_distribution<int>(0, k.values.size() - 1)(rng));
            if (!r.measured.count(q) && valid(q)) {
                *p = q;
                return true;
            }
        }
        return false;  // (nearly) everything measured
    };

    // The default first, then the given starting points; climb from the best of them.
    measure(space.defaults);
    for (const Point &p : starts) {
        if (out_of_budget()) return r;
        if (valid(p)) measure(p);
    }
    Point current = r.best;
    double current_gflops = r.best_gflops;
    while (!out_of_budget()) {
        std::vector<Point> neighbours;
        for (size_t k = 0; k < space.knobs.size(); ++k) {
            for (int step : {-1, 1}) {
                Point q = current;
                q[k] += step;
                if (q[k] >= 0 && q[k] < static_cast<int>(space.knobs[k].values.size()) && valid(q)) {
                    neighbours.push_back(q);
                }
            }
        }
        std::shuffle(neighbours.begin(), neighbours.end(), rng);
        bool moved = false;
        for (const Point &q : neighbours) {
            if (r.measured.count(q)) continue;
            if (out_of_budget()) return r;
            const double g = measure(q);
            if (g > current_gflops) {
                current = q;
                current_gflops = g;
                moved = true;
                break;
            }
        }
        if (!moved) {  // a local optimum: restart somewhere new
            if (!random_unmeasured(&current)) return r;
            current_gflops = measure(current);
        }
    }
    return r;
}

bool point_of(const TuningSpace &space, const std::string &tunables, Point *point,
              std::vector<std::string> *ignored) {
    Point p = space.defaults;  // knobs the text leaves out keep the defaults, as in the generator
    KnobItems items;
    std::string error;
    if (!parse_knob_items(tunables, &items, &error)) return false;
    for (const auto &[key, value] : items) {
        bool known = false;
        for (size_t k = 0; k < space.knobs.size(); ++k) {
            if (space.knobs[k].name != key) continue;
            known = true;
            const auto &v = space.knobs[k].values;
            auto it = std::find(v.begin(), v.end(), value);
            p[k] = it == v.end() ? -1 : static_cast<int>(it - v.begin());
        }
        if (!known && ignored) ignored->push_back(key);
    }
    if (std::count(p.begin(), p.end(), -1)) return false;
    *point = p;
    return true;
}

bool interleaved_medians(size_t contenders, int rounds, uint64_t seed,
                         const std::function<bool(size_t contender, double *value)> &measure,
                         const std::function<bool()> &stop, std::vector<double> *medians) {
    std::mt19937_64 rng(seed);
    std::vector<size_t> order(contenders);
    for (size_t i = 0; i < contenders; ++i) order[i] = i;
    std::vector<std::vector<double>> values(contenders);
    for (int round = 0; round < rounds; ++round) {
        std::shuffle(order.begin(), order.end(), rng);
        for (size_t i : order) {
            if (stop()) return false;
            double v = 0;
            if (!measure(i, &v)) return false;
            values[i].push_back(v);
        }
    }
    medians->clear();
    for (std::vector<double> &v : values) {
        std::sort(v.begin(), v.end());
        medians->push_back(v.empty() ? 0.0 : v[v.size() / 2]);
    }
    return true;
}

}  // namespace sepconv::tune
