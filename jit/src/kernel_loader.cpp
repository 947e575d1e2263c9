#include "kernel_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace sepconv::jit {
namespace {

// A kernel in a loaded shared object: an AOT variant's entry point, its runtime's handlers the
// library's.
class LoadedKernel : public internal::SpecializedKernel {
public:
    LoadedKernel(KernelFn fn, std::string name) : fn_(fn), name_(std::move(name)) {}
    int run(internal::CallContext *context, const KernelBuffers<halide_buffer_t *> &buffers,
            const KernelScalars &scalars) const override {
        return call_kernel(fn_, context, buffers, scalars);
    }
    std::string name() const override { return name_; }

private:
    KernelFn fn_;
    std::string name_;
};

}  // namespace

std::shared_ptr<const internal::SpecializedKernel> load_shared_object(const std::string &path, const std::string &name,
                                                                      std::string *error) {
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char *why = dlerror();
        *error = "cannot load " + path + ": " + (why ? why : "dlopen failed");
        return nullptr;
    }
    auto symbol = [&](const char *s) { return dlsym(handle, s); };
    auto fn = reinterpret_cast<KernelFn>(symbol(kEntryName));
    auto set_error = reinterpret_cast<halide_error_handler_t (*)(halide_error_handler_t)>(symbol("halide_set_error_handler"));
    auto set_par_for = reinterpret_cast<halide_do_par_for_t (*)(halide_do_par_for_t)>(symbol("halide_set_custom_do_par_for"));
    auto set_malloc = reinterpret_cast<halide_malloc_t (*)(halide_malloc_t)>(symbol("halide_set_custom_malloc"));
    auto set_free = reinterpret_cast<halide_free_t (*)(halide_free_t)>(symbol("halide_set_custom_free"));
    if (!fn || !set_error || !set_par_for || !set_malloc || !set_free) {
        dlclose(handle);
        *error = path + " is no sepconv JIT kernel (a symbol is missing)";
        return nullptr;
    }
    const internal::RuntimeHooks &h = internal::runtime_hooks();
    set_error(h.error);
    set_par_for(h.do_par_for);
    set_malloc(h.malloc);
    set_free(h.free);
    return std::make_shared<LoadedKernel>(fn, name);
}

const CompilerApi *compiler(std::string *error) {
    static std::once_flag once;
    static const CompilerApi *api = nullptr;
    static std::string why;
    std::call_once(once, [] {
        std::string tried;
        // $SEPCONV_JIT_COMPILER alone when it is set; else the installed module, else the build tree's.
        const char *env = std::getenv("SEPCONV_JIT_COMPILER");
        const bool given = env != nullptr && *env != '\0';
        const std::vector<const char *> paths =
            given ? std::vector<const char *>{env}
                  : std::vector<const char *>{SEPCONV_JIT_COMPILER_INSTALLED, SEPCONV_JIT_COMPILER_BUILT};
        for (const char *path : paths) {
            if (!given && access(path, R_OK) != 0) continue;
            void *module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
            const char *failure = module ? nullptr : dlerror();
            auto entry = module ? reinterpret_cast<decltype(&sepconv_jit_compiler_api)>(
                                      dlsym(module, "sepconv_jit_compiler_api"))
                                : nullptr;
            static const CompilerHost host{internal::run_parallel_loop};
            api = entry ? entry(kCompilerApiVersion, &host) : nullptr;
            if (api) return;
            tried += std::string(tried.empty() ? "" : "; ") + path + ": " +
                     (failure ? failure : entry ? "another version of the interface" : "no sepconv_jit_compiler_api");
        }
        why = "no JIT compiler module (" + (tried.empty() ? std::string("none installed; set SEPCONV_JIT_COMPILER") : tried) + ")";
    });
    if (!api) *error = why;
    return api;
}

}  // namespace sepconv::jit
