// The tuned-schedule database: a plain text file (schedules/tuned/*.db) with one section per
// layer shape, written by sepconv-tune and read by the build's variant list (tools/variants), which
// emits one AOT variant per distinct tuned configuration.
//
//   [f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same]   <- the shape key (shape_key.h)
//   layers = mobilenet_v1_conv3
//   family = x86
//   avx2.tunables = co_vectors:4,tile_x:3,tile_rows:0,...      <- what AVX2 code reads
//   avx2.target = x86-64-linux-avx2-fma                          <- the run that chose it:
//   avx2.gflops_1_thread = tuned 80.1, default 75.2, adams2019 30.0
//   avx2.machine = AMD EPYC 7763; 2 cores; sse4.1 avx avx2 fma
//   avx2.tuned = 2026-11-24; sepconv-tune 0.1.0; seed 1; 37 candidates in 61 s at 2 threads
//   avx2.notes = ...
//   avx512.tunables = ...                                        <- another ISA's section
//
// Each ISA of the family (schedules/families.h) has its own fields, prefixed with its name: tuning
// on one ISA rewrites that ISA's fields and keeps every other's. An ISA without a section runs the
// family's defaults.
//
// A section whose key names a microarchitecture, [f32_nhwc_..._same@amd-zen4] (shape_key.h's
// TunedKey), holds what was tuned on that microarchitecture; the runtime prefers it there, and
// elsewhere ranks it with the cost model only. Its ISAs without a section read the unqualified
// entry's, so that it differs from that entry only where that microarchitecture measured better.
//
// Sections are sorted by key and fields keep their order, so rewriting a database changes only
// the lines of the layers that were tuned again.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sepconv::tune {

struct TunedEntry {
    std::string key;
    std::vector<std::pair<std::string, std::string>> fields;  // in file order

    std::string get(const std::string &name) const;  // "" when absent
    void set(const std::string &name, const std::string &value);  // in place, else appended
    // Makes `fields` (names without the prefix) the entry's fields named `prefix`*: those already
    // there keep their place, new ones are appended, old ones not in `fields` are dropped.
    void replace_prefixed(const std::string &prefix, const std::vector<std::pair<std::string, std::string>> &fields);
};

// "tuned 80.1, default 75.2" <-> {{"tuned", 80.1}, {"default", 75.2}} (in that order).
std::string format_gflops(const std::vector<std::pair<std::string, double>> &gflops);
std::vector<std::pair<std::string, double>> parse_gflops(const std::string &text);
// The field name for the GFLOP/s measured at `threads` threads: gflops_1_thread, gflops_2_threads.
std::string gflops_field(int threads);

class TunedDb {
public:
    // An absent file is an empty database; a malformed one is an error naming the line.
    bool load(const std::string &path, std::string *error);
    bool parse(const std::string &text, const std::string &source, std::string *error);
    std::string text() const;
    // Writes a temporary file and renames it over `path`: an interrupted write never leaves a
    // half-written database behind.
    bool save(const std::string &path, std::string *error) const;

    const TunedEntry *find(const std::string &key) const;
    void put(const TunedEntry &entry);  // replaces the entry with the same key
    const std::map<std::string, TunedEntry> &entries() const { return entries_; }

private:
    std::map<std::string, TunedEntry> entries_;
};

}  // namespace sepconv::tune
