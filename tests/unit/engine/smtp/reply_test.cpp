// Tests engine/smtp/reply.hpp: the incremental SMTP reply reader, enhanced status codes and
// the mail log rendering.
#include "engine/smtp/reply.hpp"

#include "engine/core/limits.hpp"
#include "tests/support/covers.hpp"

#include <string>
#include <string_view>
#include <vector>

using sts::smtp::enhanced_status;
using sts::smtp::feed_result;
using sts::smtp::reply;
using sts::smtp::reply_reader;
namespace reply_rule = sts::smtp::reply_rule;
namespace limits = sts::core::limits;

namespace {

// Everything one reader makes of `chunks` fed in order: the replies, and the first error.
feed_result read_chunks(const std::vector<std::string_view>& chunks) {
    reply_reader reader;
    feed_result all;
    for (const auto chunk : chunks) {
        auto out = reader.feed(chunk);
        for (auto& r : out.replies) all.replies.push_back(std::move(r));
        if (out.error) {
            all.error = out.error;
            break;
        }
    }
    return all;
}

feed_result read_all(std::string_view stream) { return read_chunks({stream}); }

reply only_reply(std::string_view stream) {
    auto out = read_all(stream);
    BOOST_REQUIRE(!out.error);
    BOOST_REQUIRE_EQUAL(out.replies.size(), 1u);
    return out.replies.front();
}

sts::core::finding only_error(std::string_view stream) {
    auto out = read_all(stream);
    BOOST_REQUIRE(out.error.has_value());
    return *out.error;
}

// The same stream cut at every point into two chunks, and fed one byte at a time, must
// give exactly what it gives in one piece.
void check_every_split(std::string_view stream) {
    const feed_result whole = read_all(stream);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        const feed_result split = read_chunks({stream.substr(0, cut), stream.substr(cut)});
        BOOST_TEST_CONTEXT("cut at " << cut) {
            BOOST_TEST((split.replies == whole.replies));
            BOOST_TEST((split.error == whole.error));
        }
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < stream.size(); ++i) bytes.push_back(stream.substr(i, 1));
    const feed_result trickled = read_chunks(bytes);
    BOOST_TEST((trickled.replies == whole.replies));
    BOOST_TEST((trickled.error == whole.error));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp_reply)

BOOST_AUTO_TEST_CASE(single_line_reply_gives_its_code_and_text) {
    const reply r = only_reply("220 mx1.example.com ESMTP ready\r\n");
    BOOST_TEST(r.code == 220);
    BOOST_REQUIRE_EQUAL(r.lines.size(), 1u);
    BOOST_TEST(r.lines[0] == "mx1.example.com ESMTP ready");
    BOOST_TEST(!r.bare_lf);
    BOOST_TEST(!r.enhanced.has_value());
}

BOOST_AUTO_TEST_CASE(multi_line_reply_keeps_every_line_in_order) {
    const reply r = only_reply("250-mx1.example.com\r\n250-PIPELINING\r\n250-SIZE 35882577\r\n250 STARTTLS\r\n");
    BOOST_TEST(r.code == 250);
    const std::vector<std::string> expected{"mx1.example.com", "PIPELINING", "SIZE 35882577", "STARTTLS"};
    BOOST_TEST(r.lines == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(last_line_may_have_no_text_and_no_space) {
    BOOST_TEST(only_reply("250\r\n").lines == std::vector<std::string>{""}, boost::test_tools::per_element());
    BOOST_TEST(only_reply("250 \r\n").lines == std::vector<std::string>{""}, boost::test_tools::per_element());
    const reply r = only_reply("354-\r\n354\r\n");
    BOOST_TEST(r.code == 354);
    BOOST_TEST(r.lines == (std::vector<std::string>{"", ""}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(several_replies_in_one_chunk_come_out_in_order) {
    const auto out = read_all("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
    BOOST_REQUIRE(!out.error);
    BOOST_REQUIRE_EQUAL(out.replies.size(), 3u);
    BOOST_TEST(out.replies[0].code == 250);
    BOOST_TEST(out.replies[1].lines[0] == "2.1.5 Ok");
    BOOST_TEST(out.replies[2].code == 354);
}

BOOST_AUTO_TEST_CASE(code_class_predicates_follow_the_first_digit) {
    const reply ok = only_reply("250 ok\r\n");
    const reply go_on = only_reply("354 go on\r\n");
    const reply later = only_reply("451 later\r\n");
    const reply never = only_reply("554 never\r\n");
    BOOST_TEST((ok.is_positive_completion() && !ok.is_positive_intermediate() &&
                !ok.is_transient_negative() && !ok.is_permanent_negative()));
    BOOST_TEST((go_on.is_positive_intermediate() && !go_on.is_positive_completion()));
    BOOST_TEST((later.is_transient_negative() && !later.is_permanent_negative()));
    BOOST_TEST((never.is_permanent_negative() && !never.is_transient_negative()));
}

BOOST_AUTO_TEST_CASE(enhanced_status_is_taken_from_the_first_line) {
    const reply r = only_reply("550-5.1.1 <b@example.com>: Recipient address rejected\r\n550 5.1.1 User unknown\r\n");
    BOOST_REQUIRE(r.enhanced.has_value());
    BOOST_TEST((*r.enhanced == enhanced_status{5, 1, 1}));
    BOOST_TEST(to_string(*r.enhanced) == "5.1.1");
    // The text keeps the code: the log shows the reply as sent.
    BOOST_TEST(r.lines[1] == "5.1.1 User unknown");
}

BOOST_AUTO_TEST_CASE(enhanced_status_accepts_three_digit_parts_and_a_bare_code) {
    BOOST_TEST((sts::smtp::parse_enhanced_status(451, "4.7.100 try later") == enhanced_status{4, 7, 100}));
    BOOST_TEST((sts::smtp::parse_enhanced_status(550, "5.1.1") == enhanced_status{5, 1, 1}));
    BOOST_TEST((sts::smtp::parse_enhanced_status(250, "2.0.0  Ok") == enhanced_status{2, 0, 0}));
}

BOOST_AUTO_TEST_CASE(enhanced_status_must_agree_with_the_reply_code_and_its_grammar) {
    using sts::smtp::parse_enhanced_status;
    BOOST_TEST(!parse_enhanced_status(250, "5.0.0 looks like a failure").has_value());  // class differs
    BOOST_TEST(!parse_enhanced_status(354, "3.0.0 no class 3").has_value());
    BOOST_TEST(!parse_enhanced_status(550, "5.1.1000 four digits").has_value());
    BOOST_TEST(!parse_enhanced_status(550, "5.1 missing detail").has_value());
    BOOST_TEST(!parse_enhanced_status(550, "5..1 empty subject").has_value());
    BOOST_TEST(!parse_enhanced_status(550, "5.1.1: no space").has_value());
    BOOST_TEST(!parse_enhanced_status(550, "Mailbox 5.1.1 later in the text").has_value());
    BOOST_TEST(!parse_enhanced_status(550, "").has_value());
    BOOST_TEST(!only_reply("250 hello 2.0.0\r\n").enhanced.has_value());
}

BOOST_AUTO_TEST_CASE(bare_lf_ends_a_line_and_is_recorded) {
    const reply lf = only_reply("250-first\n250 second\r\n");
    BOOST_TEST(lf.bare_lf);
    BOOST_TEST(lf.lines == (std::vector<std::string>{"first", "second"}), boost::test_tools::per_element());
    BOOST_TEST(!only_reply("250-first\r\n250 second\r\n").bare_lf);
}

BOOST_AUTO_TEST_CASE(cr_inside_a_line_is_refused) {
    const auto f = only_error("250 first\rsecond\r\n");
    BOOST_TEST(f.rule == reply_rule::bare_cr);
    BOOST_TEST(f.line == 1u);
    BOOST_TEST(f.column == 10u);
}

BOOST_AUTO_TEST_CASE(line_without_a_three_digit_code_is_refused) {
    for (const std::string_view stream : {"25\r\n", "\r\n", "\n", "2x0 ok\r\n", "ok 250\r\n"}) {
        BOOST_TEST_CONTEXT(stream) {
            const auto f = only_error(stream);
            BOOST_TEST(f.rule == reply_rule::code_missing);
            BOOST_TEST(f.column == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(code_outside_2xx_to_5xx_or_with_second_digit_above_5_is_refused) {
    for (const std::string_view stream : {"199 x\r\n", "600 x\r\n", "099 x\r\n", "260 x\r\n", "569 x\r\n"}) {
        BOOST_TEST_CONTEXT(stream) {
            const auto f = only_error(stream);
            BOOST_TEST(f.rule == reply_rule::code_out_of_range);
        }
    }
    BOOST_TEST(only_reply("559 x\r\n").code == 559);
}

BOOST_AUTO_TEST_CASE(anything_but_dash_or_space_after_the_code_is_refused) {
    for (const std::string_view stream : {"250x\r\n", "250\tok\r\n", "2500 ok\r\n"}) {
        BOOST_TEST_CONTEXT(stream) {
            const auto f = only_error(stream);
            BOOST_TEST(f.rule == reply_rule::separator_invalid);
            BOOST_TEST(f.column == 4u);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_different_code_inside_a_multi_line_reply_is_refused) {
    const auto f = only_error("250-first\r\n250-second\r\n251 third\r\n");
    BOOST_TEST(f.rule == reply_rule::code_changed);
    BOOST_TEST(f.line == 3u);
    BOOST_TEST(f.detail == "251 third");
}

BOOST_AUTO_TEST_CASE(line_of_exactly_the_maximum_length_is_accepted_and_one_more_byte_is_not) {
    const std::size_t max = limits::smtp_reply_line_bytes_max;
    const std::string fits = "250 " + std::string(max - 6, 'a') + "\r\n";
    BOOST_REQUIRE_EQUAL(fits.size(), max);
    BOOST_TEST(only_reply(fits).lines[0].size() == max - 6);

    const std::string too_long = "250 " + std::string(max - 5, 'a') + "\r\n";
    const auto f = only_error(too_long);
    BOOST_TEST(f.rule == reply_rule::line_too_long);
    BOOST_TEST(f.column == max);
    BOOST_TEST(f.detail.size() < 300u);  // quoted and capped, not the whole line
}

BOOST_AUTO_TEST_CASE(ten_megabyte_line_fails_before_the_reader_buffers_more_than_one_line) {
    const std::string chunk(1000, 'a');
    reply_reader reader;
    BOOST_REQUIRE(reader.feed(std::string_view("250 ")).error == std::nullopt);
    std::size_t fed = 4;
    std::optional<sts::core::finding> error;
    while (fed < 10 * 1024 * 1024 && !error) {
        error = reader.feed(std::string_view(chunk)).error;
        fed += chunk.size();
        BOOST_TEST(reader.buffered_bytes() < limits::smtp_reply_line_bytes_max);
    }
    BOOST_REQUIRE(error.has_value());
    BOOST_TEST(error->rule == reply_rule::line_too_long);
    BOOST_TEST(fed <= limits::smtp_reply_line_bytes_max + chunk.size());

    // The same line in one 10 MB piece.
    const std::string huge = "250 " + std::string(10 * 1024 * 1024, 'a');
    reply_reader whole;
    const auto out = whole.feed(std::string_view(huge));
    BOOST_REQUIRE(out.error.has_value());
    BOOST_TEST(out.error->rule == reply_rule::line_too_long);
    BOOST_TEST(whole.buffered_bytes() < limits::smtp_reply_line_bytes_max);
}

BOOST_AUTO_TEST_CASE(reply_of_the_maximum_line_count_is_accepted_and_one_more_line_is_not) {
    std::string stream;
    for (std::size_t i = 1; i < limits::smtp_reply_lines_max; ++i) stream += "250-x\r\n";
    BOOST_TEST(only_reply(stream + "250 x\r\n").lines.size() == limits::smtp_reply_lines_max);

    const auto f = only_error(stream + "250-x\r\n250 x\r\n");
    BOOST_TEST(f.rule == reply_rule::too_many_lines);
    BOOST_TEST(f.line == limits::smtp_reply_lines_max + 1);
}

BOOST_AUTO_TEST_CASE(after_an_error_the_reader_stays_failed) {
    reply_reader reader;
    const auto first = reader.feed(std::string_view("abc\r\n"));
    BOOST_REQUIRE(first.error.has_value());
    BOOST_TEST(reader.failed());
    const auto again = reader.feed(std::string_view("250 fine now\r\n"));
    BOOST_TEST(again.replies.empty());
    BOOST_TEST((again.error == first.error));
}

BOOST_AUTO_TEST_CASE(replies_completed_before_an_error_are_still_returned) {
    const auto out = read_all("250 2.1.0 Ok\r\n250-a\r\n550 b\r\n");
    BOOST_REQUIRE_EQUAL(out.replies.size(), 1u);
    BOOST_TEST(out.replies[0].lines[0] == "2.1.0 Ok");
    BOOST_REQUIRE(out.error.has_value());
    BOOST_TEST(out.error->rule == reply_rule::code_changed);
    BOOST_TEST(out.error->line == 3u);
}

BOOST_AUTO_TEST_CASE(peer_bytes_in_a_finding_are_escaped) {
    const auto f = only_error("2\x01\xff\r\n");
    BOOST_TEST(f.detail == "2\\x01\\xff");
}

BOOST_AUTO_TEST_CASE(a_multi_reply_stream_gives_the_same_replies_at_every_split_and_byte_by_byte) {
    check_every_split(
        "220 mx1.example.com ESMTP\r\n"
        "250-mx1.example.com\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250 STARTTLS\r\n"
        "250 2.1.0 Ok\r\n"
        "451-4.7.1 Greylisted,\n451 4.7.1 try again later\r\n"
        "354 End data with <CR><LF>.<CR><LF>\r\n"
        "250\r\n");
}

BOOST_AUTO_TEST_CASE(a_stream_that_breaks_a_rule_fails_the_same_way_at_every_split) {
    check_every_split("250 2.1.0 Ok\r\n250-a\r\n250-b\r\n251 c\r\n250 d\r\n");
    check_every_split("220 ok\r\n250 a\rb\r\n");
}

BOOST_AUTO_TEST_CASE(bytes_after_the_last_complete_reply_are_reported_as_buffered) {
    // RFC 3207 §4.2 / CVE-2011-0411: nothing may follow the 220 answer to STARTTLS before
    // the handshake; a session checks the reader for leftovers.
    reply_reader clean;
    const auto ready = clean.feed(std::string_view("220 2.0.0 Ready to start TLS\r\n"));
    BOOST_REQUIRE_EQUAL(ready.replies.size(), 1u);
    BOOST_TEST(!clean.has_buffered_bytes());

    reply_reader injected;
    const auto out = injected.feed(std::string_view("220 2.0.0 Ready to start TLS\r\n250-injected"));
    BOOST_REQUIRE_EQUAL(out.replies.size(), 1u);
    BOOST_TEST(injected.has_buffered_bytes());
    BOOST_TEST(injected.buffered_bytes() == std::string_view("250-injected").size());

    reply_reader whole_line;
    whole_line.feed(std::string_view("220 Ready\r\n250-injected\r\n"));
    BOOST_TEST(whole_line.buffered_bytes() == std::string_view("250-injected\r\n").size());

    // Once the injected reply completes, the buffer is empty again but the session sees a
    // second reply.
    reply_reader complete;
    const auto two = complete.feed(std::string_view("220 Ready\r\n250 injected\r\n"));
    BOOST_TEST(two.replies.size() == 2u);
    BOOST_TEST(!complete.has_buffered_bytes());
}

BOOST_AUTO_TEST_CASE(log_response_text_joins_the_lines_without_the_code) {
    const reply r = only_reply("250-2.0.0 Ok: queued\r\n250 as 4Q1X2Y\r\n");
    BOOST_TEST(sts::smtp::log_response_text(r) == "2.0.0 Ok: queued as 4Q1X2Y");
}

BOOST_AUTO_TEST_CASE(log_reply_tuple_has_the_gateway_shape) {
    const reply r = only_reply("451-4.7.1 Greylisted\r\n451 4.7.1 try again later\r\n");
    BOOST_TEST(sts::smtp::log_reply_tuple(r) == "('451', ['4.7.1 Greylisted', '4.7.1 try again later'])");
}

BOOST_AUTO_TEST_CASE(log_rendering_escapes_quotes_and_control_bytes_from_the_peer) {
    const reply r = only_reply("550 it's \"bad\"\x1b[31m\\\r\n");
    BOOST_TEST(sts::smtp::log_response_text(r) == "it\\'s \\\"bad\\\"\\x1b[31m\\\\");
    BOOST_TEST(sts::smtp::log_reply_tuple(r) == "('550', ['it\\'s \\\"bad\\\"\\x1b[31m\\\\'])");
}

BOOST_AUTO_TEST_CASE(log_rendering_shows_a_bounded_number_of_lines) {
    std::string stream;
    const std::size_t total = limits::smtp_reply_log_lines_max + 3;
    for (std::size_t i = 1; i < total; ++i) stream += "250-l\r\n";
    const reply r = only_reply(stream + "250 l\r\n");
    const std::string text = sts::smtp::log_response_text(r);
    BOOST_TEST(text.ends_with(" ...(3 more lines)"));
    const std::string tuple = sts::smtp::log_reply_tuple(r);
    BOOST_TEST(tuple.ends_with(", ...(3 more lines)])"));
    std::size_t quoted_lines = 0;
    for (std::size_t at = tuple.find("'l'"); at != std::string::npos; at = tuple.find("'l'", at + 1)) ++quoted_lines;
    BOOST_TEST(quoted_lines == limits::smtp_reply_log_lines_max);
}

BOOST_AUTO_TEST_SUITE_END()
