// The JIT tier: per Layer, the kernels of the input shapes it has seen (published in an immutable
// snapshot that calls read without locking), and one worker thread per process that loads,
// compiles and tunes them at low priority.
#include "sepconv/jit.h"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>

#include "common/config_text.h"
#include "disk_cache.h"
#include "families.h"
#include "kernel_loader.h"
#include "search.h"

namespace sepconv::jit {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr size_t kLogLines = 64;

// What makes a kernel from this build differ from another build's with the same key: the
// generator's and schedules' sources (hashed by CMake), sepconv's and Halide's versions.
std::string build_identity() {
    return std::string("sepconv ") + SEPCONV_VERSION + " sources " + SEPCONV_JIT_SOURCE_HASH + " halide " +
           SEPCONV_JIT_HALIDE_VERSION;
}

// The one background thread, at low priority so that compiles yield the cores to the calls they
// serve. Two queues: loads and first compiles go before autotune searches, so that every layer of
// a model gets its specialized kernel before any layer's search (tens of seconds) runs.
class Worker {
public:
    enum class Queue { kUrgent, kSearch };
    static Worker &get() {
        static Worker worker;
        return worker;
    }
    void post(Queue queue, std::function<void()> job) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            (queue == Queue::kUrgent ? urgent_ : search_).push_back(std::move(job));
        }
        cv_.notify_one();
    }
    bool stopping() const { return stop_.load(); }
    ~Worker() {
        stop_ = true;
        cv_.notify_one();
        if (thread_.joinable()) thread_.join();
    }

private:
    Worker() : thread_([this] { loop(); }) {}
    void loop() {
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(mu_);
                cv_.wait(lock, [&] { return stop_ || !urgent_.empty() || !search_.empty(); });
                if (stop_) return;
                std::deque<std::function<void()>> &q = urgent_.empty() ? search_ : urgent_;
                job = std::move(q.front());
                q.pop_front();
            }
            job();
        }
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> urgent_, search_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// A shell-quoted path.
std::string quoted(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Links an object file into a shared object with the system's compiler driver ($CC, else cc).
bool link_shared_object(const std::string &object, const std::string &shared, std::string *error) {
    const char *cc = std::getenv("CC");
    const std::string command = std::string(cc && *cc ? cc : "cc") + " -shared -Wl,-Bsymbolic -o " + quoted(shared) +
                                " " + quoted(object) + " 2>&1";
    FILE *p = popen(command.c_str(), "r");
    if (p == nullptr) {
        *error = "cannot run the linker";
        return false;
    }
    std::string output;
    char buf[256];
    while (fgets(buf, sizeof buf, p)) output += buf;
    const int rc = pclose(p);
    if (rc != 0) {
        *error = "linking failed (" + command + "): " + (output.empty() ? "no linker?" : output);
        return false;
    }
    return true;
}

// Whether `dir` has room for an object file. LLVM aborts the process when a write fails (a full
// disk, a file size limit), so the object is compiled only with ample room (a kernel is a few
// hundred KiB): otherwise in memory.
bool room_to_write(const std::string &dir, std::string *why) {
    constexpr uint64_t kRoom = uint64_t(64) << 20;
    struct statvfs fs {};
    if (statvfs(dir.c_str(), &fs) != 0 || static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < kRoom) {
        *why = dir + " has less than 64 MiB free";
        return false;
    }
    struct rlimit limit {};
    if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < kRoom) {
        *why = "the file size limit (ulimit -f) is under 64 MiB";
        return false;
    }
    return true;
}

// A private directory for kernels built where the cache cannot be written.
std::string private_directory() {
    static std::once_flag once;
    static std::string dir;
    std::call_once(once, [] {
        std::error_code ec;
        std::string pattern = (fs::temp_directory_path(ec) / "sepconv-jit-XXXXXX").string();
        if (mkdtemp(pattern.data()) != nullptr) dir = pattern;
    });
    return dir;
}

// Seeded random values of the layer's type, as raw bytes.
std::vector<uint8_t> random_tensor(DataType type, int64_t elements, std::mt19937 &rng) {
    std::uniform_real_distribution<float> real(-1.f, 1.f);
    std::uniform_int_distribution<int> byte(-128, 127);
    std::vector<uint8_t> bytes;
    if (type == DataType::kInt8) {
        for (int64_t i = 0; i < elements; ++i) bytes.push_back(static_cast<uint8_t>(byte(rng)));
    } else if (type == DataType::kFloat16) {
        bytes.resize(elements * 2);
        for (int64_t i = 0; i < elements; ++i) {
            const uint16_t h = float_to_half(real(rng));
            std::memcpy(&bytes[i * 2], &h, 2);
        }
    } else {
        bytes.resize(elements * 4);
        for (int64_t i = 0; i < elements; ++i) {
            const float f = real(rng);
            std::memcpy(&bytes[i * 4], &f, 4);
        }
    }
    return bytes;
}

// Whether a candidate's output matches the AOT variant's: int8 to the bit, float within the tests'
// tolerance (float16 within its own rounding).
bool same_output(DataType type, const std::vector<uint8_t> &got, const std::vector<uint8_t> &want) {
    if (type == DataType::kInt8) return got == want;
    const size_t n = got.size() / (type == DataType::kFloat16 ? 2 : 4);
    for (size_t i = 0; i < n; ++i) {
        float g, w;
        double atol = SEPCONV_TEST_ATOL, rtol = SEPCONV_TEST_RTOL;
        if (type == DataType::kFloat16) {
            uint16_t a, b;
            std::memcpy(&a, &got[i * 2], 2), std::memcpy(&b, &want[i * 2], 2);
            g = half_to_float(a), w = half_to_float(b);
            atol = rtol = 1e-2;
        } else {
            std::memcpy(&g, &got[i * 4], 4), std::memcpy(&w, &want[i * 4], 4);
        }
        if (!(std::fabs(g - w) <= atol + rtol * std::fabs(w))) return false;
    }
    return true;
}

class LayerJit final : public internal::JitHook, public std::enable_shared_from_this<LayerJit> {
public:
    LayerJit(const Layer &layer, Options options)
        : layer_(&layer),
          facts_(internal::layer_facts(layer)),
          options_(std::move(options)),
          cache_(options_.cache_dir.empty() ? default_cache_dir() : options_.cache_dir, options_.cache_max_bytes,
                 build_identity()) {}

    std::shared_ptr<const internal::SpecializedKernel> kernel_for(const internal::ConvGeometry &g) override {
        const Shape shape{g.batch, g.height, g.width};
        if (auto k = ready(shape)) return k;
        std::unique_lock<std::mutex> lock(mu_);
        if (requests_.count(shape) == 0 && static_cast<int>(requests_.size()) >= options_.max_shapes) {
            if (!over_limit_logged_) {
                over_limit_logged_ = true;
                lock.unlock();
                log("more than " + std::to_string(options_.max_shapes) + " input shapes: the AOT variant serves " +
                    shape_text(shape) + " and any further shape");
            }
            return nullptr;
        }
        auto [it, first] = requests_.emplace(shape, Request{});
        if (first) {
            ++stats_.shapes_requested;
            ++stats_.pending;
            it->second.asked = Clock::now();
            std::weak_ptr<LayerJit> self = shared_from_this();
            Worker::get().post(Worker::Queue::kUrgent, [self, shape, g] {
                if (auto jit = self.lock()) jit->work(shape, g);
            });
        }
        if (!options_.synchronous) return nullptr;
        cv_.wait(lock, [&] { return requests_[shape].done; });
        lock.unlock();
        return ready(shape);
    }

    void detach() override {
        detaching_ = true;
        std::lock_guard<std::mutex> use(use_);
        layer_ = nullptr;
    }

    Stats stats() {
        std::lock_guard<std::mutex> lock(mu_);
        return stats_;
    }

    bool wait(double timeout_seconds) {
        std::unique_lock<std::mutex> lock(mu_);
        return cv_.wait_for(lock, std::chrono::duration<double>(timeout_seconds), [&] { return stats_.pending == 0; });
    }

    std::shared_ptr<const internal::SpecializedKernel> ready(const std::array<int64_t, 3> &shape) const {
        const std::shared_ptr<const Snapshot> s = std::atomic_load(&snapshot_);
        if (s) {
            for (const auto &[at, kernel] : s->kernels) {
                if (at == shape) return kernel;
            }
        }
        return nullptr;
    }

private:
    using Shape = std::array<int64_t, 3>;  // batch, height, width: all a Layer's calls may vary
    struct Snapshot {
        std::vector<std::pair<Shape, std::shared_ptr<const internal::SpecializedKernel>>> kernels;
    };
    struct Request {
        bool done = false;
        Clock::time_point asked;
    };

    bool cancelled() const { return detaching_ || Worker::get().stopping(); }

    void log(const std::string &line) {
        if (options_.diagnostics) options_.diagnostics(line);
        std::lock_guard<std::mutex> lock(mu_);
        stats_.log.push_back(line);
        if (stats_.log.size() > kLogLines) stats_.log.erase(stats_.log.begin());
    }

    // Swaps `kernel` in for `shape`: a new snapshot, stored atomically.
    void publish(const Shape &shape, std::shared_ptr<const internal::SpecializedKernel> kernel) {
        std::lock_guard<std::mutex> lock(mu_);
        auto next = std::make_shared<Snapshot>();
        if (auto s = std::atomic_load(&snapshot_)) *next = *s;
        bool replaced = false;
        for (auto &entry : next->kernels) {
            if (entry.first == shape) entry.second = kernel, replaced = true;
        }
        if (!replaced) next->kernels.emplace_back(shape, kernel);
        stats_.kernels_ready = static_cast<int64_t>(next->kernels.size());
        std::atomic_store(&snapshot_, std::shared_ptr<const Snapshot>(std::move(next)));
    }

    void finish(const Shape &shape, bool failed) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            Request &r = requests_[shape];
            r.done = true;
            --stats_.pending;
            if (failed) ++stats_.failures;
            stats_.last_ready_seconds = seconds_since(r.asked);
        }
        cv_.notify_all();
    }

    // A job never throws into the worker thread (that would terminate the user's process).
    void work(const Shape &shape, const internal::ConvGeometry &g) {
        std::lock_guard<std::mutex> use(use_);
        if (layer_ == nullptr || cancelled()) return finish(shape, true);
        try {
            work_on_layer(shape, g);
        } catch (const std::exception &e) {
            log(std::string("no JIT kernel for ") + shape_text(shape) + ", the AOT variant serves it: " + e.what());
            finish(shape, true);
        }
    }

    // kAutotune's search, queued behind every load and first compile; the specialized kernel
    // serves meanwhile. The request is pending until the search ends.
    void search(const Shape &shape, const internal::ConvGeometry &g, const KernelRecipe &recipe,
                const std::shared_ptr<const internal::SpecializedKernel> &specialized, const std::string &tuned_key) {
        std::lock_guard<std::mutex> use(use_);
        if (layer_ != nullptr && !cancelled()) {
            try {
                autotune(shape, g, recipe, specialized, tuned_key);
            } catch (const std::exception &e) {
                log("autotune " + shape_text(shape) + " stopped: " + e.what());
            }
        }
        finish(shape, false);
    }

    void work_on_layer(const Shape &shape, const internal::ConvGeometry &g) {
        std::string error;
        KernelRecipe recipe;
        std::shared_ptr<const internal::SpecializedKernel> kernel;
        if (make_recipe(facts_, g, variant_tunables(g), &recipe, &error)) {
            const std::string tuned_key = autotune_key(recipe);
            if (options_.mode == Mode::kAutotune && (kernel = from_cache(tuned_key, &error))) {
                publish(shape, kernel);
                return finish(shape, false);
            }
            kernel = obtain(recipe, recipe.key_text(), &error);
            if (kernel) publish(shape, kernel);
            if (kernel && options_.mode == Mode::kAutotune) {
                std::weak_ptr<LayerJit> self = shared_from_this();
                Worker::get().post(Worker::Queue::kSearch, [self, shape, g, recipe, kernel, tuned_key] {
                    if (auto jit = self.lock()) jit->search(shape, g, recipe, kernel, tuned_key);
                });
                return;  // finished by the search
            }
        }
        if (!kernel) log("no JIT kernel for " + shape_text(shape) + ", the AOT variant serves it: " + error);
        finish(shape, kernel == nullptr);
    }

    // The configurations of the AOT variant a call of `g` picks (tuned for this shape or a near
    // one, or the defaults): the specialized kernel's.
    std::string variant_tunables(const internal::ConvGeometry &g) const {
        std::string variant;
        if (!layer_->variant_for(g.input_shape(), &variant).ok()) return facts_.tunables;
        for (const VariantInfo &v : variants()) {
            if (v.name == variant) return v.tunables;
        }
        return facts_.tunables;
    }

    static std::string shape_text(const Shape &s) {
        return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
    }

    std::string autotune_key(const KernelRecipe &recipe) const {
        KernelRecipe r = recipe;
        r.configuration = "autotuned, " + std::to_string(options_.autotune_candidates) + " candidates in " +
                          std::to_string(options_.autotune_seconds) + " s at " +
                          std::to_string(options_.autotune_threads) + " threads";
        return r.key_text();
    }

    bool cache_usable() {
        if (!options_.disk_cache) return false;
        std::string why;
        if (cache_.writable(&why)) return true;
        log("disk cache off: " + why);
        return false;
    }

    std::shared_ptr<const internal::SpecializedKernel> from_cache(const std::string &key, std::string *error) {
        if (!options_.disk_cache) return nullptr;
        const auto start = Clock::now();
        CachedEntry entry;
        std::string why;
        if (!cache_.find(key, &entry, &why)) {
            if (why != "no entry") log("cache: " + why + "; rebuilding it");
            return nullptr;
        }
        auto kernel = load_shared_object(entry.object, entry.label, error);
        if (!kernel) {
            log("cache: " + *error + "; rebuilding it");
            return nullptr;
        }
        const double seconds = seconds_since(start);
        {
            std::lock_guard<std::mutex> lock(mu_);
            ++stats_.cache_hits;
            stats_.last_load_seconds = seconds;
        }
        log("cache hit " + entry.stem + " (" + entry.label + "), loaded in " + std::to_string(seconds * 1e3) + " ms");
        return kernel;
    }

    // The kernel for `recipe`: from the cache, else compiled to a shared object (stored in the
    // cache when it can be written), else compiled in memory.
    std::shared_ptr<const internal::SpecializedKernel> obtain(const KernelRecipe &recipe, const std::string &key,
                                                              std::string *error) {
        if (auto k = from_cache(key, error)) return k;
        error->clear();
        const auto start = Clock::now();
        const bool cache = cache_usable();
        const std::string dir = cache ? cache_.dir() : private_directory();
        std::shared_ptr<const internal::SpecializedKernel> kernel;
        std::string how, room;
        const CompilerApi *api = compiler(error);
        if (api == nullptr) {
            log(*error + "; the AOT variant serves");
            return nullptr;
        }
        if (!dir.empty() && !room_to_write(dir, &room)) log("no object file: " + room + "; compiling in memory");
        if (!dir.empty() && room.empty()) {
            const std::string object = temporary_path(dir, ".o"), shared = temporary_path(dir, ".so");
            std::string why;
            if (api->compile_object(recipe, object, error) && link_shared_object(object, shared, &why)) {
                CachedEntry entry;
                if (cache && cache_.store(key, recipe.label(), shared, &entry, &why)) {
                    kernel = load_shared_object(entry.object, entry.label, error);
                    how = "stored as " + entry.stem;
                } else {
                    if (cache) log("cache: " + why + "; kernel kept in memory only");
                    kernel = load_shared_object(shared, recipe.label(), error);
                    how = "not cached";
                }
            } else if (!why.empty()) {
                log(why + "; compiling in memory instead");
            }
            std::error_code ec;
            fs::remove(object, ec);
            fs::remove(shared, ec);
        }
        if (!kernel) {
            if (!error->empty()) log(*error);
            kernel = api->compile_in_memory(recipe, "in-memory " + recipe.label(), error);
            how = "in memory";
        }
        if (!kernel) return nullptr;
        const double seconds = seconds_since(start);
        {
            std::lock_guard<std::mutex> lock(mu_);
            ++stats_.compiles;
            stats_.last_compile_seconds = seconds;
        }
        log("compiled " + recipe.label() + " in " + std::to_string(seconds) + " s (" + how + ")");
        return kernel;
    }

    // The search: candidates from the schedule's tuning space, each compiled in memory, checked
    // against the AOT variant's output and timed on this machine; the fastest is compiled to a
    // shared object and cached under the autotune key (the specialized kernel when none beats it).
    void autotune(const Shape &shape, const internal::ConvGeometry &g, const KernelRecipe &recipe,
                  std::shared_ptr<const internal::SpecializedKernel> specialized, const std::string &tuned_key) {
        const auto start = Clock::now();
        std::string no_compiler;
        if (compiler(&no_compiler) == nullptr) {
            log("autotune: " + no_compiler);
            return;
        }
        const Family *family = find_family(recipe.family);
        const IsaRow *isa = family ? family->isa(recipe.isa) : nullptr;
        TuningSpace space;
        std::string error;
        tune::Point start_point;
        if (!isa || !tuning_space(*family, *isa, g.f.nchw, &space, &error) ||
            !tune::point_of(space, recipe.configuration, &start_point)) {
            log("autotune: no tuning space for " + recipe.label() + " " + error);
            return;
        }
        const internal::FilterGeometry &f = g.f;
        const std::vector<int64_t> in_shape = g.input_shape();
        const std::vector<int64_t> out_shape = g.output_shape();
        int64_t in_elements = 1, out_elements = 1;
        for (int64_t d : in_shape) in_elements *= d;
        for (int64_t d : out_shape) out_elements *= d;
        std::mt19937 rng(1);
        const std::vector<uint8_t> input = random_tensor(facts_.type, in_elements, rng);
        const size_t out_bytes = static_cast<size_t>(out_elements) * (facts_.type == DataType::kInt8 ? 1 : facts_.type == DataType::kFloat16 ? 2 : 4);
        std::vector<uint8_t> want(out_bytes), got(out_bytes);
        const TensorView in_view(input.data(), facts_.type, in_shape);
        const int threads = options_.autotune_threads;
        if (!internal::run_layer_with(*layer_, nullptr, in_view, {want.data(), facts_.type, out_shape}, threads).ok()) {
            log("autotune: the AOT variant failed on " + shape_text(shape));
            return;
        }
        const double flops = static_cast<double>(
            flop_count(in_shape, {f.kh, f.kw, f.channels, f.multiplier}, {1, 1, f.channels * f.multiplier, f.out_channels},
                       *facts_.options));
        // GFLOP/s of a kernel: the fastest of `samples` samples of >= `seconds` each; 0 when it fails
        // or its output differs from the AOT variant's.
        auto measure = [&](const internal::SpecializedKernel &k, int samples = 3, double seconds = 0.02) -> double {
            const MutableTensorView out(got.data(), facts_.type, out_shape);
            if (!internal::run_layer_with(*layer_, &k, in_view, out, threads).ok() || !same_output(facts_.type, got, want)) {
                return 0.0;
            }
            double best = 1e30;
            for (int sample = 0; sample < samples && !cancelled(); ++sample) {
                int runs = 0;
                const auto t = Clock::now();
                do {
                    internal::run_layer_with(*layer_, &k, in_view, out, threads);
                    ++runs;
                } while (seconds_since(t) < seconds);
                best = std::min(best, seconds_since(t) / runs);
            }
            return flops / best * 1e-9;
        };
        const double baseline = measure(*specialized);
        // The fastest few candidates, kept compiled: the search's measurements are short, so the
        // winner is chosen among them by longer ones (a lucky sample must not pick it).
        constexpr size_t kFinalists = 3;
        std::vector<std::tuple<double, std::string, std::shared_ptr<const internal::SpecializedKernel>>> finalists;
        auto evaluate = [&](const tune::Point &p) -> double {
            const std::string text = space.text(p);
            KernelRecipe r = recipe;
            r.configuration = text;
            if (text == recipe.configuration) return baseline;
            std::string why;
            const CompilerApi *api = compiler(&why);
            auto k = api ? api->compile_in_memory(r, "in-memory " + r.label(), &why) : nullptr;
            {
                std::lock_guard<std::mutex> lock(mu_);
                ++stats_.compiles;
            }
            const double gflops = k ? measure(*k) : 0.0;
            log("autotune candidate " + (text.empty() ? std::string("(defaults)") : text) + ": " +
                (k ? std::to_string(gflops) + " GFLOP/s" : why));
            if (gflops > 0) {
                finalists.emplace_back(gflops, text, k);
                std::sort(finalists.begin(), finalists.end(),
                          [](const auto &a, const auto &b) { return std::get<0>(a) > std::get<0>(b); });
                if (finalists.size() > kFinalists) finalists.pop_back();
            }
            return gflops;
        };
        tune::SearchBudget budget;
        budget.max_candidates = options_.autotune_candidates;
        budget.max_seconds = std::max(0.0, options_.autotune_seconds - seconds_since(start));
        // Starting points: the configuration the call's variant runs, then every tuned variant's of
        // the same filter geometry (tuned for other shapes, perhaps on other machines).
        std::vector<tune::Point> starts{start_point};
        const std::string same_geometry = recipe.spec.name();
        for (const VariantInfo &v : variants()) {
            tune::Point p;
            if (v.name.rfind(same_geometry + "_tuned_", 0) == 0 && tune::point_of(space, v.configuration, &p) &&
                std::find(starts.begin(), starts.end(), p) == starts.end()) {
                starts.push_back(p);
            }
        }
        const tune::SearchResult result =
            tune::hill_climb(space, starts, budget, 1, evaluate, [&] { return cancelled(); });
        if (cancelled()) return;
        // The specialized kernel and the finalists, measured longer and side by side as the offline
        // tuner's final measurement is (tune::interleaved_medians, 7 rounds of 50 ms each); a finalist
        // replaces the specialized kernel only beyond noise (tune::kNoise) ahead of it.
        std::vector<std::pair<std::string, const internal::SpecializedKernel *>> contenders{
            {recipe.configuration, specialized.get()}};
        for (const auto &[quick, text, kernel] : finalists) {
            if (text != recipe.configuration) contenders.emplace_back(text, kernel.get());
        }
        std::vector<double> gflops;
        auto measure_one = [&](size_t i, double *g) {
            *g = measure(*contenders[i].second, 1, 0.05);  // 0 when it fails: never kept
            return true;
        };
        if (!tune::interleaved_medians(contenders.size(), 7, 2, measure_one, [&] { return cancelled(); }, &gflops)) {
            return;
        }
        const double final_baseline = gflops[0];
        KernelRecipe best = recipe;
        double best_gflops = final_baseline;
        for (size_t i = 1; i < contenders.size(); ++i) {
            const double g = gflops[i];
            if (g > best_gflops && g > final_baseline * (1 + tune::kNoise)) {
                best.configuration = contenders[i].first, best_gflops = g;
            }
        }
        log("autotune " + shape_text(shape) + ": " + std::to_string(result.measured.size()) + " candidates, best " +
            std::to_string(best_gflops) + " GFLOP/s (" + best.configuration + "), the specialized kernel " +
            std::to_string(final_baseline) + " GFLOP/s");
        std::string why;
        auto kernel = obtain(best, tuned_key, &why);
        if (kernel) publish(shape, kernel);
    }

    const Layer *layer_;  // null once detached; read under use_
    const internal::LayerFacts facts_;
    const Options options_;
    const DiskCache cache_;
    std::mutex use_;  // held while a job uses the Layer
    std::atomic<bool> detaching_{false};
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<Shape, Request> requests_;
    bool over_limit_logged_ = false;
    Stats stats_;
    std::shared_ptr<const Snapshot> snapshot_;  // std::atomic_load / std::atomic_store
};

std::shared_ptr<LayerJit> jit_of(const Layer &layer) {
    return std::dynamic_pointer_cast<LayerJit>(internal::layer_jit(layer));
}

}  // namespace

Status enable(const Layer &layer, const Options &options) {
    const internal::LayerFacts facts = internal::layer_facts(layer);
    if (options.mode != Mode::kOff) {
        if (!facts.options->variant.empty()) {
            return Status::InvalidArgument("jit: the layer forces variant " + facts.options->variant +
                                           " (Options::variant); the JIT tier serves layers that let the table choose");
        }
        if (facts.options->device == Device::kCuda || facts.options->device == Device::kOpenCL) {
            return Status::InvalidArgument("jit: the layer runs on a GPU; the JIT tier compiles CPU kernels only");
        }
        if (options.autotune_seconds < 0 || options.autotune_candidates < 1 || options.autotune_threads < 0 ||
            options.max_shapes < 1) {
            return Status::InvalidArgument("jit: autotune_seconds must be >= 0, autotune_candidates >= 1, "
                                           "autotune_threads >= 0 and max_shapes >= 1");
        }
        if (options.cache_max_bytes < 0) return Status::InvalidArgument("jit: cache_max_bytes must be >= 0");
    }
    std::shared_ptr<LayerJit> old = jit_of(layer);
    internal::set_layer_jit(layer, options.mode == Mode::kOff ? nullptr : std::make_shared<LayerJit>(layer, options));
    if (old) old->detach();
    return Status::Ok();
}

Stats stats(const Layer &layer) {
    auto jit = jit_of(layer);
    return jit ? jit->stats() : Stats{};
}

bool wait(const Layer &layer, double timeout_seconds) {
    auto jit = jit_of(layer);
    return !jit || jit->wait(timeout_seconds);
}

Status kernel_for(const Layer &layer, const std::vector<int64_t> &input_shape, std::string *kernel) {
    std::string variant;
    Status s = layer.variant_for(input_shape, &variant);
    if (!s.ok()) return s;
    const internal::LayerFacts facts = internal::layer_facts(layer);
    internal::ConvGeometry g;
    s = internal::resolve_geometry(input_shape, facts.filters, *facts.options, &g);
    if (!s.ok()) return s;
    auto jit = jit_of(layer);
    auto k = jit ? jit->ready({g.batch, g.height, g.width}) : nullptr;
    *kernel = k ? "jit:" + k->name() : variant;
    return Status::Ok();
}

std::string default_cache_dir() {
    if (const char *d = std::getenv("SEPCONV_CACHE_DIR"); d && *d) return d;
    if (const char *d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/sepconv";
    if (const char *d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/sepconv";
    return (fs::temp_directory_path() / "sepconv-cache").string();
}

Status cache_list(const std::string &dir, std::vector<CacheEntry> *entries) {
    std::vector<CachedEntry> found;
    std::string why;
    if (!DiskCache::list(dir, &found, &why)) return Status::InvalidArgument("cache directory: " + why);
    entries->clear();
    for (const CachedEntry &e : found) entries->push_back({e.stem, e.label, e.bytes, e.last_used});
    return Status::Ok();
}

Status cache_clear(const std::string &dir, int64_t *removed_files) {
    std::string why;
    if (!DiskCache::clear(dir, removed_files, &why)) return Status::InvalidArgument("cache directory: " + why);
    return Status::Ok();
}

}  // namespace sepconv::jit
