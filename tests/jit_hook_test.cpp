// The seam the JIT tier plugs into (runtime/src/jit_hook.h), without the JIT tier: a hook whose
// kernels are AOT variants' entry points, swapped while threads run the layer. This builds in every
// preset, so TSan checks the swap (the JIT tier itself links libHalide, which TSan cannot see into).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "jit_hook.h"
#include "support/tester.h"
#include "variant_table.h"

namespace sepconv_test {
namespace {

// An AOT variant's code as a "specialized" kernel, counting its runs.
class VariantKernel : public sepconv::internal::SpecializedKernel {
public:
    explicit VariantKernel(const sepconv::internal::VariantRow &row) : row_(row) {}
    int run(sepconv::internal::CallContext *context, const sepconv::KernelBuffers<halide_buffer_t *> &buffers,
            const sepconv::KernelScalars &scalars) const override {
        ++runs;
        return sepconv::call_kernel(row_.kernel(), context, buffers, scalars);
    }
    std::string name() const override { return row_.name; }
    mutable std::atomic<int> runs{0};

private:
    const sepconv::internal::VariantRow &row_;
};

class AlternatingHook : public sepconv::internal::JitHook {
public:
    explicit AlternatingHook(std::shared_ptr<const VariantKernel> k) : kernel_(std::move(k)) {}
    std::shared_ptr<const sepconv::internal::SpecializedKernel> kernel_for(const sepconv::internal::ConvGeometry &) override {
        return calls_++ % 2 ? kernel_ : nullptr;  // every other call: no kernel ready, the AOT variant
    }
    void detach() override { detached = true; }
    std::atomic<bool> detached{false};

private:
    std::shared_ptr<const VariantKernel> kernel_;
    std::atomic<int> calls_{0};
};

const sepconv::internal::VariantRow &row_named(const std::string &name) {
    for (const auto &row : sepconv::internal::variant_table()) {
        if (name == row.name) return row;
    }
    throw std::runtime_error("no variant " + name);
}

TEST(JitHook, KernelsSwappedWhileThreadsRunTheLayer) {
    ConvCase k;
    k.h = 9, k.w = 11, k.c = 13, k.cout = 21, k.bias = true, k.activation = 2;
    const TensorSet t = make_tensors(k, 8);
    sepconv::Options o = options_for(k);
    o.bias = {t.bias.data(), {k.cout}};
    o.num_threads = 1;
    std::unique_ptr<sepconv::Layer> layer;
    ASSERT_TRUE(sepconv::Layer::create({t.dwf.data(), t.dw_shape}, {t.pwf.data(), t.pw_shape}, o, &layer).ok());
    std::string variant;
    ASSERT_TRUE(layer->variant_for(t.in_shape, &variant).ok());
    auto kernel = std::make_shared<const VariantKernel>(row_named(variant));

    std::atomic<bool> done{false};
    std::atomic<int> wrong{0}, swaps{0};
    std::vector<std::shared_ptr<AlternatingHook>> hooks;
    for (int i = 0; i < 4; ++i) hooks.push_back(std::make_shared<AlternatingHook>(kernel));
    std::thread swapper([&] {
        for (int i = 0; !done; ++i, ++swaps) sepconv::internal::set_layer_jit(*layer, i % 5 == 4 ? nullptr : hooks[i % 4]);
    });
    std::vector<std::thread> callers;
    for (int c = 0; c < 3; ++c) {
        callers.emplace_back([&] {
            std::vector<float> out(t.expected.size());
            // At least 200 calls each, and on until the swapper has swapped a while and the hook's
            // kernel has served calls: on a busy machine the callers can finish before the swapper
            // first runs (bounded, so a broken seam fails below instead of hanging).
            for (int n = 0; n < 200 || ((swaps.load() < 100 || kernel->runs.load() == 0) && n < 100000); ++n) {
                out.assign(out.size(), std::nanf(""));
                if (!layer->run({t.input.data(), t.in_shape}, {out.data(), t.out_shape}).ok() || !all_close(t.expected, out)) {
                    ++wrong;
                }
            }
        });
    }
    for (auto &c : callers) c.join();
    done = true;
    swapper.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_GT(kernel->runs.load(), 0);  // the hook's kernel did serve calls

    // The Layer tells the hook it holds when it goes.
    auto last = std::make_shared<AlternatingHook>(kernel);
    sepconv::internal::set_layer_jit(*layer, last);
    layer.reset();
    EXPECT_TRUE(last->detached);
}

}  // namespace
}  // namespace sepconv_test
