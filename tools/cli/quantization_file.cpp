#include "quantization_file.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sepconv::tools {
namespace {

using nlohmann::json;

// A schema violation: the key path and what was expected.
struct Bad {
    std::string message;
};

const json &member(const json &object, const std::string &path, const char *key) {
    auto it = object.find(key);
    if (it == object.end()) throw Bad{"missing key '" + path + key + "'"};
    return *it;
}

void only_keys(const json &object, const std::string &path, const std::set<std::string> &allowed) {
    if (!object.is_object()) throw Bad{"'" + (path.empty() ? std::string("(top level)") : path.substr(0, path.size() - 1)) + "' must be an object"};
    for (const auto &[key, value] : object.items()) {
        if (!allowed.count(key)) throw Bad{"unknown key '" + path + key + "'"};
    }
}

float scale(const json &v, const std::string &where) {
    if (!v.is_number()) throw Bad{"'" + where + "' must be a number"};
    return static_cast<float>(v.get<double>());  // the library checks the value itself
}

int32_t int32(const json &v, const std::string &where) {
    if (!v.is_number_integer()) throw Bad{"'" + where + "' must be an integer"};
    constexpr int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    const bool fits = v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(hi) : v.get<int64_t>() >= lo && v.get<int64_t>() <= hi;
    if (!fits) throw Bad{"'" + where + "' = " + v.dump() + " is outside int32"};
    return static_cast<int32_t>(v.get<int64_t>());
}

template <typename T, typename Read>
std::vector<T> list(const json &v, const std::string &where, Read read) {
    if (!v.is_array()) throw Bad{"'" + where + "' must be a list"};
    std::vector<T> out;
    for (size_t i = 0; i < v.size(); ++i) out.push_back(read(v[i], where + "[" + std::to_string(i) + "]"));
    return out;
}

Activation activation(const json &v, const std::string &where) {
    const std::string name = v.is_string() ? v.get<std::string>() : "";
    if (name == "none") return Activation::kNone;
    if (name == "relu") return Activation::kRelu;
    if (name == "relu6") return Activation::kRelu6;
    throw Bad{"'" + where + "' must be \"none\", \"relu\" or \"relu6\", got " + v.dump()};
}

// {"scale": s, "zero_point": z}
void tensor(const json &root, const char *name, float *s, int32_t *zero_point) {
    const std::string path = std::string(name) + ".";
    const json &t = member(root, "", name);
    only_keys(t, path, {"scale", "zero_point"});
    *s = scale(member(t, path, "scale"), path + "scale");
    *zero_point = int32(member(t, path, "zero_point"), path + "zero_point");
}

// {"scales": [...], "bias": [...], ("activation": ...)}
void filter(const json &root, const char *name, bool has_activation, std::vector<float> *scales,
            std::vector<int32_t> *bias, Activation *act) {
    const std::string path = std::string(name) + ".";
    const json &f = member(root, "", name);
    only_keys(f, path, has_activation ? std::set<std::string>{"scales", "bias", "activation"}
                                      : std::set<std::string>{"scales", "bias"});
    *scales = list<float>(member(f, path, "scales"), path + "scales", scale);
    bias->clear();
    if (f.contains("bias")) *bias = list<int32_t>(f["bias"], path + "bias", int32);
    if (has_activation && f.contains("activation")) *act = activation(f["activation"], path + "activation");
}

}  // namespace

Status parse_quantization(const std::string &text, Quantization *q, Activation *depthwise_activation) {
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error &e) {
        return Status::InvalidArgument(std::string("not valid JSON: ") + e.what());
    }
    try {
        only_keys(root, "", {"input", "depthwise", "intermediate", "pointwise", "output"});
        *depthwise_activation = Activation::kNone;
        tensor(root, "input", &q->input_scale, &q->input_zero_point);
        filter(root, "depthwise", true, &q->depthwise_scales, &q->depthwise_bias, depthwise_activation);
        tensor(root, "intermediate", &q->intermediate_scale, &q->intermediate_zero_point);
        filter(root, "pointwise", false, &q->pointwise_scales, &q->pointwise_bias, nullptr);
        tensor(root, "output", &q->output_scale, &q->output_zero_point);
    } catch (const Bad &bad) {
        return Status::InvalidArgument(bad.message);
    }
    return Status::Ok();
}

Status read_quantization(const std::string &path, Quantization *q, Activation *depthwise_activation) {
    std::ifstream f(path);
    if (!f) return Status::InvalidArgument("cannot open '" + path + "'");
    std::stringstream text;
    text << f.rdbuf();
    Status s = parse_quantization(text.str(), q, depthwise_activation);
    return s.ok() ? s : Status::InvalidArgument(path + ": " + s.message);
}

Quantization typical_quantization(int64_t taps, int64_t cm, int64_t out_channels) {
    // A sum of n products of int8 values spread over the range has a standard deviation of about
    // 5461 * sqrt(n) (uniform inputs), 2960 * sqrt(n) after a clamp; aim each at 40 units.
    Quantization q;
    q.input_scale = 0.02f, q.input_zero_point = -3;
    const float weight_scale = 0.008f;
    q.depthwise_scales.assign(static_cast<size_t>(cm), weight_scale);
    q.pointwise_scales.assign(static_cast<size_t>(out_channels), weight_scale);
    q.intermediate_scale = static_cast<float>(q.input_scale * weight_scale * 5461.0 * std::sqrt(double(taps)) / 40);
    q.intermediate_zero_point = -10;
    q.output_scale = static_cast<float>(q.intermediate_scale * weight_scale * 2960.0 * std::sqrt(double(cm)) / 40);
    q.output_zero_point = 5;
    q.depthwise_bias.assign(static_cast<size_t>(cm), 100);
    q.pointwise_bias.assign(static_cast<size_t>(out_channels), -200);
    return q;
}

}  // namespace sepconv::tools
