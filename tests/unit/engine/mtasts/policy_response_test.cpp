// Tests engine/mtasts/policy_response.hpp.
#include "engine/mtasts/policy_response.hpp"

#include "engine/core/limits.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <string_view>

using namespace sts::mtasts;
using sts::test::covers;
using sts::tlsrpt::failure_reason;

namespace {

constexpr std::string_view host = "mta-sts.example.com";
constexpr std::size_t cap = sts::core::limits::policy_body_bytes_max;
constexpr std::string_view policy_body = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";

std::string response(std::string_view head_fields, std::string_view body) {
    return "HTTP/1.1 200 OK\r\n" + std::string(head_fields) + "\r\n" + std::string(body);
}

std::string with_length(std::string_view body, std::string_view content_type = "text/plain") {
    return response("Content-Type: " + std::string(content_type) + "\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n",
                    body);
}

// Reads `bytes` expecting a failure and returns it.
policy_response_failure refused(std::string_view bytes, std::size_t body_bytes_max = cap) {
    auto read = read_policy_response(bytes, host, body_bytes_max);
    BOOST_REQUIRE_MESSAGE(!read.has_value(), "expected the response to be refused");
    return read.error();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_policy_response)

BOOST_AUTO_TEST_CASE(a_200_text_plain_response_gives_its_body, *covers("STS-FETCH-08"))
{
    const auto read = read_policy_response(with_length(policy_body), host, cap);
    BOOST_REQUIRE(read.has_value());
    BOOST_TEST(*read == policy_body);
}

BOOST_AUTO_TEST_CASE(every_split_of_the_response_gives_the_same_body)
{
    // The body in two chunks of 16 and 53 bytes, then the last chunk.
    const std::string chunked = response("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
                                         "10\r\n" + std::string(policy_body.substr(0, 16)) + "\r\n35\r\n" +
                                             std::string(policy_body.substr(16)) + "\r\n0\r\n\r\n");
    for (const auto& bytes : {with_length(policy_body), chunked, response("Content-Type: text/plain\r\n", policy_body)}) {
        for (std::size_t chunk = 1; chunk <= bytes.size(); ++chunk) {
            const auto read = read_policy_response(bytes, host, cap, chunk);
            BOOST_REQUIRE_MESSAGE(read.has_value(), "chunk " << chunk);
            BOOST_TEST(*read == policy_body);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_body_until_close_is_read_to_the_end)
{
    const auto read = read_policy_response(response("Content-Type: text/plain\r\n", policy_body), host, cap);
    BOOST_REQUIRE(read.has_value());
    BOOST_TEST(*read == policy_body);
}

BOOST_AUTO_TEST_CASE(a_status_other_than_200_is_refused_with_its_reason_quoted, *covers("STS-FETCH-08"))
{
    for (const std::string_view status : {"201 Created", "204 No Content", "304 Not Modified", "404 Not\xff\x80" "Found"}) {
        const auto f = refused("HTTP/1.1 " + std::string(status) + "\r\nContent-Type: text/plain\r\n\r\n");
        BOOST_TEST((f.reason == failure_reason::policy_http_status_not_200));
        BOOST_TEST((f.kind == fetch_failure_kind::http_status));
        BOOST_TEST(std::all_of(f.detail.begin(), f.detail.end(), [](char c) { return c >= 0x20 && c < 0x7f; }));
    }
}

BOOST_AUTO_TEST_CASE(a_redirect_is_refused_and_names_its_target, *covers("STS-FETCH-09", "STS-SEC-10"))
{
    const auto f = refused("HTTP/1.1 301 Moved\r\nLocation: https://evil.example/p\r\nContent-Length: 0\r\n\r\n");
    BOOST_TEST((f.reason == failure_reason::policy_http_redirect));
    BOOST_TEST(f.detail.find("evil.example") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_media_type_other_than_text_plain_is_refused, *covers("STS-FETCH-11", "STS-SEC-09"))
{
    BOOST_TEST((refused(with_length(policy_body, "text/html")).reason == failure_reason::policy_media_type_wrong));
    BOOST_TEST((refused(response("Content-Length: 0\r\n", "")).reason == failure_reason::policy_media_type_wrong));
    BOOST_TEST((refused(response("Content-Type: text/plain\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n", ""))
                    .reason == failure_reason::policy_media_type_wrong));
}

BOOST_AUTO_TEST_CASE(text_plain_is_recognised_with_any_case_and_parameters, *covers("STS-FETCH-12"))
{
    BOOST_TEST(is_text_plain("TEXT/Plain"));
    BOOST_TEST(is_text_plain(" text/plain ; charset=iso-8859-1"));
    BOOST_TEST(!is_text_plain("text/plainer"));
    BOOST_TEST(!is_text_plain(""));
}

BOOST_AUTO_TEST_CASE(a_declared_length_over_the_cap_is_refused_before_the_body, *covers("STS-FETCH-14", "STS-SEC-08"))
{
    const auto f = refused(response("Content-Type: text/plain\r\nContent-Length: 65537\r\n", "version"));
    BOOST_TEST((f.reason == failure_reason::policy_body_too_large));
    BOOST_TEST(f.detail.find("declares 65537") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_chunked_or_until_close_body_over_the_cap_is_refused, *covers("STS-FETCH-14", "STS-SEC-08"))
{
    const std::string big(100, 'x');
    BOOST_TEST((refused(response("Content-Type: text/plain\r\n", big), 64).kind == fetch_failure_kind::body_too_large));
    BOOST_TEST((refused(response("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n", "64\r\n" + big + "\r\n0\r\n\r\n"),
                        64)
                    .kind == fetch_failure_kind::body_too_large));
}

BOOST_AUTO_TEST_CASE(a_head_over_the_limit_is_malformed, *covers("STS-SEC-08"))
{
    const std::string huge = "X-Pad: " + std::string(sts::core::limits::policy_http_header_bytes_max, 'a') + "\r\n";
    const auto f = refused(response("Content-Type: text/plain\r\n" + huge, ""));
    BOOST_TEST((f.reason == failure_reason::policy_http_malformed));
}

BOOST_AUTO_TEST_CASE(bytes_that_are_no_http_response_are_malformed)
{
    for (const std::string_view bytes : {"", "HTTP/1.1 200", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n"}) {
        const auto f = refused(bytes);
        BOOST_TEST((f.reason == failure_reason::policy_http_malformed));
        BOOST_TEST(f.detail.find("malformed HTTP response from mta-sts.example.com") == 0);
    }
}

BOOST_AUTO_TEST_CASE(a_body_cut_short_of_its_declared_length_is_malformed)
{
    const auto f = refused(response("Content-Type: text/plain\r\nContent-Length: 50\r\n", "version: STSv1"));
    BOOST_TEST((f.reason == failure_reason::policy_http_malformed));
    BOOST_TEST(f.detail.find("(body)") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
