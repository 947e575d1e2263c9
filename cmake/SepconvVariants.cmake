# sepconv_add_variant(NAME [LAYOUT nhwc|nchw] [KERNEL_H k] [KERNEL_W k] [STRIDE_H s] [STRIDE_W s]
#                     [DILATION_H d] [DILATION_W d] [MULTIPLIER m] [TUNABLES "k=v,..."]
#                     [DEVICE cpu|cuda|opencl] [CUDA_CAPABILITY 61] [MAX_DEPTHWISE_CHANNELS n]
#                     [TUNED_SHAPES key...] [ORIGIN "text"])
#
# Turns the one separable_conv2d generator into one AOT variant: an unset (0) parameter is taken at
# run time, a set one is fixed at compile time. A CPU variant is compiled for every target in
# SEPCONV_TARGETS with Halide's multi-target CPU dispatch; a GPU variant for one CUDA capability
# (or for OpenCL) with the GPU schedule. All share the single runtime sepconv_halide_runtime, and
# each is appended to the variant table that the runtime reads (sepconv_write_variant_table), so
# each variant's constraints are stated exactly once: here. TUNED_SHAPES and ORIGIN mark a variant
# built from the tuned database (cmake/SepconvTunedDb.cmake): the shape keys it was tuned for,
# and where it came from.

# Multi-target dispatch order: best first; the last must run on every CPU of the family.
# (Plain `avx512` is not used: LLVM cannot select its predicated 256-bit tails without AVX512-VL.)
if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(default_targets arm-64-linux-arm_dot_prod-arm_fp16 arm-64-linux)
    set(default_family arm)
else ()
    set(default_targets x86-64-linux-avx512_skylake x86-64-linux-avx2-fma x86-64-linux-sse41)
    set(default_family x86)
endif ()
set(SEPCONV_TARGETS ${default_targets}
    CACHE STRING "Halide targets compiled into every variant (multi-target dispatch, best first)")
set(SEPCONV_TARGET_FAMILY ${default_family} CACHE STRING "Which schedules/<family> the CPU variants use")
# GPU variants (CUDA for several capabilities, and OpenCL) from the GPU schedule; x86 hosts only.
if (default_family STREQUAL "x86")
    option(SEPCONV_GPU "Also build the CUDA and OpenCL variants" ON)
else ()
    set(SEPCONV_GPU OFF)
endif ()
# The assembly feeds tests/check_vector_code.py, which asserts that every hot loop is vector code.
option(SEPCONV_EMIT_ASSEMBLY "Also emit each variant's assembly and stmt next to its object" ON)

add_halide_runtime(sepconv_halide_runtime)
include(SepconvTunedDb)

function(sepconv_add_variant NAME)
    set(one LAYOUT KERNEL_H KERNEL_W STRIDE_H STRIDE_W DILATION_H DILATION_W MULTIPLIER TUNABLES
            DEVICE CUDA_CAPABILITY MAX_DEPTHWISE_CHANNELS ORIGIN)
    cmake_parse_arguments(ARG "" "${one}" "TUNED_SHAPES" ${ARGN})
    if (NOT ARG_LAYOUT)
        set(ARG_LAYOUT nhwc)
    endif ()
    if (NOT ARG_DEVICE)
        set(ARG_DEVICE cpu)
    endif ()
    foreach (p IN ITEMS KERNEL_H KERNEL_W STRIDE_H STRIDE_W DILATION_H DILATION_W MULTIPLIER CUDA_CAPABILITY
                        MAX_DEPTHWISE_CHANNELS)
        if (NOT ARG_${p})
            set(ARG_${p} 0)
        endif ()
    endforeach ()

    # Which targets and schedule family: the CPU targets with multi-target dispatch, or one GPU
    # target whose host side (the launch code) runs on any x86-64.
    if (ARG_DEVICE STREQUAL "cpu")
        set(targets ${SEPCONV_TARGETS})
        set(family ${SEPCONV_TARGET_FAMILY})
    elseif (ARG_DEVICE STREQUAL "cuda")
        set(targets x86-64-linux-sse41-cuda-cuda_capability_${ARG_CUDA_CAPABILITY})
        set(family gpu)
    elseif (ARG_DEVICE STREQUAL "opencl")
        set(targets x86-64-linux-sse41-opencl)
        set(family gpu)
    else ()
        message(FATAL_ERROR "sepconv_add_variant(${NAME}): DEVICE must be cpu, cuda or opencl")
    endif ()

    set(extra "")
    set(tunables_param "")
    if (ARG_TUNABLES)  # GenGen rejects an empty value; unset means the schedule's defaults
        # GenGen splits each parameter at '=': pass "key:value,..." (tunables_text.h reads both).
        string(REPLACE "=" ":" gengen_tunables "${ARG_TUNABLES}")
        set(tunables_param "tunables=${gengen_tunables}")
    endif ()
    if (SEPCONV_EMIT_ASSEMBLY AND ARG_DEVICE STREQUAL "cpu")
        list(APPEND extra ASSEMBLY ${NAME}_ASM)
    endif ()
    if (ARG_DEVICE STREQUAL "cuda")
        list(APPEND extra DEVICE_CODE ${NAME}_PTX)  # the PTX, for tests/check_ptx.py
    endif ()
    add_halide_library(${NAME}
        FROM sepconv::halide_generators::separable_conv2d
        GENERATOR separable_conv2d
        TARGETS ${targets}
        FEATURES user_context
        USE_RUNTIME sepconv_halide_runtime
        PARAMS layout=${ARG_LAYOUT}
               kernel_h=${ARG_KERNEL_H} kernel_w=${ARG_KERNEL_W}
               stride_h=${ARG_STRIDE_H} stride_w=${ARG_STRIDE_W}
               dilation_h=${ARG_DILATION_H} dilation_w=${ARG_DILATION_W}
               multiplier=${ARG_MULTIPLIER}
               target_family=${family}
               ${tunables_param}
        ${extra})

    if (SEPCONV_EMIT_ASSEMBLY AND ARG_DEVICE STREQUAL "cpu")
        # With several targets GenGen writes <name>-<target>.s, but Halide's helper declares
        # <name>.s as the output; without that file every build would regenerate the variant.
        add_custom_command(TARGET ${NAME}.update POST_BUILD
            COMMAND ${CMAKE_COMMAND} -E touch ${${NAME}_ASM}
            WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} VERBATIM)
        set_property(GLOBAL APPEND PROPERTY SEPCONV_CPU_VARIANT_NAMES ${NAME})
    endif ()
    if (ARG_DEVICE STREQUAL "cuda")
        set_property(GLOBAL APPEND PROPERTY SEPCONV_PTX_FILES ${${NAME}_PTX})
    endif ()

    list(JOIN ARG_TUNED_SHAPES " " tuned_shapes)
    string(TOUPPER "${ARG_LAYOUT}" layout_upper)
    string(TOUPPER "${ARG_DEVICE}" device_upper)
    set_property(GLOBAL APPEND PROPERTY SEPCONV_VARIANT_NAMES ${NAME})
    set_property(GLOBAL PROPERTY SEPCONV_VARIANT_DIR ${CMAKE_CURRENT_BINARY_DIR})
    set_property(GLOBAL APPEND_STRING PROPERTY SEPCONV_VARIANT_ROWS
        "SEPCONV_VARIANT(${NAME}, ${layout_upper}, ${ARG_KERNEL_H}, ${ARG_KERNEL_W}, ${ARG_STRIDE_H}, ${ARG_STRIDE_W}, ${ARG_DILATION_H}, ${ARG_DILATION_W}, ${ARG_MULTIPLIER}, ${device_upper}, ${ARG_CUDA_CAPABILITY}, ${ARG_MAX_DEPTHWISE_CHANNELS}, \"${ARG_TUNABLES}\", \"${tuned_shapes}\", \"${ARG_ORIGIN}\")\n")
endfunction()

# Writes <dir>/sepconv_variant_headers.inc (one #include per variant) and
# <dir>/sepconv_variant_rows.inc (one SEPCONV_VARIANT(...) X-macro row per variant).
function(sepconv_write_variant_table DIR)
    get_property(names GLOBAL PROPERTY SEPCONV_VARIANT_NAMES)
    get_property(rows GLOBAL PROPERTY SEPCONV_VARIANT_ROWS)
    set(includes "")
    foreach (name IN LISTS names)
        string(APPEND includes "#include \"${name}.h\"\n")
    endforeach ()
    file(CONFIGURE OUTPUT "${DIR}/sepconv_variant_headers.inc" CONTENT "${includes}")
    file(CONFIGURE OUTPUT "${DIR}/sepconv_variant_rows.inc" CONTENT "${rows}")
endfunction()
