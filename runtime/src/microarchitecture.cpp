#include "microarchitecture.h"

#include <cstdio>
#include <fstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace sepconv::internal {
namespace {

// Model ranges per microarchitecture, from the vendors' public family/model lists. A CPU outside
// them keeps its numeric name: a new core is never filed under an older one's tuning.
struct ModelRange {
    int family, first_model, last_model;
    const char *name;
};
constexpr ModelRange kAmd[] = {
    {0x17, 0x00, 0x2f, "zen"},  {0x17, 0x50, 0x5f, "zen"},  {0x17, 0x30, 0x4f, "zen2"}, {0x17, 0x60, 0x7f, "zen2"},
    {0x17, 0x90, 0x91, "zen2"}, {0x17, 0xa0, 0xaf, "zen2"}, {0x19, 0x00, 0x0f, "zen3"}, {0x19, 0x20, 0x5f, "zen3"},
    {0x19, 0x10, 0x1f, "zen4"}, {0x19, 0x60, 0x7f, "zen4"}, {0x19, 0xa0, 0xaf, "zen4"}, {0x1a, 0x00, 0x2f, "zen5"},
    {0x1a, 0x40, 0x4f, "zen5"}, {0x1a, 0x60, 0x7f, "zen5"},
};
constexpr ModelRange kIntel[] = {
    {6, 0x3c, 0x3c, "haswell"},        {6, 0x3f, 0x3f, "haswell"},        {6, 0x45, 0x46, "haswell"},
    {6, 0x3d, 0x3d, "broadwell"},      {6, 0x47, 0x47, "broadwell"},      {6, 0x4f, 0x4f, "broadwell"},
    {6, 0x56, 0x56, "broadwell"},      {6, 0x4e, 0x4e, "skylake"},        {6, 0x5e, 0x5e, "skylake"},
    {6, 0x8e, 0x8e, "skylake"},        {6, 0x9e, 0x9e, "skylake"},        {6, 0xa5, 0xa6, "skylake"},
    {6, 0x55, 0x55, "skylake-server"}, {6, 0x6a, 0x6a, "icelake-server"}, {6, 0x6c, 0x6c, "icelake-server"},
    {6, 0x7d, 0x7e, "icelake"},        {6, 0x8c, 0x8d, "tigerlake"},      {6, 0x97, 0x97, "alderlake"},
    {6, 0x9a, 0x9a, "alderlake"},      {6, 0xb7, 0xb7, "raptorlake"},     {6, 0xba, 0xba, "raptorlake"},
    {6, 0xbf, 0xbf, "raptorlake"},     {6, 0x8f, 0x8f, "sapphirerapids"}, {6, 0xcf, 0xcf, "emeraldrapids"},
    {6, 0xad, 0xae, "graniterapids"},
};
// Arm Ltd's cores (implementer 0x41) by MIDR part number.
struct ArmPart {
    int part;
    const char *name;
};
constexpr ArmPart kArmParts[] = {
    {0xd03, "cortex-a53"}, {0xd05, "cortex-a55"}, {0xd07, "cortex-a57"},  {0xd08, "cortex-a72"},
    {0xd09, "cortex-a73"}, {0xd0a, "cortex-a75"}, {0xd0b, "cortex-a76"},  {0xd0c, "neoverse-n1"},
    {0xd0d, "cortex-a77"}, {0xd40, "neoverse-v1"}, {0xd41, "cortex-a78"}, {0xd44, "cortex-x1"},
    {0xd46, "cortex-a510"}, {0xd47, "cortex-a710"}, {0xd48, "cortex-x2"}, {0xd49, "neoverse-n2"},
    {0xd4f, "neoverse-v2"},
};

std::string detect() {
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return kUnknownMicroarchitecture;
    char vendor[13] = {};
    std::snprintf(vendor, sizeof vendor, "%.4s%.4s%.4s", reinterpret_cast<char *>(&b), reinterpret_cast<char *>(&d),
                  reinterpret_cast<char *>(&c));
    if (!__get_cpuid(1, &a, &b, &c, &d)) return kUnknownMicroarchitecture;
    // The display family and model (the vendors' rule): extended fields count from family 15
    // (and, on Intel, family 6).
    const int base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
    const int family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
    const int model = base_family == 0xf || base_family == 6 ? base_model | (((a >> 16) & 0xf) << 4) : base_model;
    return x86_microarchitecture(vendor, family, model);
#elif defined(__aarch64__)
    // MIDR's fields as the kernel prints them for the first processor. On a big.LITTLE system that
    // is often a little core: such a machine is named after cpu0, whichever cores run the work.
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    int implementer = -1, part = -1;
    while (std::getline(f, line) && !line.empty()) {
        unsigned value = 0;
        if (std::sscanf(line.c_str(), "CPU implementer : %x", &value) == 1) implementer = static_cast<int>(value);
        if (std::sscanf(line.c_str(), "CPU part : %x", &value) == 1) part = static_cast<int>(value);
    }
    return implementer < 0 || part < 0 ? kUnknownMicroarchitecture : arm_microarchitecture(implementer, part);
#else
    return kUnknownMicroarchitecture;
#endif
}

}  // namespace

std::string x86_microarchitecture(const std::string &vendor, int family, int model) {
    const bool amd = vendor == "AuthenticAMD", intel = vendor == "GenuineIntel";
    if (amd) {
        for (const ModelRange &r : kAmd) {
            if (r.family == family && model >= r.first_model && model <= r.last_model) return std::string("amd-") + r.name;
        }
    } else if (intel) {
        for (const ModelRange &r : kIntel) {
            if (r.family == family && model >= r.first_model && model <= r.last_model) return std::string("intel-") + r.name;
        }
    }
    const std::string who = amd ? "amd" : intel ? "intel" : "x86";
    return who + "-family" + std::to_string(family) + "-model" + std::to_string(model);
}

std::string arm_microarchitecture(int implementer, int part) {
    if (implementer == 0x41) {
        for (const ArmPart &p : kArmParts) {
            if (p.part == part) return std::string("arm-") + p.name;
        }
    }
    char name[32];
    std::snprintf(name, sizeof name, "arm-0x%02x-0x%03x", implementer, part);
    return name;
}

bool valid_microarchitecture(const std::string &name) {
    if (name.empty() || name == kUnknownMicroarchitecture) return false;
    for (char ch : name) {
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
    }
    return true;
}

const std::string &microarchitecture() {
    static const std::string name = detect();
    return name;
}

}  // namespace sepconv::internal
