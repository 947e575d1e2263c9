#include "npy.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "data_types.h"

namespace sepconv::npy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr size_t kMaxHeaderBytes = 1 << 20;  // numpy's own headers are < 100 bytes

Status corrupt(const std::string &why) { return Status::InvalidArgument("not a valid .npy file: " + why); }

// A tiny parser for the Python dict literal in the header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 224, 224, 3), }
class HeaderParser {
public:
    explicit HeaderParser(std::string text) : s_(std::move(text)) {}

    Status parse(std::string *descr, bool *fortran_order, std::vector<int64_t> *shape) {
        bool have_descr = false, have_order = false, have_shape = false;
        if (!eat('{')) return corrupt("header does not start with '{'");
        while (true) {
            if (eat('}')) break;
            std::string key;
            if (!string_literal(&key)) return corrupt("expected a quoted key in the header");
            if (!eat(':')) return corrupt("expected ':' after '" + key + "'");
            if (key == "descr") {
                if (!string_literal(descr)) return corrupt("'descr' must be a string");
                have_descr = true;
            } else if (key == "fortran_order") {
                if (word("True")) {
                    *fortran_order = true;
                } else if (word("False")) {
                    *fortran_order = false;
                } else {
                    return corrupt("'fortran_order' must be True or False");
                }
                have_order = true;
            } else if (key == "shape") {
                Status st = tuple(shape);
                if (!st.ok()) return st;
                have_shape = true;
            } else {
                return corrupt("unknown header key '" + key + "'");
            }
            if (eat(',')) continue;
            if (eat('}')) break;
            return corrupt("expected ',' or '}' in the header");
        }
        skip_space();
        if (pos_ != s_.size()) return corrupt("unexpected bytes after the header dict");
        if (!have_descr || !have_order || !have_shape) {
            return corrupt("the header must give 'descr', 'fortran_order' and 'shape'");
        }
        return Status::Ok();
    }

private:
    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t')) ++pos_;
    }
    bool eat(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool word(const char *w) {
        skip_space();
        const size_t n = std::strlen(w);
        if (s_.compare(pos_, n, w) == 0) {
            pos_ += n;
            return true;
        }
        return false;
    }
    bool string_literal(std::string *out) {
        skip_space();
        if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return false;
        const char quote = s_[pos_++];
        const size_t end = s_.find(quote, pos_);
        if (end == std::string::npos) return false;
        *out = s_.substr(pos_, end - pos_);
        pos_ = end + 1;
        return true;
    }
    Status tuple(std::vector<int64_t> *shape) {
        shape->clear();
        if (!eat('(')) return corrupt("'shape' must be a tuple");
        while (!eat(')')) {
            skip_space();
            int64_t v = 0;
            size_t digits = 0;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s_[pos_] - '0', &v)) {
                    return corrupt("a 'shape' entry overflows 64 bits");
                }
                ++pos_, ++digits;
            }
            if (digits == 0) return corrupt("'shape' entries must be non-negative integers");
            if (shape->size() >= 32) return corrupt("'shape' has more than 32 dimensions");
            shape->push_back(v);
            if (!eat(',')) {
                if (!eat(')')) return corrupt("expected ',' or ')' in 'shape'");
                break;
            }
        }
        return Status::Ok();
    }

    std::string s_;
    size_t pos_ = 0;
};

uint32_t read_le(const uint8_t *p, size_t bytes) {
    uint32_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= uint32_t(p[i]) << (8 * i);
    return v;
}

}  // namespace

Status parse(const uint8_t *bytes, size_t size, Array *out, int64_t max_data_bytes) {
    if (size < kMagicSize + 4 || std::memcmp(bytes, kMagic, kMagicSize) != 0) {
        return corrupt("missing the \\x93NUMPY magic (is this a .npy file?)");
    }
    const uint8_t major = bytes[6];
    if (major < 1 || major > 3) return corrupt("unsupported format version " + std::to_string(major));
    const size_t len_bytes = major == 1 ? 2 : 4;
    const size_t preamble = kMagicSize + 2 + len_bytes;
    if (size < preamble) return corrupt("truncated in the header length");
    const size_t header_len = read_le(bytes + kMagicSize + 2, len_bytes);
    if (header_len > kMaxHeaderBytes || preamble + header_len > size) {
        return corrupt("header length " + std::to_string(header_len) + " runs past the end of the file");
    }

    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
    HeaderParser parser(std::string(reinterpret_cast<const char *>(bytes + preamble), header_len));
    Status st = parser.parse(&descr, &fortran_order, &shape);
    if (!st.ok()) return st;
    if (fortran_order) return Status::InvalidArgument("Fortran-order .npy arrays are not supported; save in C order");
    size_t item = 0;
    if (descr == "<f4") {
        item = 4;
    } else if (descr == "<f8") {
        item = 8;
    } else if (descr == "<f2") {
        item = 2;
    } else if (descr == "|i1") {
        item = 1;
    } else {
        return Status::InvalidArgument("unsupported dtype '" + descr +
                                       "': expected little-endian float32 ('<f4'), float64 ('<f8'), float16 ('<f2') "
                                       "or int8 ('|i1')");
    }

    const size_t payload = size - preamble - header_len;
    int64_t count = 1;
    for (int64_t d : shape) {
        if (__builtin_mul_overflow(count, d, &count)) return corrupt("the element count in 'shape' overflows");
    }
    int64_t need = 0;
    if (__builtin_mul_overflow(count, static_cast<int64_t>(item), &need) || static_cast<uint64_t>(need) != payload) {
        std::ostringstream s;
        s << "shape (";
        for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
        s << ") of " << descr << " needs " << (need > 0 ? std::to_string(need) : "an overflowing number of")
          << " data bytes, but the file holds " << payload;
        return corrupt(s.str());
    }

    if (need > max_data_bytes) {
        return Status::InvalidArgument("the array holds " + std::to_string(need) + " data bytes, over the limit of " +
                                       std::to_string(max_data_bytes));
    }

    const uint8_t *data = bytes + preamble + header_len;
    out->shape = shape;
    out->type = item == 2 ? DataType::kFloat16 : item == 1 ? DataType::kInt8 : DataType::kFloat32;
    out->converted_from_float64 = item == 8;
    if (item == 1) {
        out->i8.resize(static_cast<size_t>(count));
        if (payload > 0) std::memcpy(out->i8.data(), data, payload);
        return Status::Ok();
    }
    if (item == 2) {
        out->half.resize(static_cast<size_t>(count));
        if (payload > 0) std::memcpy(out->half.data(), data, payload);
        return Status::Ok();
    }
    out->data.resize(static_cast<size_t>(count));
    if (item == 4) {
        if (payload > 0) std::memcpy(out->data.data(), data, payload);  // an empty array has no buffer
    } else {
        for (int64_t i = 0; i < count; ++i) {
            double d;
            std::memcpy(&d, data + 8 * i, 8);
            out->data[static_cast<size_t>(i)] = static_cast<float>(d);
        }
    }
    return Status::Ok();
}

Status read(const std::string &path, Array *out, int64_t max_data_bytes) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Status::InvalidArgument("cannot open '" + path + "': " + std::strerror(errno));
    std::error_code ec;
    const uintmax_t file_bytes = std::filesystem::file_size(path, ec);
    if (ec) return Status::InvalidArgument("cannot size '" + path + "': " + ec.message());
    if (file_bytes > static_cast<uintmax_t>(max_data_bytes) + kMaxHeaderBytes + 16) {
        return Status::InvalidArgument(path + ": the file is " + std::to_string(file_bytes) +
                                       " bytes, over the limit of " + std::to_string(max_data_bytes) +
                                       " data bytes; nothing was read");
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) return Status::InvalidArgument("cannot read '" + path + "'");
    Status s = parse(bytes.data(), bytes.size(), out, max_data_bytes);
    if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message);
    return s;
}

Status write(const std::string &path, const std::vector<int64_t> &shape, const float *data) {
    return write(path, shape, DataType::kFloat32, data);
}

Status write(const std::string &path, const std::vector<int64_t> &shape, DataType type, const void *data) {
    const internal::DataTypeRow &row = internal::row_of(type);
    std::ostringstream header;
    header << "{'descr': '" << row.npy_descr << "', 'fortran_order': False, 'shape': (";
    int64_t count = 1;
    for (int64_t d : shape) {
        header << d << ", ";
        count *= d;
    }
    header << "), }";
    std::string h = header.str();
    // Pad so that the data starts on a 64-byte boundary, ending the header with '\n' as numpy does.
    const size_t unpadded = kMagicSize + 2 + 2 + h.size() + 1;
    h.append((64 - unpadded % 64) % 64, ' ');
    h.push_back('\n');

    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) return Status::InvalidArgument("cannot create '" + tmp + "': " + std::strerror(errno));
        f.write(kMagic, kMagicSize);
        const char version[2] = {1, 0};
        f.write(version, 2);
        const uint16_t len = static_cast<uint16_t>(h.size());
        const char len_le[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
        f.write(len_le, 2);
        f.write(h.data(), static_cast<std::streamsize>(h.size()));
        f.write(static_cast<const char *>(data), static_cast<std::streamsize>(count * row.bytes));
        if (!f.flush()) {
            std::remove(tmp.c_str());
            return Status::InvalidArgument("cannot write '" + tmp + "'");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return Status::InvalidArgument("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
    }
    return Status::Ok();
}

}  // namespace sepconv::npy
