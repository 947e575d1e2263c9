// sepconv-variants: the build's variant list, computed by the same C++ that states every fact it
// needs (shape keys, data types, knobs, families, the generator parameters), so that CMake parses
// nothing. cmake/SepconvVariants.cmake compiles it at configure time (a cross build runs the host
// build's copy) and includes what it writes:
//
//   sepconv-variants --family x86|arm --targets T1,T2,... [--gpu] [--db FILE] --out FILE.cmake
//       one sepconv_add_piece() call per CPU target's code, then one sepconv_add_variant() per variant
//   sepconv-variants --canonicalize DB
//       rewrites every ISA's configuration in DB in canonical form (families.h)
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "variant_list.h"

namespace {

int usage(const std::string &why) {
    std::fprintf(stderr,
                 "sepconv-variants: %s\nusage: sepconv-variants --family x86|arm --targets T1,T2,... [--gpu] [--db FILE] --out FILE\n"
                 "       sepconv-variants --canonicalize DB\n",
                 why.c_str());
    return 2;
}

std::string base_name(const std::string &path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string params_text(const sepconv::VariantSpec &v, const std::string &family) {
    std::string s = "\n    PARAMS";
    for (const auto &[name, value] : v.generator_params(family)) s += " " + name + "=" + value;
    return s;
}

std::string cmake_text(const sepconv::variant_list::VariantList &list, const std::string &family, const std::string &db) {
    std::string s = "# Written by sepconv-variants (tools/variants) for the " + family + " family" +
                    (db.empty() ? "" : " from " + db) + "; do not edit.\n";
    for (const sepconv::variant_list::Piece &p : list.pieces) {
        s += "sepconv_add_piece(" + p.name + " TYPE " + sepconv::to_string(p.spec.type) + " TARGET " + p.target +
             params_text(p.spec, family) + ")\n";
    }
    for (size_t i = 0; i < list.variants.size(); ++i) {
        const sepconv::VariantSpec &v = list.variants[i];
        const char *device = v.device == sepconv::Device::kCuda ? "cuda" : v.device == sepconv::Device::kOpenCL ? "opencl" : "cpu";
        s += "sepconv_add_variant(" + v.name() + " TYPE " + sepconv::to_string(v.type) + " DEVICE " + device;
        if (v.cuda_capability) s += " CUDA_CAPABILITY " + std::to_string(v.cuda_capability);
        if (list.pieces_of[i].empty()) {
            s += params_text(v, family);
        } else {
            s += "\n    PIECES";
            for (const std::string &p : list.pieces_of[i]) s += " " + p;
        }
        s += "\n    ROW [=[" + v.initializer() + "]=]";
        if (!v.tuned_shapes.empty()) s += "\n    TUNED_SHAPES " + v.tuned_shapes;
        s += ")\n";
    }
    for (const std::string &k : list.skipped) s += "list(APPEND SEPCONV_SKIPPED_TUNED_ENTRIES \"" + k + "\")\n";
    return s;
}

int run(int argc, char **argv) {
    std::string family, db_path, out_path, canonicalize, target_list;
    bool gpu = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--gpu") {
            gpu = true;
            continue;
        }
        if (i + 1 >= argc) return usage("'" + a + "' needs a value");
        const std::string value = argv[++i];
        if (a == "--family") family = value;
        else if (a == "--db") db_path = value;
        else if (a == "--out") out_path = value;
        else if (a == "--targets") target_list = value;
        else if (a == "--canonicalize") canonicalize = value;
        else return usage("unknown argument '" + a + "'");
    }
    std::string error;
    sepconv::tune::TunedDb db;
    if (!canonicalize.empty()) {
        if (!db.load(canonicalize, &error) || !sepconv::variant_list::canonicalize(&db, &error) ||
            !db.save(canonicalize, &error)) {
            std::fprintf(stderr, "sepconv-variants: %s\n", error.c_str());
            return 1;
        }
        return 0;
    }
    if (family.empty() || out_path.empty() || target_list.empty()) {
        return usage("--family, --targets and --out are required");
    }
    std::vector<std::string> targets;
    for (size_t at = 0; at <= target_list.size();) {
        const size_t comma = std::min(target_list.find(',', at), target_list.size());
        targets.push_back(target_list.substr(at, comma - at));
        at = comma + 1;
    }
    if (!db_path.empty()) {
        std::ifstream exists(db_path);
        if (!exists) return usage("--db: no such file '" + db_path + "'");
        if (!db.load(db_path, &error)) {
            std::fprintf(stderr, "sepconv-variants: %s\n", error.c_str());
            return 1;
        }
    }
    sepconv::variant_list::VariantList list;
    if (!sepconv::variant_list::build(family, targets, gpu, db, base_name(db_path), &list, &error)) {
        std::fprintf(stderr, "sepconv-variants: %s: %s\n", db_path.c_str(), error.c_str());
        return 1;
    }
    std::ofstream out(out_path, std::ios::trunc);
    out << cmake_text(list, family, base_name(db_path));
    if (!out.flush()) {
        std::fprintf(stderr, "sepconv-variants: cannot write %s\n", out_path.c_str());
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv) { return run(argc, argv); }
