// Is there a CUDA device (and which capability), or an OpenCL device? Asked of the drivers
// through dlopen, exactly as Halide's runtime finds them, so that a machine without a GPU gets a
// clean answer instead of a failed kernel launch. Nothing here links against CUDA or OpenCL.
#include <dlfcn.h>

#include "sepconv/sepconv.h"

namespace sepconv {
namespace {

// The few CUDA driver API entry points needed, by their C signatures (CUresult = int).
using CuInit = int (*)(unsigned);
using CuDeviceGetCount = int (*)(int *);
using CuDeviceGet = int (*)(int *, int);
using CuDeviceGetAttribute = int (*)(int *, int, int);
using CuDeviceGetName = int (*)(char *, int, int);
constexpr int kCapabilityMajor = 75, kCapabilityMinor = 76;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_*

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

}  // namespace sepconv
