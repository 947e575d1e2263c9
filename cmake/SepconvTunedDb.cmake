# sepconv_add_tuned_variants(DB)
#
# Reads a tuned-schedule database written by sepconv-tune (format: tools/tune/tuned_db.h) and
# emits one AOT variant per distinct tuned configuration: entries with the same filter geometry
# (layout, kernel, strides, dilations, multiplier), device and tunables share a variant. Each variant's row lists the shape keys it was tuned for, so the runtime can
# pick it for those shapes (exactly) and for shapes near them (runtime/src/variant_table.cpp).
# Entries tuned for a GPU (family gpu, a CUDA or OpenCL target) become GPU variants when the build
# has GPU variants (SEPCONV_GPU). Entries tuned for another family (an x86 database in an ARM
# build) are skipped, with a message.
# The search itself never runs here: the build only reads its result.

set(SEPCONV_TUNED_DB "${PROJECT_SOURCE_DIR}/schedules/tuned/sepconv_tuned.db"
    CACHE FILEPATH "Tuned-schedule database to build variants from (sepconv-tune's output); empty for none")

# The shape key's form (runtime/src/shape_key.h), in two halves: CMake keeps only 9 groups.
set(sepconv_shape_key_head "^(nhwc|nchw)_n[0-9]+_h[0-9]+_w[0-9]+_c[0-9]+_m([0-9]+)_co[0-9]+_")
set(sepconv_shape_key_tail "k([0-9]+)x([0-9]+)_s([0-9]+)x([0-9]+)_d([0-9]+)x([0-9]+)_(same|valid)$")

# Adds the entry parsed so far (the variables entry_*) to the groups.
macro(_sepconv_tuned_finish_entry)
    if (entry_key)
        if (NOT entry_key MATCHES "${sepconv_shape_key_head}${sepconv_shape_key_tail}")
            message(FATAL_ERROR "${DB}: '${entry_key}' is not a shape key (see runtime/src/shape_key.h)")
        endif ()
        # geometry = layout;kh;kw;sh;sw;dh;dw;m
        string(REGEX MATCH "${sepconv_shape_key_tail}" tail "${entry_key}")
        set(geometry "${CMAKE_MATCH_1};${CMAKE_MATCH_2};${CMAKE_MATCH_3};${CMAKE_MATCH_4};${CMAKE_MATCH_5};${CMAKE_MATCH_6}")
        string(REGEX MATCH "${sepconv_shape_key_head}" head "${entry_key}")
        set(geometry "${CMAKE_MATCH_1};${geometry};${CMAKE_MATCH_2}")
        # Which device the entry was tuned for: this build's CPU family, or a GPU target (CUDA of
        # one compute capability, or OpenCL) when this build has GPU variants.
        set(device "")
        if (entry_family STREQUAL SEPCONV_TARGET_FAMILY)
            set(device "cpu")
        elseif (entry_family STREQUAL "gpu" AND SEPCONV_GPU)
            if (entry_target MATCHES "cuda_capability_([0-9]+)")
                set(device "cuda;${CMAKE_MATCH_1}")
            elseif (entry_target MATCHES "opencl")
                set(device "opencl;0")
            endif ()
        endif ()
        if (NOT device)
            list(APPEND skipped "${entry_key} (${entry_family} ${entry_target})")
        else ()
            string(MD5 group_hash "${geometry};${device};${entry_tunables}")
            string(SUBSTRING "${group_hash}" 0 8 group)
            if (NOT group IN_LIST groups)
                list(APPEND groups ${group})
                set(group_geometry_${group} "${geometry}")
                set(group_tunables_${group} "${entry_tunables}")
                set(group_device_${group} "${device}")
                string(SUBSTRING "${group_hash}" 0 6 group_name_hash_${group})
            endif ()
            list(APPEND group_keys_${group} "${entry_key}")
            set_property(GLOBAL APPEND PROPERTY SEPCONV_TUNED_KEYS "${entry_key}")
            list(APPEND group_layers_${group} "${entry_layers}")
        endif ()
    endif ()
    set(entry_key "")
    set(entry_family "")
    set(entry_tunables "")
    set(entry_layers "")
    set(entry_target "")
endmacro()

function(sepconv_add_tuned_variants DB)
    if (NOT DB)
        return()
    endif ()
    if (NOT EXISTS "${DB}")
        message(FATAL_ERROR "SEPCONV_TUNED_DB: no such file '${DB}'")
    endif ()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${DB}")
    file(READ "${DB}" content)
    # One list element per line; the values' own semicolons and commas carry nothing we need.
    string(REPLACE ";" "," content "${content}")
    string(REPLACE "\n" ";" lines "${content}")
    set(groups "")
    set(skipped "")
    set(entry_key "")
    foreach (line IN LISTS lines)
        if (line MATCHES "^\\[(.+)\\]$")
            set(next_key "${CMAKE_MATCH_1}")  # (the macro's own MATCHES overwrites CMAKE_MATCH_1)
            _sepconv_tuned_finish_entry()
            set(entry_key "${next_key}")
        elseif (line MATCHES "^(family|target|tunables|layers) *= *(.*)$")
            set(entry_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
        endif ()
    endforeach ()
    _sepconv_tuned_finish_entry()
    if (skipped)
        list(JOIN skipped ", " skipped_text)
        message(STATUS "sepconv: ${DB}: skipped entries tuned for another family than ${SEPCONV_TARGET_FAMILY}: ${skipped_text}")
    endif ()

    get_filename_component(db_name "${DB}" NAME)
    foreach (group IN LISTS groups)
        list(GET group_geometry_${group} 0 layout)
        list(GET group_geometry_${group} 1 kh)
        list(GET group_geometry_${group} 2 kw)
        list(GET group_geometry_${group} 3 sh)
        list(GET group_geometry_${group} 4 sw)
        list(GET group_geometry_${group} 5 dh)
        list(GET group_geometry_${group} 6 dw)
        list(GET group_geometry_${group} 7 m)
        # Names follow the untuned variants' (f32_sepconv_nhwc_k3x3_s1_d1_m1) plus the
        # configuration's hash: the row's tunables say what it is.
        set(stride "${sh}")
        if (NOT sh EQUAL sw)
            set(stride "${sh}x${sw}")
        endif ()
        set(dilation "${dh}")
        if (NOT dh EQUAL dw)
            set(dilation "${dh}x${dw}")
        endif ()
        set(device_args "")
        set(device_suffix "")
        list(GET group_device_${group} 0 device)
        if (NOT device STREQUAL "cpu")
            # The GPU schedule's shared-memory tile holds C*M x x_tile floats in 32 KiB
            # (schedules/gpu/gpu_tunables.h): the most C*M this configuration serves.
            set(x_tile 4)
            if (group_tunables_${group} MATCHES "x_tile=([0-9]+)")
                set(x_tile ${CMAKE_MATCH_1})
            endif ()
            math(EXPR max_channels "8192 / ${x_tile}")
            list(GET group_device_${group} 1 capability)
            set(device_args DEVICE ${device} CUDA_CAPABILITY ${capability} MAX_DEPTHWISE_CHANNELS ${max_channels})
            set(device_suffix "_${device}")
            if (device STREQUAL "cuda")
                set(device_suffix "_cuda_sm${capability}")
            endif ()
        endif ()
        set(name "f32_sepconv_${layout}_k${kh}x${kw}_s${stride}_d${dilation}_m${m}${device_suffix}_tuned_${group_name_hash_${group}}")
        list(JOIN group_layers_${group} "," layers)
        sepconv_add_variant(${name}
            LAYOUT ${layout} KERNEL_H ${kh} KERNEL_W ${kw} STRIDE_H ${sh} STRIDE_W ${sw}
            DILATION_H ${dh} DILATION_W ${dw} MULTIPLIER ${m} ${device_args}
            TUNABLES "${group_tunables_${group}}"
            TUNED_SHAPES ${group_keys_${group}}
            ORIGIN "${db_name}, tuned for ${layers}")
    endforeach ()
    list(LENGTH groups count)
    message(STATUS "sepconv: ${count} tuned variant(s) from ${DB}")
endfunction()
