// The model layers (bench/layers.csv): one list read by both the bench and `sepconv bench`.
#pragma once

#include <string>
#include <vector>

#include "sepconv/sepconv.h"

namespace sepconv::tools {

struct ModelLayer {
    std::string name;
    int64_t height = 0, width = 0, in_channels = 0, out_channels = 0, stride = 1;
};

// Reads `path`, or the repository's bench/layers.csv when `path` is empty.
Status load_layer_list(const std::string &path, std::vector<ModelLayer> *layers);
const char *default_layer_list();

}  // namespace sepconv::tools
