# The tuning flow end to end, on two tiny layers (tests/data/tuned_tiny_layers.csv):
#   1. sepconv-tune writes a small database (a few candidates, no autoschedulers);
#   2. running it again resumes from that database: nothing to tune, the file unchanged;
#   3. a build of this project that reads the database (for the tuned target only, reusing this
#      build's generator and the pieces it compiled) produces the tuned variants;
#   4. that build's tuned_variant_test finds a variant for every entry, sees the runtime pick it
#      for its shape, and checks its results against the naive reference.
# cmake -DTUNER=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATORS_DIR=... -DVARIANTS_FROM=... -DLAYERS=... -P this
foreach (v IN ITEMS TUNER SOURCE_DIR WORK_DIR GENERATORS_DIR VARIANTS_FROM LAYERS)
    if (NOT DEFINED ${v})
        message(FATAL_ERROR "tuned_build_test: -D${v}=... is required")
    endif ()
endforeach ()

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if (NOT rc EQUAL 0)
        list(JOIN ARGN " " command)
        message(FATAL_ERROR "failed (${rc}): ${command}")
    endif ()
endfunction()

# The tuner refuses bad input with a message naming it (exit 2), before tuning anything.
function(refuses expected)
    execute_process(COMMAND "${TUNER}" ${ARGN} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
    string(FIND "${err}" "${expected}" at)
    if (NOT rc EQUAL 2 OR at EQUAL -1)
        message(FATAL_ERROR "sepconv-tune ${ARGN}: expected exit 2 and '${expected}', got ${rc}: ${err}")
    endif ()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/broken.db" "[f32_nhwc_n1_h8_w8_c16_m1_co16_k3x3_s1x1_d1x1_same]\nno equals sign\n")
refuses("--max-candidates: expected an integer in [1" --max-candidates 0)
refuses("cannot open the layer list" --layers "${WORK_DIR}/missing.csv")
refuses("broken.db:2:" --layers "${LAYERS}" --db "${WORK_DIR}/broken.db")
refuses("no layers to tune" --layers "${LAYERS}" --layer no_such_layer)
refuses("unknown or incomplete argument '--bogus'" --bogus 1)
refuses("--uarch: expected host, any or a name like amd-zen4" --uarch unknown)
refuses("--uarch: expected host, any or a name like amd-zen4" --uarch Zen4)
refuses("--tunables 'k_block:65': " --layers "${LAYERS}" --tunables k_block:65)
refuses("--tunables 'no_such_knob:1': " --layers "${LAYERS}" --tunables no_such_knob:1)
set(db "${WORK_DIR}/tiny.db")
set(tune "${TUNER}" --layers "${LAYERS}" --db "${db}" --max-candidates 3 --budget-seconds 60
         --baselines none --threads 1 --seed 7)

run(${tune})
file(READ "${db}" first)
string(REGEX MATCHALL "\n\\[[^]\n]+\\]" keys "${first}")
list(LENGTH keys count)
if (NOT count EQUAL 2)
    message(FATAL_ERROR "expected 2 entries in ${db}, found ${count}:\n${first}")
endif ()

run(${tune})  # resumes: both layers are in the database already
file(READ "${db}" second)
if (NOT first STREQUAL second)
    message(FATAL_ERROR "rerunning the tuner changed a complete database")
endif ()

# --tunables with a value the search never tries (k_block:64) is still measured, beside the default
# in the final side-by-side measurement, as the row "given" of the entry's GFLOP/s fields.
set(given_db "${WORK_DIR}/given.db")
run("${TUNER}" --layers "${LAYERS}" --layer tiny_3x3 --db "${given_db}" --max-candidates 1 --budget-seconds 60
    --baselines none --threads 1 --tunables co_outer:1,k_block:64)
file(READ "${given_db}" given)
if (NOT given MATCHES "\\.gflops_1_thread = tuned [0-9.]+, default [0-9.]+, given [0-9.]+\n")
    message(FATAL_ERROR "--tunables co_outer:1,k_block:64 was not measured as 'given' in ${given_db}:\n${given}")
endif ()

# The build targets what the tuner tuned for: the target this machine's dispatcher runs. (Not
# Halide's "host", which trusts the CPU model: AVX-512 on a Zen 4 whose hypervisor hides it.)
string(REGEX MATCH "\n[a-z0-9_]+\\.target = ([^\n]+)" unused "${first}")
set(target "${CMAKE_MATCH_1}")
if (NOT target)
    message(FATAL_ERROR "no target line in ${db}:\n${first}")
endif ()
set(build "${WORK_DIR}/build")
execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${build}" -G Ninja -DCMAKE_BUILD_TYPE=Release
        -DSEPCONV_TUNED_DB=${db} -DSEPCONV_TARGETS=${target} -DSEPCONV_TYPES=float32 -DSEPCONV_GPU=OFF
        -DSEPCONV_BUILD_BENCH=OFF -DSEPCONV_EMIT_ASSEMBLY=OFF -Dsepconv_generators_DIR=${GENERATORS_DIR}
        -DSEPCONV_VARIANTS_FROM=${VARIANTS_FROM}
    RESULT_VARIABLE rc OUTPUT_VARIABLE configured ERROR_VARIABLE configured)
# The untuned variants' pieces for this target are this build's own: linked, not compiled again.
string(REGEX MATCH "sepconv: ([0-9]+) variants in ([0-9]+) libraries of generated code \\(([0-9]+) linked" unused
       "${configured}")
if (NOT rc EQUAL 0 OR NOT CMAKE_MATCH_3 OR NOT CMAKE_MATCH_3 LESS CMAKE_MATCH_2)
    message(FATAL_ERROR "configuring the tuned build: expected some but not all libraries linked from "
                        "${VARIANTS_FROM} (rc ${rc}):\n${configured}")
endif ()
message(STATUS "tuned_build_test: ${CMAKE_MATCH_2} libraries, ${CMAKE_MATCH_3} linked from ${VARIANTS_FROM}")
run("${CMAKE_COMMAND}" --build "${build}" --target tuned_variant_test)

string(REGEX REPLACE "\n\\[([^]\n]+)\\]" "\\1" keys "${keys}")
list(JOIN keys " " expected)
set(ENV{SEPCONV_EXPECT_TUNED_SHAPES} "${expected}")
run("${build}/tests/tuned_variant_test" --gtest_brief=1)
message(STATUS "tuned_build_test: the tuned variants for ${expected} were built, picked and correct")
