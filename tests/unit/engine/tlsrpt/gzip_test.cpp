// Tests engine/tlsrpt/gzip.hpp: reproducible gzip of a report.
#include "engine/tlsrpt/gzip.hpp"

#include "tests/support/covers.hpp"

#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using sts::tlsrpt::gzip_compress;

namespace {

// Inflates a gzip member with zlib, independently of the code under test; nothing on error.
std::optional<std::string> gunzip(const std::vector<std::uint8_t>& bytes) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) return std::nullopt;
    std::vector<Bytef> input(bytes.begin(), bytes.end());
    stream.next_in = input.data();
    stream.avail_in = static_cast<uInt>(input.size());
    std::string out;
    std::vector<char> buffer(4096);
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
        stream.avail_out = static_cast<uInt>(buffer.size());
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer.data(), buffer.size() - stream.avail_out);
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END) return std::nullopt;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tlsrpt_gzip)

BOOST_AUTO_TEST_CASE(output_is_gzip_and_inflates_to_the_input, *sts::test::covers("TLSRPT-16")) {
    std::string text = R"({"organization-name":"Example","policies":[]})";
    for (int i = 0; i < 200; ++i) text += " repeated text compresses";
    const auto bytes = gzip_compress(text);
    BOOST_REQUIRE(bytes.size() > 18u);
    BOOST_TEST(bytes[0] == 0x1f);
    BOOST_TEST(bytes[1] == 0x8b);
    BOOST_TEST(bytes[2] == 8);  // deflate
    BOOST_TEST(bytes.size() < text.size());
    BOOST_TEST((gunzip(bytes) == text));
}

BOOST_AUTO_TEST_CASE(the_header_holds_no_time_and_a_fixed_os_byte) {
    const auto bytes = gzip_compress("report");
    BOOST_REQUIRE(bytes.size() > 10u);
    BOOST_TEST(bytes[3] == 0);  // no flags: no file name, no comment
    for (int i = 4; i < 8; ++i) BOOST_TEST(bytes[static_cast<std::size_t>(i)] == 0);  // MTIME
    BOOST_TEST(bytes[9] == 255);  // OS: unknown
}

BOOST_AUTO_TEST_CASE(the_same_input_gives_the_same_bytes, *sts::test::covers("TLSRPT-16")) {
    const std::string text(10000, 'x');
    BOOST_TEST(gzip_compress(text) == gzip_compress(text));
    BOOST_TEST(gzip_compress(text) != gzip_compress(text + "y"));
}

BOOST_AUTO_TEST_CASE(empty_and_binary_input_round_trip) {
    BOOST_TEST((gunzip(gzip_compress("")) == std::string()));
    std::string binary;
    for (int i = 0; i < 70000; ++i) binary += static_cast<char>((i * 7919) % 256);
    BOOST_TEST((gunzip(gzip_compress(binary)) == binary));
}

BOOST_AUTO_TEST_SUITE_END()
