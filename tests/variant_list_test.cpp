// The build's variant list (tools/variants), from database texts written here: which variants a
// family's build compiles, which tuned entries share a variant, the facts that follow from a
// configuration, and the entries it refuses or skips.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "families.h"
#include "variant_list.h"

namespace sepconv::variant_list {
namespace {

// The default builds' targets (cmake/SepconvVariants.cmake).
const std::vector<std::string> kX86Targets = {"x86-64-linux-avx512_skylake-avx512_zen4", "x86-64-linux-avx512_skylake",
                                              "x86-64-linux-avx2-fma", "x86-64-linux-sse41"};
const std::vector<std::string> kArmTargets = {"arm-64-linux-arm_dot_prod-arm_fp16", "arm-64-linux"};

tune::TunedDb db_of(const std::string &text) {
    tune::TunedDb db;
    std::string error;
    EXPECT_TRUE(db.parse(text, "test.db", &error)) << error;
    return db;
}

const VariantSpec *named(const VariantList &list, const std::string &name) {
    for (const VariantSpec &v : list.variants) {
        if (v.name() == name) return &v;
    }
    return nullptr;
}

TEST(VariantList, EveryBuildHasTheUntunedVariantsOfItsFamily) {
    VariantList x86, arm;
    std::string error;
    ASSERT_TRUE(build("x86", kX86Targets, true, tune::TunedDb{}, "", &x86, &error)) << error;
    ASSERT_TRUE(build("arm", kArmTargets, false, tune::TunedDb{}, "", &arm, &error)) << error;
    for (const std::string type : {"f32", "f16", "qs8"}) {
        for (const std::string name : {"_sepconv_nhwc_k3x3_s1_d1_m1", "_sepconv_nhwc_k3x3_s2_d1_m1",
                                       "_sepconv_nhwc_generic", "_sepconv_nchw_generic"}) {
            EXPECT_NE(named(x86, type + name), nullptr) << type + name;
            EXPECT_NE(named(arm, type + name), nullptr) << type + name;
        }
    }
    // float16 filters: float32 on x86 (computed in float32), float16 on ARM (its FP16 ISA computes in float16).
    EXPECT_EQ(named(x86, "f16_sepconv_nhwc_generic")->weights_type, DataType::kFloat32);
    EXPECT_EQ(named(arm, "f16_sepconv_nhwc_generic")->weights_type, DataType::kFloat16);
    EXPECT_EQ(named(arm, "f32_sepconv_nhwc_generic")->weights_type, DataType::kFloat32);
    EXPECT_EQ(named(x86, "f16_sepconv_nhwc_generic_opencl"), nullptr) << "float16 has no GPU variants yet";
    for (const char *name : {"f32_sepconv_nhwc_generic_cuda_sm61", "f32_sepconv_nhwc_generic_cuda_sm86",
                             "f32_sepconv_nhwc_generic_opencl"}) {
        const VariantSpec *v = named(x86, name);
        ASSERT_NE(v, nullptr) << name;
        EXPECT_EQ(v->max_depthwise_channels, 2048) << "32 KiB of x_tile = 4 float32 pixels";
        EXPECT_EQ(v->generator_params("x86").back(), (std::pair<std::string, std::string>{"target_family", "gpu"}));
    }
    EXPECT_EQ(named(x86, "qs8_sepconv_nhwc_generic_cuda_sm86"), nullptr) << "int8 runs on the CPU only";
    EXPECT_EQ(named(x86, "qs8_sepconv_nhwc_generic")->weights_type, DataType::kInt8);
    EXPECT_EQ(arm.variants.size(), 12u) << "no GPU variants in an ARM build: 4 per type";
    EXPECT_FALSE(build("mips", kArmTargets, false, tune::TunedDb{}, "", &arm, &error));
    EXPECT_NE(error.find("no CPU schedule family 'mips'"), std::string::npos) << error;
}

TEST(VariantList, EntriesThatCompileAlikeShareOneVariant) {
    const std::string a = "[f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same]\nlayers = a\nfamily = x86\n";
    const std::string b = "[f32_nhwc_n1_h28_w28_c256_m1_co256_k3x3_s1x1_d1x1_same]\nlayers = b\nfamily = x86\n";
    const std::string c = "[f32_nhwc_n1_h14_w14_c512_m1_co512_k3x3_s1x1_d1x1_same]\nlayers = c\nfamily = x86\n";
    const std::string arm = "[f32_nhwc_n1_h7_w7_c1024_m1_co1024_k3x3_s1x1_d1x1_same]\nlayers = d\nfamily = arm\n"
                            "neon.tunables = tile_x:4\n";
    // a and b differ in a knob co_outer:1 makes the schedule ignore, and b states an avx512
    // section equal to the defaults: one configuration. c differs in a knob that is read.
    const tune::TunedDb db = db_of(a + "avx2.tunables = tile_x:2,co_outer:1,depthwise_at:xtile\n" + b +
                                   "avx2.tunables = co_outer:1,tile_x:2,depthwise_at:row\n"
                                   "avx512.tunables = co_vectors:4,tile_x:4\n" +
                                   c + "avx2.tunables = tile_x:2,co_outer:0\n" + arm);
    VariantList list;
    std::string error;
    ASSERT_TRUE(build("x86", kX86Targets, false, db, "test.db", &list, &error)) << error;
    std::vector<const VariantSpec *> tuned;  // a and b's variant first
    for (const VariantSpec &v : list.variants) {
        if (!v.tuned_shapes.empty()) tuned.push_back(&v);
    }
    ASSERT_EQ(tuned.size(), 2u);
    if (tuned[0]->tuned_shapes.find("h56") == std::string::npos) std::swap(tuned[0], tuned[1]);
    EXPECT_EQ(tuned[0]->tuned_shapes,
              "f32_nhwc_n1_h28_w28_c256_m1_co256_k3x3_s1x1_d1x1_same f32_nhwc_n1_h56_w56_c128_m1_co128_k3x3_s1x1_d1x1_same");
    EXPECT_EQ(tuned[0]->origin, "test.db, tuned for b,a");
    EXPECT_EQ(tuned[0]->tunables.find("avx512."), std::string::npos) << tuned[0]->tunables;
    EXPECT_EQ(tuned[0]->tunables.find("depthwise_at"), std::string::npos) << tuned[0]->tunables;
    EXPECT_NE(tuned[0]->name(), tuned[1]->name());
    EXPECT_EQ(tuned[0]->name().rfind("f32_sepconv_nhwc_k3x3_s1_d1_m1_tuned_", 0), 0u) << tuned[0]->name();
    EXPECT_EQ(list.skipped, std::vector<std::string>{"f32_nhwc_n1_h7_w7_c1024_m1_co1024_k3x3_s1x1_d1x1_same (arm)"});
}

const std::vector<std::string> &pieces_of(const VariantList &list, const std::string &name) {
    static const std::vector<std::string> none;
    for (size_t i = 0; i < list.variants.size(); ++i) {
        if (list.variants[i].name() == name) return list.pieces_of[i];
    }
    ADD_FAILURE() << "no variant " << name;
    return none;
}

// Each CPU target's code is compiled once: a variant tuned on one ISA shares the untuned
// variant's code for the others, and every piece holds its own ISA's configuration alone.
TEST(VariantList, VariantsShareTheCodeOfTargetsTheyConfigureAlike) {
    const std::string c7 = "[f32_nhwc_n1_h14_w14_c512_m1_co512_k3x3_s1x1_d1x1_same]\nlayers = c7\nfamily = x86\n";
    VariantList list;
    std::string error;
    ASSERT_TRUE(build("x86", kX86Targets, true, db_of(c7 + "avx2.tunables = tile_x:2\n"), "t.db", &list, &error)) << error;
    ASSERT_EQ(list.pieces_of.size(), list.variants.size());
    std::string tuned;
    for (const VariantSpec &v : list.variants) {
        if (!v.tuned_shapes.empty()) tuned = v.name();
    }
    const std::vector<std::string> &untuned = pieces_of(list, "f32_sepconv_nhwc_k3x3_s1_d1_m1");
    const std::vector<std::string> &mine = pieces_of(list, tuned);
    ASSERT_EQ(untuned.size(), kX86Targets.size());
    ASSERT_EQ(mine.size(), kX86Targets.size());
    for (size_t t = 0; t < kX86Targets.size(); ++t) {
        const bool avx2 = kX86Targets[t] == "x86-64-linux-avx2-fma";
        EXPECT_EQ(mine[t] == untuned[t], !avx2) << kX86Targets[t];
        EXPECT_EQ(mine[t].rfind("f32_sepconv_nhwc_k3x3_s1_d1_m1_", 0), 0u) << mine[t];
    }
    EXPECT_EQ(untuned[0].find("_avx512_skylake_avx512_zen4_"), std::string("f32_sepconv_nhwc_k3x3_s1_d1_m1").size());
    EXPECT_NE(untuned[0], untuned[1]);  // the same configuration for another target is other code
    std::map<std::string, int> seen;
    for (const Piece &p : list.pieces) {
        EXPECT_EQ(++seen[p.name], 1) << p.name << " listed twice";
        const Family *x86 = find_family("x86");
        const std::string isa = x86->isa_for(p.target)->isa.name;
        EXPECT_EQ(p.spec.tunables.rfind(isa + ".", 0), 0u) << p.name << ": " << p.spec.tunables;
        EXPECT_EQ(p.spec.tunables.find(isa == "avx2" ? "sse41." : "avx2."), std::string::npos) << p.spec.tunables;
    }
    for (size_t i = 0; i < list.variants.size(); ++i) {  // GPU variants are one target each: no pieces
        EXPECT_EQ(list.pieces_of[i].empty(), list.variants[i].device != Device::kCpu) << list.variants[i].name();
    }
    EXPECT_FALSE(build("x86", {"arm-64-linux"}, false, tune::TunedDb{}, "", &list, &error));
    EXPECT_NE(error.find("target 'arm-64-linux' has no ISA of the x86 family"), std::string::npos) << error;
}

// An entry keyed by a microarchitecture ([shape@uarch]) reads the unqualified entry's configuration
// for the ISAs it was not tuned on; where it tuned nothing new it shares that entry's variant.
TEST(VariantList, AMicroarchitecturesEntryKeepsTheUnqualifiedEntrysOtherIsas) {
    const std::string c7 = "f32_nhwc_n1_h14_w14_c512_m1_co512_k3x3_s1x1_d1x1_same";
    const std::string c13 = "f32_nhwc_n1_h7_w7_c1024_m1_co1024_k3x3_s1x1_d1x1_same";
    const tune::TunedDb db = db_of(
        "[" + c7 + "]\nlayers = c7\nfamily = x86\navx2.tunables = tile_x:2\navx512.tunables = co_vectors:2,tile_x:7\n"
        "[" + c7 + "@amd-zen4]\nlayers = c7\nfamily = x86\navx512.tunables = tile_x:3\n"
        "[" + c13 + "]\nlayers = c13\nfamily = x86\navx512.tunables = co_vectors:2,tile_x:7\n"
        "[" + c13 + "@amd-zen5]\nlayers = c13\nfamily = x86\navx512.tunables = tile_x:7,co_vectors:2\n");
    VariantList list;
    std::string error;
    ASSERT_TRUE(build("x86", kX86Targets, false, db, "test.db", &list, &error)) << error;
    std::map<std::string, const VariantSpec *> by_shapes;
    for (const VariantSpec &v : list.variants) {
        if (!v.tuned_shapes.empty()) by_shapes[v.tuned_shapes] = &v;
    }
    ASSERT_EQ(by_shapes.size(), 3u);
    const VariantSpec *zen4 = by_shapes[c7 + "@amd-zen4"];
    ASSERT_NE(zen4, nullptr);
    ASSERT_NE(by_shapes[c7], nullptr);
    EXPECT_NE(zen4->tunables.find("avx2.tile_x:2"), std::string::npos) << zen4->tunables;
    EXPECT_NE(zen4->tunables.find("avx512.tile_x:3"), std::string::npos) << zen4->tunables;
    EXPECT_EQ(zen4->tunables.find("co_vectors:2"), std::string::npos) << zen4->tunables;
    EXPECT_EQ(zen4->origin, "test.db, tuned for c7 on amd-zen4");
    EXPECT_NE(zen4->name(), by_shapes[c7]->name());
    // Zen 5 measured the unqualified configuration best: one variant, both keys.
    ASSERT_NE(by_shapes[c13 + " " + c13 + "@amd-zen5"], nullptr);

    // A GPU entry tuned for OpenCL alone keeps the unqualified entry's CUDA section, its target
    // (the capability) included.
    const tune::TunedDb gpu = db_of(
        "[" + c7 + "]\nlayers = g\nfamily = gpu\ncuda.tunables = x_tile:8\ncuda.target = x86-64-linux-cuda-cuda_capability_80\n"
        "[" + c7 + "@amd-zen4]\nlayers = g\nfamily = gpu\nopencl.tunables = x_tile:8\nopencl.target = x86-64-linux-opencl\n");
    ASSERT_TRUE(build("x86", kX86Targets, true, gpu, "test.db", &list, &error)) << error;
    int cuda = 0;
    for (const VariantSpec &v : list.variants) {
        if (v.device != Device::kCuda || v.tuned_shapes.find("@amd-zen4") == std::string::npos) continue;
        ++cuda;
        EXPECT_EQ(v.cuda_capability, 80);
    }
    EXPECT_EQ(cuda, 1);
    EXPECT_TRUE(list.skipped.empty()) << list.skipped.front();

    for (const char *bad : {"@Zen4", "@", "@amd zen4", "@unknown"}) {
        EXPECT_FALSE(build("x86", kX86Targets, false, db_of("[" + c7 + bad + "]\nfamily = x86\n"), "t.db", &list, &error)) << bad;
        EXPECT_NE(error.find("microarchitecture"), std::string::npos) << error;
    }
}

// Facts that follow from a configuration: the GPU tile's channel limit (of the API the variant is
// for), the whole-image scratch of parallel_over=channels in any ISA's code.
TEST(VariantList, ConfigurationsFixTheLimitsTheRuntimeChecks) {
    const tune::TunedDb db = db_of(
        "[f32_nhwc_n1_h14_w14_c512_m1_co512_k3x3_s1x1_d1x1_same]\nlayers = g\nfamily = gpu\n"
        "cuda.tunables = x_tile:8\ncuda.target = x86-64-linux-cuda-cuda_capability_80\n"
        "[f32_nhwc_n1_h7_w7_c1024_m1_co1024_k3x3_s1x1_d1x1_same]\nlayers = w\nfamily = x86\n"
        "avx512.tunables = parallel_over:channels\n");
    VariantList list;
    std::string error;
    ASSERT_TRUE(build("x86", kX86Targets, true, db, "test.db", &list, &error)) << error;
    int gpu = 0, scratch = 0;
    for (const VariantSpec &v : list.variants) {
        if (v.tuned_shapes.empty()) {  // only a basis configuration may run over weight blocks
            EXPECT_EQ(v.whole_image_scratch, v.tunables.find("parallel_over:channels") != std::string::npos) << v.name();
            continue;
        }
        if (v.device == Device::kCuda) {
            ++gpu;
            EXPECT_EQ(v.cuda_capability, 80);
            EXPECT_EQ(v.max_depthwise_channels, 1024) << "32 KiB of x_tile = 8 float32 pixels";
        } else {
            ++scratch;
            EXPECT_TRUE(v.whole_image_scratch) << v.tunables;
        }
    }
    EXPECT_EQ(gpu, 1);
    EXPECT_EQ(scratch, 1);
    ASSERT_TRUE(build("x86", kX86Targets, false, db, "test.db", &list, &error)) << error;
    EXPECT_EQ(list.skipped.size(), 1u) << "a GPU entry in a build without GPU variants";
}

// The family's basis configurations: float32 and int8 3x3 NHWC at stride 1 and 2, named by their
// configuration, never taken for tuned (no shapes), and never in the ARM family (none declared).
TEST(VariantList, EmitsTheFamilysBasisConfigurations) {
    VariantList list;
    std::string error;
    ASSERT_TRUE(build("x86", kX86Targets, false, db_of(""), "test.db", &list, &error)) << error;
    const size_t basis = sepconv::find_family("x86")->basis.size(), int8_basis = sepconv::find_family("x86")->int8_basis.size();
    ASSERT_GT(basis, 0u);
    ASSERT_GT(int8_basis, 0u);
    std::map<std::string, int> per_stride;
    for (const VariantSpec &v : list.variants) {
        if (!v.basis) continue;
        EXPECT_TRUE(v.type == DataType::kFloat32 || v.type == DataType::kInt8) << v.name();
        EXPECT_FALSE(v.nchw);
        EXPECT_TRUE(v.tuned_shapes.empty());
        EXPECT_EQ(v.kernel_h, 3);
        EXPECT_NE(v.name().find("_basis_"), std::string::npos) << v.name();
        EXPECT_FALSE(v.tunables.empty()) << v.name();
        ++per_stride[v.name().substr(0, v.name().find("_basis_"))];
    }
    EXPECT_EQ(per_stride["f32_sepconv_nhwc_k3x3_s1_d1_m1"], static_cast<int>(basis));
    EXPECT_EQ(per_stride["f32_sepconv_nhwc_k3x3_s2_d1_m1"], static_cast<int>(basis));
    EXPECT_EQ(per_stride["qs8_sepconv_nhwc_k3x3_s1_d1_m1"], static_cast<int>(int8_basis));
    EXPECT_EQ(per_stride["qs8_sepconv_nhwc_k3x3_s2_d1_m1"], static_cast<int>(int8_basis));
    ASSERT_TRUE(build("arm", kArmTargets, false, db_of(""), "test.db", &list, &error)) << error;
    for (const VariantSpec &v : list.variants) EXPECT_FALSE(v.basis) << v.name();
}

TEST(VariantList, RefusesEntriesItCannotReadNamingThem) {
    VariantList list;
    std::string error;
    const std::string key = "[f32_nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same]\nlayers = t\nfamily = x86\n";
    EXPECT_FALSE(build("x86", kX86Targets, false, db_of(key + "neon.tunables = tile_x:4\n"), "t.db", &list, &error));
    EXPECT_NE(error.find("neon.tunables: no ISA 'neon' in the x86 family"), std::string::npos) << error;
    EXPECT_FALSE(build("x86", kX86Targets, false, db_of(key + "avx2.tunables = tile_x:9\n"), "t.db", &list, &error));
    EXPECT_NE(error.find("bad value '9' for knob 'tile_x'"), std::string::npos) << error;
    EXPECT_FALSE(build("x86", kX86Targets, false, db_of("[nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same]\nfamily = x86\n"), "t.db",
                       &list, &error));
    EXPECT_NE(error.find("is not a shape key like f32_nhwc_"), std::string::npos) << error;
}

TEST(VariantList, CanonicalizeWritesEachIsaExplicitlyWithoutIgnoredKnobs) {
    tune::TunedDb db = db_of("[f32_nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same]\nlayers = t\nfamily = x86\n"
                             "avx2.tunables = depthwise_at:xtile,tile_x:2\navx2.notes = kept\n");
    std::string error;
    ASSERT_TRUE(canonicalize(&db, &error)) << error;
    const tune::TunedEntry &e = db.entries().begin()->second;
    EXPECT_EQ(e.get("avx2.tunables"),
              "co_vectors:4,tile_x:2,tile_rows:0,co_outer:1,depthwise_inner:pixels,unroll_kernel:1,pad_copy:0,"
              "parallel_over:rows,k_block:0");
    EXPECT_EQ(e.get("avx2.notes"), "kept");
}

}  // namespace
}  // namespace sepconv::variant_list
