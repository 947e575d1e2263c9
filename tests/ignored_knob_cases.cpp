// Prints the cases tests/check_ignored_knobs.py compiles: first the generator parameters of the
// variant they are compiled as (3x3, stride 1, NHWC, x86), then, for every knob the CPU registry
// says is ignored under other knobs' values, pairs of AVX2 configurations that differ in that knob
// alone, each written out whole ("avx2.knob:value,..."). `same` pairs (the knob is ignored) must
// compile to identical code; one `differ` pair per knob (the knob is read) must not, so the check
// can fail.
#include <cstdio>
#include <set>
#include <string>

#include "cpu/cpu_tunables.h"
#include "families.h"
#include "variant_spec.h"

namespace {

using sepconv::cpu::Tunables;

std::string whole_text(const Tunables &t, const sepconv::Isa &isa) {
    std::string s;
    for (const auto &k : sepconv::cpu::knobs().knobs()) {
        if (k.read_by(false, isa)) s += (s.empty() ? "" : ",") + ("avx2." + k.name) + ":" + k.get(t);
    }
    return s;
}

}  // namespace

int main() {
    const sepconv::Family &x86 = *sepconv::find_family("x86");
    const sepconv::IsaRow &avx2 = *x86.isa("avx2");
    Tunables defaults;
    std::string error;
    if (!sepconv::resolve_config(sepconv::cpu::knobs(), x86, avx2, false, "", &defaults, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    sepconv::VariantSpec variant;
    variant.kernel_h = variant.kernel_w = 3;
    variant.stride_h = variant.stride_w = variant.dilation_h = variant.dilation_w = variant.multiplier = 1;
    std::printf("params");
    for (const auto &[name, value] : variant.generator_params(x86.name)) std::printf(" %s=%s", name.c_str(), value.c_str());
    std::printf("\n");
    const auto &registry = sepconv::cpu::knobs();
    // The knobs the ignore rules look at, over two values each.
    const char *grid_knobs[] = {"co_outer", "tile_rows", "parallel_over"};
    const char *grid_values[][2] = {{"0", "1"}, {"0", "2"}, {"rows", "channels"}};
    auto set = [&](Tunables &t, const std::string &knob, const std::string &value) {
        const auto *k = registry.find(knob);
        for (size_t i = 0; i < k->values.size(); ++i) {
            if (k->values[i] == value) k->set(t, i);
        }
    };
    for (const auto &k : registry.knobs()) {
        if (!k.ignored_under || !k.read_by(false, avx2.isa)) continue;
        std::set<std::string> printed;
        bool differ_printed = false;
        for (int g = 0; g < 8; ++g) {
            Tunables a = defaults;
            for (int i = 0; i < 3; ++i) {
                if (k.name != grid_knobs[i]) set(a, grid_knobs[i], grid_values[i][(g >> i) & 1]);
            }
            Tunables b = a;
            k.set(a, 0);
            k.set(b, 1);
            const bool ignored = k.ignored(a);
            if (!ignored && differ_printed) continue;
            const std::string line = std::string(ignored ? "same" : "differ") + " " + k.name + " " +
                                     whole_text(a, avx2.isa) + " " + whole_text(b, avx2.isa);
            if (!printed.insert(line).second) continue;
            differ_printed |= !ignored;
            std::printf("%s\n", line.c_str());
        }
    }
    return 0;
}
