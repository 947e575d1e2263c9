#include "config_text.h"

#include <sstream>

namespace sepconv {
namespace {

// Calls `item(text)` for each non-empty comma-separated item; stops at the first false.
template <typename F>
bool for_each_item(const std::string &text, F item) {
    std::stringstream items(text);
    std::string s;
    while (std::getline(items, s, ',')) {
        if (!s.empty() && !item(s)) return false;
    }
    return true;
}

bool split_item(const std::string &item, std::string *knob, std::string *value, std::string *error) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
        *error = "'" + item + "' is not a knob:value item";
        return false;
    }
    *knob = item.substr(0, colon);
    *value = item.substr(colon + 1);
    return true;
}

}  // namespace

bool parse_knob_items(const std::string &text, KnobItems *items, std::string *error) {
    KnobItems out;
    const bool ok = for_each_item(text, [&](const std::string &item) {
        std::string knob, value;
        if (!split_item(item, &knob, &value, error)) return false;
        out.emplace_back(knob, value);
        return true;
    });
    if (ok) *items = std::move(out);
    return ok;
}

std::string knob_items_text(const KnobItems &items) {
    std::string s;
    for (const auto &[knob, value] : items) s += (s.empty() ? "" : ",") + knob + ":" + value;
    return s;
}

bool parse_sections(const std::string &text, std::map<std::string, KnobItems> *sections, std::string *error) {
    std::map<std::string, KnobItems> out;
    const bool ok = for_each_item(text, [&](const std::string &item) {
        std::string key, value;
        if (!split_item(item, &key, &value, error)) return false;
        const size_t dot = key.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) {
            *error = "'" + item + "' names no ISA section (isa.knob:value)";
            return false;
        }
        out[key.substr(0, dot)].emplace_back(key.substr(dot + 1), value);
        return true;
    });
    if (ok) *sections = std::move(out);
    return ok;
}

std::string section_text(const std::string &isa, const std::string &items_text) {
    std::string s;
    for_each_item(items_text, [&](const std::string &item) {
        s += (s.empty() ? "" : ",") + isa + "." + item;
        return true;
    });
    return s;
}

}  // namespace sepconv
