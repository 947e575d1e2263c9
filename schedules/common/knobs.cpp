#include "knobs.h"

namespace sepconv {

std::vector<std::string> int_values(int lo, int hi) {
    std::vector<std::string> v;
    for (int i = lo; i <= hi; ++i) v.push_back(std::to_string(i));
    return v;
}

}  // namespace sepconv
