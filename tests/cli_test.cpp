// The `sepconv` CLI end to end: good files give the reference result; every bad argument or file
// gives a non-zero exit, a message on stderr, and no output file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "npy.h"
#include "support/int8_tester.h"
#include "support/tester.h"

namespace sepconv_test {
namespace {

namespace fs = std::filesystem;

struct Result {
    int exit_code;
    std::string out, err;
};

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sepconv_cli_test_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const std::string &name) const { return (dir_ / name).string(); }

    Result cli(const std::string &args) const {
        const std::string out = path("stdout.txt"), err = path("stderr.txt");
        const std::string cmd = std::string(SEPCONV_CLI_PATH) + " " + args + " >" + out + " 2>" + err;
        const int status = std::system(cmd.c_str());
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
    }
    static std::string slurp(const std::string &p) {
        std::ifstream f(p);
        std::stringstream s;
        s << f.rdbuf();
        return s.str();
    }
    void write(const std::string &name, const std::vector<int64_t> &shape, const std::vector<float> &data) const {
        ASSERT_TRUE(sepconv::npy::write(path(name), shape, data.data()).ok());
    }
    void write_bytes(const std::string &name, const std::string &bytes) const {
        std::ofstream(path(name), std::ios::binary) << bytes;
    }
    // A valid case: NHWC 1x7x6x5, 3x3, M = 2, Cout = 9, stride 2 SAME, bias + relu6.
    ConvCase good_case() const {
        ConvCase k;
        k.n = 1, k.h = 7, k.w = 6, k.c = 5, k.m = 2, k.cout = 9, k.sh = 2, k.sw = 2, k.bias = true, k.activation = 2;
        return k;
    }
    std::string write_good_files() const {
        TensorSet t = make_tensors(good_case(), 5);
        write("x.npy", t.in_shape, t.input);
        write("dw.npy", t.dw_shape, t.dwf);
        write("pw.npy", t.pw_shape, t.pwf);
        write("b.npy", {good_case().cout}, t.bias);
        return "run --input " + path("x.npy") + " --depthwise-filter " + path("dw.npy") + " --pointwise-filter " +
               path("pw.npy") + " --bias " + path("b.npy") + " --activation relu6 --strides 1,2,2,1 --padding SAME";
    }
    // Runs a command expected to fail: non-zero exit, the message on stderr, no output file.
    void expect_refused(const std::string &args, int exit_code, const std::string &message) const {
        Result r = cli(args + " --output " + path("y.npy"));
        EXPECT_EQ(r.exit_code, exit_code) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err << "\nmissing: " << message;
        EXPECT_FALSE(fs::exists(path("y.npy"))) << "an output file was written";
        EXPECT_FALSE(fs::exists(path("y.npy.tmp")));
    }

    fs::path dir_;
};

TEST_F(Cli, RunMatchesTheReference) {
    const std::string args = write_good_files();
    Result r = cli(args + " --output " + path("y.npy"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    sepconv::npy::Array y;
    ASSERT_TRUE(sepconv::npy::read(path("y.npy"), &y).ok());
    TensorSet t = make_tensors(good_case(), 5);
    EXPECT_EQ(y.shape, t.out_shape);
    EXPECT_TRUE(all_close(t.expected, y.data));
}

TEST_F(Cli, RunAcceptsNchwAndExplicitPadding) {
    ConvCase k;
    k.n = 2, k.h = 5, k.w = 4, k.c = 3, k.cout = 4, k.nchw = true, k.pad = Pad::kExplicit;
    k.pad_top = 1, k.pad_bottom = 0, k.pad_left = 2, k.pad_right = 1, k.dh = 2;
    TensorSet t = make_tensors(k, 9);
    write("x.npy", t.in_shape, t.input);
    write("dw.npy", t.dw_shape, t.dwf);
    write("pw.npy", t.pw_shape, t.pwf);
    Result r = cli("run --input " + path("x.npy") + " --depthwise-filter " + path("dw.npy") + " --pointwise-filter " +
                   path("pw.npy") + " --data-format NCHW --strides 1,1,1,1 --dilations 2,1 --padding EXPLICIT " +
                   "--explicit-padding 1,0,2,1 --output " + path("y.npy"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    sepconv::npy::Array y;
    ASSERT_TRUE(sepconv::npy::read(path("y.npy"), &y).ok());
    EXPECT_EQ(y.shape, t.out_shape);
    EXPECT_TRUE(all_close(t.expected, y.data));
}

// numpy's own float64 layout, written by hand: '<f8', version 1.0, header padded to 64 bytes.
std::string float64_npy(const std::vector<int64_t> &shape, const std::vector<double> &values) {
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (";
    for (int64_t d : shape) header += std::to_string(d) + ", ";
    header += "), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    bytes.append(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(double));
    return bytes;
}

TEST_F(Cli, Float64InputIsConvertedWithANote) {
    const std::string args = write_good_files();
    TensorSet t = make_tensors(good_case(), 5);
    write_bytes("x.npy", float64_npy(t.in_shape, std::vector<double>(t.input.begin(), t.input.end())));
    Result r = cli(args + " --output " + path("y.npy"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("converted from float64"), std::string::npos) << r.err;
    sepconv::npy::Array y;
    ASSERT_TRUE(sepconv::npy::read(path("y.npy"), &y).ok());
    EXPECT_TRUE(all_close(t.expected, y.data));
}

TEST_F(Cli, MissingFileIsRefused) {
    const std::string args = write_good_files();
    fs::remove(path("dw.npy"));
    expect_refused(args, 1, "--depthwise-filter: cannot open '" + path("dw.npy") + "'");
}

TEST_F(Cli, CorruptFileIsRefused) {
    const std::string args = write_good_files();
    write_bytes("x.npy", "this is not a numpy file at all");
    expect_refused(args, 1, "not a valid .npy file: missing the \\x93NUMPY magic");
}

TEST_F(Cli, TruncatedFileIsRefused) {
    const std::string args = write_good_files();
    std::string bytes = slurp(path("pw.npy"));
    write_bytes("pw.npy", bytes.substr(0, bytes.size() - 7));
    expect_refused(args, 1, "data bytes, but the file holds");
}

TEST_F(Cli, AbsurdHeaderSizeIsRefused) {
    const std::string args = write_good_files();
    write_bytes("x.npy", float64_npy({int64_t(1) << 40, int64_t(1) << 40, 3}, {1.0, 2.0}));
    expect_refused(args, 1, "the element count in 'shape' overflows");
    write_bytes("x.npy", float64_npy({int64_t(1) << 62}, {1.0, 2.0}));
    expect_refused(args, 1, "needs an overflowing number of data bytes");
    write_bytes("x.npy", float64_npy({1000000, 1000000}, {1.0, 2.0}));
    expect_refused(args, 1, "needs 8000000000000 data bytes, but the file holds 16");
}

TEST_F(Cli, FilesOverTheSizeLimitAreRefusedBeforeReading) {
    const std::string args = write_good_files();
    // x.npy holds 7*6*5 floats = 840 data bytes.
    expect_refused(args + " --max-file-bytes 800", 1, "the array holds 840 data bytes, over the limit of 800");
    // A file larger than the limit plus the largest legal header is refused from its size alone.
    write_bytes("pw.npy", std::string(3 << 20, 'x'));
    expect_refused(args + " --max-file-bytes 1000", 1, "over the limit of 1000 data bytes; nothing was read");
    write_good_files();
    Result r = cli(args + " --max-file-bytes 840 --output " + path("y.npy"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Cli, UnsupportedDtypeIsRefused) {
    const std::string args = write_good_files();
    std::string bytes = float64_npy({2}, {1.0, 2.0});
    bytes.replace(bytes.find("<f8"), 3, ">f4");
    write_bytes("b.npy", bytes);
    expect_refused(args, 1, "unsupported dtype '>f4'");
    bytes.replace(bytes.find(">f4"), 3, "<i4");
    write_bytes("b.npy", bytes);
    expect_refused(args, 1, "unsupported dtype '<i4'");
}

// float16 files ('<f2') in, a float16 file out, within the float16 tolerance of the reference on
// the same float16 values; a float32 file among them is refused, naming it.
TEST_F(Cli, RunsFloat16Files) {
    const ConvCase k = good_case();
    TensorSet t = make_tensors(k, 5, sepconv::DataType::kFloat16);
    auto write_half = [&](const std::string &name, const std::vector<int64_t> &shape, const std::vector<float> &v) {
        const std::vector<uint16_t> bits = half_bits(v);
        ASSERT_TRUE(sepconv::npy::write(path(name), shape, sepconv::DataType::kFloat16, bits.data()).ok());
    };
    write_half("x.npy", t.in_shape, t.input);
    write_half("dw.npy", t.dw_shape, t.dwf);
    write_half("pw.npy", t.pw_shape, t.pwf);
    write_half("b.npy", {k.cout}, t.bias);
    const std::string args = "run --input " + path("x.npy") + " --depthwise-filter " + path("dw.npy") +
                             " --pointwise-filter " + path("pw.npy") + " --bias " + path("b.npy") +
                             " --activation relu6 --strides 1,2,2,1 --padding SAME";
    Result r = cli(args + " --output " + path("y.npy"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream f(path("y.npy"), std::ios::binary);
    std::string header(128, '\0');
    f.read(header.data(), 128);
    EXPECT_NE(header.find("'descr': '<f2'"), std::string::npos) << header;
    sepconv::npy::Array y;
    ASSERT_TRUE(sepconv::npy::read(path("y.npy"), &y).ok());
    ASSERT_EQ(y.type, sepconv::DataType::kFloat16);
    EXPECT_EQ(y.shape, t.out_shape);
    EXPECT_TRUE(half_close(k, t, half_values(y.half)));

    fs::remove(path("y.npy"));
    write("b.npy", {k.cout}, t.bias);  // float32
    expect_refused(args, 1, "bias: data type float32, but depthwise_filter is float16");
}

// A MobileNet block: --depthwise-bias and --depthwise-activation, each refused when malformed.
TEST_F(Cli, RunComputesAMobileNetBlock) {
    ConvCase k = good_case();
    k.depthwise_bias = true, k.depthwise_activation = 2;
    TensorSet t = make_tensors(k, 5);
    const std::string args = write_good_files();
    write("db.npy", {k.c * k.m}, t.depthwise_bias);
    const std::string block = args + " --depthwise-bias " + path("db.npy") + " --depthwise-activation relu6";
    Result r = cli(block + " --output " + path("y.npy"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    sepconv::npy::Array y;
    ASSERT_TRUE(sepconv::npy::read(path("y.npy"), &y).ok());
    EXPECT_EQ(y.shape, t.out_shape);
    EXPECT_TRUE(all_close(t.expected, y.data));
    // The stage changes the result (relu6 on the depthwise values, and their bias).
    EXPECT_FALSE(all_close(make_tensors(good_case(), 5).expected, y.data));

    fs::remove(path("y.npy"));
    expect_refused(args + " --depthwise-activation relu7", 2, "--depthwise-activation must be none|relu|relu6");
    write("db.npy", {k.c}, std::vector<float>(k.c, 1.f));
    expect_refused(args + " --depthwise-bias " + path("db.npy"), 1,
                   "depthwise_bias must have shape [in_channels * channel_multiplier] = [10], got [5]");
}

// int8 files and Q.json in, an int8 file out, equal to TFLite's arithmetic; each malformed part of
// the quantization file is refused, naming it.
TEST_F(Cli, RunComputesInt8WithAQuantizationFile) {
    ConvCase k = good_case();
    k.depthwise_bias = true, k.depthwise_activation = 2;
    const Int8Tensors t = make_int8_tensors(k, 5);
    ASSERT_TRUE(sepconv::npy::write(path("x.npy"), t.in_shape, sepconv::DataType::kInt8, t.input.data()).ok());
    ASSERT_TRUE(sepconv::npy::write(path("dw.npy"), t.dw_shape, sepconv::DataType::kInt8, t.dwf.data()).ok());
    ASSERT_TRUE(sepconv::npy::write(path("pw.npy"), t.pw_shape, sepconv::DataType::kInt8, t.pwf.data()).ok());
    const tflite::Params &p = t.params;
    auto floats = [](const std::vector<float> &v) {
        std::ostringstream s;
        s.precision(9);
        for (size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
        return "[" + s.str() + "]";
    };
    auto ints = [](const std::vector<int32_t> &v) {
        std::string s;
        for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
        return "[" + s + "]";
    };
    auto number = [](float f) {
        std::ostringstream s;
        s.precision(9);
        s << f;
        return s.str();
    };
    const std::string json =
        "{\"input\": {\"scale\": " + number(p.input_scale) + ", \"zero_point\": " + std::to_string(p.input_zero_point) +
        "}, \"depthwise\": {\"scales\": " + floats(p.depthwise_scales) + ", \"bias\": " + ints(p.depthwise_bias) +
        ", \"activation\": \"relu6\"}, \"intermediate\": {\"scale\": " + number(p.intermediate_scale) +
        ", \"zero_point\": " + std::to_string(p.intermediate_zero_point) + "}, \"pointwise\": {\"scales\": " +
        floats(p.pointwise_scales) + ", \"bias\": " + ints(p.pointwise_bias) + "}, \"output\": {\"scale\": " +
        number(p.output_scale) + ", \"zero_point\": " + std::to_string(p.output_zero_point) + "}}";
    write_bytes("q.json", json);
    const std::string args = "run --input " + path("x.npy") + " --depthwise-filter " + path("dw.npy") +
                             " --pointwise-filter " + path("pw.npy") + " --activation relu6 --strides 1,2,2,1 --padding SAME";
    Result r = cli(args + " --quantization " + path("q.json") + " --output " + path("y.npy"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    sepconv::npy::Array y;
    ASSERT_TRUE(sepconv::npy::read(path("y.npy"), &y).ok());
    ASSERT_EQ(y.type, sepconv::DataType::kInt8);
    EXPECT_EQ(y.shape, t.out_shape);
    EXPECT_TRUE(bit_equal(t.expected, y.i8));
    fs::remove(path("y.npy"));

    const std::string q = " --quantization " + path("q.json");
    auto refused_json = [&](const std::string &text, const std::string &message) {
        write_bytes("q.json", text);
        expect_refused(args + q, 1, message);
    };
    refused_json(json.substr(0, json.size() - 3), "--quantization: " + path("q.json") + ": not valid JSON");
    // The file with its first `from` replaced by `to`, and what the refusal must say.
    const std::string zero_point = std::to_string(p.output_zero_point) + "}}";
    const struct {
        std::string from, to, message;
    } breakages[] = {
        {"\"output\"", "\"outputs\"", "unknown key 'outputs'"},
        {"\"zero_point\"", "\"zero\"", "unknown key 'input.zero'"},
        {"\"scales\"", "\"scale\"", "unknown key 'depthwise.scale'"},
        {"\"relu6\"", "\"gelu\"", "'depthwise.activation' must be \"none\", \"relu\" or \"relu6\", got \"gelu\""},
        {"\"bias\": [", "\"bias\": [3000000000, ", "'depthwise.bias[0]' = 3000000000 is outside int32"},
        {zero_point, "200}}", "quantization.output_zero_point must be in [-128, 127], got 200"},
        {"\"scale\": " + number(p.input_scale), "\"scale\": 0", "quantization.input_scale must be positive and finite, got 0"},
    };
    for (const auto &b : breakages) {
        std::string broken = json;
        ASSERT_NE(broken.find(b.from), std::string::npos) << b.from;
        broken.replace(broken.find(b.from), b.from.size(), b.to);
        refused_json(broken, b.message);
    }
    refused_json("{\"input\": {\"scale\": 0.1, \"zero_point\": 0}}", "missing key 'depthwise'");
    write_bytes("q.json", json);
    expect_refused(args, 1, "--input is int8: an int8 call needs --quantization Q.json");
    expect_refused(args + q + " --depthwise-activation relu", 2, "--depthwise-activation: with --quantization");
    expect_refused(args + q + " --bias " + path("q.json"), 2, "an int8 call's biases are in Q.json");
    write_good_files();  // float32 files
    expect_refused(args + q, 1, "--quantization: --input is float32, and only int8 calls are quantized");
}

TEST_F(Cli, LibraryRefusalsAreReported) {
    const std::string args = write_good_files();
    write("b.npy", {4}, {1, 2, 3, 4});
    expect_refused(args, 1, "bias must have shape [out_channels] = [9]");
    write_good_files();
    write("x.npy", {1, 7, 6, 4}, std::vector<float>(7 * 6 * 4, 1.f));
    expect_refused(args, 1, "input has 4 channels");
}

TEST_F(Cli, BadCommandLinesAreRefused) {
    const std::string args = write_good_files();
    expect_refused(args + " --strides 1,2,2", 2, "--strides given twice");
    const std::string base = args.substr(0, args.find(" --strides"));
    expect_refused(base + " --strides 1,x,2,1 --padding SAME", 2, "--strides: expected 4 comma-separated integers");
    expect_refused(base + " --strides 1,2,2,1 --padding FULL", 2, "--padding must be SAME|VALID|EXPLICIT");
    expect_refused(base + " --strides 1,2,2,1", 2, "--padding is required");
    expect_refused(base + " --strides 1,2,2,1 --padding SAME --bogus 1", 2, "unknown argument '--bogus'");
    expect_refused(base + " --strides 1,2,2,1 --padding SAME --threads -3", 2, "--threads must be in [0, 1024]");
    expect_refused(base + " --strides 2,2,2,1 --padding SAME", 1, "the batch and channel entries must be 1");
    expect_refused(base + " --strides 1,2,2,1 --padding SAME --max-target x86-64-linux-avx10", 2,
                   "--max-target: set_max_target: 'x86-64-linux-avx10' is not a compiled target");
    Result r = cli("frobnicate");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST_F(Cli, UnwritableOutputIsReported) {
    const std::string args = write_good_files();
    Result r = cli(args + " --output " + path("no_such_dir/y.npy"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--output: cannot create"), std::string::npos) << r.err;
}

TEST_F(Cli, BenchReportsVariantTimeAndGflops) {
    Result r = cli("bench --shape 9,9,16,24,2 --threads 1 --repeats 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("variant    f32_sepconv_nhwc_k3x3_s2_d1_m1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("median of 3 runs"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("GFLOP/s"), std::string::npos) << r.out;
    r = cli("bench --layer mobilenet_v1_conv13 --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("input [1,7,7,1024]"), std::string::npos) << r.out;
    r = cli("bench --layer no_such_layer");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no layer named 'no_such_layer'"), std::string::npos);
}

// Layer lists may give a kernel size (EfficientNet's 5x5 layers); --shape takes --kernel.
TEST_F(Cli, LayerListsAndShapesCarryTheKernelSize) {
    std::string list = SEPCONV_DEFAULT_LAYER_LIST;
    list = list.substr(0, list.rfind('/')) + "/layers_efficientnet_b0.csv";
    Result r = cli("layers --layers " + list);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("efficientnet_b0_block4"), std::string::npos) << r.out;
    r = cli("bench --layer efficientnet_b0_block13 --layers " + list + " --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("input [1,7,7,1152] NHWC, 5x5 depthwise stride 1"), std::string::npos) << r.out;
    r = cli("bench --shape 8,8,20,16,2 --kernel 5 --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("5x5 depthwise stride 2"), std::string::npos) << r.out;
    r = cli("bench --shape 8,8,20,16,2 --kernel 0");
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find("--kernel"), std::string::npos) << r.err;
}

// bench says what runs: the dispatched target and its ISA, the configuration that ISA reads and
// the compiled path; a layer list's type column reaches the library, which refuses what it lacks.
TEST_F(Cli, BenchSaysWhatRunsAndLayerListsCarryTheType) {
    write_bytes("layers.csv", "# name,h,w,cin,cout,stride,kernel,type\nf,8,8,16,16,1,3,float32\nq,8,8,16,16,1,3,int8\n"
                              "bad,8,8,16,16,1,3,int4\n");
    Result r = cli("bench --layer f --layers " + path("layers.csv") + " --repeats 1");
    EXPECT_EQ(r.exit_code, 1) << "the list has a bad row";
    EXPECT_NE(r.err.find("layers.csv:4: expected name,height,width,in_channels,out_channels,stride[,kernel[,type"),
              std::string::npos)
        << r.err;
    write_bytes("layers.csv", "f,8,8,16,16,1,3,float32\nq,8,8,16,16,1,3,int8\n");
    r = cli("bench --layer f --layers " + path("layers.csv") + " --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string target = sepconv::cpu_info().dispatched_target;
    EXPECT_NE(r.out.find("target     " + target + " (reads the "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("config     co_vectors:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("path       full blocks, no activation"), std::string::npos) << r.out;
    r = cli("bench --layer q --layers " + path("layers.csv") + " --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("variant    qs8_sepconv_nhwc_k3x3_s1_d1_m1"), std::string::npos) << r.out;
}

// A layer list's batch column sets the bench's batch (1 when absent); --batch overrides it.
TEST_F(Cli, LayerListsCarryTheBatch) {
    write_bytes("layers.csv", "one,8,8,16,16,1\nfour,8,8,16,16,2,3,float32,4\n");
    Result r = cli("layers --layers " + path("layers.csv"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(" kernel  batch\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("     2      3      4\n"), std::string::npos) << r.out;  // stride, kernel, batch
    r = cli("bench --layer four --layers " + path("layers.csv") + " --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("input [4,8,8,16]"), std::string::npos) << r.out;
    r = cli("bench --layer four --layers " + path("layers.csv") + " --batch 2 --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("input [2,8,8,16]"), std::string::npos) << r.out;
    r = cli("bench --layer one --layers " + path("layers.csv") + " --repeats 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("input [1,8,8,16]"), std::string::npos) << r.out;
    write_bytes("layers.csv", "zero,8,8,16,16,1,3,float32,0\n");
    r = cli("bench --layer zero --layers " + path("layers.csv") + " --repeats 1");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("layers.csv:1: expected"), std::string::npos) << r.err;
}

TEST_F(Cli, VariantsListsEveryVariantAndTheDispatch) {
    Result r = cli("variants");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const sepconv::VariantInfo &v : sepconv::variants()) EXPECT_NE(r.out.find(v.name), std::string::npos);
    bool names_a_target = false;
    for (const std::string &t : sepconv::compiled_targets()) {
        names_a_target |= r.out.find("dispatch:     " + t + "\n") != std::string::npos;
    }
    EXPECT_TRUE(names_a_target) << r.out;
}

}  // namespace
}  // namespace sepconv_test
