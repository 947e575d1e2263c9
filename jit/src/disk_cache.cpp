#include "disk_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sepconv::jit {
namespace fs = std::filesystem;
namespace {

constexpr const char *kMagic = "sepconv-jit-entry 1";
constexpr const char *kEntrySuffix = ".entry";
// A temporary or unreferenced object younger than this may belong to a store in progress.
constexpr auto kOrphanAge = std::chrono::minutes(10);

bool read_file(const std::string &path, std::string *bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    *bytes = s.str();
    return static_cast<bool>(in) || in.eof();
}

// Writes `bytes` to a temporary file in `dir` and renames it to `path` (in `dir`).
bool write_atomically(const std::string &dir, const std::string &path, const std::string &bytes, std::string *why) {
    const std::string tmp = temporary_path(dir, ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            *why = "cannot write " + tmp + " (disk full or read-only?)";
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        *why = "cannot rename " + tmp + ": " + std::strerror(errno);
        std::error_code ec;
        fs::remove(tmp, ec);
        return false;
    }
    return true;
}

struct EntryFile {
    std::string label, object, object_hash, key;
    int64_t object_bytes = -1;
};

// The entry file's fields; false when it is not one (truncated, another format).
bool parse_entry(const std::string &text, EntryFile *e) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != kMagic) return false;
    int64_t key_bytes = -1;
    while (std::getline(in, line)) {
        const size_t space = line.find(' ');
        const std::string field = line.substr(0, space), value = space == std::string::npos ? "" : line.substr(space + 1);
        if (field == "label") e->label = value;
        else if (field == "object") e->object = value;
        else if (field == "object-hash") e->object_hash = value;
        else if (field == "object-bytes") e->object_bytes = std::atoll(value.c_str());
        else if (field == "key-bytes") {
            key_bytes = std::atoll(value.c_str());
            break;  // the key follows, to the end
        }
    }
    if (key_bytes < 0) return false;
    const std::streamoff at = in.tellg();
    if (at < 0 || static_cast<int64_t>(text.size()) - at != key_bytes) return false;
    e->key = text.substr(static_cast<size_t>(at));
    return !e->object.empty() && e->object.find('/') == std::string::npos && e->object_bytes >= 0;
}

int64_t mtime_seconds(const struct stat &st) { return static_cast<int64_t>(st.st_mtim.tv_sec); }

}  // namespace

std::string fnv1a_hex(const std::string &bytes) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

DiskCache::DiskCache(std::string dir, int64_t max_bytes, std::string build_identity)
    : dir_(std::move(dir)), max_bytes_(max_bytes), identity_(std::move(build_identity)) {}

std::string DiskCache::full_key(const std::string &key_text) const { return "build " + identity_ + "\n" + key_text; }

std::string temporary_path(const std::string &dir, const std::string &suffix) {
    static std::atomic<uint64_t> counter{0};
    return dir + "/.tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + suffix;
}

bool DiskCache::writable(std::string *why) const {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) {
        *why = "cannot create " + dir_ + ": " + ec.message();
        return false;
    }
    ::chmod(dir_.c_str(), 0700);  // it holds code this process loads: only its user may write it
    if (::access(dir_.c_str(), W_OK | X_OK) != 0) {
        *why = dir_ + " is not writable: " + std::strerror(errno);
        return false;
    }
    return true;
}

bool DiskCache::find(const std::string &key_text, CachedEntry *entry, std::string *why) const {
    const std::string key = full_key(key_text);
    const std::string stem = fnv1a_hex(key);
    const std::string entry_path = dir_ + "/" + stem + kEntrySuffix;
    std::string text;
    if (!read_file(entry_path, &text)) {
        *why = "no entry";
        return false;
    }
    EntryFile e;
    if (!parse_entry(text, &e)) {
        *why = "corrupt entry file " + entry_path;
        return false;
    }
    if (e.key != key) {
        *why = "stale entry " + entry_path + " (its key differs: another build, Halide or machine)";
        return false;
    }
    const std::string object = dir_ + "/" + e.object;
    std::string bytes;
    if (!read_file(object, &bytes)) {
        *why = "entry " + stem + " has no object " + object;
        return false;
    }
    if (static_cast<int64_t>(bytes.size()) != e.object_bytes || fnv1a_hex(bytes) != e.object_hash) {
        *why = "corrupt object " + object + " (size or hash differs from its entry)";
        return false;
    }
    ::utimensat(AT_FDCWD, entry_path.c_str(), nullptr, 0);  // least recently used goes first
    *entry = {stem, e.label, object, static_cast<int64_t>(text.size() + bytes.size()), 0};
    return true;
}

bool DiskCache::store(const std::string &key_text, const std::string &label, const std::string &built,
                      CachedEntry *entry, std::string *why) const {
    const std::string key = full_key(key_text);
    const std::string stem = fnv1a_hex(key);
    std::string bytes;
    if (!read_file(built, &bytes)) {
        *why = "cannot read the built object " + built;
        return false;
    }
    const std::string object_hash = fnv1a_hex(bytes);
    const std::string object_name = stem + "-" + object_hash + ".so";
    const std::string object = dir_ + "/" + object_name;
    if (std::rename(built.c_str(), object.c_str()) != 0) {
        *why = "cannot move the object into " + dir_ + ": " + std::strerror(errno);
        return false;
    }
    std::ostringstream e;
    e << kMagic << "\nlabel " << label << "\nobject " << object_name << "\nobject-hash " << object_hash
      << "\nobject-bytes " << bytes.size() << "\nkey-bytes " << key.size() << "\n"
      << key;
    if (!write_atomically(dir_, dir_ + "/" + stem + kEntrySuffix, e.str(), why)) return false;
    *entry = {stem, label, object, static_cast<int64_t>(e.str().size() + bytes.size()), 0};
    evict(stem);
    return true;
}

// Least recently used entries first, until the cache is within its bound; objects that no entry
// names (replaced, or left by a process that died between the two renames) and temporary files go
// once they are old enough not to be a store in progress.
void DiskCache::evict(const std::string &keep_stem) const {
    std::vector<CachedEntry> entries;
    std::string why;
    if (!list(dir_, &entries, &why)) return;
    std::sort(entries.begin(), entries.end(), [](const CachedEntry &a, const CachedEntry &b) {
        return a.last_used < b.last_used;
    });
    int64_t total = 0;
    for (const CachedEntry &e : entries) total += e.bytes;
    std::error_code ec;
    for (const CachedEntry &e : entries) {
        if (total <= max_bytes_) break;
        if (e.stem == keep_stem) continue;
        fs::remove(dir_ + "/" + e.stem + kEntrySuffix, ec);
        fs::remove(e.object, ec);
        total -= e.bytes;
    }
    std::vector<std::string> named;
    for (const CachedEntry &e : entries) named.push_back(fs::path(e.object).filename().string());
    const auto now = fs::file_time_type::clock::now();
    for (const auto &f : fs::directory_iterator(dir_, ec)) {
        const std::string name = f.path().filename().string();
        const bool temporary = name.rfind(".tmp-", 0) == 0;
        const bool orphan = f.path().extension() == ".so" && std::find(named.begin(), named.end(), name) == named.end();
        if ((temporary || orphan) && now - f.last_write_time(ec) > kOrphanAge) fs::remove(f.path(), ec);
    }
}

bool DiskCache::list(const std::string &dir, std::vector<CachedEntry> *entries, std::string *why) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        *why = "cannot read " + dir + ": " + ec.message();
        return false;
    }
    for (const auto &f : it) {
        if (f.path().extension() != kEntrySuffix) continue;
        std::string text;
        EntryFile e;
        struct stat st {};
        if (!read_file(f.path().string(), &text) || !parse_entry(text, &e) || ::stat(f.path().c_str(), &st) != 0) continue;
        struct stat object {};
        const std::string object_path = dir + "/" + e.object;
        const int64_t object_bytes = ::stat(object_path.c_str(), &object) == 0 ? object.st_size : 0;
        entries->push_back({f.path().stem().string(), e.label, object_path,
                            static_cast<int64_t>(st.st_size) + object_bytes, mtime_seconds(st)});
    }
    return true;
}

bool DiskCache::clear(const std::string &dir, int64_t *removed, std::string *why) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    *removed = 0;
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory) return true;
        *why = "cannot read " + dir + ": " + ec.message();
        return false;
    }
    for (const auto &f : it) {
        const std::string name = f.path().filename().string();
        const bool ours = f.path().extension() == kEntrySuffix || f.path().extension() == ".so" || name.rfind(".tmp-", 0) == 0;
        if (ours && fs::remove(f.path(), ec)) ++*removed;
    }
    return true;
}

}  // namespace sepconv::jit
