# The AOT variants: one generator (generators/), many libraries. Which variants a build compiles is
# computed by the host tool sepconv-variants (tools/variants) from the tuned database, in C++ that
# states every fact once (shape keys, data types, knobs, schedule families, generator parameters);
# this file only runs it and turns each line it writes into a library or a row of the runtime's table:
#
#   sepconv_add_piece(NAME TYPE float32 TARGET halide-target PARAMS generator_param=value...)
#   sepconv_add_variant(NAME TYPE float32 DEVICE cpu|cuda|opencl [CUDA_CAPABILITY cc]
#                       PIECES piece... | PARAMS generator_param=value...
#                       ROW <VariantSpec initializer> [TUNED_SHAPES key...])
#
# A CPU variant is one piece per target in SEPCONV_TARGETS, each a single-target library that every
# variant with the same code for that target shares; the runtime dispatches among them itself
# (cpu_dispatch.h). A GPU variant is one library, for one CUDA capability (or for OpenCL). All share
# the single runtime sepconv_halide_runtime.

# Multi-target dispatch order: best first; the last must run on every CPU of the family.
# (Plain `avx512` is not used: LLVM cannot select its predicated 256-bit tails without AVX512-VL.)
if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(default_targets arm-64-linux-arm_dot_prod-arm_fp16 arm-64-linux)
    set(default_family arm)
else ()
    # avx512_zen4 (Zen 4 and 5, Sapphire Rapids) adds VNNI: int8's pairwise multiply-adds fuse
    # their add (vpdpwssd). Named with avx512_skylake, whose ISA row and configurations it reads.
    set(default_targets x86-64-linux-avx512_skylake-avx512_zen4 x86-64-linux-avx512_skylake x86-64-linux-avx2-fma
                        x86-64-linux-sse41)
    set(default_family x86)
endif ()
set(SEPCONV_TARGETS ${default_targets}
    CACHE STRING "Halide targets compiled into every variant (multi-target dispatch, best first)")
set(SEPCONV_TARGET_FAMILY ${default_family} CACHE STRING "The schedule family of the CPU variants (schedules/families.cpp)")
# GPU variants (CUDA for several capabilities, and OpenCL) from the GPU schedule; x86 hosts only.
if (default_family STREQUAL "x86")
    option(SEPCONV_GPU "Also build the CUDA and OpenCL variants" ON)
else ()
    set(SEPCONV_GPU OFF)
endif ()
# The assembly feeds tests/check_vector_code.py, which asserts that every hot loop is vector code.
option(SEPCONV_EMIT_ASSEMBLY "Also emit each variant's assembly and stmt next to its object" ON)
set(SEPCONV_TUNED_DB "${PROJECT_SOURCE_DIR}/schedules/tuned/sepconv_tuned.db"
    CACHE FILEPATH "Tuned-schedule database to build variants from (sepconv-tune's output); empty for none")

# A build may link the libraries of generated code that another build tree of the same sources
# compiled, instead of generating them again, and compile only what that tree lacks: a library's
# name says what code it is (a piece's: its target and configuration), so the same name is the same
# code. The sanitizer presets link build/release's (the sanitizers never instrument Halide's
# generated code, and the untuned variants are always there); tests/tuned_build_test.cmake compiles
# only its tuned pieces.
set(SEPCONV_VARIANTS_FROM "" CACHE PATH
    "A build tree whose compiled variant libraries (its runtime/ folder) this build links where it has them")

# The one Halide runtime, compiled for the union of the variants' targets (CUDA and OpenCL too):
# a build that links another tree's variants links that tree's runtime as well.
if (SEPCONV_VARIANTS_FROM)
    set(runtime_archive "${SEPCONV_VARIANTS_FROM}/libsepconv_halide_runtime.a")
    if (NOT EXISTS "${runtime_archive}")
        message(FATAL_ERROR "sepconv: ${runtime_archive} is missing; build that tree first (SEPCONV_VARIANTS_FROM)")
    endif ()
    add_library(sepconv_halide_runtime STATIC IMPORTED GLOBAL)
    set_target_properties(sepconv_halide_runtime PROPERTIES
        IMPORTED_LOCATION "${runtime_archive}" INTERFACE_LINK_LIBRARIES "Halide::Runtime;Threads::Threads;${CMAKE_DL_LIBS}")
else ()
    add_halide_runtime(sepconv_halide_runtime)
endif ()

# The schedule families' configurations (knob registries, family table): plain C++ compiled into
# the generator, the runtime, sepconv-variants and the tuner.
set(SEPCONV_SCHEDULE_CONFIG_SOURCES
    ${PROJECT_SOURCE_DIR}/schedules/families.cpp
    ${PROJECT_SOURCE_DIR}/schedules/common/config_text.cpp
    ${PROJECT_SOURCE_DIR}/schedules/common/knobs.cpp
    ${PROJECT_SOURCE_DIR}/schedules/cpu/cpu_tunables.cpp
    ${PROJECT_SOURCE_DIR}/schedules/cpu/cost_model.cpp
    ${PROJECT_SOURCE_DIR}/schedules/gpu/gpu_tunables.cpp)

# sepconv-variants: plain C++ (no libHalide), compiled here at configure time with the host
# compiler. A build that imports the generator from a host build (the cross build, the tuner's
# test build) runs that build's copy, next to the generator's package.
if (sepconv_generators_DIR)
    get_filename_component(SEPCONV_VARIANT_TOOL "${sepconv_generators_DIR}/../host-tools/sepconv-variants" ABSOLUTE)
    if (NOT EXISTS "${SEPCONV_VARIANT_TOOL}")
        message(FATAL_ERROR "sepconv: ${SEPCONV_VARIANT_TOOL} is missing; build the host preset first (it comes with the generator)")
    endif ()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${SEPCONV_VARIANT_TOOL}")
else ()
    set(SEPCONV_VARIANT_TOOL "${CMAKE_BINARY_DIR}/host-tools/sepconv-variants")
    set(tool_sources ${SEPCONV_SCHEDULE_CONFIG_SOURCES})
    foreach (s IN ITEMS tools/variants/main.cpp tools/variants/variant_list.cpp tools/tune/tuned_db.cpp
                        generators/variant_spec.cpp runtime/src/data_types.cpp runtime/src/shape_key.cpp
                        runtime/src/conv_geometry.cpp runtime/src/microarchitecture.cpp)
        list(APPEND tool_sources "${PROJECT_SOURCE_DIR}/${s}")
    endforeach ()
    set(tool_includes runtime/include runtime/src generators schedules tools/tune tools/variants)
    list(TRANSFORM tool_includes PREPEND "-I${PROJECT_SOURCE_DIR}/")
    file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/host-tools")
    execute_process(
        COMMAND "${CMAKE_CXX_COMPILER}" -std=c++17 -O1 -o "${SEPCONV_VARIANT_TOOL}" ${tool_includes} ${tool_sources}
        RESULT_VARIABLE rc ERROR_VARIABLE err)
    if (NOT rc EQUAL 0)
        message(FATAL_ERROR "sepconv: compiling sepconv-variants failed:\n${err}")
    endif ()
    # Reconfigure (recompile, rerun) when any of its sources or the headers they read change.
    set(tool_headers "")
    foreach (dir IN ITEMS runtime/include/sepconv runtime/src generators schedules schedules/common schedules/cpu
                          schedules/gpu tools/tune tools/variants)
        file(GLOB headers "${PROJECT_SOURCE_DIR}/${dir}/*.h")
        list(APPEND tool_headers ${headers})
    endforeach ()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${tool_sources} ${tool_headers})
endif ()

# The data types this build compiles variants for: a preset whose tests need fewer builds fewer.
set(SEPCONV_TYPES float32 float16 int8 CACHE STRING "Data types compiled into the library (float32, float16, int8)")

# Compiles one library of generated code for one target: a CPU variant's piece (its code for one
# target) or a GPU variant. Its assembly and PTX feed the tests' checks.
function(sepconv_compile_library NAME)
    cmake_parse_arguments(ARG "" "DEVICE;TARGET" "PARAMS" ${ARGN})
    set(extra "")
    if (SEPCONV_EMIT_ASSEMBLY AND ARG_DEVICE STREQUAL "cpu")
        list(APPEND extra ASSEMBLY ${NAME}_ASM)
        set_property(GLOBAL APPEND PROPERTY SEPCONV_CPU_PIECE_TARGETS "${NAME}=${ARG_TARGET}")
        set_property(GLOBAL PROPERTY SEPCONV_VARIANT_DIR ${CMAKE_CURRENT_BINARY_DIR})
    endif ()
    if (ARG_DEVICE STREQUAL "cuda")
        list(APPEND extra DEVICE_CODE ${NAME}_PTX)  # the PTX, for tests/check_ptx.py
    endif ()
    add_halide_library(${NAME}
        FROM sepconv::halide_generators::separable_conv2d
        GENERATOR separable_conv2d
        TARGETS ${ARG_TARGET}
        FEATURES user_context
        USE_RUNTIME sepconv_halide_runtime
        PARAMS ${ARG_PARAMS}
        ${extra})
    if (ARG_DEVICE STREQUAL "cuda")
        set_property(GLOBAL APPEND PROPERTY SEPCONV_PTX_FILES ${${NAME}_PTX})
    endif ()
endfunction()

# Links the library NAME that the build tree SEPCONV_VARIANTS_FROM compiled, else compiles it.
function(sepconv_add_library NAME)
    set(dir "${SEPCONV_VARIANTS_FROM}/runtime")
    if (SEPCONV_VARIANTS_FROM AND EXISTS "${dir}/lib${NAME}.a" AND EXISTS "${dir}/${NAME}.h")
        add_library(${NAME} STATIC IMPORTED GLOBAL)
        set_target_properties(${NAME} PROPERTIES
            IMPORTED_LOCATION "${dir}/lib${NAME}.a" INTERFACE_INCLUDE_DIRECTORIES "${dir}")
        set_property(GLOBAL APPEND PROPERTY SEPCONV_IMPORTED_LIBRARIES ${NAME})
    else ()
        sepconv_compile_library(${NAME} ${ARGN})
    endif ()
    set_property(GLOBAL APPEND PROPERTY SEPCONV_LIBRARIES ${NAME})
endfunction()

# One CPU target's code, shared by every variant whose configuration for that target is the same.
function(sepconv_add_piece NAME)
    cmake_parse_arguments(ARG "" "TYPE;TARGET" "PARAMS" ${ARGN})
    if (ARG_TYPE IN_LIST SEPCONV_TYPES)
        sepconv_add_library(${NAME} DEVICE cpu TARGET ${ARG_TARGET} PARAMS ${ARG_PARAMS})
    endif ()
endfunction()

# One row of the runtime's variant table. A CPU variant is its pieces, one per target of
# SEPCONV_TARGETS (in that order); a GPU variant is one library, for one CUDA capability or OpenCL.
function(sepconv_add_variant NAME)
    cmake_parse_arguments(ARG "" "TYPE;DEVICE;CUDA_CAPABILITY;ROW" "PARAMS;PIECES;TUNED_SHAPES" ${ARGN})
    if (NOT ARG_TYPE IN_LIST SEPCONV_TYPES)
        return()
    endif ()
    if (ARG_DEVICE STREQUAL "cpu")
        list(LENGTH ARG_PIECES pieces)
        list(LENGTH SEPCONV_TARGETS targets)
        if (NOT pieces EQUAL targets)
            message(FATAL_ERROR "sepconv_add_variant(${NAME}): ${pieces} pieces for ${targets} targets")
        endif ()
        # The runtime calls the dispatched target's piece itself; the last (baseline) one is the row's fallback.
        set(entries "")
        foreach (piece IN LISTS ARG_PIECES)
            string(APPEND entries "\t.8byte ${piece}\\n")
        endforeach ()
        set_property(GLOBAL APPEND_STRING PROPERTY SEPCONV_CPU_VARIANT_TARGETS
                     "SEPCONV_CPU_TARGETS(${NAME}, \"${entries}\")\n")
        list(GET ARG_PIECES -1 fn)
    elseif (ARG_DEVICE STREQUAL "cuda" OR ARG_DEVICE STREQUAL "opencl")
        # The GPU variants' host side (the launch code) runs on any x86-64.
        set(target x86-64-linux-sse41-opencl)
        if (ARG_DEVICE STREQUAL "cuda")
            set(target x86-64-linux-sse41-cuda-cuda_capability_${ARG_CUDA_CAPABILITY})
        endif ()
        sepconv_add_library(${NAME} DEVICE ${ARG_DEVICE} TARGET ${target} PARAMS ${ARG_PARAMS})
        set(fn ${NAME})
    else ()
        message(FATAL_ERROR "sepconv_add_variant(${NAME}): DEVICE must be cpu, cuda or opencl")
    endif ()
    set_property(GLOBAL APPEND PROPERTY SEPCONV_VARIANT_NAMES ${NAME})
    set_property(GLOBAL APPEND PROPERTY SEPCONV_TUNED_KEYS ${ARG_TUNED_SHAPES})
    set_property(GLOBAL APPEND_STRING PROPERTY SEPCONV_VARIANT_ROWS "SEPCONV_VARIANT(${NAME}, ${fn}, ${ARG_ROW})\n")
endfunction()

# Every variant of this build: the untuned ones, then the tuned database's (SEPCONV_TUNED_DB).
function(sepconv_add_variant_list)
    set(list_file "${CMAKE_CURRENT_BINARY_DIR}/sepconv_variants.cmake")
    list(JOIN SEPCONV_TARGETS "," targets)
    set(args --family ${SEPCONV_TARGET_FAMILY} --targets "${targets}" --out "${list_file}")
    if (SEPCONV_GPU)
        list(APPEND args --gpu)
    endif ()
    if (SEPCONV_TUNED_DB)
        list(APPEND args --db "${SEPCONV_TUNED_DB}")
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${SEPCONV_TUNED_DB}")
    endif ()
    execute_process(COMMAND "${SEPCONV_VARIANT_TOOL}" ${args} RESULT_VARIABLE rc ERROR_VARIABLE err)
    if (NOT rc EQUAL 0)
        message(FATAL_ERROR "sepconv: ${err}")
    endif ()
    include("${list_file}")
    if (SEPCONV_SKIPPED_TUNED_ENTRIES)
        list(JOIN SEPCONV_SKIPPED_TUNED_ENTRIES ", " skipped)
        message(STATUS "sepconv: tuned entries this build does not compile: ${skipped}")
    endif ()
    get_property(names GLOBAL PROPERTY SEPCONV_VARIANT_NAMES)
    get_property(libraries GLOBAL PROPERTY SEPCONV_LIBRARIES)
    list(LENGTH names count)
    list(LENGTH libraries library_count)
    set(linked "")
    if (SEPCONV_VARIANTS_FROM)
        get_property(imported GLOBAL PROPERTY SEPCONV_IMPORTED_LIBRARIES)
        list(LENGTH imported imported_count)
        set(linked " (${imported_count} linked from SEPCONV_VARIANTS_FROM)")
    endif ()
    message(STATUS "sepconv: ${count} variants in ${library_count} libraries of generated code${linked}")
endfunction()

# Writes <dir>/sepconv_variant_headers.inc (one #include per library),
# <dir>/sepconv_variant_rows.inc (one SEPCONV_VARIANT(name, fallback entry point, spec...) X-macro
# row per variant) and <dir>/sepconv_variant_targets.inc (one SEPCONV_CPU_TARGETS(name, assembly)
# row per CPU variant: its pieces' entry points, in SEPCONV_TARGETS order, as .8byte directives).
function(sepconv_write_variant_table DIR)
    get_property(names GLOBAL PROPERTY SEPCONV_LIBRARIES)
    get_property(rows GLOBAL PROPERTY SEPCONV_VARIANT_ROWS)
    get_property(cpu_targets GLOBAL PROPERTY SEPCONV_CPU_VARIANT_TARGETS)
    file(CONFIGURE OUTPUT "${DIR}/sepconv_variant_targets.inc" CONTENT "${cpu_targets}")
    set(includes "")
    foreach (name IN LISTS names)
        string(APPEND includes "#include \"${name}.h\"\n")
    endforeach ()
    file(CONFIGURE OUTPUT "${DIR}/sepconv_variant_headers.inc" CONTENT "${includes}")
    file(CONFIGURE OUTPUT "${DIR}/sepconv_variant_rows.inc" CONTENT "${rows}")
endfunction()
