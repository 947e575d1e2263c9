# The comparison tolerance against the references, in one place: the C++ tests, the fuzzer and
# the TF parity script all read it.
set(SEPCONV_TEST_ATOL 1e-4)
set(SEPCONV_TEST_RTOL 1e-4)
