// The tuned database's text format: it round-trips byte for byte, malformed files are refused
// with the line, and saving replaces the file whole.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tuned_db.h"

namespace sepconv::tune {
namespace {

TunedEntry entry(const std::string &key, const std::string &tunables) {
    TunedEntry e;
    e.key = key;
    e.set("layers", "a,b");
    e.set("family", "x86");
    e.set("avx2.tunables", tunables);
    e.set("avx2." + gflops_field(1), format_gflops({{"tuned", 80.06}, {"default", 75.2}, {"adams2019", 30}}));
    e.set("avx2.machine", "Some CPU; 2 cores; x86-64-linux-avx2-fma");
    return e;
}

TEST(TunedDb, RoundTripsByteForByte) {
    TunedDb db;
    db.put(entry("f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same", "co_vectors:2,tile_x:6"));
    db.put(entry("f32_nhwc_n1_h7_w7_c1024_m1_co1024_k3x3_s1x1_d1x1_same", "co_vectors:3,tile_x:4"));
    const std::string text = db.text();
    TunedDb again;
    std::string error;
    ASSERT_TRUE(again.parse(text, "test", &error)) << error;
    EXPECT_EQ(again.text(), text);
    ASSERT_EQ(again.entries().size(), 2u);
    const TunedEntry *e = again.find("f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->get("avx2.tunables"), "co_vectors:2,tile_x:6");
    EXPECT_EQ(e->get("avx2.machine"), "Some CPU; 2 cores; x86-64-linux-avx2-fma");
    const auto gflops = parse_gflops(e->get("avx2.gflops_1_thread"));
    ASSERT_EQ(gflops.size(), 3u);
    EXPECT_EQ(gflops[0].first, "tuned");
    EXPECT_DOUBLE_EQ(gflops[0].second, 80.1);  // one decimal
    EXPECT_EQ(gflops[2].first, "adams2019");
}

// Re-tuning one ISA rewrites that ISA's fields where they were and keeps every other ISA's.
TEST(TunedDb, ReplacingOneIsasFieldsKeepsTheOrderAndTheOthers) {
    TunedEntry e;
    e.set("layers", "a");
    e.set("avx512.tunables", "tile_x:8");
    e.set("avx512.gflops_2_threads", "tuned 2");
    e.set("avx2.tunables", "tile_x:3");
    e.set("avx512.notes", "old");
    e.replace_prefixed("avx512.", {{"tunables", "tile_x:4"}, {"notes", "new"}, {"machine", "m"}});
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"layers", "a"}, {"avx512.tunables", "tile_x:4"}, {"avx2.tunables", "tile_x:3"},
        {"avx512.notes", "new"}, {"avx512.machine", "m"}};
    EXPECT_EQ(e.fields, expected) << "avx512.gflops_2_threads was not measured again: dropped";
}

TEST(TunedDb, RefusesMalformedTextNamingTheLine) {
    TunedDb db;
    std::string error;
    EXPECT_FALSE(db.parse("# comment\nfamily = x86\n", "f.db", &error));
    EXPECT_EQ(error.rfind("f.db:2: ", 0), 0u) << error;
    EXPECT_FALSE(db.parse("[k]\nno equals sign\n", "f.db", &error));
    EXPECT_EQ(error.rfind("f.db:2: ", 0), 0u) << error;
    EXPECT_FALSE(db.parse("[k]\na = 1\n[k]\n", "f.db", &error));
    EXPECT_NE(error.find("twice"), std::string::npos) << error;
    EXPECT_FALSE(db.parse("[unclosed\n", "f.db", &error));
}

TEST(TunedDb, SaveReplacesTheFileAndAMissingFileIsEmpty) {
    const std::string path = ::testing::TempDir() + "sepconv_tuned_db_test.db";
    std::remove(path.c_str());
    TunedDb db;
    std::string error;
    ASSERT_TRUE(db.load(path, &error)) << error;
    EXPECT_TRUE(db.entries().empty());
    db.put(entry("f32_nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same", "tile_x:2"));
    ASSERT_TRUE(db.save(path, &error)) << error;
    db.put(entry("f32_nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same", "tile_x:3"));  // replaces
    ASSERT_TRUE(db.save(path, &error)) << error;
    TunedDb loaded;
    ASSERT_TRUE(loaded.load(path, &error)) << error;
    EXPECT_EQ(loaded.text(), db.text());
    EXPECT_EQ(loaded.entries().size(), 1u);
    EXPECT_EQ(loaded.find("f32_nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same")->get("avx2.tunables"), "tile_x:3");
    std::ifstream temporary(path + ".tmp");
    EXPECT_FALSE(temporary.good()) << "the temporary file was left behind";
    std::remove(path.c_str());
}

}  // namespace
}  // namespace sepconv::tune
