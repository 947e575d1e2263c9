# Halide comes from its PyPI wheel (halide==21.0.0), installed into the project's .venv by
# tools/setup.sh. The wheel carries Halide's CMake package; ask the venv's Python where it is,
# unless the caller already pointed CMake at a Halide (Halide_DIR or CMAKE_PREFIX_PATH).
set(SEPCONV_VENV "${PROJECT_SOURCE_DIR}/.venv" CACHE PATH "Virtual environment that holds the Halide wheel")
if (NOT Halide_DIR AND EXISTS "${SEPCONV_VENV}/bin/python")
    execute_process(
        COMMAND "${SEPCONV_VENV}/bin/python" -c "import halide; print(halide.install_dir())"
        OUTPUT_VARIABLE _sepconv_halide_root
        OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE _sepconv_halide_rc)
    if (_sepconv_halide_rc EQUAL 0 AND _sepconv_halide_root)
        list(PREPEND CMAKE_PREFIX_PATH "${_sepconv_halide_root}")
        message(STATUS "sepconv: using the Halide wheel at ${_sepconv_halide_root}")
    endif ()
endif ()
