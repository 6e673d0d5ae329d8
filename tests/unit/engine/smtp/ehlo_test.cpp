// Tests engine/smtp/ehlo.hpp: the keyword set of a 250 answer to EHLO.
#include "engine/smtp/ehlo.hpp"

#include "engine/core/limits.hpp"
#include "engine/smtp/reply.hpp"
#include "tests/support/covers.hpp"

#include <string>
#include <string_view>
#include <vector>

using sts::smtp::ehlo_response;
using sts::smtp::reply;

namespace {

reply make_reply(int code, std::vector<std::string> lines) {
    reply r;
    r.code = code;
    r.lines = std::move(lines);
    return r;
}

ehlo_response parse_ok(std::vector<std::string> lines) {
    auto parsed = ehlo_response::parse(make_reply(250, std::move(lines)));
    BOOST_REQUIRE(parsed.has_value());
    return std::move(parsed).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp_ehlo)

BOOST_AUTO_TEST_CASE(typical_answer_gives_the_greeting_domain_and_the_keywords) {
    const auto ehlo = parse_ok({"mx1.example.com Hello [192.0.2.1]", "PIPELINING", "SIZE 35882577",
                                "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME", "STARTTLS"});
    BOOST_TEST(ehlo.greeting_domain() == "mx1.example.com");
    BOOST_TEST(ehlo.keywords().size() == 6u);
    BOOST_TEST(ehlo.has("STARTTLS"));
    BOOST_TEST(ehlo.has("PIPELINING"));
    BOOST_TEST(!ehlo.has("SMTPUTF8"));
    BOOST_TEST(ehlo.skipped_lines() == 0u);
    BOOST_REQUIRE(ehlo.find("SIZE") != nullptr);
    BOOST_TEST(ehlo.find("SIZE")->params == std::vector<std::string>{"35882577"}, boost::test_tools::per_element());
    BOOST_TEST(ehlo.find("AUTH")->params == (std::vector<std::string>{"PLAIN", "LOGIN"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(keywords_match_without_regard_to_case) {
    const auto ehlo = parse_ok({"mx.example.com", "starttls", "Size 1000"});
    BOOST_TEST(ehlo.has("STARTTLS"));
    BOOST_TEST(ehlo.has("StartTLS"));
    BOOST_TEST(ehlo.has("size"));
    BOOST_TEST(ehlo.keywords()[0].name == "STARTTLS");  // stored upper-cased
    BOOST_TEST(ehlo.find("SIZE")->params[0] == "1000");
}

BOOST_AUTO_TEST_CASE(starttls_is_offered_only_by_a_keyword_line) {
    // A MitM that strips STARTTLS leaves the other keywords [STS-SEC-01].
    BOOST_TEST(!parse_ok({"mx.example.com", "PIPELINING", "8BITMIME"}).has("STARTTLS"));
    // The greeting line names the server; "STARTTLS" there offers nothing.
    BOOST_TEST(!parse_ok({"STARTTLS", "PIPELINING"}).has("STARTTLS"));
    BOOST_TEST(!parse_ok({"STARTTLS"}).has("STARTTLS"));
    // Look-alikes are other keywords.
    BOOST_TEST(!parse_ok({"mx.example.com", "XSTARTTLS", "STARTTLS2", "X-STARTTLS"}).has("STARTTLS"));
    // As the last line, with a trailing space, or with a (meaningless) parameter it counts.
    BOOST_TEST(parse_ok({"mx.example.com", "SIZE 1", "STARTTLS"}).has("STARTTLS"));
    BOOST_TEST(parse_ok({"mx.example.com", "STARTTLS "}).has("STARTTLS"));
    BOOST_TEST(parse_ok({"mx.example.com", "STARTTLS required"}).has("STARTTLS"));
}

BOOST_AUTO_TEST_CASE(single_line_answer_has_a_domain_and_no_keywords) {
    const auto ehlo = parse_ok({"mx.example.com at your service"});
    BOOST_TEST(ehlo.greeting_domain() == "mx.example.com");
    BOOST_TEST(ehlo.keywords().empty());
}

BOOST_AUTO_TEST_CASE(lines_that_are_not_ehlo_lines_are_skipped_and_counted) {
    const auto ehlo = parse_ok({"mx.example.com", "AUTH=LOGIN PLAIN", "-DASH", "X_UNDERSCORE", "",
                                "STARTTLS\x01", "SIZE 10\x7f", "AUTH LOGIN"});
    BOOST_TEST(ehlo.skipped_lines() == 6u);
    BOOST_TEST(!ehlo.has("STARTTLS"));
    BOOST_REQUIRE(ehlo.keywords().size() == 1u);
    BOOST_TEST(ehlo.keywords()[0].name == "AUTH");
}

BOOST_AUTO_TEST_CASE(runs_of_spaces_between_parameters_are_tolerated) {
    const auto ehlo = parse_ok({"mx.example.com", "AUTH  PLAIN   LOGIN "});
    BOOST_TEST(ehlo.find("AUTH")->params == (std::vector<std::string>{"PLAIN", "LOGIN"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_repeated_keyword_keeps_its_first_parameters) {
    const auto ehlo = parse_ok({"mx.example.com", "SIZE 1000", "size 5"});
    BOOST_TEST(ehlo.keywords().size() == 1u);
    BOOST_TEST(ehlo.find("SIZE")->params[0] == "1000");
}

BOOST_AUTO_TEST_CASE(an_unusable_greeting_domain_is_left_empty) {
    BOOST_TEST(parse_ok({""}).greeting_domain().empty());
    BOOST_TEST(parse_ok({" leading space"}).greeting_domain().empty());
    BOOST_TEST(parse_ok({"mx\x01.example.com"}).greeting_domain().empty());
    BOOST_TEST(parse_ok({std::string(sts::core::limits::dns_name_bytes_max + 1, 'a')}).greeting_domain().empty());
    BOOST_TEST(parse_ok({"[192.0.2.1] hi"}).greeting_domain() == "[192.0.2.1]");
}

BOOST_AUTO_TEST_CASE(an_answer_other_than_250_is_an_error) {
    for (const int code : {220, 251, 421, 502, 550}) {
        BOOST_TEST_CONTEXT(code) {
            const auto parsed = ehlo_response::parse(make_reply(code, {"mx.example.com", "STARTTLS"}));
            BOOST_REQUIRE(!parsed.has_value());
            BOOST_TEST(parsed.error().rule == sts::smtp::ehlo_rule::not_250);
        }
    }
    BOOST_TEST(!ehlo_response::parse(make_reply(250, {})).has_value());
}

BOOST_AUTO_TEST_CASE(an_answer_longer_than_any_reader_allows_is_an_error) {
    const std::vector<std::string> lines(sts::core::limits::smtp_reply_lines_max + 1, "X");
    const auto parsed = ehlo_response::parse(make_reply(250, lines));
    BOOST_REQUIRE(!parsed.has_value());
    BOOST_TEST(parsed.error().rule == sts::smtp::ehlo_rule::too_many_lines);
}

BOOST_AUTO_TEST_CASE(works_on_what_the_reply_reader_produces) {
    sts::smtp::reply_reader reader;
    const auto out = reader.feed(std::string_view("250-mx1.example.com\r\n250-SIZE 35882577\r\n250 STARTTLS\r\n"));
    BOOST_REQUIRE_EQUAL(out.replies.size(), 1u);
    const auto parsed = ehlo_response::parse(out.replies[0]);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->greeting_domain() == "mx1.example.com");
    BOOST_TEST(parsed->has("starttls"));
}

BOOST_AUTO_TEST_SUITE_END()
