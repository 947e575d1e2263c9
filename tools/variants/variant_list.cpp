#include "variant_list.h"

#include <map>
#include <regex>

#include "cpu/cpu_tunables.h"
#include "data_types.h"
#include "families.h"
#include "gpu/gpu_tunables.h"
#include "shape_key.h"

namespace sepconv::variant_list {
namespace {

// The GPU variants' CUDA capabilities: the runtime runs the highest one the device supports (the
// driver JIT-compiles its PTX for newer GPUs); 86 is the newest Halide 21 accepts.
constexpr int kCudaCapabilities[] = {61, 70, 80, 86};
// float16 (half2 arithmetic) from 7.0: 6.1's GPUs run float16 at 1/64 of their float32 rate.
constexpr int kCudaFloat16Capability = 70;

// Facts that follow from the configuration: the GPU tile's channel limit, and whether any ISA's
// code keeps the whole image's depthwise result (the runtime's memory estimate).
bool complete(const Family &family, VariantSpec *v, std::string *error) {
    // The generator's configure() applies the same rule to the kernel's signature.
    v->weights_type = v->type == DataType::kFloat16 && !family.f16_weights() ? DataType::kFloat32 : v->type;
    for (const IsaRow &isa : family.isas) {
        if (family.schedule == ScheduleKind::kGpuBlocks) {
            if (isa.isa.name != v->gpu_api()) continue;  // a GPU variant's code is for one API
            gpu::Tunables t;
            if (!resolve_config(gpu::knobs(), family, isa, v->nchw, v->tunables, &t, error)) return false;
            v->max_depthwise_channels = gpu::max_depthwise_channels(t, internal::row_of(v->type).bytes);
        } else {
            cpu::Tunables t;
            if (!resolve_config(cpu::knobs(), family, isa, v->nchw, v->tunables, &t, error)) return false;
            v->whole_image_scratch |= !v->nchw && t.parallel_over == cpu::ParallelOver::Channels;
        }
    }
    return true;
}

void add_untuned(const Family &cpu, bool gpu, std::vector<VariantSpec> *out) {
    for (const internal::DataTypeRow &type : internal::kDataTypes) {
        if (!type.implemented) continue;
        VariantSpec v;
        v.type = type.type;
        if (type.type == DataType::kInt8) {  // each ISA's int8 configuration (NHWC)
            for (const IsaRow &isa : cpu.isas) {
                if (isa.int8_defaults.empty()) continue;
                v.tunables += (v.tunables.empty() ? "" : ",") + section_text(isa.isa.name, isa.int8_defaults);
            }
        }
        // float16 on CUDA only: OpenCL's needs cl_khr_fp16, which not every device has.
        const bool f16 = type.type == DataType::kFloat16;
        // MobileNet's 3x3 depthwise layers at stride 1 and 2 (float32 and int8: with the family's basis
        // configurations beside the defaults), then the general NHWC and NCHW ones.
        for (int stride : {1, 2}) {
            VariantSpec k = v;
            k.kernel_h = k.kernel_w = 3;
            k.stride_h = k.stride_w = stride;
            k.dilation_h = k.dilation_w = k.multiplier = 1;
            out->push_back(k);
            const bool int8 = type.type == DataType::kInt8;
            if (type.type != DataType::kFloat32 && !int8) continue;
            for (const std::string &config : int8 ? cpu.int8_basis : cpu.basis) {
                VariantSpec b = k;
                b.tunables = config;
                b.basis = true;
                b.origin = cpu.name + " family basis configuration (schedules/families.cpp)";
                out->push_back(b);
            }
        }
        out->push_back(v);
        if (cpu.nchw) {
            VariantSpec n = v;
            n.nchw = true;
            n.tunables.clear();
            out->push_back(n);
        }
        // int8 runs on the CPU only (CUDA's dp4a is not written yet).
        if (!gpu || type.type == DataType::kInt8) continue;
        for (int cc : kCudaCapabilities) {
            if (f16 && cc < kCudaFloat16Capability) continue;
            VariantSpec c = v;
            c.device = Device::kCuda;
            c.cuda_capability = cc;
            out->push_back(c);
        }
        if (f16) continue;
        VariantSpec o = v;
        o.device = Device::kOpenCL;
        out->push_back(o);
    }
}

// An entry's configurations for the family's ISAs, as one sections text.
bool entry_sections(const tune::TunedEntry &e, const Family &family, std::string *sections, std::string *error) {
    std::string out;
    for (const auto &[field, value] : e.fields) {
        const size_t dot = field.find('.');
        if (dot == std::string::npos || field.substr(dot + 1) != "tunables") continue;
        const std::string isa = field.substr(0, dot);
        if (family.isa(isa) == nullptr) {
            *error = e.key + ": " + field + ": no ISA '" + isa + "' in the " + family.name + " family (" +
                     family.isa_names() + ")";
            return false;
        }
        const std::string s = section_text(isa, value);
        if (!s.empty()) out += (out.empty() ? "" : ",") + s;
    }
    *sections = out;
    return true;
}

// A microarchitecture's entry with the unqualified entry's fields (configuration, target, ...)
// for every ISA it was not tuned on (tuned_db.h), so that its variant runs what the unqualified
// one would wherever that microarchitecture measured nothing.
tune::TunedEntry with_unqualified_defaults(const tune::TunedDb &db, const internal::TunedKey &key,
                                           const tune::TunedEntry &entry) {
    const tune::TunedEntry *any = key.uarch.empty() ? nullptr : db.find(key.shape.to_string());
    if (any == nullptr || any->get("family") != entry.get("family")) return entry;
    tune::TunedEntry merged = entry;
    for (const auto &[field, value] : any->fields) {
        const size_t dot = field.find('.');
        if (dot != std::string::npos && entry.get(field.substr(0, dot) + ".tunables").empty()) {
            merged.set(field, value);
        }
    }
    return merged;
}

// Each CPU variant's pieces, one per target, every distinct piece listed once.
bool add_pieces(const Family &family, const std::vector<std::string> &targets, VariantList *list, std::string *error) {
    std::map<std::string, std::string> tunables_of;  // piece name -> its configuration (collision check)
    list->pieces.clear();
    list->pieces_of.clear();
    for (const VariantSpec &v : list->variants) {
        std::vector<std::string> names;
        for (const std::string &target : v.device == Device::kCpu ? targets : std::vector<std::string>{}) {
            const IsaRow *isa = family.isa_for(target);
            if (isa == nullptr) {
                *error = "target '" + target + "' has no ISA of the " + family.name + " family (" + family.isa_names() + ")";
                return false;
            }
            Piece p{"", target, v};
            std::string config;
            if (!isa_configuration(family, *isa, v.nchw, v.tunables, &config, error)) return false;
            p.spec.tunables = section_text(isa->isa.name, config);
            p.name = p.spec.piece_name(target);
            auto [it, added] = tunables_of.emplace(p.name, p.spec.tunables);
            if (!added && it->second != p.spec.tunables) {
                *error = "two configurations both name the piece " + p.name + " (a hash collision: change a knob of one)";
                return false;
            }
            if (added) list->pieces.push_back(p);
            names.push_back(p.name);
        }
        list->pieces_of.push_back(names);
    }
    return true;
}

}  // namespace

bool build(const std::string &family_name, const std::vector<std::string> &targets, bool gpu, const tune::TunedDb &db,
           const std::string &db_name, VariantList *out, std::string *error) {
    const Family *cpu = find_family(family_name);
    const Family *gpu_family = find_family("gpu");
    if (cpu == nullptr || cpu->gpu) {
        *error = "no CPU schedule family '" + family_name + "'";
        return false;
    }
    std::vector<VariantSpec> variants;
    add_untuned(*cpu, gpu, &variants);
    for (VariantSpec &v : variants) {
        const Family &family = *find_family(v.family(cpu->name));
        if (v.basis && !canonical_tunables(family, v.nchw, v.tunables, &v.tunables, error)) return false;
        if (!complete(family, &v, error)) return false;
    }

    std::map<std::string, size_t> by_name;  // a tuned variant per distinct name (its configuration)
    std::map<std::string, std::string> layers_of;
    for (const auto &[key_text, stored] : db.entries()) {
        internal::TunedKey key;
        if (!internal::TunedKey::parse(key_text, &key, error)) return false;
        const tune::TunedEntry entry = with_unqualified_defaults(db, key, stored);
        const std::string family = entry.get("family");
        const std::string layers = entry.get("layers") + (key.uarch.empty() ? "" : " on " + key.uarch);
        std::vector<std::pair<VariantSpec, const Family *>> found;
        VariantSpec v = VariantSpec::for_layer(key.shape);
        if (family == cpu->name) {
            if (!entry_sections(entry, *cpu, &v.tunables, error)) return false;
            found.emplace_back(v, cpu);
        } else if (family == "gpu" && gpu) {
            // A GPU entry's sections are its APIs: one variant each (CUDA at the capability tuned for).
            for (Device device : {Device::kCuda, Device::kOpenCL}) {
                VariantSpec g = v;
                g.device = device;
                const std::string api = g.gpu_api(), target = entry.get(api + ".target");
                if (entry.get(api + ".tunables").empty()) continue;
                g.tunables = section_text(api, entry.get(api + ".tunables"));
                std::smatch m;
                if (device == Device::kCuda) {
                    if (!std::regex_search(target, m, std::regex("cuda_capability_([0-9]+)"))) {
                        out->skipped.push_back(key_text + " (cuda: no capability in cuda.target '" + target + "')");
                        continue;
                    }
                    g.cuda_capability = std::stoi(m[1]);
                }
                found.emplace_back(g, gpu_family);
            }
        }
        if (found.empty()) {
            out->skipped.push_back(key_text + " (" + (family.empty() ? "no family" : family) + ")");
            continue;
        }
        for (auto &[spec, fam] : found) {
            if (!canonical_tunables(*fam, spec.nchw, spec.tunables, &spec.tunables, error)) {
                *error = key_text + ": " + *error;
                return false;
            }
            spec.tuned_shapes = key_text;  // marks it tuned (and names it by its configuration)
            if (!complete(*fam, &spec, error)) return false;
            const std::string name = spec.name();
            auto it = by_name.find(name);
            if (it != by_name.end() && variants[it->second].tunables != spec.tunables) {
                *error = key_text + ": its configuration and another's both name the variant " + name +
                         " (a hash collision: change a knob of one)";
                return false;
            }
            if (it == by_name.end()) {
                by_name[name] = variants.size();
                variants.push_back(spec);
                layers_of[name] = layers;
            } else {
                variants[it->second].tuned_shapes += " " + key_text;
                layers_of[name] += "," + layers;
            }
        }
    }
    for (VariantSpec &v : variants) {
        if (!v.tuned_shapes.empty()) v.origin = db_name + ", tuned for " + layers_of[v.name()];
    }
    out->variants = std::move(variants);
    return add_pieces(*cpu, targets, out, error);
}

bool canonicalize(tune::TunedDb *db, std::string *error) {
    std::vector<tune::TunedEntry> rewritten;
    for (const auto &[key_text, entry] : db->entries()) {
        internal::TunedKey key;
        if (!internal::TunedKey::parse(key_text, &key, error)) return false;
        const Family *family = find_family(entry.get("family"));
        if (family == nullptr) {
            *error = key_text + ": unknown family '" + entry.get("family") + "'";
            return false;
        }
        tune::TunedEntry e = entry;
        for (auto &[field, value] : e.fields) {
            const size_t dot = field.find('.');
            if (dot == std::string::npos || field.substr(dot + 1) != "tunables") continue;
            const IsaRow *isa = family->isa(field.substr(0, dot));
            std::string text;
            if (isa == nullptr ||
                !isa_configuration(*family, *isa, key.shape.nchw, section_text(isa->isa.name, value), &text, error)) {
                *error = key_text + ": " + field + ": " + (isa ? *error : "no such ISA in the " + family->name + " family");
                return false;
            }
            value = text;
        }
        rewritten.push_back(e);
    }
    for (const tune::TunedEntry &e : rewritten) db->put(e);
    return true;
}

}  // namespace sepconv::variant_list
