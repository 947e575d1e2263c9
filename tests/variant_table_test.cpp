// White-box checks of the variant table's choice:
//   - for GPU devices, which the machines that run CI cannot exercise end to end: the newest CUDA
//     capability the device runs wins, and what the GPU variants cannot serve is refused with a
//     reason;
//   - on the CPU, the cost model (schedules/cpu/cost_model.h): its ranking on cases whose answer
//     follows by hand from the schedule, and the table's use of it (the fewest modeled cycles; a
//     nearest tuned shape's variant only where it models as few);
//   - the tuned entries of this machine's microarchitecture first, and the names it goes by.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cpu/cost_model.h"
#include "cpu_dispatch.h"
#include "data_types.h"
#include "families.h"
#include "microarchitecture.h"
#include "shape_key.h"
#include "support/tester.h"
#include "variant_table.h"

namespace sepconv_test {
namespace {

using sepconv::Device;
using sepconv::internal::DeviceChoice;
using sepconv::internal::FilterGeometry;

FilterGeometry nhwc_3x3(int64_t channels, int64_t multiplier) {
    FilterGeometry f;
    f.kh = f.kw = 3, f.channels = channels, f.multiplier = multiplier, f.out_channels = 16;
    return f;
}

// The variant a CUDA device of `capability` runs for a 3x3 NHWC call in `type` (null when none),
// with the table's reason in `why`.
const sepconv::internal::VariantRow *cuda_pick(sepconv::DataType type, int capability, std::string *why) {
    return sepconv::internal::select_variant(nhwc_3x3(32, 1), type, nullptr, DeviceChoice{Device::kCuda, capability}, "", why);
}

// Each capability of `expectations` picks the variant named beside it.
void expect_cuda_picks(sepconv::DataType type, const std::vector<std::pair<int, const char *>> &expectations) {
    for (auto [capability, name] : expectations) {
        std::string why;
        const auto *row = cuda_pick(type, capability, &why);
        ASSERT_NE(row, nullptr) << why;
        EXPECT_STREQ(row->name, name) << "capability " << capability;
    }
}

bool has_gpu_variants() {
    for (const auto &row : sepconv::internal::variant_table()) {
        if (row.spec.device != Device::kCpu) return true;
    }
    return false;
}

TEST(VariantTable, CudaPicksTheNewestCapabilityTheDeviceRuns) {
    if (!has_gpu_variants()) GTEST_SKIP() << "this build has no GPU variants (SEPCONV_GPU=OFF)";
    expect_cuda_picks(sepconv::DataType::kFloat32, {
        {61, "f32_sepconv_nhwc_generic_cuda_sm61"}, {75, "f32_sepconv_nhwc_generic_cuda_sm70"},
        {80, "f32_sepconv_nhwc_generic_cuda_sm80"}, {86, "f32_sepconv_nhwc_generic_cuda_sm86"},
        {90, "f32_sepconv_nhwc_generic_cuda_sm86"}, {120, "f32_sepconv_nhwc_generic_cuda_sm86"},
    });
    std::string why;
    EXPECT_EQ(cuda_pick(sepconv::DataType::kFloat32, 52, &why), nullptr);
    EXPECT_NE(why.find("needs 6.1"), std::string::npos) << why;
}

// float16 runs in half2 on CUDA 7.0 and newer; 6.1 and OpenCL have no float16 variant.
TEST(VariantTable, CudaFloat16NeedsCapability70) {
    if (!has_gpu_variants()) GTEST_SKIP() << "this build has no GPU variants (SEPCONV_GPU=OFF)";
    expect_cuda_picks(sepconv::DataType::kFloat16,
                      {{70, "f16_sepconv_nhwc_generic_cuda_sm70"}, {89, "f16_sepconv_nhwc_generic_cuda_sm86"}});
    std::string why;
    EXPECT_EQ(cuda_pick(sepconv::DataType::kFloat16, 61, &why), nullptr);
    EXPECT_NE(why.find("no compiled variant serves this float16 call on CUDA"), std::string::npos) << why;
    EXPECT_NE(why.find("needs 7.0"), std::string::npos) << why;
    EXPECT_EQ(sepconv::internal::select_variant(nhwc_3x3(32, 1), sepconv::DataType::kFloat16, nullptr, DeviceChoice{Device::kOpenCL, 0}, "", &why), nullptr);
    EXPECT_NE(why.find("no compiled variant serves this float16 call on OpenCL"), std::string::npos) << why;
}

TEST(VariantTable, GpuVariantsRefuseWhatTheyCannotServe) {
    if (!has_gpu_variants()) GTEST_SKIP() << "this build has no GPU variants (SEPCONV_GPU=OFF)";
    std::string why;
    FilterGeometry nchw = nhwc_3x3(8, 1);
    nchw.nchw = true;
    EXPECT_EQ(sepconv::internal::select_variant(nchw, sepconv::DataType::kFloat32, nullptr, DeviceChoice{Device::kOpenCL, 0}, "", &why), nullptr);
    EXPECT_NE(why.find("no compiled variant serves this float32 call on OpenCL"), std::string::npos) << why;
    EXPECT_NE(why.find("data_format is NCHW, needs NHWC"), std::string::npos) << why;
    EXPECT_EQ(sepconv::internal::select_variant(nhwc_3x3(1025, 2), sepconv::DataType::kFloat32, nullptr, DeviceChoice{Device::kCuda, 80}, "", &why), nullptr);
    EXPECT_NE(why.find("C*M is 2050, its shared-memory tile holds at most 2048"), std::string::npos) << why;
    // A CPU call never lands on a GPU variant, even when forced.
    EXPECT_EQ(sepconv::internal::select_variant(nhwc_3x3(8, 1), sepconv::DataType::kFloat32, nullptr, DeviceChoice{}, "f32_sepconv_nhwc_generic_opencl", &why),
              nullptr);
    EXPECT_NE(why.find("the call runs on CPU, this variant on OpenCL"), std::string::npos) << why;
}


// ---- The cost model on cases whose ranking follows from the schedule.

using sepconv::cpu::CacheSizes;
using sepconv::cpu::modeled_cycles;
using sepconv::cpu::Tunables;
using sepconv::cpu::Workload;

const sepconv::Isa kAvx512{"avx512", 16, 32};
const sepconv::Isa kAvx2{"avx2", 8, 16};
const CacheSizes kZen4{32 * 1024, 1024 * 1024};

Tunables tile(int co_vectors, int tile_x) {
    Tunables t;
    t.co_vectors = co_vectors, t.tile_x = tile_x, t.co_outer = true;
    return t;
}

Workload layer(int64_t h, int64_t w, int64_t c, int64_t co, int threads = 1) {
    Workload l;
    l.out_height = h, l.out_width = w, l.channels = c, l.out_channels = co, l.threads = threads;
    return l;
}

// The same layer in int8 on pmaddwd: int16 weights, widened once per run, an add per product vector.
Workload int8_pairs(Workload w) {
    w.weight_bytes = 2;
    w.widened_weights = w.separate_adds = true;
    return w;
}

// 48 output channels are three vectors of 16: a block of 3 wastes nothing, a block of 4 computes 64.
TEST(CostModel, CountsTheLastChannelBlockFull) {
    const Workload w = layer(56, 56, 64, 48);
    EXPECT_LT(modeled_cycles(tile(3, 4), kAvx512, w, kZen4), modeled_cycles(tile(4, 4), kAvx512, w, kZen4));
    // With 64 channels the two blocks are both full, and 4 x 4 (16 FMAs for 8 loads) wins.
    const Workload w64 = layer(56, 56, 64, 64);
    EXPECT_GT(modeled_cycles(tile(3, 4), kAvx512, w64, kZen4), modeled_cycles(tile(4, 4), kAvx512, w64, kZen4));
}

// A 10-pixel row in blocks of 5 computes 10 pixels; in blocks of 4, 12; in blocks of 7, 14. With two
// weight vectors each of these tiles issues its FMAs at the same rate.
TEST(CostModel, CountsPixelsComputedTwice) {
    const Workload w = layer(10, 10, 256, 256);
    const double five = modeled_cycles(tile(2, 5), kAvx512, w, kZen4);
    EXPECT_LT(five, modeled_cycles(tile(2, 4), kAvx512, w, kZen4));
    EXPECT_LT(modeled_cycles(tile(2, 4), kAvx512, w, kZen4), modeled_cycles(tile(2, 7), kAvx512, w, kZen4));
}

// A row narrower than a block takes the partial-blocks path, which any full-block tile beats.
TEST(CostModel, AvoidsThePartialBlockPath) {
    const Workload w = layer(5, 5, 768, 768);
    EXPECT_GT(modeled_cycles(tile(2, 7), kAvx512, w, kZen4), 2 * modeled_cycles(tile(4, 4), kAvx512, w, kZen4));
    // The same tile over flat runs of 2 rows (10 pixels) runs full blocks again.
    Tunables flat = tile(2, 7);
    flat.tile_rows = 2;
    EXPECT_LT(modeled_cycles(flat, kAvx512, w, kZen4), modeled_cycles(tile(2, 7), kAvx512, w, kZen4) / 2);
}

// The same tile with a weight block that fits the L1 (256 x 64 floats = 64 KiB, against 128 KiB) and
// one that does not.
TEST(CostModel, ChargesWeightBlocksBeyondTheL1) {
    const Workload w = layer(14, 14, 256, 256);
    const double fits = modeled_cycles(tile(4, 4), kAvx512, w, {128 * 1024, 1024 * 1024});
    const double spills = modeled_cycles(tile(4, 4), kAvx512, w, {32 * 1024, 1024 * 1024});
    EXPECT_GT(spills, fits * 1.1);
    // Fewer than FMA latency x issue accumulators: 2 x 2 waits on the FMA latency, per FMA
    // twice as long as 4 x 4 even with the smaller block.
    EXPECT_GT(modeled_cycles(tile(2, 2), kAvx512, w, {128 * 1024, 1024 * 1024}), fits * 1.5);
}

// Threads over weight blocks read the whole image's depthwise result once per weight block: on
// DeepLab's 33x33x728 (3.1 MiB) from beyond a 1 MiB L2, where rows in parallel read one row's
// (94 KiB); on 10x10x384 (150 KiB) the same tile costs the same either way.
TEST(CostModel, ChargesAnImageBeyondTheL2ToThreadsOverWeightBlocks) {
    const Tunables rows = tile(2, 5);  // co_outer: a weight block serves each row
    Tunables channels = tile(2, 5);
    channels.parallel_over = sepconv::cpu::ParallelOver::Channels;
    const Workload deeplab = layer(33, 33, 728, 728), small = layer(10, 10, 384, 384);
    EXPECT_GT(modeled_cycles(channels, kAvx2, deeplab, kZen4), modeled_cycles(rows, kAvx2, deeplab, kZen4) * 1.1);
    EXPECT_NEAR(modeled_cycles(channels, kAvx2, small, kZen4), modeled_cycles(rows, kAvx2, small, kZen4), 1e-6);
}

// int8 on pmaddwd widens a held weight block to int16 once per run that takes it up: once per row
// with rows in parallel (14 rows of MobileNet's conv7), once per call over weight blocks.
TEST(CostModel, ChargesTheWideningOfEachWeightBlockOncePerRun) {
    Tunables rows = tile(4, 2), channels = tile(4, 2);
    channels.parallel_over = sepconv::cpu::ParallelOver::Channels;
    Workload plain = layer(14, 14, 512, 512);
    plain.weight_bytes = 2;
    Workload widened = plain;
    widened.widened_weights = true;
    const double per_row = modeled_cycles(rows, kAvx2, widened, kZen4) - modeled_cycles(rows, kAvx2, plain, kZen4);
    const double per_call =
        modeled_cycles(channels, kAvx2, widened, kZen4) - modeled_cycles(channels, kAvx2, plain, kZen4);
    EXPECT_GT(per_call, 0);
    EXPECT_NEAR(per_row / per_call, 14.0, 1e-9);
}

// Three rows on two threads: one thread computes two of them, and half a row more for finishing
// apart. Parallel over 4 weight blocks instead: two each, and half a block more.
TEST(CostModel, SharesWholeUnitsAmongThreads) {
    const Workload one = layer(3, 64, 64, 256, 1), two = layer(3, 64, 64, 256, 2);
    const Tunables rows = tile(4, 4);
    EXPECT_NEAR(modeled_cycles(rows, kAvx512, two, kZen4) / modeled_cycles(rows, kAvx512, one, kZen4), 2.5 / 3, 1e-9);
    Tunables channels = rows;
    channels.parallel_over = sepconv::cpu::ParallelOver::Channels;
    EXPECT_NEAR(modeled_cycles(channels, kAvx512, two, kZen4) / modeled_cycles(channels, kAvx512, one, kZen4),
                2.5 / 4, 1e-9);
    // MobileNet's conv4 (28 rows, 8 weight blocks of 32) on two threads: the rows share out better.
    const Workload conv4 = layer(28, 28, 128, 256, 2);
    Tunables avx2_rows = tile(4, 2), avx2_channels = avx2_rows;
    avx2_channels.parallel_over = sepconv::cpu::ParallelOver::Channels;
    EXPECT_GT(modeled_cycles(avx2_channels, kAvx2, conv4, kZen4), modeled_cycles(avx2_rows, kAvx2, conv4, kZen4) * 1.05);
}

// int8 on pmaddwd (an add per vector of products): a one-pixel tile of 8 vectors, whose weights are
// its multiplies' memory operands, takes fewer instructions a product than 4 x 2 while its weight
// block (64 channels by the reduction, in int16) fits the L1: MobileNet's conv2 (64 input
// channels, 8 KiB), not conv7 (512, 64 KiB). With 48 output channels its block of 64 is partial.
TEST(CostModel, CountsPmaddwdsAddsAndOnePixelTiles) {
    Tunables one_pixel = tile(8, 1), four_by_two = tile(4, 2);
    one_pixel.tile_rows = 4;
    const Workload conv2 = int8_pairs(layer(56, 56, 64, 128)), conv7 = int8_pairs(layer(14, 14, 512, 512));
    const Workload few_outputs = int8_pairs(layer(80, 80, 24, 48));
    EXPECT_LT(modeled_cycles(one_pixel, kAvx2, conv2, kZen4), modeled_cycles(four_by_two, kAvx2, conv2, kZen4));
    EXPECT_GT(modeled_cycles(one_pixel, kAvx2, conv7, kZen4), modeled_cycles(four_by_two, kAvx2, conv7, kZen4));
    EXPECT_GT(modeled_cycles(one_pixel, kAvx2, few_outputs, kZen4),
              modeled_cycles(four_by_two, kAvx2, few_outputs, kZen4));
    // Without the adds (float32's FMA) the same 4 x 2 step is 8 FMAs and 6 loads, 17 instructions
    // where pmaddwd's is 25.
    Workload fma = conv2;
    fma.separate_adds = false;
    EXPECT_LT(modeled_cycles(four_by_two, kAvx2, fma, kZen4), modeled_cycles(four_by_two, kAvx2, conv2, kZen4));
}

// k_block: the one-pixel tile over blocks of 128 channels holds 16 KiB of int16 weights where the
// whole reduction of conv13 (1024 channels) holds 128 KiB, and so beats 4 x 2 there. Where the
// reduction is one block already (conv3, 128 channels) blocking only adds the tile's store and
// reload.
TEST(CostModel, BlocksTheReductionThatOutgrowsTheL1) {
    Tunables one_pixel = tile(8, 1), blocked = tile(8, 1), four_by_two = tile(4, 2);
    one_pixel.tile_rows = blocked.tile_rows = 4;
    blocked.k_block = 128;
    const Workload conv13 = int8_pairs(layer(7, 7, 1024, 1024)), conv3 = int8_pairs(layer(56, 56, 128, 128));
    EXPECT_LT(modeled_cycles(blocked, kAvx2, conv13, kZen4), modeled_cycles(one_pixel, kAvx2, conv13, kZen4));
    EXPECT_LT(modeled_cycles(blocked, kAvx2, conv13, kZen4), modeled_cycles(four_by_two, kAvx2, conv13, kZen4));
    EXPECT_GT(modeled_cycles(blocked, kAvx2, conv3, kZen4), modeled_cycles(one_pixel, kAvx2, conv3, kZen4));
    // A tile whose weight block does not serve a run of tiles ignores it (cpu_tunables.cpp).
    Tunables per_tile = blocked;
    per_tile.co_outer = false;
    Tunables plain = per_tile;
    plain.k_block = 0;
    EXPECT_EQ(modeled_cycles(per_tile, kAvx2, conv13, kZen4), modeled_cycles(plain, kAvx2, conv13, kZen4));
}

// ---- The table's use of the model, over shapes that no list names.

using sepconv::internal::CallShape;
using sepconv::internal::VariantRow;

// A CPU call on this machine, as the runtime makes it (this microarchitecture's entries first).
DeviceChoice on_this_cpu() { return DeviceChoice{Device::kCpu, 0, sepconv::internal::microarchitecture()}; }

CallShape call_on(int64_t n, int64_t h, int64_t w, int64_t c, int64_t co, int stride, int threads,
                  FilterGeometry *f, sepconv::DataType type = sepconv::DataType::kFloat32) {
    *f = nhwc_3x3(c, 1);
    f->out_channels = co, f->stride_h = f->stride_w = stride;
    CallShape call;
    sepconv::internal::ShapeKey &k = call.key;
    k.type = type;
    k.batch = n, k.height = h, k.width = w, k.channels = c, k.multiplier = 1, k.out_channels = co;
    k.kernel_h = k.kernel_w = 3, k.stride_h = k.stride_w = stride, k.dilation_h = k.dilation_w = 1, k.same = true;
    call.out_height = (h + stride - 1) / stride, call.out_width = (w + stride - 1) / stride;
    call.out_pixels = call.out_height * call.out_width;
    call.threads = threads;
    return call;
}

// The modeled cycles of `row` on `call`, computed here from the model's inputs (-1: not ranked).
double cycles_of(const VariantRow &row, const CallShape &call) {
    const sepconv::Family *family = sepconv::family_for_target(sepconv::internal::dispatched_target());
    const sepconv::IsaRow *isa = family->isa_for(sepconv::internal::dispatched_target());
    if (isa == nullptr || row.modeled_configs.empty()) return -1;
    Workload w = layer(call.out_height, call.out_width, call.key.channels, call.key.out_channels, call.threads);
    w.batch = call.key.batch;
    // int8 on pmaddwd reads its weights widened to int16, and adds each vector of products apart.
    w.widened_weights = w.separate_adds =
        row.spec.type == sepconv::DataType::kInt8 && sepconv::internal::dispatched_int8_pairs();
    w.weight_bytes = w.widened_weights ? 2 : sepconv::internal::row_of(row.spec.weights_type).bytes;
    return modeled_cycles(row.modeled_configs[isa - family->isas.data()], isa->isa, w, sepconv::internal::cache_sizes());
}

// Held-out shapes (MobileNetV1 0.75 at 160x160, odd sizes, batch 2), at 1 and 2 threads, in float32
// and int8: the pick is the fewest modeled cycles among the variants that serve the call, or a
// nearest tuned shape's variant where it models as few (the nearest-shape rule never picks what the
// model finds slower).
TEST(VariantTable, CpuPicksTheFewestModeledCycles) {
    const sepconv::Family *family = sepconv::family_for_target(sepconv::internal::dispatched_target());
    if (family == nullptr || family->isa_for(sepconv::internal::dispatched_target()) == nullptr) {
        GTEST_SKIP() << "no CPU schedule family for " << sepconv::internal::dispatched_target();
    }
    struct Shape {
        int64_t n, h, w, c, co;
        int stride;
    };
    const Shape shapes[] = {{1, 80, 80, 24, 48, 1}, {1, 80, 80, 48, 96, 2}, {1, 40, 40, 96, 96, 1},
                            {1, 20, 20, 192, 384, 2}, {1, 10, 10, 384, 384, 1}, {1, 5, 5, 768, 768, 1},
                            {1, 33, 33, 728, 728, 1}, {2, 23, 17, 40, 72, 1}, {1, 1, 1, 8, 8, 1}};
    int modeled = 0;
    for (const Shape &s : shapes) {
        for (int threads : {1, 2}) {
            for (sepconv::DataType type : {sepconv::DataType::kFloat32, sepconv::DataType::kInt8}) {
                FilterGeometry f;
                const CallShape call = call_on(s.n, s.h, s.w, s.c, s.co, s.stride, threads, &f, type);
                SCOPED_TRACE(call.key.to_string() + ", " + std::to_string(threads) + " thread(s)");
                std::string why;
                const VariantRow *row = sepconv::internal::select_variant(f, type, &call, on_this_cpu(), "", &why);
                ASSERT_NE(row, nullptr) << why;
                double fewest = -1;
                for (const VariantRow &r : sepconv::internal::variant_table()) {
                    const double c = r.serves(f, type, DeviceChoice{}) ? cycles_of(r, call) : -1;
                    if (c >= 0 && (fewest < 0 || c < fewest)) fewest = c;
                }
                ASSERT_GE(fewest, 0) << "no variant the model ranks serves the call";
                const double picked = cycles_of(*row, call);
                if (why.find("nearest shape") != std::string::npos) {
                    EXPECT_DOUBLE_EQ(picked, fewest) << why;
                } else {
                    ++modeled;
                    EXPECT_NE(why.find("cost model's choice"), std::string::npos) << why;
                    EXPECT_DOUBLE_EQ(picked, fewest) << why;
                }
            }
        }
    }
    EXPECT_GT(modeled, 0) << "every shape kept a nearest tuned shape's variant: the model chose none";
}

// On a 5x5 image the variant tuned for 7x7 (blocks of 7 pixels: the partial-blocks path) is no
// longer picked; the model's choice runs full blocks.
TEST(VariantTable, SmallImagesRunFullBlocks) {
    const sepconv::Family *family = sepconv::family_for_target(sepconv::internal::dispatched_target());
    if (family == nullptr || family->isa_for(sepconv::internal::dispatched_target()) == nullptr) {
        GTEST_SKIP() << "no CPU schedule family for " << sepconv::internal::dispatched_target();
    }
    FilterGeometry f;
    const CallShape call = call_on(1, 5, 5, 768, 768, 1, 1, &f);
    std::string why;
    const VariantRow *row = sepconv::internal::select_variant(f, sepconv::DataType::kFloat32, &call, on_this_cpu(), "", &why);
    ASSERT_NE(row, nullptr) << why;
    sepconv::internal::ConvGeometry g;
    g.f = f, g.batch = 1, g.height = g.width = 5, g.out_height = g.out_width = 5;
    const auto code = sepconv::internal::running_code(*row, &g, sepconv::Activation::kNone, false);
    EXPECT_EQ(code.specialization.rfind("full blocks", 0), 0u) << row->name << ": " << code.specialization << "; " << why;
}

// ---- Microarchitectures: the tuned entries recorded on this one first.

// Known cores by name; any other by the numbers CPUID or MIDR report, never under a known name.
TEST(Microarchitecture, NamesCoresByVendorFamilyAndModel) {
    using sepconv::internal::arm_microarchitecture;
    using sepconv::internal::x86_microarchitecture;
    const std::pair<std::string, std::string> cases[] = {
        {x86_microarchitecture("AuthenticAMD", 23, 0x31), "amd-zen2"},  // Rome
        {x86_microarchitecture("AuthenticAMD", 25, 0x01), "amd-zen3"},  // Milan
        {x86_microarchitecture("AuthenticAMD", 25, 0x21), "amd-zen3"},  // Vermeer
        {x86_microarchitecture("AuthenticAMD", 25, 0x11), "amd-zen4"},  // Genoa
        {x86_microarchitecture("AuthenticAMD", 25, 0x61), "amd-zen4"},  // Raphael
        {x86_microarchitecture("AuthenticAMD", 26, 0x02), "amd-zen5"},  // Turin
        {x86_microarchitecture("AuthenticAMD", 26, 0x50), "amd-family26-model80"},  // Zen 6, not Zen 5
        {x86_microarchitecture("AuthenticAMD", 27, 0x00), "amd-family27-model0"},
        {x86_microarchitecture("GenuineIntel", 6, 0x55), "intel-skylake-server"},
        {x86_microarchitecture("GenuineIntel", 6, 0x8f), "intel-sapphirerapids"},
        {x86_microarchitecture("GenuineIntel", 6, 0xc8), "intel-family6-model200"},
        {x86_microarchitecture("HygonGenuine", 24, 1), "x86-family24-model1"},
        {arm_microarchitecture(0x41, 0xd0c), "arm-neoverse-n1"},
        {arm_microarchitecture(0x61, 0x22), "arm-0x61-0x022"},
    };
    for (const auto &[got, want] : cases) {
        EXPECT_EQ(got, want);
        EXPECT_TRUE(sepconv::internal::valid_microarchitecture(got)) << got;
    }
    const std::string &here = sepconv::internal::microarchitecture();
    EXPECT_TRUE(sepconv::internal::valid_microarchitecture(here) || here == sepconv::internal::kUnknownMicroarchitecture) << here;
    EXPECT_EQ(sepconv::cpu_info().microarchitecture, sepconv::internal::microarchitecture());
    for (const char *bad : {"", "Zen4", "amd zen4", "amd@zen4", "amd_zen4", "unknown"}) {
        EXPECT_FALSE(sepconv::internal::valid_microarchitecture(bad)) << bad;
    }
}

TEST(TunedKey, IsAShapeKeyAndAnOptionalMicroarchitecture) {
    using sepconv::internal::TunedKey;
    const std::string shape = "f32_nhwc_n1_h14_w14_c512_m1_co512_k3x3_s1x1_d1x1_same";
    TunedKey key;
    std::string error;
    ASSERT_TRUE(TunedKey::parse(shape, &key, &error)) << error;
    EXPECT_EQ(key.uarch, "");
    EXPECT_EQ(key.to_string(), shape);
    ASSERT_TRUE(TunedKey::parse(shape + "@amd-zen4", &key, &error)) << error;
    EXPECT_EQ(key.uarch, "amd-zen4");
    EXPECT_EQ(key.shape.channels, 512);
    EXPECT_EQ(key.to_string(), shape + "@amd-zen4");
    for (const std::string bad : {shape + "@", shape + "@Zen4", shape + "@amd zen4", shape + "@unknown",
                                  std::string("f32_nhwc@amd-zen4"), shape + "x"}) {
        EXPECT_FALSE(TunedKey::parse(bad, &key, &error)) << bad;
        EXPECT_NE(error.find(bad.substr(0, 8)), std::string::npos) << error;
    }
}

// For each shape tuned on a microarchitecture: on that microarchitecture its variant is the exact
// match; on another, the entry for any machine is (where there is one), and never this one.
TEST(VariantTable, PrefersTheTunedEntriesOfItsOwnMicroarchitecture) {
    int checked = 0;
    for (const VariantRow &row : sepconv::internal::variant_table()) {
        for (const sepconv::internal::TunedShape &t : row.tuned_shapes) {
            if (t.uarch.empty() || row.spec.device != Device::kCpu) continue;
            SCOPED_TRACE(t.to_string());
            sepconv::internal::ConvGeometry g;
            ASSERT_TRUE(t.key.geometry(&g).ok());
            CallShape call;
            call.key = t.key;
            call.out_height = g.out_height, call.out_width = g.out_width, call.out_pixels = g.out_height * g.out_width;
            std::string why;
            const VariantRow *here = sepconv::internal::select_variant(g.f, t.key.type, &call,
                                                                      DeviceChoice{Device::kCpu, 0, t.uarch}, "", &why);
            ASSERT_NE(here, nullptr) << why;
            EXPECT_EQ(here->name, row.name) << why;
            EXPECT_NE(why.find("tuned for this exact shape on this microarchitecture (" + t.to_string()), std::string::npos)
                << why;

            const VariantRow *elsewhere = sepconv::internal::select_variant(
                g.f, t.key.type, &call, DeviceChoice{Device::kCpu, 0, "x86-family99-model0"}, "", &why);
            ASSERT_NE(elsewhere, nullptr) << why;
            EXPECT_EQ(why.find(t.to_string()), std::string::npos) << why;
            // Exact there if and only if some variant holds this layer's entry for any machine.
            bool any_machine_entry = false, picked_it = false;
            for (const VariantRow &other : sepconv::internal::variant_table()) {
                for (const sepconv::internal::TunedShape &u : other.tuned_shapes) {
                    const bool match = u.uarch.empty() && u.key.same_layer(t.key) && other.serves(g.f, t.key.type, {});
                    any_machine_entry |= match;
                    picked_it |= match && &other == elsewhere;
                }
            }
            EXPECT_EQ(why.find("tuned for this exact shape (") != std::string::npos, any_machine_entry) << why;
            EXPECT_EQ(picked_it, any_machine_entry) << elsewhere->name << ": " << why;
            ++checked;
        }
    }
    if (checked == 0) GTEST_SKIP() << "the tuned database of this build keys no entry by a microarchitecture";
}

}  // namespace
}  // namespace sepconv_test
