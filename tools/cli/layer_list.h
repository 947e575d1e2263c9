// The model layers (bench/layers*.csv): one format read by the
// bench, `sepconv bench`, `sepconv-tune` and tools/tflite_peer.py.
//
// One row per layer: name,height,width,in_channels,out_channels,stride[,kernel[,type[,batch]]]
// Every layer is a square `kernel` x `kernel` depthwise conv (3 when the column is absent), channel
// multiplier 1, SAME padding, NHWC, followed by the 1x1 pointwise conv, in data type `type`
// (float32 when absent; the names of sepconv::to_string(DataType)), on `batch` images (1 when
// absent). A later column needs the earlier ones written out.
#pragma once

#include <string>
#include <vector>

#include "sepconv/sepconv.h"

namespace sepconv::tools {

struct ModelLayer {
    std::string name;
    int64_t height = 0, width = 0, in_channels = 0, out_channels = 0, stride = 1, kernel = 3;
    DataType type = DataType::kFloat32;
    int64_t batch = 1;
};

// The items of a comma-separated option value (layer lists, layer or variant names, thread
// counts), empty items dropped.
std::vector<std::string> split_list(const std::string &text);

// Reads `path`, or the repository's bench/layers.csv when `path` is empty.
Status load_layer_list(const std::string &path, std::vector<ModelLayer> *layers);
const char *default_layer_list();

}  // namespace sepconv::tools
