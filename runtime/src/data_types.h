// The data types, one row each: every other table, name and byte count reads its type's row here.
// Adding a type is one row; implementing it is the generator's, the schedules' and the tests' work.
#pragma once

#include <cstdint>

#include "sepconv/sepconv.h"

namespace sepconv::internal {

struct DataTypeRow {
    DataType type;
    const char *prefix;       // leads every variant name and shape key: f32_sepconv_..., f32_nhwc_...
    const char *name;         // the API's and Halide's name (the generator parameter elem_type)
    int bytes;                // per element
    bool is_float;            // Halide type code: float, else signed int
    const char *npy_descr;    // the .npy dtype
    bool implemented;         // variants exist for it; others are refused with a Status
};

inline constexpr DataTypeRow kDataTypes[] = {
    {DataType::kFloat32, "f32", "float32", 4, true, "<f4", true},
    {DataType::kInt8, "qs8", "int8", 1, false, "|i1", true},
    {DataType::kFloat16, "f16", "float16", 2, true, "<f2", true},
};

// The widest element of any type: checks made from shapes alone, before a type is known, assume it.
constexpr int max_element_bytes() {
    int bytes = 0;
    for (const DataTypeRow &r : kDataTypes) bytes = r.bytes > bytes ? r.bytes : bytes;
    return bytes;
}

const DataTypeRow &row_of(DataType t);
// The row whose prefix (f32, qs8, f16) is `prefix`, or null.
const DataTypeRow *row_by_prefix(const char *prefix);

// Ok for an implemented type; otherwise kInvalidArgument: "<what>: data type int8 is not implemented ...".
Status check_implemented(const char *what, DataType t);

}  // namespace sepconv::internal
