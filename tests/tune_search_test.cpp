// The tuner's search, on synthetic objectives: it climbs to the optimum, keeps to its budget, is
// reproducible from its seed, and never compiles a point the space declares invalid. Then the
// schedule configurations: the knob registry's text form, the family table's ISAs and sections,
// and the tuning spaces it derives (register files, no duplicate configurations).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "cpu/cpu_schedule.h"
#include "cpu/cpu_tunables.h"
#include "gpu/gpu_tunables.h"
#include "families.h"
#include "search.h"

namespace sepconv::tune {
namespace {

TuningSpace synthetic_space() {
    TuningSpace s;
    s.knobs = {{"a", int_values(0, 7)}, {"b", int_values(0, 7)}, {"c", int_values(0, 7)}};
    s.defaults = {0, 0, 0};
    s.text = [](const Point &p) {
        return "a:" + std::to_string(p[0]) + ",b:" + std::to_string(p[1]) + ",c:" + std::to_string(p[2]);
    };
    return s;
}

// One peak at (5, 2, 6), falling off along every knob: what hill climbing can always find.
double peaked(const Point &p) { return 100.0 - std::abs(p[0] - 5) * 7 - std::abs(p[1] - 2) * 5 - std::abs(p[2] - 6) * 3; }

TEST(TuneSearch, ClimbsToTheOptimumWithinItsBudget) {
    const TuningSpace space = synthetic_space();
    SearchBudget budget;
    budget.max_candidates = 60;
    budget.max_seconds = 60;
    SearchResult r = hill_climb(space, {}, budget, 1, peaked, [] { return false; });
    EXPECT_EQ(r.best, (Point{5, 2, 6}));
    EXPECT_DOUBLE_EQ(r.best_gflops, 100.0);
    EXPECT_LE(r.measured.size(), 60u);
    EXPECT_TRUE(r.measured.count(space.defaults)) << "the default is always measured";
}

TEST(TuneSearch, KeepsToMaxCandidatesAndStopsWhenAsked) {
    const TuningSpace space = synthetic_space();
    SearchBudget budget;
    budget.max_candidates = 7;
    int calls = 0;
    SearchResult r = hill_climb(space, {}, budget, 1, [&](const Point &p) { return ++calls, peaked(p); },
                                [] { return false; });
    EXPECT_EQ(calls, 7);
    EXPECT_EQ(r.measured.size(), 7u);
    calls = 0;
    hill_climb(space, {}, SearchBudget{}, 1, [&](const Point &p) { return ++calls, peaked(p); },
               [&] { return calls >= 3; });
    EXPECT_EQ(calls, 3);
}

TEST(TuneSearch, TheSameSeedGivesTheSameSearch) {
    const TuningSpace space = synthetic_space();
    SearchBudget budget;
    budget.max_candidates = 25;
    // A bumpy objective, so that restarts (which draw random points) happen.
    auto bumpy = [](const Point &p) { return static_cast<double>((p[0] * 7 + p[1] * 13 + p[2] * 29) % 17); };
    const SearchResult a = hill_climb(space, {}, budget, 42, bumpy, [] { return false; });
    const SearchResult b = hill_climb(space, {}, budget, 42, bumpy, [] { return false; });
    const SearchResult c = hill_climb(space, {}, budget, 43, bumpy, [] { return false; });
    EXPECT_EQ(a.measured, b.measured);
    EXPECT_NE(a.measured, c.measured);
}

TEST(TuneSearch, NeverEvaluatesAnInvalidPoint) {
    TuningSpace space = synthetic_space();
    space.valid = [](const Point &p) { return (p[0] + p[1] + p[2]) % 2 == 0; };
    SearchBudget budget;
    budget.max_candidates = 40;
    hill_climb(space, {Point{1, 0, 0}, Point{2, 2, 0}}, budget, 3,
               [&](const Point &p) {
                   EXPECT_TRUE(space.valid(p)) << p[0] << "," << p[1] << "," << p[2];
                   return peaked(p);
               },
               [] { return false; });
}

TEST(TuneSearch, PointOfFillsLeftOutKnobsWithTheDefaults) {
    const TuningSpace space = synthetic_space();
    Point p;
    std::vector<std::string> ignored;
    ASSERT_TRUE(point_of(space, "b:3,unrelated:9", &p, &ignored));
    EXPECT_EQ(p, (Point{0, 3, 0}));
    EXPECT_EQ(ignored, (std::vector<std::string>{"unrelated"}));
    EXPECT_FALSE(point_of(space, "a:8", &p)) << "8 is outside a's range";
    EXPECT_FALSE(point_of(space, "a=1", &p)) << "one spelling: knob:value";
}

const Family &x86() { return *find_family("x86"); }
const IsaRow &isa(const std::string &name) { return *x86().isa(name); }

cpu::Tunables resolved(const std::string &isa_name, const std::string &tunables, bool nchw = false) {
    cpu::Tunables t;
    std::string error;
    EXPECT_TRUE(resolve_config(cpu::knobs(), x86(), isa(isa_name), nchw, tunables, &t, &error)) << error;
    return t;
}

TuningSpace space_of(const std::string &family, const std::string &isa_name, bool nchw = false) {
    const Family &f = *find_family(family);
    TuningSpace s;
    std::string error;
    EXPECT_TRUE(tuning_space(f, *f.isa(isa_name), nchw, &s, &error)) << error;
    return s;
}

// Every Halide target the builds compile selects the ISA whose section its code reads.
TEST(Families, EachTargetReadsItsOwnIsa) {
    const std::pair<const char *, const char *> cases[] = {
        {"x86-64-linux-avx512_skylake", "avx512"}, {"x86-64-linux-avx2-fma", "avx2"},
        {"x86-64-linux-sse41", "sse41"},           {"arm-64-linux-arm_dot_prod-arm_fp16", "neon_dot_fp16"},
        {"arm-64-linux", "neon"},                  {"x86-64-linux-sse41-cuda-cuda_capability_61", "cuda"},
        {"x86-64-linux-sse41-opencl", "opencl"},
    };
    for (const auto &[target, want] : cases) {
        const Family *f = family_for_target(target);
        ASSERT_NE(f, nullptr) << target;
        const IsaRow *row = f->isa_for(target);
        ASSERT_NE(row, nullptr) << target;
        EXPECT_EQ(row->isa.name, want) << target;
    }
}

// Rows that cannot be searched or resolved would fail late, in a build or a search: every
// registry's searched values are legal values, and every family's defaults resolve on every ISA and
// layout it serves.
TEST(Families, RegistriesAndDefaultsAreConsistent) {
    auto searched_are_legal = [](const auto &registry) {
        for (const auto &k : registry.knobs()) {
            for (const std::string &v : k.searched) {
                EXPECT_NE(std::find(k.values.begin(), k.values.end(), v), k.values.end()) << k.name << ":" << v;
            }
        }
    };
    searched_are_legal(cpu::knobs());
    searched_are_legal(gpu::knobs());
    for (const Family &f : families()) {
        for (const IsaRow &row : f.isas) {
            for (bool nchw : {false, true}) {
                if (nchw && !f.nchw) continue;
                TuningSpace s;
                std::string error;
                EXPECT_TRUE(tuning_space(f, row, nchw, &s, &error)) << f.name << " " << row.isa.name << ": " << error;
                EXPECT_TRUE(!s.valid || s.valid(s.defaults)) << f.name << " " << row.isa.name << ": " << s.text(s.defaults);
            }
        }
    }
    EXPECT_EQ(x86().isa_for("arm-64-linux"), nullptr) << "a family claims only its own arch";
}

// A variant's tunables hold a section per ISA: each ISA's code reads its own section over the
// family's defaults on it, never another ISA's (SSE4.1 code does not read the AVX2 keys).
TEST(Families, EachIsaReadsOnlyItsOwnSection) {
    const std::string text = "avx2.co_vectors:3,avx2.tile_x:4,avx512.co_vectors:2,avx512.tile_x:7,"
                             "avx512.parallel_over:channels,avx512.pad_copy:1";
    const cpu::Tunables avx2 = resolved("avx2", text), avx512 = resolved("avx512", text), sse41 = resolved("sse41", text);
    EXPECT_EQ(avx2.co_vectors, 3);
    EXPECT_EQ(avx2.tile_x, 4);
    EXPECT_EQ(avx2.parallel_over, cpu::ParallelOver::Rows);
    EXPECT_FALSE(avx2.pad_copy);
    EXPECT_EQ(avx512.co_vectors, 2);
    EXPECT_EQ(avx512.tile_x, 7);
    EXPECT_EQ(avx512.parallel_over, cpu::ParallelOver::Channels);
    EXPECT_TRUE(avx512.pad_copy);
    // No sse41 section: the family's defaults on SSE4.1, whatever the AVX2 section says.
    EXPECT_EQ(cpu::knobs().text(sse41, false, isa("sse41").isa), cpu::knobs().text(resolved("sse41", ""), false, isa("sse41").isa));
    EXPECT_EQ(sse41.co_vectors, 4);
    EXPECT_EQ(sse41.tile_x, 3);
}

TEST(Families, RefusesSectionsAndKnobsTheirCodeNeverReads) {
    cpu::Tunables t;
    std::string error;
    auto refused = [&](const std::string &text, const std::string &named, bool nchw = false) {
        EXPECT_FALSE(resolve_config(cpu::knobs(), x86(), isa("avx2"), nchw, text, &t, &error)) << text;
        EXPECT_NE(error.find(named), std::string::npos) << text << ": " << error;
    };
    refused("neon.co_vectors:4", "no ISA 'neon' in the x86 family");
    refused("co_vectors:4", "names no ISA section");
    refused("avx2.co_vectors=4", "not a knob:value item");
    refused("avx2.colour:red", "unknown knob 'colour'");
    refused("avx2.parallel_over:columns", "bad value 'columns' for knob 'parallel_over' (rows|channels)");
    refused("avx512.co_vectors:9", "bad value '9' for knob 'co_vectors'");
    refused("avx512.tile_rows:-1", "tile_rows");
    refused("avx2.lanes:8", "knob 'lanes' is not read by the NHWC schedule on avx2");
    refused("avx2.nchw_co_block:2", "knob 'nchw_co_block' is not read by the NHWC schedule");
    refused("avx2.co_vectors:2", "knob 'co_vectors' is not read by the NCHW schedule", /*nchw=*/true);
}

// The forms of the algorithm the schedule asks the generator for follow the ISA's configuration.
TEST(CpuTunables, AlgorithmFormsFollowTheConfiguration) {
    const std::string text = "avx512.tile_rows:2,avx512.unroll_kernel:0";
    EXPECT_TRUE(cpu::flat_pixels(Layout::NHWC, resolved("avx512", text)));
    EXPECT_FALSE(cpu::flat_pixels(Layout::NHWC, resolved("avx2", text)));
    EXPECT_FALSE(cpu::unrolled_taps(Layout::NHWC, resolved("avx512", text)));
    EXPECT_TRUE(cpu::unrolled_taps(Layout::NHWC, resolved("avx2", text)));
    EXPECT_FALSE(cpu::unrolled_taps(Layout::NCHW, resolved("avx2", "", true)));
    EXPECT_FALSE(cpu::flat_pixels(Layout::NCHW, resolved("avx2", "", true)));
}

// The fast path's condition, evaluated as the runtime evaluates it for explain().
TEST(CpuTunables, FullBlocksNeedOneBlockOfPixels) {
    const cpu::Tunables t = resolved("avx2", "avx2.tile_x:3");
    EXPECT_TRUE(cpu::full_blocks<int64_t>(t, false, 8, 64, 3, 1));
    EXPECT_FALSE(cpu::full_blocks<int64_t>(t, false, 8, 64, 2, 9));
    const cpu::Tunables flat = resolved("avx2", "avx2.tile_x:3,avx2.tile_rows:2");
    EXPECT_TRUE(cpu::full_blocks<int64_t>(flat, false, 8, 64, 2, 1)) << "two rows of 2 pixels hold a block of 3";
    const cpu::Tunables nchw = resolved("avx2", "avx2.nchw_co_block:4,avx2.nchw_x_vectors:2", true);
    EXPECT_TRUE(cpu::full_blocks<int64_t>(nchw, true, 8, 4, 16, 1));
    EXPECT_FALSE(cpu::full_blocks<int64_t>(nchw, true, 8, 3, 16, 1));
    EXPECT_FALSE(cpu::full_blocks<int64_t>(nchw, true, 8, 4, 15, 1));
}

// Configurations differing only in knobs the registry marks ignored have one canonical form: one
// variant, one database text. (tests/check_ignored_knobs.py shows they compile to the same code.)
TEST(CpuTunables, IgnoredKnobsLeaveTheCanonicalForm) {
    auto canonical = [](const std::string &text) {
        std::string out, error;
        EXPECT_TRUE(canonical_tunables(x86(), false, text, &out, &error)) << error;
        return out;
    };
    EXPECT_EQ(canonical("avx2.co_outer:1,avx2.depthwise_at:xtile"), canonical("avx2.co_outer:1,avx2.depthwise_at:row"));
    EXPECT_EQ(canonical("avx2.co_outer:0,avx2.tile_rows:2,avx2.depthwise_at:xtile"),
              canonical("avx2.co_outer:0,avx2.tile_rows:2,avx2.depthwise_at:row"));
    EXPECT_EQ(canonical("avx2.parallel_over:channels,avx2.co_outer:0"),
              canonical("avx2.co_outer:1,avx2.parallel_over:channels"));
    EXPECT_NE(canonical("avx2.co_outer:0,avx2.depthwise_at:xtile"), canonical("avx2.co_outer:0,avx2.depthwise_at:row"));
    EXPECT_EQ(canonical(""), "") << "no section: the defaults";
    // Explicit: every knob the ISA's code reads, the ISAs in the family's order.
    EXPECT_EQ(canonical("avx2.tile_x:2,avx512.tile_x:8"),
              "avx512.co_vectors:4,avx512.tile_x:8,avx512.tile_rows:0,avx512.lanes:0,avx512.co_outer:1,"
              "avx512.depthwise_inner:pixels,avx512.unroll_kernel:1,avx512.pad_copy:0,avx512.parallel_over:rows,"
              "avx512.k_block:0,avx2.co_vectors:4,avx2.tile_x:2,avx2.tile_rows:0,avx2.co_outer:1,"
              "avx2.depthwise_inner:pixels,avx2.unroll_kernel:1,avx2.pad_copy:0,avx2.parallel_over:rows,avx2.k_block:0");
}

TEST(CpuTuningSpace, SizesTheRegisterTileToTheIsa) {
    auto valid = [](const TuningSpace &s, const std::string &text) {
        Point p;
        EXPECT_TRUE(point_of(s, text, &p)) << text;
        return s.valid(p);
    };
    const TuningSpace avx512 = space_of("x86", "avx512"), avx2 = space_of("x86", "avx2");
    EXPECT_EQ(avx512.knobs[0].name, "co_vectors");
    EXPECT_EQ(avx512.knobs[1].name, "tile_x");
    EXPECT_TRUE(avx512.valid(avx512.defaults)) << avx512.text(avx512.defaults);
    EXPECT_TRUE(valid(avx512, "co_vectors:3,tile_x:7"));   // 21 + 3 + 1 <= 32
    EXPECT_FALSE(valid(avx512, "co_vectors:4,tile_x:7"));  // 28 + 4 + 1 > 32
    EXPECT_FALSE(valid(avx512, "co_vectors:1,tile_x:7"));  // 7 accumulators: 2 FMAs a cycle x 4 cycles need 8
    EXPECT_TRUE(valid(avx512, "co_vectors:1,tile_x:8"));
    EXPECT_TRUE(avx2.valid(avx2.defaults)) << avx2.text(avx2.defaults);
    EXPECT_TRUE(valid(avx2, "co_vectors:3,tile_x:4"));   // 12 + 3 + 1 = 16
    EXPECT_TRUE(valid(avx2, "co_vectors:4,tile_x:3"));   // 12 + 3 broadcasts + 1 = 16
    EXPECT_FALSE(valid(avx2, "co_vectors:4,tile_x:4"));  // 16 + 4 + 1 > 16
    EXPECT_FALSE(valid(avx2, "co_vectors:6,tile_x:3"));  // 18 accumulators
    // Each space searches only what its ISA's code reads: lanes only where vectors have 16.
    auto has = [](const TuningSpace &s, const std::string &knob) {
        for (const Knob &k : s.knobs) {
            if (k.name == knob) return true;
        }
        return false;
    };
    EXPECT_TRUE(has(avx512, "lanes"));
    EXPECT_FALSE(has(avx2, "lanes"));
    EXPECT_FALSE(has(avx2, "nchw_co_block"));
    const TuningSpace nchw = space_of("x86", "avx2", true);
    EXPECT_TRUE(has(nchw, "nchw_co_block"));
    EXPECT_FALSE(has(nchw, "co_vectors"));
    EXPECT_EQ(space_of("arm", "neon").defaults.size(), space_of("arm", "neon_dot_fp16").defaults.size());
}

// No two valid points of a space share a canonical form, and every point the space skips as a
// duplicate has the canonical form of a valid one: the search measures each configuration once
// and never loses one.
TEST(CpuTuningSpace, EveryConfigurationIsSearchedOnce) {
    for (const char *isa_name : {"avx2", "avx512"}) {
        const TuningSpace s = space_of("x86", isa_name);
        std::set<std::string> valid_texts;
        std::vector<std::string> skipped_texts;
        Point p(s.knobs.size(), 0);
        size_t points = 0;
        for (;;) {
            // Only register tiles that fit: the duplicate rule is what is under test.
            const std::string text = s.text(p);
            if (s.valid(p)) {
                EXPECT_TRUE(valid_texts.insert(text).second) << isa_name << ": twice: " << text;
            } else {
                skipped_texts.push_back(text);
            }
            ++points;
            size_t k = 0;
            while (k < p.size() && ++p[k] == static_cast<int>(s.knobs[k].values.size())) p[k++] = 0;
            if (k == p.size()) break;
        }
        EXPECT_GT(points, valid_texts.size());
        size_t duplicates = 0;
        for (const std::string &t : skipped_texts) duplicates += valid_texts.count(t);
        EXPECT_GT(duplicates, 0u) << isa_name << ": the ignore rules skip duplicates";
        // A skipped point is either a duplicate or a tile that does not fit; the latter also fails
        // for its canonical form, so checking fit on the valid set is enough: every valid text fits.
    }
}

// The flat blocks compute the depthwise result per group of rows, so depthwise_at is ignored with
// tile_rows > 0: the search keeps it at the default (row on x86).
TEST(CpuTuningSpace, FlatBlocksSkipThePerTileDepthwise) {
    const TuningSpace space = space_of("x86", "avx2");
    auto valid = [&](const std::string &text) {
        Point p;
        EXPECT_TRUE(point_of(space, text, &p)) << text;
        return space.valid(p);
    };
    EXPECT_TRUE(valid("co_outer:0,tile_rows:2,depthwise_at:row"));
    EXPECT_FALSE(valid("co_outer:0,tile_rows:2,depthwise_at:xtile"));
    EXPECT_TRUE(valid("co_outer:0,tile_rows:0,depthwise_at:xtile"));
    EXPECT_FALSE(valid("co_outer:1,tile_rows:0,depthwise_at:xtile")) << "co_outer fixes the place too";
}

}  // namespace
}  // namespace sepconv::tune
