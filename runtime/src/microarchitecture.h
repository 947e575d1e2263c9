// The CPU's microarchitecture, as one short name: the tuner records it in the database key of each
// entry it writes, and the runtime prefers the entries of its own (variant_table.h).
//
//   amd-zen4, intel-sapphirerapids, arm-neoverse-n1     a known core (the tables in the .cpp)
//   amd-family25-model17, arm-0x41-0xd4f              any other: vendor, family and model as CPUID
//                                                     (or ARM's MIDR) report them
//   unknown                                           nothing to read (e.g. a user-mode emulator):
//                                                     not a name entries can be keyed by
//
// Names are lower-case letters, digits and '-', so that they can follow a shape key after '@'.
// Vendor, family and model, not the brand string: a VM reports "AMD EPYC" for Zen 3, 4 and 5.
#pragma once

#include <string>

namespace sepconv::internal {

constexpr const char *kUnknownMicroarchitecture = "unknown";

// This machine's name, read once per process.
const std::string &microarchitecture();

// The name of an x86 CPU from CPUID's vendor string and its display family and model.
std::string x86_microarchitecture(const std::string &vendor, int family, int model);
// The name of an ARM CPU from MIDR's implementer and part number.
std::string arm_microarchitecture(int implementer, int part);

// Whether `name` is a microarchitecture name entries can be keyed by (the grammar above; not
// "unknown", which would match every machine that cannot say what it is).
bool valid_microarchitecture(const std::string &name);

}  // namespace sepconv::internal
