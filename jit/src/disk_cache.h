// The JIT tier's disk cache: one directory of entries, each a shared object (named by its key's
// hash and its own content hash) and a small text file beside it (`<key hash>.entry`) holding the
// whole key, the object's name, size and hash. An entry is used only when its key text equals the
// asked one and the object's size and hash match: a stale, truncated or corrupt entry is ignored
// (and later replaced), never loaded. Writes go to temporary files renamed into place, the object
// before its entry file, so a reader never sees an entry whose object is incomplete, and two
// processes storing the same entry each leave a consistent one. Entries past the size bound go
// least recently used first (a hit refreshes the entry file's time).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sepconv::jit {

struct CachedEntry {
    std::string stem;        // <key hash>
    std::string label;       // what the kernel is
    std::string object;      // the shared object's path
    int64_t bytes = 0;       // entry file and object
    int64_t last_used = 0;   // the entry file's modification time, seconds since the epoch
};

class DiskCache {
public:
    // `build_identity` is folded into every key: a key from another build never matches.
    DiskCache(std::string dir, int64_t max_bytes, std::string build_identity);

    const std::string &dir() const { return dir_; }
    // Creates the directory if needed; false with `why` when it cannot be used for writing.
    bool writable(std::string *why) const;
    // The entry for `key_text`, checked; false with `why` ("no entry", "stale", "corrupt: ...").
    bool find(const std::string &key_text, CachedEntry *entry, std::string *why) const;
    // Moves the shared object at `built` into the cache as the entry for `key_text`, then evicts
    // past the size bound; false with `why` (and `built` left in place) when it cannot.
    bool store(const std::string &key_text, const std::string &label, const std::string &built, CachedEntry *entry,
               std::string *why) const;
    // Every readable entry (not checked against a key), and removing them all.
    static bool list(const std::string &dir, std::vector<CachedEntry> *entries, std::string *why);
    static bool clear(const std::string &dir, int64_t *removed, std::string *why);

private:
    std::string full_key(const std::string &key_text) const;
    void evict(const std::string &keep_stem) const;

    std::string dir_;
    int64_t max_bytes_;
    std::string identity_;
};

// A path in `dir` for a temporary file, unique to this process and call (".tmp-<pid>-<n><suffix>":
// the cache's eviction removes old ones).
std::string temporary_path(const std::string &dir, const std::string &suffix);

// FNV-1a, 64 bits, as 16 hex digits: names and integrity checks (not security).
std::string fnv1a_hex(const std::string &bytes);

}  // namespace sepconv::jit
