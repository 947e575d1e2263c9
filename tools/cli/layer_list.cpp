#include "layer_list.h"

#include <fstream>
#include <sstream>

namespace sepconv::tools {

const char *default_layer_list() { return SEPCONV_DEFAULT_LAYER_LIST; }

std::vector<std::string> split_list(const std::string &text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) items.push_back(item);
    }
    return items;
}

Status load_layer_list(const std::string &path_in, std::vector<ModelLayer> *layers) {
    const std::string path = path_in.empty() ? default_layer_list() : path_in;
    std::ifstream f(path);
    if (!f) return Status::InvalidArgument("cannot open the layer list '" + path + "'");
    layers->clear();
    std::string line;
    for (int number = 1; std::getline(f, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        std::stringstream row(line);
        ModelLayer l;
        std::string field;
        std::vector<std::string> fields;
        while (std::getline(row, field, ',')) fields.push_back(field);
        bool ok = fields.size() >= 6 && fields.size() <= 9;
        try {
            if (ok) {
                l.name = fields[0];
                l.height = std::stoll(fields[1]);
                l.width = std::stoll(fields[2]);
                l.in_channels = std::stoll(fields[3]);
                l.out_channels = std::stoll(fields[4]);
                l.stride = std::stoll(fields[5]);
                if (fields.size() >= 7) l.kernel = std::stoll(fields[6]);
                if (fields.size() >= 8) ok = parse_data_type(fields[7], &l.type);
                if (fields.size() == 9) l.batch = std::stoll(fields[8]);
            }
        } catch (...) {
            ok = false;
        }
        if (!ok || l.height < 1 || l.width < 1 || l.in_channels < 1 || l.out_channels < 1 || l.stride < 1 ||
            l.kernel < 1 || l.batch < 1) {
            return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                           ": expected name,height,width,in_channels,out_channels,stride"
                                           "[,kernel[,type[,batch]]] (type: float32, int8 or float16)");
        }
        layers->push_back(l);
    }
    return Status::Ok();
}

}  // namespace sepconv::tools
