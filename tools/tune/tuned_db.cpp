#include "tuned_db.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace sepconv::tune {
namespace {

const char *kHeader =
    "# sepconv tuned schedules: one [shape key] or [shape key@microarchitecture] section per layer,\n"
    "# written by sepconv-tune (tools/tune); fields <isa>.* hold each ISA's configuration and the run\n"
    "# that chose it (tools/tune/tuned_db.h).\n"
    "# The build reads it (SEPCONV_TUNED_DB, tools/variants) and emits one variant per distinct tuned\n"
    "# configuration. GFLOP/s were measured side by side in one run of the tuner.\n";

std::string trim(const std::string &s) {
    const size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return "";
    const size_t b = s.find_last_not_of(" \t\r");
    return s.substr(a, b - a + 1);
}

}  // namespace

std::string TunedEntry::get(const std::string &name) const {
    for (const auto &[k, v] : fields) {
        if (k == name) return v;
    }
    return "";
}

void TunedEntry::set(const std::string &name, const std::string &value) {
    for (auto &[k, v] : fields) {
        if (k == name) {
            v = value;
            return;
        }
    }
    fields.emplace_back(name, value);
}

void TunedEntry::replace_prefixed(const std::string &prefix,
                                  const std::vector<std::pair<std::string, std::string>> &replacement) {
    std::vector<std::pair<std::string, std::string>> kept;
    for (const auto &[k, v] : fields) {
        bool keep = k.rfind(prefix, 0) != 0;  // another prefix's, or set again below (in place)
        for (const auto &[name, value] : replacement) keep = keep || k == prefix + name;
        if (keep) kept.emplace_back(k, v);
    }
    fields = kept;
    for (const auto &[name, value] : replacement) set(prefix + name, value);
}

std::string format_gflops(const std::vector<std::pair<std::string, double>> &gflops) {
    std::string s;
    char number[32];
    for (const auto &[name, value] : gflops) {
        std::snprintf(number, sizeof number, "%.1f", value);
        s += (s.empty() ? "" : ", ") + name + " " + number;
    }
    return s;
}

std::vector<std::pair<std::string, double>> parse_gflops(const std::string &text) {
    std::vector<std::pair<std::string, double>> out;
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        std::stringstream words(item);
        std::string name;
        double value = 0;
        if (words >> name >> value) out.emplace_back(name, value);
    }
    return out;
}

std::string gflops_field(int threads) {
    return "gflops_" + std::to_string(threads) + (threads == 1 ? "_thread" : "_threads");
}

bool TunedDb::load(const std::string &path, std::string *error) {
    std::ifstream f(path);
    if (!f) {
        entries_.clear();
        return true;  // a database not written yet
    }
    std::stringstream text;
    text << f.rdbuf();
    return parse(text.str(), path, error);
}

bool TunedDb::parse(const std::string &text, const std::string &source, std::string *error) {
    std::map<std::string, TunedEntry> entries;
    TunedEntry *current = nullptr;
    std::stringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        const std::string where = source + ":" + std::to_string(number) + ": ";
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        if (line.front() == '[') {
            if (line.back() != ']' || line.size() < 3) {
                *error = where + "a section header is [shape key]";
                return false;
            }
            const std::string key = line.substr(1, line.size() - 2);
            if (entries.count(key)) {
                *error = where + "layer " + key + " appears twice";
                return false;
            }
            current = &entries[key];
            current->key = key;
            continue;
        }
        const size_t eq = line.find('=');
        if (current == nullptr || eq == std::string::npos) {
            *error = where + (current ? "expected 'name = value'" : "expected a [shape key] section first");
            return false;
        }
        current->fields.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    }
    entries_ = std::move(entries);
    return true;
}

std::string TunedDb::text() const {
    std::string s = kHeader;
    for (const auto &[key, entry] : entries_) {
        s += "\n[" + key + "]\n";
        for (const auto &[name, value] : entry.fields) s += name + " = " + value + "\n";
    }
    return s;
}

bool TunedDb::save(const std::string &path, std::string *error) const {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream f(temporary, std::ios::trunc);
        f << text();
        if (!f.flush()) {
            *error = "cannot write " + temporary;
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        *error = "cannot rename " + temporary + " to " + path;
        return false;
    }
    return true;
}

const TunedEntry *TunedDb::find(const std::string &key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
}

void TunedDb::put(const TunedEntry &entry) { entries_[entry.key] = entry; }

}  // namespace sepconv::tune
