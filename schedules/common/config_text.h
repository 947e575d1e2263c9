// The one text form of schedule configurations, read and written by the database, the tuner's
// command line, the generator parameter `tunables` and `sepconv variants`:
//
//   co_vectors:4,tile_x:3                         one ISA's configuration: knob:value items
//   avx512.co_vectors:1,avx512.tile_x:8,avx2.co_vectors:4
//                                                 a variant's configurations, one section per ISA
//
// ':' and not '=' because GenGen splits every generator parameter at '='; no character of the form
// is special to CMake lists or to a shell.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sepconv {

using KnobItems = std::vector<std::pair<std::string, std::string>>;  // (knob, value), in text order

// "k:v,k:v" -> items; false with `error` on an item without ':' or with an empty knob or value.
bool parse_knob_items(const std::string &text, KnobItems *items, std::string *error);
std::string knob_items_text(const KnobItems &items);

// "isa.k:v,..." -> the items of each ISA's section; false with `error` on an item without an ISA.
bool parse_sections(const std::string &text, std::map<std::string, KnobItems> *sections, std::string *error);
// One ISA's items written as that ISA's section ("isa.k:v,...").
std::string section_text(const std::string &isa, const std::string &items_text);

}  // namespace sepconv
