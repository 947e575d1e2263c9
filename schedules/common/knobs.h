// A schedule family's knobs, each declared once: one row of a registry, next to the struct the
// schedule reads (cpu/cpu_tunables.cpp, gpu/gpu_tunables.cpp). A row gives the knob's name, its
// legal values, the values the tuner tries, which layouts' schedule reads it, on which ISAs, and
// under which other knobs' values the schedule ignores it. Parsing, printing, the tuning space and
// the rule that two configurations differing only in ignored knobs are one configuration (searched
// once, written once, compiled once) all follow from the rows.
#pragma once

#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "config_text.h"
#include "isa.h"

namespace sepconv {

enum class Reads { kNhwc, kNchw, kBoth };  // the layouts whose schedule reads a knob

template <typename Config>
struct KnobSpec {
    std::string name;
    std::vector<std::string> values;    // legal values, ordered so that neighbours are neighbours
    std::vector<std::string> searched;  // the values the tuner tries
    Reads layouts = Reads::kBoth;
    std::function<bool(const Isa &)> isas;                // the ISAs whose code reads it; null = all
    std::function<bool(const Config &)> ignored_under;    // when the schedule ignores it; null = never
    std::function<std::string(const Config &)> get;
    std::function<void(Config &, size_t value_index)> set;

    // The builder calls that complete a row.
    KnobSpec search(std::vector<std::string> v) const { KnobSpec k = *this; k.searched = std::move(v); return k; }
    KnobSpec only(Reads r) const { KnobSpec k = *this; k.layouts = r; return k; }
    KnobSpec on(std::function<bool(const Isa &)> f) const { KnobSpec k = *this; k.isas = std::move(f); return k; }
    KnobSpec ignored_when(std::function<bool(const Config &)> f) const {
        KnobSpec k = *this;
        k.ignored_under = std::move(f);
        return k;
    }

    bool read_by(bool nchw, const Isa &isa) const {
        return (layouts == Reads::kBoth || (layouts == Reads::kNchw) == nchw) && (!isas || isas(isa));
    }
    bool ignored(const Config &c) const { return ignored_under && ignored_under(c); }
};

namespace knobs_detail {
template <typename M> struct Member;
template <typename C, typename T> struct Member<T C::*> { using Config = C; using Type = T; };
}  // namespace knobs_detail

// A knob stored in the field `Field` of its Config: an int (values are its decimal text), a bool
// (values "0", "1") or an enum (values name its enumerators in declaration order).
template <auto Field>
KnobSpec<typename knobs_detail::Member<decltype(Field)>::Config> knob(std::string name, std::vector<std::string> values) {
    using Config = typename knobs_detail::Member<decltype(Field)>::Config;
    using T = typename knobs_detail::Member<decltype(Field)>::Type;
    KnobSpec<Config> k;
    k.name = std::move(name);
    k.values = values;
    k.searched = values;
    k.get = [values](const Config &c) -> std::string {
        if constexpr (std::is_same_v<T, int>) {
            return std::to_string(c.*Field);
        } else {
            return values[static_cast<size_t>(c.*Field)];
        }
    };
    k.set = [values](Config &c, size_t i) {
        if constexpr (std::is_same_v<T, int>) {
            c.*Field = std::stoi(values[i]);
        } else if constexpr (std::is_same_v<T, bool>) {
            c.*Field = i != 0;
        } else {
            c.*Field = static_cast<T>(i);
        }
    };
    return k;
}

// "lo".."hi" as knob values.
std::vector<std::string> int_values(int lo, int hi);

template <typename Config>
class KnobRegistry {
public:
    explicit KnobRegistry(std::vector<KnobSpec<Config>> knobs) : knobs_(std::move(knobs)) {}
    const std::vector<KnobSpec<Config>> &knobs() const { return knobs_; }

    // Sets the knobs that `items` name over *config. A knob that is unknown, not read by this
    // layout's schedule on `isa` (unless `skip_unread`: a family's defaults serve both layouts), or
    // given a value outside its legal values is an error naming it.
    bool apply(const KnobItems &items, bool nchw, const Isa &isa, Config *config, std::string *error,
               bool skip_unread = false) const {
        for (const auto &[name, value] : items) {
            const KnobSpec<Config> *k = find(name);
            if (k == nullptr) {
                *error = "unknown knob '" + name + "'";
                return false;
            }
            if (!k->read_by(nchw, isa)) {
                if (skip_unread) continue;
                *error = "knob '" + name + "' is not read by the " + (nchw ? "NCHW" : "NHWC") + " schedule on " + isa.name;
                return false;
            }
            size_t i = 0;
            while (i < k->values.size() && k->values[i] != value) ++i;
            if (i == k->values.size()) {
                std::string legal;
                for (const std::string &v : k->values) legal += (legal.empty() ? "" : "|") + v;
                *error = "bad value '" + value + "' for knob '" + name + "' (" + legal + ")";
                return false;
            }
            k->set(*config, i);
        }
        return true;
    }
    bool apply(const std::string &text, bool nchw, const Isa &isa, Config *config, std::string *error,
               bool skip_unread = false) const {
        KnobItems items;
        return parse_knob_items(text, &items, error) && apply(items, nchw, isa, config, error, skip_unread);
    }

    // The knobs this layout's schedule reads on `isa` under `config`, at their values in it: the
    // configuration's canonical form (ignored knobs left out; they take the defaults, unread).
    KnobItems read(const Config &config, bool nchw, const Isa &isa) const {
        KnobItems out;
        for (const KnobSpec<Config> &k : knobs_) {
            if (k.read_by(nchw, isa) && !k.ignored(config)) out.emplace_back(k.name, k.get(config));
        }
        return out;
    }
    std::string text(const Config &config, bool nchw, const Isa &isa) const {
        return knob_items_text(read(config, nchw, isa));
    }

    const KnobSpec<Config> *find(const std::string &name) const {
        for (const KnobSpec<Config> &k : knobs_) {
            if (k.name == name) return &k;
        }
        return nullptr;
    }

private:
    std::vector<KnobSpec<Config>> knobs_;
};

}  // namespace sepconv
