// Is there a CUDA device (and which capability), or an OpenCL device? Asked of the drivers
// through dlopen, exactly as Halide's runtime finds them, so that a machine without a GPU gets a
// clean answer instead of a failed kernel launch. Nothing here links against CUDA or OpenCL.
#include "gpu_probe.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#ifdef SEPCONV_HAS_GPU
#include "HalideRuntimeCuda.h"
#endif

namespace sepconv {
namespace {

// The few CUDA driver API entry points needed, by their C signatures (CUresult = int).
using CuInit = int (*)(unsigned);
using CuDeviceGetCount = int (*)(int *);
using CuDeviceGet = int (*)(int *, int);
using CuDeviceGetAttribute = int (*)(int *, int, int);
using CuDeviceGetName = int (*)(char *, int, int);
constexpr int kCapabilityMajor = 75, kCapabilityMinor = 76;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_*

using CuDevicePrimaryCtxRetain = int (*)(void **, int);

using ClGetPlatformIDs = int (*)(unsigned, void **, unsigned *);
using ClGetDeviceIDs = int (*)(void *, unsigned long, unsigned, void **, unsigned *);
constexpr unsigned long kClDeviceTypeAll = 0xFFFFFFFF;

void *open_first(std::initializer_list<const char *> names) {
    for (const char *name : names) {
        if (void *h = dlopen(name, RTLD_LAZY | RTLD_LOCAL)) return h;
    }
    return nullptr;
}

}  // namespace

CudaInfo cuda_info() {
    CudaInfo info;
    void *lib = open_first({"libcuda.so.1", "libcuda.so"});
    if (lib == nullptr) {
        info.why = "no CUDA driver (libcuda.so.1 cannot be loaded)";
        return info;
    }
    auto init = reinterpret_cast<CuInit>(dlsym(lib, "cuInit"));
    auto count = reinterpret_cast<CuDeviceGetCount>(dlsym(lib, "cuDeviceGetCount"));
    auto get = reinterpret_cast<CuDeviceGet>(dlsym(lib, "cuDeviceGet"));
    auto attribute = reinterpret_cast<CuDeviceGetAttribute>(dlsym(lib, "cuDeviceGetAttribute"));
    auto name = reinterpret_cast<CuDeviceGetName>(dlsym(lib, "cuDeviceGetName"));
    int devices = 0, device = 0, major = 0, minor = 0;
    if (!init || !count || !get || !attribute || !name) {
        info.why = "the CUDA driver lacks the expected entry points";
    } else if (int rc = init(0); rc != 0) {
        info.why = "cuInit failed with CUDA error " + std::to_string(rc) + " (no usable GPU or driver)";
    } else if (count(&devices) != 0 || devices == 0) {
        info.why = "the CUDA driver reports no device";
    } else if (get(&device, 0) != 0 || attribute(&major, kCapabilityMajor, device) != 0 ||
               attribute(&minor, kCapabilityMinor, device) != 0) {
        info.why = "cannot read the compute capability of CUDA device 0";
    } else {
        char text[256] = {};
        name(text, sizeof(text) - 1, device);
        info.available = true;
        info.capability = major * 10 + minor;
        info.name = text;
    }
    // The driver stays loaded: Halide's runtime loads the same library.
    return info;
}

bool opencl_available(std::string *why) {
    void *lib = open_first({"libOpenCL.so.1", "libOpenCL.so"});
    if (lib == nullptr) {
        *why = "no OpenCL loader (libOpenCL.so.1 cannot be loaded)";
        return false;
    }
    auto platforms = reinterpret_cast<ClGetPlatformIDs>(dlsym(lib, "clGetPlatformIDs"));
    auto devices = reinterpret_cast<ClGetDeviceIDs>(dlsym(lib, "clGetDeviceIDs"));
    void *ids[16] = {};
    unsigned n = 0, d = 0;
    if (!platforms || !devices || platforms(16, ids, &n) != 0 || n == 0) {
        *why = "no OpenCL platform (is an ICD such as pocl-opencl-icd installed?)";
        return false;
    }
    for (unsigned i = 0; i < n && i < 16; ++i) {
        if (devices(ids[i], kClDeviceTypeAll, 0, nullptr, &d) == 0 && d > 0) return true;
    }
    *why = "the OpenCL platforms report no device";
    return false;
}

namespace internal {

#ifdef SEPCONV_HAS_GPU
namespace {
void *g_primary_context = nullptr;
int acquire_primary_context(void *, void **context, bool) {
    *context = g_primary_context;
    return g_primary_context ? 0 : -1;
}
int release_primary_context(void *) { return 0; }
}  // namespace
#endif

Status use_cuda_primary_context() {
#ifdef SEPCONV_HAS_GPU
    static std::once_flag once;
    static Status result;
    std::call_once(once, [] {
        void *lib = open_first({"libcuda.so.1", "libcuda.so"});
        auto init = lib ? reinterpret_cast<CuInit>(dlsym(lib, "cuInit")) : nullptr;
        auto get = lib ? reinterpret_cast<CuDeviceGet>(dlsym(lib, "cuDeviceGet")) : nullptr;
        auto retain = lib ? reinterpret_cast<CuDevicePrimaryCtxRetain>(dlsym(lib, "cuDevicePrimaryCtxRetain")) : nullptr;
        const char *env = std::getenv("HL_GPU_DEVICE");  // Halide's own device choice
        int device = 0;
        if (!init || !get || !retain || init(0) != 0 || get(&device, env ? std::atoi(env) : 0) != 0 ||
            retain(&g_primary_context, device) != 0) {
            result = {StatusCode::kUnavailable, "cannot retain the primary context of the CUDA device"};
            return;
        }
        halide_set_cuda_acquire_context(acquire_primary_context);
        halide_set_cuda_release_context(release_primary_context);
    });
    return result;
#else
    return {StatusCode::kUnavailable, "this build has no GPU variants (SEPCONV_GPU=OFF)"};
#endif
}

}  // namespace internal
}  // namespace sepconv
