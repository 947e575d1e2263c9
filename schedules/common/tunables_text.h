// The text form of every schedule family's tunables, "key=value,key=value" (or "key:value", the
// form GenGen's command line can carry): one parser for all.
#pragma once

#include <functional>
#include <string>

namespace sepconv {

// Calls `apply(key, value)` for each non-empty item of `text`. `apply` returns false for an unknown
// key (reported as such) and sets *bad_value for a value out of range. Returns false, with
// `error`, at the first item that fails.
bool parse_tunables_text(const std::string &text,
                         const std::function<bool(const std::string &key, const std::string &value, bool *bad_value)> &apply,
                         std::string *error);

// An integer in [lo, hi], the whole of `value`; false otherwise.
bool parse_int_in(const std::string &value, int lo, int hi, int *out);

}  // namespace sepconv
