#include "tune_layer.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "families.h"
#include "jit_candidate.h"

namespace sepconv::tune {
namespace {

std::string today() {
    char buf[16];
    const std::time_t now = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%d", std::localtime(&now));
    return buf;
}

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

struct Contender {
    std::string name;      // default, incumbent, given, tuned, or an autoscheduler's
    std::string tunables;  // the configuration it runs ("" for an autoscheduler)
    std::unique_ptr<Candidate> candidate;
};

// The contenders side by side (interleaved_medians, 7 rounds of 50 ms each): GFLOP/s in contender
// order.
bool measure_side_by_side(std::vector<Contender> &contenders, LayerData &data, int threads, uint64_t seed,
                          const std::atomic<bool> &stop, std::vector<double> *gflops, std::string *error) {
    std::vector<double> seconds;
    auto time_one = [&](size_t i, double *s) { return contenders[i].candidate->time(data, threads, 1, 0.05, s, error); };
    if (!interleaved_medians(contenders.size(), 7, seed, time_one, [&] { return stop.load(); }, &seconds)) return false;
    gflops->clear();
    for (double s : seconds) gflops->push_back(data.flops / s * 1e-9);
    return true;
}

}  // namespace

bool tune_layer(const internal::ShapeKey &key, const std::string &names, const std::vector<std::string> &existing,
                const std::string &incumbent, const TuneSettings &settings, const std::atomic<bool> &stop,
                Progress &progress, TunedEntry *entry, std::string *error) {
    const auto start = std::chrono::steady_clock::now();
    LayerData data;
    if (!LayerData::make(key, static_cast<uint32_t>(settings.seed), &data, error)) return false;
    TuningSpace space;
    const Family *family = find_family(settings.family);
    const IsaRow *isa = family ? family->isa(settings.isa) : nullptr;
    if (isa == nullptr) {
        *error = "no ISA " + settings.isa + " in the " + settings.family + " family";
        return false;
    }
    if (!tuning_space(*family, *isa, key.nchw, &space, error)) return false;

    // One candidate: compile, check against the reference, time. 0 GFLOP/s when it fails.
    auto evaluate = [&](const Schedule &schedule, std::unique_ptr<Candidate> *kept) -> double {
        std::string why;
        auto c = Candidate::compile(data, settings.target, settings.family, schedule, settings.threads, &why);
        double seconds = 0;
        if (c && c->run(data, settings.threads, &why) && Candidate::matches_reference(data, &why) &&
            c->time(data, settings.threads, 5, 0.01, &seconds, &why)) {
            if (kept) *kept = std::move(c);
            return data.flops / seconds * 1e-9;
        }
        progress.print("  " + key.to_string() + ": rejected " + schedule.label() + ": " + why.substr(0, 300));
        return 0;
    };

    // The search. --tunables is measured in the final side by side whatever the search finds; as a
    // point of the space it also starts the search. Any configuration the ISA's code reads will do,
    // with values the search does not try (k_block:64) as well.
    std::vector<Point> starts;
    std::string given_text;
    if (!settings.try_first.empty()) {
        if (!isa_configuration(*family, *isa, key.nchw, section_text(settings.isa, settings.try_first), &given_text,
                               error)) {
            *error = "--tunables '" + settings.try_first + "': " + *error;
            return false;
        }
        Point p;
        if (point_of(space, given_text, &p)) starts.push_back(p);
    }
    for (const std::string &t : existing) {
        Point p;
        if (point_of(space, t, &p)) starts.push_back(p);
    }
    int evaluated = 0;
    SearchResult result = hill_climb(
        space, starts, settings.budget, settings.seed,
        [&](const Point &p) {
            const double g = evaluate(Schedule{space.text(p), ""}, nullptr);
            if (settings.verbose) progress.print("  " + fixed1(g) + " GFLOP/s  " + space.text(p));
            progress.update(++evaluated, settings.budget.max_candidates, std::max(g, 0.0), space.text(p));
            return g;
        },
        [&]() { return stop.load(); });
    if (stop) return false;
    if (result.best_gflops <= 0) {
        *error = key.to_string() + ": no candidate compiled and matched the reference";
        return false;
    }
    const double search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Prefer a configuration that is already built for another layer, or the default, when it is
    // within noise of the best: fewer variants, and the default is the safest choice.
    Point chosen = result.best;
    std::vector<Point> preferred = starts;
    preferred.insert(preferred.begin(), space.defaults);
    for (const Point &p : preferred) {
        auto it = result.measured.find(p);
        if (it != result.measured.end() && it->second >= result.best_gflops * (1 - kNoise)) {
            chosen = p;
            break;
        }
    }

    // The contenders of the final measurement: the default; the incumbent (what runs here now), the
    // --tunables configuration and the search's choice, each unless an earlier one runs it; then the
    // autoschedulers.
    std::vector<Contender> contenders;
    std::vector<std::string> notes;
    // Spellings differ (the space's text, --tunables as given): compare what the ISA's code reads.
    auto reads = [&](const std::string &tunables) {
        std::string text, why;
        return isa_configuration(*family, *isa, key.nchw, section_text(settings.isa, tunables), &text, &why) ? text
                                                                                                            : tunables;
    };
    auto add = [&](const std::string &name, const Schedule &schedule) {
        for (const Contender &c : contenders) {
            const bool both_configurations = schedule.autoscheduler.empty() && !c.tunables.empty();
            if (both_configurations && reads(c.tunables) == reads(schedule.tunables)) return;
        }
        progress.update(evaluated, settings.budget.max_candidates, result.best_gflops, "compiling " + name);
        Contender c{name, schedule.tunables, nullptr};
        std::string why;
        c.candidate = Candidate::compile(data, settings.target, settings.family, schedule, settings.threads, &why);
        if (c.candidate && c.candidate->run(data, settings.threads, &why) &&
            Candidate::matches_reference(data, &why)) {
            notes.push_back(name + " compiled in " + fixed1(c.candidate->compile_seconds()) + " s");
            contenders.push_back(std::move(c));
        } else {
            notes.push_back(name + " failed: " + why.substr(0, 200));
        }
    };
    auto index_of = [&](const std::string &name) {
        for (size_t i = 0; i < contenders.size(); ++i) {
            if (contenders[i].name == name) return static_cast<int>(i);
        }
        return -1;
    };
    add("default", Schedule{space.text(space.defaults), ""});
    if (contenders.empty()) {
        *error = key.to_string() + ": the default schedule failed in the final measurement";
        return false;
    }
    // The incumbent in the space's own spelling (a configuration of knobs the space does not search
    // is measured as written).
    std::string incumbent_text = incumbent;
    Point incumbent_point;
    if (!incumbent.empty() && point_of(space, incumbent, &incumbent_point)) incumbent_text = space.text(incumbent_point);
    if (!incumbent_text.empty()) add("incumbent", Schedule{incumbent_text, ""});
    if (!given_text.empty()) add("given", Schedule{given_text, ""});
    add("tuned", Schedule{space.text(chosen), ""});
    for (const std::string &a : settings.autoschedulers) add(a, Schedule{"", a});
    if (stop) return false;

    std::vector<std::pair<int, std::vector<double>>> measured;
    for (int t : settings.report_threads) {
        progress.update(evaluated, settings.budget.max_candidates, result.best_gflops,
                        "side by side at " + std::to_string(t) + " thread(s)");
        std::vector<double> gflops;
        if (!measure_side_by_side(contenders, data, t, settings.seed + t, stop, &gflops, error)) return false;
        measured.emplace_back(t, gflops);
    }
    // The baseline is what runs here now: the incumbent, else the default. The search's choice, or
    // the default over an incumbent, replaces it only by beating it by more than the noise at every
    // thread count of the final, interleaved measurement; otherwise the search's win was noise, or
    // holds at one thread count only. (Smaller wins measured under the JIT have not survived as
    // built AOT variants.) Of two that do, the faster in geometric mean.
    const int baseline = index_of("incumbent") >= 0 ? index_of("incumbent") : index_of("default");
    int kept = baseline;
    double kept_score = 0;
    for (const std::string &challenger : {"tuned", "given", "default"}) {
        const int i = index_of(challenger);
        if (i < 0 || i == baseline) continue;
        bool wins_everywhere = true;
        double score = 1;
        for (const auto &[t, gflops] : measured) {
            wins_everywhere = wins_everywhere && gflops[i] >= gflops[baseline] * (1 + kNoise);
            score *= gflops[i] / gflops[baseline];
        }
        if (wins_everywhere && score > kept_score) {
            kept = i, kept_score = score;
        } else if (!wins_everywhere) {
            const std::string what = challenger == "tuned"   ? "the search's best (" + contenders[i].tunables + ")"
                                     : challenger == "given" ? "the --tunables configuration (" + contenders[i].tunables + ")"
                                                             : "the default";
            notes.push_back(what + " lost to the " + contenders[baseline].name + " side by side");
        }
    }
    const std::string tunables = contenders[kept].tunables;
    // The rows written: tuned (the kept configuration's figures), then every other contender measured
    // (default, incumbent, given, the autoschedulers).
    std::vector<std::string> row_names = {"tuned"};
    std::vector<int> row_of = {kept};
    for (size_t i = 0; i < contenders.size(); ++i) {
        if (contenders[i].name == "tuned") continue;
        row_names.push_back(contenders[i].name);
        row_of.push_back(static_cast<int>(i));
    }
    for (auto &[t, gflops] : measured) {
        std::vector<double> row;
        for (int i : row_of) row.push_back(gflops[i]);
        gflops = row;
    }

    // This ISA's fields, rewritten in place; every other ISA's stay as they were.
    std::vector<std::pair<std::string, std::string>> fields = {
        {"tunables", tunables},
        {"target", settings.target.to_string()},
    };
    for (const auto &[t, gflops] : measured) {
        std::vector<std::pair<std::string, double>> named;
        for (size_t i = 0; i < row_names.size(); ++i) {
            std::string n = row_names[i];
            std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return std::tolower(ch); });
            named.emplace_back(n, gflops[i]);
        }
        fields.emplace_back(gflops_field(t), format_gflops(named));
    }
    fields.emplace_back("machine", settings.machine);
    fields.emplace_back("tuned", today() + "; sepconv-tune " SEPCONV_VERSION "; seed " + std::to_string(settings.seed) +
                                     "; " + std::to_string(result.measured.size()) + " candidates in " +
                                     fixed1(search_seconds) + " s at " + std::to_string(settings.threads) +
                                     " thread(s)");
    std::string joined;
    for (const std::string &n : notes) joined += (joined.empty() ? "" : "; ") + n;
    fields.emplace_back("notes", joined);
    entry->key = internal::TunedKey{key, settings.uarch}.to_string();
    entry->set("layers", names);
    entry->set("family", settings.family);
    entry->replace_prefixed(settings.isa + ".", fields);
    return true;
}

}  // namespace sepconv::tune
