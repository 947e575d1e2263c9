// The tuner's search and the CPU schedule's tuning space, on synthetic objectives: the search
// climbs to the optimum, keeps to its budget, is reproducible from its seed, and never compiles a
// point the space declares invalid; the space holds the family default and sizes register tiles to
// the target's register file.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cpu/cpu_schedule.h"
#include "cpu/cpu_tuning_space.h"
#include "search.h"
#include "x86/x86_schedule.h"

namespace sepconv::tune {
namespace {

TuningSpace synthetic_space() {
    TuningSpace s = make_tuning_space({{"a", int_values(0, 7)}, {"b", int_values(0, 7)}, {"c", int_values(0, 7)}},
                                      "a=0,b=0,c=0");
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
    ASSERT_TRUE(point_of(space, "b=3,unrelated=9", &p, &ignored));
    EXPECT_EQ(p, (Point{0, 3, 0}));
    EXPECT_EQ(ignored, (std::vector<std::string>{"unrelated"}));
    EXPECT_FALSE(point_of(space, "a=8", &p)) << "8 is outside a's range";
    EXPECT_EQ(space.text(Point{1, 2, 3}), "a=1,b=2,c=3");
}

// Re-tuning one ISA keeps the other ISA's keys of the entry (tools/tune/tune_layer.cpp).
TEST(TuneSearch, ItemsNotSearchedAreTheOtherIsasKeys) {
    const TuningSpace avx2 =
        cpu::tuning_space(Layout::NHWC, Halide::Target("x86-64-linux-avx2-fma"), x86::default_tunables());
    EXPECT_EQ(avx2.items_not_searched("co_vectors=2,co_vectors_avx512=3,tile_x=5,parallel_over_avx512=channels"),
              "co_vectors_avx512=3,parallel_over_avx512=channels");
    const TuningSpace avx512 =
        cpu::tuning_space(Layout::NHWC, Halide::Target("x86-64-linux-avx512_skylake"), x86::default_tunables());
    EXPECT_EQ(avx512.items_not_searched("co_vectors=2,co_vectors_avx512=3,tile_x=5,parallel_over_avx512=channels"),
              "co_vectors=2,tile_x=5");
    EXPECT_EQ(avx512.items_not_searched(""), "");
}

// The tuner keeps the items of the entry's explicit form (every knob written out, each K_avx512 at the
// value AVX-512 code reads): an entry tuned before tile_rows existed says nothing of it, so AVX-512
// code would read an AVX2 re-tune's tile_rows; written out, tile_rows_avx512 keeps its old value.
TEST(TuneSearch, TheExplicitFormKeepsWhatTheOtherIsaReads) {
    const TuningSpace avx2 =
        cpu::tuning_space(Layout::NHWC, Halide::Target("x86-64-linux-avx2-fma"), x86::default_tunables());
    cpu::Tunables before = x86::default_tunables();
    std::string error;
    ASSERT_TRUE(cpu::Tunables::parse("co_vectors=3,co_vectors_avx512=1,tile_x_avx512=7", &before, &error)) << error;
    const std::string kept = avx2.items_not_searched(before.to_string());
    EXPECT_NE(kept.find("tile_rows_avx512=0"), std::string::npos) << kept;
    EXPECT_NE(kept.find("co_vectors_avx512=1"), std::string::npos) << kept;
    EXPECT_EQ(kept.find("co_vectors=3"), std::string::npos) << kept;  // the AVX2 space searches it
    // Whatever the AVX2 search then picks, AVX-512 code reads what it read before.
    cpu::Tunables after = x86::default_tunables();
    ASSERT_TRUE(cpu::Tunables::parse(kept + ",co_vectors=2,tile_x=5,tile_rows=7", &after, &error)) << error;
    EXPECT_EQ(after.resolve(true).to_string(), before.resolve(true).to_string());
    EXPECT_EQ(after.resolve(false).tile_rows, 7);
}

TEST(CpuTuningSpace, SizesTheRegisterTileToTheTarget) {
    auto value_point = [](const TuningSpace &s, const std::string &text) {
        Point p;
        EXPECT_TRUE(point_of(s, text, &p)) << text;
        return p;
    };
    // AVX-512: 32 registers, the *_avx512 knobs.
    const TuningSpace avx512 =
        cpu::tuning_space(Layout::NHWC, Halide::Target("x86-64-linux-avx512_skylake"), x86::default_tunables());
    EXPECT_EQ(avx512.knobs[0].name, "co_vectors_avx512");
    EXPECT_EQ(avx512.knobs[1].name, "tile_x_avx512");
    ASSERT_TRUE(avx512.valid);
    EXPECT_TRUE(avx512.valid(avx512.defaults)) << avx512.text(avx512.defaults);
    EXPECT_TRUE(avx512.valid(value_point(avx512, "co_vectors_avx512=3,tile_x_avx512=7")));   // 21 + 3 + 1 <= 32
    EXPECT_FALSE(avx512.valid(value_point(avx512, "co_vectors_avx512=4,tile_x_avx512=7")));  // 28 + 4 + 1 > 32
    EXPECT_FALSE(avx512.valid(value_point(avx512, "co_vectors_avx512=1,tile_x_avx512=3")));  // 3 accumulators
    // AVX2: 16 registers, the plain knobs.
    const TuningSpace avx2 =
        cpu::tuning_space(Layout::NHWC, Halide::Target("x86-64-linux-avx2-fma"), x86::default_tunables());
    EXPECT_EQ(avx2.knobs[0].name, "co_vectors");
    EXPECT_TRUE(avx2.valid(avx2.defaults)) << avx2.text(avx2.defaults);
    EXPECT_TRUE(avx2.valid(value_point(avx2, "co_vectors=3,tile_x=4")));   // 12 + 3 + 1 = 16
    EXPECT_TRUE(avx2.valid(value_point(avx2, "co_vectors=4,tile_x=3")));   // 12 + 3 broadcasts + 1 = 16
    EXPECT_FALSE(avx2.valid(value_point(avx2, "co_vectors=4,tile_x=4")));  // 16 + 4 + 1 > 16
    EXPECT_FALSE(avx2.valid(value_point(avx2, "co_vectors=6,tile_x=3")));  // 18 accumulators
    // Each space searches only what its ISA's code reads.
    for (const Knob &k : avx512.knobs) EXPECT_NE(k.name.find("_avx512"), std::string::npos) << k.name;
    for (const Knob &k : avx2.knobs) EXPECT_EQ(k.name.find("_avx512"), std::string::npos) << k.name;
}

// One x86 variant holds AVX2 and AVX-512 code: K_avx512 is read by AVX-512 code only.
TEST(CpuTunables, AvxTwinsApplyToAvx512CodeOnly) {
    cpu::Tunables t = x86::default_tunables();
    std::string error;
    ASSERT_TRUE(cpu::Tunables::parse("co_vectors=3,tile_x=4,co_vectors_avx512=2,tile_x_avx512=7,"
                                     "parallel_over_avx512=channels,pad_copy_avx512=1",
                                     &t, &error))
        << error;
    const cpu::Tunables avx2 = t.resolve(false), avx512 = t.resolve(true);
    EXPECT_EQ(avx2.co_vectors, 3);
    EXPECT_EQ(avx2.tile_x, 4);
    EXPECT_EQ(avx2.parallel_over, cpu::ParallelOver::Rows);
    EXPECT_FALSE(avx2.pad_copy);
    EXPECT_EQ(avx512.co_vectors, 2);
    EXPECT_EQ(avx512.tile_x, 7);
    EXPECT_EQ(avx512.parallel_over, cpu::ParallelOver::Channels);
    EXPECT_TRUE(avx512.pad_copy);
    // The text form round-trips both ISAs' values.
    cpu::Tunables again = x86::default_tunables();
    ASSERT_TRUE(cpu::Tunables::parse(t.to_string(), &again, &error)) << error;
    EXPECT_EQ(again.resolve(true).to_string(), avx512.to_string());
    EXPECT_EQ(again.resolve(false).to_string(), avx2.to_string());
    // A twin's value is checked like its knob's; NCHW knobs have no twin.
    EXPECT_FALSE(cpu::Tunables::parse("parallel_over_avx512=columns", &t, &error));
    EXPECT_NE(error.find("parallel_over_avx512"), std::string::npos) << error;
    EXPECT_FALSE(cpu::Tunables::parse("co_vectors_avx512=9", &t, &error));
    EXPECT_FALSE(cpu::Tunables::parse("nchw_co_block_avx512=2", &t, &error));
}

// unroll_kernel makes the generator write a fixed kernel's taps out as one sum (a pure depthwise
// stage), per ISA and for NHWC only (the NCHW schedule unrolls its loop over the taps instead).
TEST(CpuTunables, UnrollKernelAsksForUnrolledTapsPerIsaAndLayout) {
    const cpu::Tunables defaults = x86::default_tunables();
    const Halide::Target avx2("x86-64-linux-avx2-fma"), avx512("x86-64-linux-avx512_skylake");
    EXPECT_TRUE(cpu::unrolled_taps(Layout::NHWC, defaults, "", avx2));
    EXPECT_FALSE(cpu::unrolled_taps(Layout::NHWC, defaults, "unroll_kernel=0", avx2));
    EXPECT_FALSE(cpu::unrolled_taps(Layout::NHWC, defaults, "unroll_kernel=0", avx512));
    EXPECT_TRUE(cpu::unrolled_taps(Layout::NHWC, defaults, "unroll_kernel_avx512=0", avx2));
    EXPECT_FALSE(cpu::unrolled_taps(Layout::NHWC, defaults, "unroll_kernel_avx512=0", avx512));
    EXPECT_FALSE(cpu::unrolled_taps(Layout::NCHW, defaults, "", avx2));
    cpu::Tunables t = defaults;
    std::string error;
    ASSERT_TRUE(cpu::Tunables::parse("depthwise_inner=channels,depthwise_inner_avx512=pixels", &t, &error)) << error;
    EXPECT_EQ(t.resolve(false).depthwise_inner, cpu::DepthwiseInner::Channels);
    EXPECT_EQ(t.resolve(true).depthwise_inner, cpu::DepthwiseInner::Pixels);
    EXPECT_FALSE(cpu::Tunables::parse("depthwise_inner=rows", &t, &error));
    EXPECT_NE(error.find("depthwise_inner"), std::string::npos) << error;
}

// tile_rows > 0 makes the generator index the pointwise stage by flat pixel (sepconv_pipeline.h),
// per ISA: a multi-target variant may cut flat blocks in its AVX-512 code and not in its AVX2 code.
TEST(CpuTunables, TileRowsAsksForFlatPixelsPerIsaAndLayout) {
    const cpu::Tunables defaults = x86::default_tunables();
    const Halide::Target avx2("x86-64-linux-avx2-fma"), avx512("x86-64-linux-avx512_skylake");
    EXPECT_FALSE(cpu::flat_pixels(Layout::NHWC, defaults, "", avx2));
    EXPECT_TRUE(cpu::flat_pixels(Layout::NHWC, defaults, "tile_rows=7", avx2));
    EXPECT_TRUE(cpu::flat_pixels(Layout::NHWC, defaults, "tile_rows=7", avx512));
    EXPECT_FALSE(cpu::flat_pixels(Layout::NHWC, defaults, "tile_rows_avx512=2", avx2));
    EXPECT_TRUE(cpu::flat_pixels(Layout::NHWC, defaults, "tile_rows_avx512=2", avx512));
    EXPECT_FALSE(cpu::flat_pixels(Layout::NCHW, defaults, "tile_rows=7", avx2));
    EXPECT_FALSE(cpu::flat_pixels(Layout::NHWC, defaults, "tile_rows=17", avx2));  // out of range: no
    std::string error;
    cpu::Tunables t = defaults;
    EXPECT_FALSE(cpu::Tunables::parse("tile_rows=17", &t, &error));
    EXPECT_NE(error.find("tile_rows"), std::string::npos) << error;
    EXPECT_FALSE(cpu::Tunables::parse("tile_rows_avx512=-1", &t, &error));
}

// Flat blocks compute the depthwise result per group of rows, so depthwise_at=xtile with
// tile_rows > 0 would repeat a point of the space: the search skips it.
TEST(CpuTuningSpace, FlatBlocksSkipThePerTileDepthwise) {
    const TuningSpace space = cpu::tuning_space(Layout::NHWC, Halide::Target("x86-64-linux-avx2-fma"),
                                                x86::default_tunables());
    auto valid = [&](const std::string &text) {
        Point p;
        EXPECT_TRUE(point_of(space, text, &p)) << text;
        return space.valid(p);
    };
    EXPECT_TRUE(valid("tile_rows=2,depthwise_at=row"));
    EXPECT_FALSE(valid("tile_rows=2,depthwise_at=xtile"));
    EXPECT_TRUE(valid("tile_rows=0,depthwise_at=xtile"));
}

}  // namespace
}  // namespace sepconv::tune
