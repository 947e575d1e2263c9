// The JIT tier (jit/): its kernels against the naive reference on a sample of the sweep (float32,
// float16 and int8), the disk cache (a second process compiles nothing; concurrent processes;
// corrupt, truncated and stale entries; an unwritable directory; eviction), calls that never wait,
// and bad options. Structure only: the timings are the bench's (sepconv bench --jit).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "disk_cache.h"
#include "support/int8_tester.h"
#include "sepconv/jit.h"
#include "support/sweep_cases.h"
#include "support/tester.h"

namespace {

namespace fs = std::filesystem;
using namespace sepconv_test;
using sepconv::DataType;

// A fresh cache directory per test, removed afterwards.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sepconv-jit-test-XXXXXX").string();
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const std::string &path() const { return path_; }

private:
    std::string path_;
};

sepconv::jit::Options sync_options(const std::string &dir, sepconv::jit::Mode mode = sepconv::jit::Mode::kSpecialize) {
    sepconv::jit::Options j;
    j.mode = mode;
    j.synchronous = true;
    j.cache_dir = dir;
    return j;
}

// A prepared float32 or float16 Layer of case k's tensors.
std::unique_ptr<sepconv::Layer> make_layer(const ConvCase &k, const TensorSet &t, std::vector<uint16_t> *half_store) {
    sepconv::Options o = options_for(k);
    std::unique_ptr<sepconv::Layer> layer;
    sepconv::Status s;
    if (t.type == DataType::kFloat32) {
        if (!t.bias.empty()) o.bias = {t.bias.data(), {k.cout}};
        if (!t.depthwise_bias.empty()) o.depthwise_bias = {t.depthwise_bias.data(), {k.c * k.m}};
        s = sepconv::Layer::create({t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, o, &layer);
    } else {
        half_store[0] = half_bits(t.dwf), half_store[1] = half_bits(t.pwf), half_store[2] = half_bits(t.bias);
        half_store[3] = half_bits(t.depthwise_bias);
        if (!t.bias.empty()) o.bias = {half_store[2].data(), DataType::kFloat16, {k.cout}};
        if (!t.depthwise_bias.empty()) o.depthwise_bias = {half_store[3].data(), DataType::kFloat16, {k.c * k.m}};
        s = sepconv::Layer::create({half_store[0].data(), DataType::kFloat16, t.dw_shape},
                                   {half_store[1].data(), DataType::kFloat16, t.pw_shape}, o, &layer);
    }
    EXPECT_TRUE(s.ok()) << s.message;
    return layer;
}

// Every other case of the sweep, NHWC and NCHW: every edge kind is in the sample (odd sizes, 1x1
// images, strides, dilations, multipliers, batch > 1, explicit padding, blocks).
std::vector<ConvCase> sample() {
    std::vector<ConvCase> out;
    const std::vector<ConvCase> &all = nhwc_cases();
    for (size_t i = 0; i < all.size(); i += 2) {
        ConvCase k = all[i];
        k.nchw = (i / 2) % 4 == 3;  // a quarter NCHW
        out.push_back(k);
    }
    return out;
}

class JitSweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(JitSweep, Float32MatchesTheReference) {
    const ConvCase k = GetParam();
    TempDir dir;
    const TensorSet t = make_tensors(k, 11);
    std::vector<uint16_t> half[4];
    auto layer = make_layer(k, t, half);
    ASSERT_TRUE(layer);
    ASSERT_TRUE(sepconv::jit::enable(*layer, sync_options(dir.path())).ok());
    std::vector<float> out(t.expected.size(), std::nanf(""));
    const sepconv::Status s = layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape});
    ASSERT_TRUE(s.ok()) << s.message;
    std::string kernel;
    ASSERT_TRUE(sepconv::jit::kernel_for(*layer, t.in_shape, &kernel).ok());
    EXPECT_EQ(kernel.rfind("jit:", 0), 0u) << kernel << "; log: " << ::testing::PrintToString(sepconv::jit::stats(*layer).log);
    EXPECT_EQ(sepconv::jit::stats(*layer).compiles, 1);
    EXPECT_TRUE(all_close(t.expected, out)) << describe(k);
}

INSTANTIATE_TEST_SUITE_P(Sample, JitSweep, ::testing::ValuesIn(sample()),
                         [](const auto &info) { return "case" + std::to_string(info.index); });

TEST(JitTypes, Float16MatchesTheReference) {
    for (ConvCase k : {make(1, 9, 11, 13, 29, 3, 3, 1, 1, Pad::kSame),
                       with_block(make(2, 8, 8, 16, 24, 3, 3, 2, 2, Pad::kSame), 2, 2)}) {
        TempDir dir;
        const TensorSet t = make_tensors(k, 5, DataType::kFloat16);
        std::vector<uint16_t> half[4];
        auto layer = make_layer(k, t, half);
        ASSERT_TRUE(sepconv::jit::enable(*layer, sync_options(dir.path())).ok());
        const std::vector<uint16_t> input = half_bits(t.input);
        std::vector<uint16_t> out(t.expected.size(), 0x7e00);  // NaN sentinel
        const sepconv::Status s = layer->run({input.data(), DataType::kFloat16, t.in_shape},
                                             {out.data(), DataType::kFloat16, t.out_shape});
        ASSERT_TRUE(s.ok()) << s.message;
        EXPECT_EQ(sepconv::jit::stats(*layer).kernels_ready, 1);
        EXPECT_TRUE(half_close(k, t, half_values(out))) << describe(k);
    }
}

TEST(JitTypes, Int8IsTFLitesArithmetic) {
    for (ConvCase k : {with_block(make(1, 9, 11, 13, 29, 3, 3, 1, 1, Pad::kSame), 2, 2),
                       with_block(make(2, 8, 7, 32, 40, 3, 3, 2, 2, Pad::kSame), 1, 0),
                       with_multiplier(make(1, 7, 7, 5, 9, 3, 3, 1, 1, Pad::kValid), 2)}) {
        TempDir dir;
        const Int8Tensors t = make_int8_tensors(k, 9);
        std::unique_ptr<sepconv::Layer> layer;
        sepconv::Status s = sepconv::Layer::create({t.dwf.data(), DataType::kInt8, t.dw_shape},
                                                   {t.pwf.data(), DataType::kInt8, t.pw_shape}, int8_options(k, t), &layer);
        ASSERT_TRUE(s.ok()) << s.message;
        ASSERT_TRUE(sepconv::jit::enable(*layer, sync_options(dir.path())).ok());
        std::vector<int8_t> out(t.expected.size(), int8_t(0x5a));
        s = layer->run({t.input.data(), DataType::kInt8, t.in_shape}, {out.data(), DataType::kInt8, t.out_shape});
        ASSERT_TRUE(s.ok()) << s.message;
        EXPECT_EQ(sepconv::jit::stats(*layer).kernels_ready, 1);
        EXPECT_TRUE(bit_equal(t.expected, out)) << describe(k);
    }
}

// Autotune: a tiny budget still ends with a checked kernel, cached under the autotune key, so the
// next layer of that shape compiles nothing.
TEST(JitAutotune, KeepsACheckedKernelAndCachesIt) {
    TempDir dir;
    const ConvCase k = make(1, 10, 10, 16, 24, 3, 3, 1, 1, Pad::kSame);
    const TensorSet t = make_tensors(k, 2);
    std::vector<uint16_t> half[4];
    sepconv::jit::Options j = sync_options(dir.path(), sepconv::jit::Mode::kAutotune);
    j.autotune_candidates = 3;
    for (int round = 0; round < 2; ++round) {
        auto layer = make_layer(k, t, half);
        ASSERT_TRUE(sepconv::jit::enable(*layer, j).ok());
        std::vector<float> out(t.expected.size(), std::nanf(""));
        ASSERT_TRUE(layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok());
        EXPECT_TRUE(all_close(t.expected, out));
        const sepconv::jit::Stats st = sepconv::jit::stats(*layer);
        if (round == 0) {
            EXPECT_GE(st.compiles, 2);  // the specialized kernel, and candidates
        } else {
            EXPECT_EQ(st.compiles, 0);
            EXPECT_EQ(st.cache_hits, 1);
        }
    }
}

// Without the synchronous mode a call never waits: the first call of a shape runs the AOT variant
// (the kernel compiles in the background), and once it is ready the calls run it.
TEST(JitAsync, CallsRunTheAotVariantUntilTheKernelIsReady) {
    TempDir dir;
    const ConvCase k = make(1, 12, 12, 32, 64, 3, 3, 2, 2, Pad::kSame);
    const TensorSet t = make_tensors(k, 4);
    std::vector<uint16_t> half[4];
    auto layer = make_layer(k, t, half);
    sepconv::jit::Options j = sync_options(dir.path());
    j.synchronous = false;
    ASSERT_TRUE(sepconv::jit::enable(*layer, j).ok());
    std::string before, after;
    std::vector<float> out(t.expected.size(), std::nanf(""));
    // Several threads call while the kernel compiles and is swapped in.
    std::vector<std::thread> callers;
    std::atomic<int> bad{0};
    for (int i = 0; i < 3; ++i) {
        callers.emplace_back([&] {
            std::vector<float> mine(t.expected.size(), std::nanf(""));
            for (int n = 0; n < 200; ++n) {
                mine.assign(mine.size(), std::nanf(""));
                if (!layer->run({t.input.data(), t.in_shape}, {mine.data(), t.out_shape}).ok() ||
                    !all_close(t.expected, mine)) {
                    ++bad;
                }
            }
        });
    }
    ASSERT_TRUE(sepconv::jit::kernel_for(*layer, t.in_shape, &before).ok());
    for (auto &c : callers) c.join();
    ASSERT_TRUE(sepconv::jit::wait(*layer, 120));
    ASSERT_TRUE(sepconv::jit::kernel_for(*layer, t.in_shape, &after).ok());
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(after.rfind("jit:", 0), 0u) << after;
    ASSERT_TRUE(layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok());
    EXPECT_TRUE(all_close(t.expected, out));
    const sepconv::jit::Stats st = sepconv::jit::stats(*layer);
    EXPECT_EQ(st.shapes_requested, 1);
    EXPECT_EQ(st.pending, 0);
}

// A kernel per input shape, up to max_shapes: further shapes run the AOT variant, correctly.
TEST(JitAsync, AtMostMaxShapesKernelsPerLayer) {
    TempDir dir;
    ConvCase k = make(1, 5, 5, 8, 16, 3, 3, 1, 1, Pad::kSame);
    const TensorSet first = make_tensors(k, 3);
    std::vector<uint16_t> half[4];
    auto layer = make_layer(k, first, half);
    sepconv::jit::Options j = sync_options(dir.path());
    j.max_shapes = 2;
    ASSERT_TRUE(sepconv::jit::enable(*layer, j).ok());
    for (int64_t h : {5, 6, 7}) {
        k.h = h;
        const TensorSet t = make_tensors(k, 3);  // the same filters (seeded first), another input
        std::vector<float> out(t.expected.size(), std::nanf(""));
        ASSERT_TRUE(layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok());
        EXPECT_TRUE(all_close(t.expected, out)) << h;
        std::string kernel;
        ASSERT_TRUE(sepconv::jit::kernel_for(*layer, t.in_shape, &kernel).ok());
        EXPECT_EQ(kernel.rfind("jit:", 0) == 0, h < 7) << h << ": " << kernel;
    }
    const sepconv::jit::Stats st = sepconv::jit::stats(*layer);
    EXPECT_EQ(st.shapes_requested, 2);
    EXPECT_EQ(st.kernels_ready, 2);
}

// Loads and first compiles go before autotune searches: a second layer gets its kernel while the
// first one's search still runs.
TEST(JitAsync, FirstCompilesGoBeforeSearches) {
    TempDir dir;
    const ConvCase k1 = make(1, 10, 10, 16, 24, 3, 3, 1, 1, Pad::kSame), k2 = make(1, 8, 8, 8, 8, 3, 3, 1, 1, Pad::kSame);
    const TensorSet t1 = make_tensors(k1, 1), t2 = make_tensors(k2, 2);
    std::vector<uint16_t> half[4];
    auto searched = make_layer(k1, t1, half), plain = make_layer(k2, t2, half);
    sepconv::jit::Options j = sync_options(dir.path(), sepconv::jit::Mode::kAutotune);
    j.synchronous = false;
    j.autotune_seconds = 4;
    ASSERT_TRUE(sepconv::jit::enable(*searched, j).ok());
    j.mode = sepconv::jit::Mode::kSpecialize;
    ASSERT_TRUE(sepconv::jit::enable(*plain, j).ok());
    std::vector<float> out1(t1.expected.size()), out2(t2.expected.size());
    ASSERT_TRUE(searched->run({t1.input.data(), t1.in_shape}, {out1.data(), t1.out_shape}).ok());
    ASSERT_TRUE(plain->run({t2.input.data(), t2.in_shape}, {out2.data(), t2.out_shape}).ok());
    ASSERT_TRUE(sepconv::jit::wait(*plain, 60));
    EXPECT_EQ(sepconv::jit::stats(*searched).pending, 1);  // its search is still running or queued
    EXPECT_EQ(sepconv::jit::stats(*searched).kernels_ready, 1);  // its specialized kernel serves meanwhile
    ASSERT_TRUE(sepconv::jit::wait(*searched, 60));
    ASSERT_TRUE(searched->run({t1.input.data(), t1.in_shape}, {out1.data(), t1.out_shape}).ok());
    EXPECT_TRUE(all_close(t1.expected, out1));
}

// A layer destroyed while its kernel compiles: the destructor waits, nothing is left running on it.
TEST(JitAsync, DestroyingTheLayerMidCompileIsSafe) {
    TempDir dir;
    const ConvCase k = make(1, 8, 8, 16, 16, 3, 3, 1, 1, Pad::kSame);
    const TensorSet t = make_tensors(k, 6);
    std::vector<uint16_t> half[4];
    for (int i = 0; i < 3; ++i) {
        auto layer = make_layer(k, t, half);
        sepconv::jit::Options j = sync_options(dir.path());
        j.synchronous = false;
        ASSERT_TRUE(sepconv::jit::enable(*layer, j).ok());
        std::vector<float> out(t.expected.size());
        ASSERT_TRUE(layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok());
        EXPECT_TRUE(all_close(t.expected, out));
        // Before the compile starts, during it (a compile takes most of a second), after it.
        std::this_thread::sleep_for(std::chrono::milliseconds(400 * i));
        layer.reset();
    }
}

// ---- The disk cache, across processes (tests/jit/jit_probe.cpp).

struct ProbeResult {
    int exit_code = -1;
    std::string output;      // the first line: what the tier did
    std::string libhalide;   // the second: whether libHalide was loaded
};

// `shell` runs before the probe in the same shell (environment, limits).
ProbeResult probe(const std::string &dir, const std::string &shell = "") {
    ProbeResult r;
    FILE *p = popen((shell + " " + SEPCONV_JIT_PROBE + " '" + dir + "' 2>/dev/null").c_str(), "r");
    if (!p) return r;
    char buf[512];
    for (std::string *line : {&r.output, &r.libhalide}) {
        if (fgets(buf, sizeof buf, p)) *line = buf;
    }
    while (fgets(buf, sizeof buf, p)) {
    }
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// ... and does not even load libHalide: the compiler module is loaded on the first compile only.
TEST(JitCache, ASecondProcessCompilesNothing) {
    TempDir dir;
    const ProbeResult first = probe(dir.path()), second = probe(dir.path());
    EXPECT_EQ(first.exit_code, 0) << first.output;
    EXPECT_EQ(first.output, "compiles=1 cache_hits=0 kernel=jit:\n");
    EXPECT_EQ(first.libhalide, "libHalide loaded: yes\n");
    EXPECT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(second.output, "compiles=0 cache_hits=1 kernel=jit:\n");
    EXPECT_EQ(second.libhalide, "libHalide loaded: no\n");
    std::vector<sepconv::jit::CacheEntry> entries;
    ASSERT_TRUE(sepconv::jit::cache_list(dir.path(), &entries).ok());
    EXPECT_EQ(entries.size(), 1u);
}

TEST(JitCache, ConcurrentProcessesShareOneDirectory) {
    TempDir dir;
    std::vector<ProbeResult> results(4);
    std::vector<std::thread> procs;
    for (auto &r : results) procs.emplace_back([&] { r = probe(dir.path()); });
    for (auto &p : procs) p.join();
    for (const auto &r : results) EXPECT_EQ(r.exit_code, 0) << r.output;
    const ProbeResult after = probe(dir.path());
    EXPECT_EQ(after.output, "compiles=0 cache_hits=1 kernel=jit:\n");
    // However the stores interleaved, one consistent entry is left (and no temporary file).
    std::vector<sepconv::jit::CacheEntry> entries;
    ASSERT_TRUE(sepconv::jit::cache_list(dir.path(), &entries).ok());
    EXPECT_EQ(entries.size(), 1u);
    for (const auto &f : fs::directory_iterator(dir.path())) EXPECT_NE(f.path().filename().string().rfind(".tmp-", 0), 0u);
}

// Overwrites every file of `dir` with extension `ext` using `edit`.
void edit_files(const std::string &dir, const std::string &ext, const std::function<void(std::string &)> &edit) {
    for (const auto &f : fs::directory_iterator(dir)) {
        if (f.path().extension() != ext) continue;
        std::ifstream in(f.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        in.close();
        edit(bytes);
        std::ofstream(f.path(), std::ios::binary | std::ios::trunc) << bytes;
    }
}

TEST(JitCache, CorruptTruncatedAndStaleEntriesAreRebuilt) {
    const std::vector<std::pair<const char *, std::function<void(const std::string &)>>> damages = {
        {"a flipped byte in the object", [](const std::string &d) { edit_files(d, ".so", [](std::string &b) { b[b.size() / 2] ^= 0x5a; }); }},
        {"a truncated object", [](const std::string &d) { edit_files(d, ".so", [](std::string &b) { b.resize(b.size() / 3); }); }},
        {"a truncated entry file", [](const std::string &d) { edit_files(d, ".entry", [](std::string &b) { b.resize(b.size() - 7); }); }},
        {"an entry of another build", [](const std::string &d) {
             edit_files(d, ".entry", [](std::string &b) { b.replace(b.find("build sepconv"), 13, "build sepconX"); });
         }},
        {"a missing object", [](const std::string &d) {
             for (const auto &f : fs::directory_iterator(d)) {
                 if (f.path().extension() == ".so") fs::remove(f.path());
             }
         }},
    };
    for (const auto &[what, damage] : damages) {
        TempDir dir;
        ASSERT_EQ(probe(dir.path()).exit_code, 0);
        damage(dir.path());
        const ProbeResult r = probe(dir.path());
        EXPECT_EQ(r.exit_code, 0) << what;
        EXPECT_EQ(r.output, "compiles=1 cache_hits=0 kernel=jit:\n") << what;
        EXPECT_EQ(probe(dir.path()).output, "compiles=0 cache_hits=1 kernel=jit:\n") << what << ": not rebuilt";
    }
}

TEST(JitCache, AnUnusableDirectoryMeansNoCacheNeverAFailure) {
    TempDir dir;
    const std::string file = dir.path() + "/a-file";
    std::ofstream(file) << "x";
    // A directory that cannot be created (a file is in the way): compiled all the same, twice.
    for (int i = 0; i < 2; ++i) {
        const ProbeResult r = probe(file + "/cache");
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(r.output, "compiles=1 cache_hits=0 kernel=jit:\n");
    }
    // The cache turned off: nothing is written to the directory.
    const ConvCase k = make(1, 6, 6, 8, 8, 3, 3, 1, 1, Pad::kSame);
    const TensorSet t = make_tensors(k, 1);
    std::vector<uint16_t> half[4];
    auto layer = make_layer(k, t, half);
    sepconv::jit::Options j = sync_options(dir.path());
    j.disk_cache = false;
    ASSERT_TRUE(sepconv::jit::enable(*layer, j).ok());
    std::vector<float> out(t.expected.size(), std::nanf(""));
    ASSERT_TRUE(layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok());
    EXPECT_TRUE(all_close(t.expected, out));
    EXPECT_EQ(sepconv::jit::stats(*layer).kernels_ready, 1);
    std::vector<sepconv::jit::CacheEntry> entries;
    ASSERT_TRUE(sepconv::jit::cache_list(dir.path(), &entries).ok());
    EXPECT_TRUE(entries.empty());
}

// No compiler module (a deployment without libHalide): the AOT variant serves, never a failure.
TEST(JitCache, NoCompilerModuleMeansTheAotVariant) {
    TempDir dir;
    const ProbeResult r = probe(dir.path(), "SEPCONV_JIT_COMPILER=/nonexistent/libsepconv_jit_compiler.so");
    EXPECT_EQ(r.exit_code, 1);  // ran, but on the AOT variant
    EXPECT_EQ(r.output, "compiles=0 cache_hits=0 kernel=f32_\n");
}

// No linker (or one that fails), and a full disk (a file size limit: every write past 64 KiB
// fails, the object file's and the cache entry's): the kernel is compiled in memory, never a
// failure, and nothing half-written is left as an entry.
TEST(JitCache, NoLinkerOrAFullDiskMeansCompilingInMemory) {
    for (const std::string shell : {"CC=/bin/false", "trap '' XFSZ; ulimit -f 64;"}) {
        TempDir dir;
        const ProbeResult r = probe(dir.path(), shell);
        EXPECT_EQ(r.exit_code, 0) << shell << ": " << r.output;
        EXPECT_EQ(r.output, "compiles=1 cache_hits=0 kernel=jit:\n") << shell;
        std::vector<sepconv::jit::CacheEntry> entries;
        ASSERT_TRUE(sepconv::jit::cache_list(dir.path(), &entries).ok());
        EXPECT_TRUE(entries.empty()) << shell;
    }
}

// The cache's own rules, on dummy objects: keys of another build never match; past the bound the
// least recently used entries go; clear removes everything.
TEST(JitCache, KeysEvictionAndClear) {
    TempDir dir;
    auto object = [&](const std::string &name, size_t bytes) {
        const std::string path = dir.path() + "/" + name;
        std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
        return path;
    };
    const sepconv::jit::DiskCache ours(dir.path(), 2500, "build A"), theirs(dir.path(), 2500, "build B");
    sepconv::jit::CachedEntry e;
    std::string why;
    ASSERT_TRUE(ours.store("key 1\n", "one", object("b1", 1000), &e, &why)) << why;
    EXPECT_TRUE(ours.find("key 1\n", &e, &why)) << why;
    EXPECT_FALSE(theirs.find("key 1\n", &e, &why));
    EXPECT_FALSE(ours.find("key 2\n", &e, &why));
    // Entry 1 is older than entry 2; storing entry 3 goes past 2500 bytes and evicts entry 1.
    ASSERT_TRUE(ours.store("key 2\n", "two", object("b2", 1000), &e, &why)) << why;
    for (const auto &f : fs::directory_iterator(dir.path())) {
        if (f.path().extension() == ".entry" && f.path().stem() != e.stem) {
            fs::last_write_time(f.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
        }
    }
    ASSERT_TRUE(ours.store("key 3\n", "three", object("b3", 1000), &e, &why)) << why;
    EXPECT_FALSE(ours.find("key 1\n", &e, &why));
    EXPECT_TRUE(ours.find("key 2\n", &e, &why)) << why;
    EXPECT_TRUE(ours.find("key 3\n", &e, &why)) << why;
    std::vector<sepconv::jit::CacheEntry> entries;
    ASSERT_TRUE(sepconv::jit::cache_list(dir.path(), &entries).ok());
    EXPECT_EQ(entries.size(), 2u);
    int64_t removed = 0;
    ASSERT_TRUE(sepconv::jit::cache_clear(dir.path(), &removed).ok());
    EXPECT_EQ(removed, 4);
    ASSERT_TRUE(sepconv::jit::cache_list(dir.path(), &entries).ok());
    EXPECT_TRUE(entries.empty());
}

TEST(JitOptions, BadOptionsAreRefused) {
    const ConvCase k = make(1, 6, 6, 8, 8, 3, 3, 1, 1, Pad::kSame);
    const TensorSet t = make_tensors(k, 1);
    std::vector<uint16_t> half[4];
    auto layer = make_layer(k, t, half);
    sepconv::jit::Options j;
    j.autotune_seconds = -1;
    sepconv::Status s = sepconv::jit::enable(*layer, j);
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("autotune_seconds"), std::string::npos) << s.message;

    sepconv::Options forced = options_for(k);
    forced.variant = "f32_sepconv_nhwc_generic";
    std::unique_ptr<sepconv::Layer> pinned;
    ASSERT_TRUE(sepconv::Layer::create({t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, forced, &pinned).ok());
    s = sepconv::jit::enable(*pinned, sepconv::jit::Options{});
    EXPECT_EQ(s.code, sepconv::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message.find("variant"), std::string::npos) << s.message;
    std::vector<sepconv::jit::CacheEntry> entries;
    EXPECT_EQ(sepconv::jit::cache_list("/nonexistent/sepconv-cache", &entries).code, sepconv::StatusCode::kInvalidArgument);
}

}  // namespace
