// sepconv-tune: the offline autotuner. For each layer of the lists given, it searches the schedule
// family's tunables with Halide's JIT (the generator and schedules the AOT build uses), checks each
// candidate against the reference, measures the winner side by side with the hand default and
// Halide's autoschedulers, and writes the database the build turns into variants (README: Tuning).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "families.h"
#include "jit_candidate.h"
#include "layer_list.h"
#include "microarchitecture.h"
#include "sepconv/sepconv.h"
#include "tune_layer.h"

namespace {

using sepconv::tune::TunedDb;
using sepconv::tune::TunedEntry;
using sepconv::tune::TuneSettings;

const char *kUsage =
    "usage: sepconv-tune [--layers FILE[,FILE...]] [--layer NAME[,NAME...]] [--db FILE]\n"
    "                    [--target host|HALIDE_TARGET] [--threads N] [--report-threads N[,N...]]\n"
    "                    [--budget-seconds S] [--max-candidates N] [--seed N]\n"
    "                    [--baselines NAME[,NAME...]|none] [--tunables K:V,...] [--retune]\n"
    "                    [--uarch host|any|NAME] [--verbose]\n"
    "  Tunes every layer of the lists (default: bench/layers.csv) whose entry in the database has\n"
    "  no configuration for the target's ISA (avx512, avx2, sse41, neon, ...) yet, and\n"
    "  saves the database after each layer; rerun to continue, Ctrl-C leaves it valid.\n"
    "  --target host (the default) is the best of the build's targets that this machine runs.\n"
    "  --budget-seconds / --max-candidates bound the search per layer (default 60 s / 40).\n"
    "  --report-threads: the final side-by-side measurement's thread counts (default 1 and --threads):\n"
    "              a new configuration must win at each.\n"
    "  --tunables: a configuration of the ISA (any value of its knobs) that joins the final side-by-side\n"
    "              measurement; one the search tries also starts the search (--max-candidates 2: it\n"
    "              and the default only).\n"
    "  --baselines: Halide autoschedulers measured beside the tuned schedule\n"
    "               (default Adams2019,Mullapudi2016 on CPUs, Anderson2021 on GPUs).\n"
    "  --uarch: the microarchitecture the entries are keyed by ([shape key@NAME]): host (the\n"
    "           default on CPUs) is this machine's (`sepconv variants` prints it), any (GPUs) writes\n"
    "           entries that serve every machine ([shape key]). The runtime prefers its own\n"
    "           microarchitecture's; a rerun skips the layers this microarchitecture has tuned.\n"
    "  --verbose: one line per candidate with its GFLOP/s in the search.\n";

std::atomic<bool> g_stop{false};

void on_interrupt(int) {
    g_stop = true;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once; the database stays valid
}

// `value` as an integer in [lo, hi]; otherwise an error naming the option `--name`.
long long parse_integer(const std::string &name, const std::string &value, long long lo, long long hi) {
    try {
        size_t used = 0;
        const long long n = std::stoll(value, &used);
        if (used == value.size() && n >= lo && n <= hi) return n;
    } catch (...) {
    }
    throw std::runtime_error("--" + name + ": expected an integer in [" + std::to_string(lo) + ", " +
                             std::to_string(hi) + "], got '" + value + "'");
}

struct Args {
    std::map<std::string, std::string> values;
    bool retune = false, verbose = false;

    std::string get(const std::string &name, const std::string &fallback) const {
        auto it = values.find(name);
        return it == values.end() ? fallback : it->second;
    }
    long long integer(const std::string &name, long long fallback, long long lo, long long hi) const {
        const std::string v = get(name, "");
        return v.empty() ? fallback : parse_integer(name, v, lo, hi);
    }
};

Args parse_args(int argc, char **argv) {
    static const char *known[] = {"layers", "layer", "db", "target", "threads", "report-threads",
                                  "budget-seconds", "max-candidates", "seed", "baselines", "tunables", "uarch"};
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--retune" || arg == "--verbose") {
            (arg == "--retune" ? a.retune : a.verbose) = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") throw std::runtime_error("");
        bool ok = arg.rfind("--", 0) == 0 && i + 1 < argc;
        const std::string name = ok ? arg.substr(2) : arg;
        ok = ok && std::find(std::begin(known), std::end(known), name) != std::end(known);
        if (!ok) throw std::runtime_error("unknown or incomplete argument '" + arg + "'");
        a.values[name] = argv[++i];
    }
    return a;
}

// The CPU's name as /proc/cpuinfo gives it ("model name" on x86, "Hardware" on some ARM kernels),
// and its microarchitecture as the runtime names it (the name alone, "AMD EPYC" on a VM, does not
// tell Zen 3 from Zen 5; the microarchitecture comes from CPUID's family and model, or ARM's MIDR).
std::string cpu_model(const sepconv::CpuInfo &info) {
    std::ifstream f("/proc/cpuinfo");
    std::string line, name;
    while (name.empty() && std::getline(f, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        if (key == "model name" || key == "Hardware") name = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    }
    if (name.empty()) name = "unknown CPU";
    return name + " (" + info.microarchitecture + ")";
}

// The target the AOT build dispatches to on this machine, asked of the library's own dispatcher:
// tuning for it, not for every feature of the host, measures the code the built library will run.
// (Not Halide::get_host_target(): Halide 21 infers features from the CPU model, and reports AVX-512
// on a Zen 4 whose hypervisor hides it from CPUID; code compiled for that dies on SIGILL.)
Halide::Target default_target() {
    const std::string dispatched = sepconv::cpu_info().dispatched_target;
    return dispatched.empty() ? Halide::get_host_target() : Halide::Target(dispatched);
}

// This machine, for the database: the CPU model and microarchitecture, cores, the caches the cost
// model reads, and the features its CPUID reports.
std::string machine_description(int cores) {
    const sepconv::CpuInfo &info = sepconv::cpu_info();
    std::string features;
    for (const std::string &f : info.features) features += (features.empty() ? "" : " ") + f;
    return cpu_model(info) + "; " + std::to_string(cores) + " cores; L1d " + std::to_string(info.l1d_bytes / 1024) +
           " KiB, L2 " + std::to_string(info.l2_bytes / 1024) + " KiB; " + features;
}

// The layers to tune, deduplicated by shape key (lists often repeat a shape); names joined.
struct Job {
    sepconv::internal::ShapeKey key;
    std::string names;
};

std::vector<Job> collect_jobs(const Args &a) {
    std::vector<Job> jobs;
    std::vector<std::vector<std::string>> names;  // per job, every list name of its shape
    for (const std::string &file : sepconv::tools::split_list(a.get("layers", sepconv::tools::default_layer_list()))) {
        std::vector<sepconv::tools::ModelLayer> layers;
        sepconv::Status s = sepconv::tools::load_layer_list(file, &layers);
        if (!s.ok()) throw std::runtime_error("--layers: " + s.message);
        for (const auto &l : layers) {
            if (l.type != sepconv::DataType::kFloat32) {
                // Its candidates and reference buffers are float32 (jit_candidate.cpp).
                throw std::runtime_error("--layers: " + l.name + " is " + sepconv::to_string(l.type) +
                                         ": sepconv-tune measures float32 layers only");
            }
            if (l.batch != 1) {
                // Entries match a call's layer whatever its batch (ShapeKey::same_layer).
                throw std::runtime_error("--layers: " + l.name + " has batch " + std::to_string(l.batch) +
                                         ": sepconv-tune tunes batch-1 shapes, which serve every batch");
            }
            sepconv::internal::ShapeKey k;
            k.height = l.height, k.width = l.width, k.channels = l.in_channels, k.out_channels = l.out_channels;
            k.type = l.type;
            k.kernel_h = k.kernel_w = l.kernel;
            k.stride_h = k.stride_w = l.stride;
            auto same = std::find_if(jobs.begin(), jobs.end(), [&](const Job &j) { return j.key.same_layer(k); });
            if (same != jobs.end()) {
                names[same - jobs.begin()].push_back(l.name);
            } else {
                jobs.push_back({k, ""});
                names.push_back({l.name});
            }
        }
    }
    // --layer picks shapes by any of their names; the entry still lists every name of the shape.
    const std::vector<std::string> wanted = sepconv::tools::split_list(a.get("layer", ""));
    std::vector<Job> picked;
    for (size_t i = 0; i < jobs.size(); ++i) {
        bool want = wanted.empty();
        for (const std::string &n : names[i]) want = want || std::find(wanted.begin(), wanted.end(), n) != wanted.end();
        if (!want) continue;
        for (const std::string &n : names[i]) jobs[i].names += (jobs[i].names.empty() ? "" : ",") + n;
        picked.push_back(jobs[i]);
    }
    if (picked.empty()) throw std::runtime_error("no layers to tune (check --layers and --layer)");
    return picked;
}

// Tunables already in the database for the same filter geometry (layout, kernel, strides,
// dilations, multiplier): the starting points, and the configurations preferred within noise.
std::vector<std::string> existing_configurations(const TunedDb &db, const sepconv::internal::ShapeKey &k,
                                                 const TuneSettings &settings) {
    std::vector<std::string> out;
    for (const auto &[key_text, entry] : db.entries()) {
        sepconv::internal::TunedKey tuned;
        std::string ignored;
        if (!sepconv::internal::TunedKey::parse(key_text, &tuned, &ignored) || entry.get("family") != settings.family) {
            continue;
        }
        const std::string t = entry.get(settings.isa + ".tunables");
        if (tuned.shape.same_filter(k) && !t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
    return out;
}

// What the runtime runs for this shape on this machine without a new entry: of the shape's entries
// with a configuration for this ISA, the best ranked for the microarchitecture the entries are
// written for (tuned_entry_rank: its own, else any machine's). The configuration a new entry must
// beat; empty when there is none.
std::string incumbent_configuration(const TunedDb &db, const sepconv::internal::ShapeKey &k,
                                    const TuneSettings &settings) {
    std::string best;
    int best_rank = -1;
    for (const auto &[key_text, entry] : db.entries()) {
        sepconv::internal::TunedKey tuned;
        std::string ignored;
        if (!sepconv::internal::TunedKey::parse(key_text, &tuned, &ignored) || !tuned.shape.same_layer(k) ||
            entry.get("family") != settings.family || entry.get(settings.isa + ".tunables").empty()) {
            continue;
        }
        const int rank = sepconv::internal::tuned_entry_rank(tuned.uarch, settings.uarch);
        if (rank >= 0 && (best_rank < 0 || rank < best_rank)) best = entry.get(settings.isa + ".tunables"), best_rank = rank;
    }
    return best;
}

int run(int argc, char **argv) {
    const Args a = parse_args(argc, argv);
    TuneSettings settings;
    const std::string target_text = a.get("target", "host");
    settings.target = target_text == "host" ? default_target() : Halide::Target(target_text);
    const sepconv::Family *family = sepconv::family_for_target(settings.target.to_string());
    const sepconv::IsaRow *isa = family ? family->isa_for(settings.target.to_string()) : nullptr;
    if (isa == nullptr) throw std::runtime_error("--target: no schedule family serves " + settings.target.to_string());
    settings.family = family->name;
    settings.isa = isa->isa.name;
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    settings.threads = static_cast<int>(a.integer("threads", cores, 1, 1024));
    // An entry serves every thread count: by default it must win on one thread as on all of them.
    const std::string all_threads = settings.threads > 1 ? "1," + std::to_string(settings.threads) : "1";
    for (const std::string &t : sepconv::tools::split_list(a.get("report-threads", all_threads))) {
        settings.report_threads.push_back(static_cast<int>(parse_integer("report-threads", t, 1, 1024)));
    }
    settings.budget.max_seconds = static_cast<double>(a.integer("budget-seconds", 60, 1, 86400));
    settings.budget.max_candidates = static_cast<int>(a.integer("max-candidates", 40, 1, 100000));
    settings.seed = static_cast<uint64_t>(a.integer("seed", 1, 0, 1LL << 62));
    settings.try_first = a.get("tunables", "");
    settings.verbose = a.verbose;
    const std::string baselines =
        a.get("baselines", settings.family == "gpu" ? "Anderson2021" : "Adams2019,Mullapudi2016");
    if (baselines != "none") settings.autoschedulers = sepconv::tools::split_list(baselines);
    settings.machine = machine_description(cores);
    // GPU entries serve their device on any host CPU.
    const std::string uarch = a.get("uarch", settings.family == "gpu" ? "any" : "host");
    settings.uarch = uarch == "host" ? sepconv::cpu_info().microarchitecture : uarch == "any" ? "" : uarch;
    if (uarch == "host" && !sepconv::internal::valid_microarchitecture(settings.uarch)) {
        throw std::runtime_error("--uarch host: this machine's microarchitecture is " + settings.uarch +
                                 "; name it (--uarch NAME) or write entries for any machine (--uarch any)");
    }
    if (!settings.uarch.empty() && !sepconv::internal::valid_microarchitecture(settings.uarch)) {
        throw std::runtime_error("--uarch: expected host, any or a name like amd-zen4 (lower-case letters, digits, "
                                 "'-'; not unknown), got '" + uarch + "'");
    }
    if (!settings.uarch.empty() && settings.family == "gpu") {
        throw std::runtime_error("--uarch: GPU entries serve any host CPU; use --uarch any");
    }
    const std::string db_path = a.get("db", SEPCONV_DEFAULT_TUNED_DB);

    std::string error;
    for (const std::string &name : settings.autoschedulers) {
        if (!sepconv::tune::load_autoscheduler(name, &error)) throw std::runtime_error(error);
    }
    int max_threads = 1;
    for (int t : settings.report_threads) max_threads = std::max(max_threads, t);
    sepconv::tune::set_jit_threads(std::max(max_threads, settings.threads));

    TunedDb db;
    if (!db.load(db_path, &error)) throw std::runtime_error(error);
    const std::vector<Job> jobs = collect_jobs(a);
    // --tunables, checked before anything is tuned, in the layout of every layer it is measured on.
    for (const Job &j : jobs) {
        std::string checked;
        if (!settings.try_first.empty() &&
            !sepconv::isa_configuration(*family, *isa, j.key.nchw, sepconv::section_text(settings.isa, settings.try_first),
                                        &checked, &error)) {
            throw std::runtime_error("--tunables '" + settings.try_first + "': " + error);
        }
    }
    std::vector<const Job *> todo;
    auto entry_key = [&](const Job &j) { return sepconv::internal::TunedKey{j.key, settings.uarch}.to_string(); };
    for (const Job &j : jobs) {
        const TunedEntry *e = db.find(entry_key(j));
        if (a.retune || !e || e->get("family") != settings.family || e->get(settings.isa + ".tunables").empty()) {
            todo.push_back(&j);
        }
    }
    std::fprintf(stderr,
                 "sepconv-tune: %zu layer(s), %zu already in %s; target %s (%s), %d thread(s), seed %llu, "
                 "entries for %s\n",
                 jobs.size(), jobs.size() - todo.size(), db_path.c_str(), settings.target.to_string().c_str(),
                 settings.isa.c_str(), settings.threads, static_cast<unsigned long long>(settings.seed),
                 settings.uarch.empty() ? "any machine" : settings.uarch.c_str());

    std::signal(SIGINT, on_interrupt);
    const double per_layer = settings.budget.max_seconds + 15.0 * (1 + settings.autoschedulers.size());
    sepconv::tune::Progress progress(static_cast<int>(todo.size()), per_layer);
    int failed = 0;
    for (size_t i = 0; i < todo.size() && !g_stop; ++i) {
        const Job &job = *todo[i];
        progress.start_layer(static_cast<int>(i), job.names);
        const auto existing = existing_configurations(db, job.key, settings);
        const TunedEntry *before = db.find(entry_key(job));
        TunedEntry entry = before && before->get("family") == settings.family ? *before : TunedEntry{};
        const std::string incumbent = incumbent_configuration(db, job.key, settings);
        if (!sepconv::tune::tune_layer(job.key, job.names, existing, incumbent, settings, g_stop, progress, &entry,
                                       &error)) {
            if (g_stop) break;
            progress.print("sepconv-tune: " + error);
            ++failed;
            progress.finish_layer();
            continue;
        }
        db.put(entry);
        if (!db.save(db_path, &error)) throw std::runtime_error(error);
        progress.print(job.names + ": " + settings.isa + " " + entry.get(settings.isa + ".tunables") + "; " +
                       entry.get(settings.isa + "." + sepconv::tune::gflops_field(settings.threads)));
        progress.finish_layer();
    }
    if (g_stop) {
        std::fprintf(stderr, "\nsepconv-tune: interrupted; %s holds every layer finished so far; rerun to go on\n",
                     db_path.c_str());
        return 130;
    }
    std::fprintf(stderr, "sepconv-tune: wrote %s\n", db_path.c_str());
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception &e) {
        if (*e.what()) std::fprintf(stderr, "sepconv-tune: %s\n", e.what());
        std::fprintf(stderr, "%s", kUsage);
        return 2;
    } catch (const Halide::Error &e) {
        std::fprintf(stderr, "sepconv-tune: %s\n", e.what());
        return 2;
    }
}
