// Tests engine/delivery/dsn.hpp: the RFC 3464 multipart/report DSN, its envelope, its
// fields, its determinism, and the cases where no DSN may be sent.
#include "engine/delivery/dsn.hpp"

#include "engine/core/limits.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using sts::core::time_point;
using namespace sts::delivery;

const time_point t0 = time_point{} + std::chrono::days(19992) + 15h + 23min + 39s;  // Thu 2024-09-26

dsn_request request() {
    dsn_request r;
    r.reporting_mta = "gateway.sim.test";
    r.mid = 42;
    r.arrival = t0;
    r.generated_at = t0 + 72h;
    r.original = message{"alice@sender.test", {"bob@example.test"},
                         "From: alice@sender.test\r\nSubject: hello\r\n\r\nsecret body\r\n"};
    r.recipients.push_back({"bob@example.test", "4.7.5", "mx1.example.test", "",
                            "MTA-STS policy enforce: TLS was required but could not be successfully negotiated",
                            t0 + 72h});
    return r;
}

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_dsn)

BOOST_AUTO_TEST_CASE(rfc5322_dates_come_from_the_given_time_in_utc)
{
    BOOST_TEST(rfc5322_date(t0) == "Thu, 26 Sep 2024 15:23:39 +0000");
    BOOST_TEST(rfc5322_date(t0 + 72h) == "Sun, 29 Sep 2024 15:23:39 +0000");
}

BOOST_AUTO_TEST_CASE(the_dsn_goes_from_the_null_sender_to_the_original_sender, *sts::test::covers("STS-APPLY-16"))
{
    const auto dsn = make_dsn(request());
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(dsn->mail_from == "");
    BOOST_TEST_REQUIRE(dsn->rcpt_to.size() == 1u);
    BOOST_TEST(dsn->rcpt_to[0] == "alice@sender.test");
    BOOST_TEST(contains(dsn->data, "To: <alice@sender.test>\r\n"));
    BOOST_TEST(contains(dsn->data, "Auto-Submitted: auto-replied\r\n"));
}

BOOST_AUTO_TEST_CASE(the_dsn_is_a_multipart_report_with_delivery_status_fields, *sts::test::covers("STS-APPLY-16"))
{
    const auto dsn = make_dsn(request());
    BOOST_TEST_REQUIRE(dsn.has_value());
    const std::string& d = dsn->data;
    BOOST_TEST(contains(d, "Content-Type: multipart/report; report-type=delivery-status;\r\n"
                           "\tboundary=\"=_mtasts-sim-dsn-42-0\"\r\n"));
    BOOST_TEST(contains(d, "--=_mtasts-sim-dsn-42-0\r\nContent-Description: Delivery report\r\n"
                           "Content-Type: message/delivery-status\r\n\r\n"
                           "Reporting-MTA: dns; gateway.sim.test\r\n"
                           "Arrival-Date: Thu, 26 Sep 2024 15:23:39 +0000\r\n\r\n"
                           "Final-Recipient: rfc822; bob@example.test\r\n"
                           "Action: failed\r\n"
                           "Status: 4.7.5\r\n"
                           "Remote-MTA: dns; mx1.example.test\r\n"
                           "Last-Attempt-Date: Sun, 29 Sep 2024 15:23:39 +0000\r\n"));
    BOOST_TEST(contains(d, "Date: Sun, 29 Sep 2024 15:23:39 +0000\r\n"));
    BOOST_TEST(d.ends_with("--=_mtasts-sim-dsn-42-0--\r\n"));
}

BOOST_AUTO_TEST_CASE(the_human_readable_part_names_mta_sts_as_the_cause, *sts::test::covers("STS-APPLY-16"))
{
    const auto dsn = make_dsn(request());
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(contains(dsn->data, "<bob@example.test>: MTA-STS policy enforce: TLS was required"));
}

BOOST_AUTO_TEST_CASE(a_diagnostic_code_is_written_when_there_was_a_reply)
{
    auto r = request();
    r.recipients[0].status = "5.1.1";
    r.recipients[0].diagnostic = "550 5.1.1 no such user";
    const auto dsn = make_dsn(r);
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(contains(dsn->data, "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n"));
}

BOOST_AUTO_TEST_CASE(only_the_original_header_section_is_returned_never_the_body)
{
    const auto dsn = make_dsn(request());
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(contains(dsn->data, "Content-Type: text/rfc822-headers\r\n\r\n"
                                   "From: alice@sender.test\r\nSubject: hello\r\n"));
    BOOST_TEST(!contains(dsn->data, "secret body"));
}

BOOST_AUTO_TEST_CASE(an_oversized_header_section_is_cut_at_a_line_boundary)
{
    auto r = request();
    std::string headers;
    while (headers.size() < sts::core::limits::dsn_original_headers_bytes_max * 2)
        headers += "X-Filler: " + std::string(70, 'a') + "\r\n";
    r.original.data = headers + "\r\nbody\r\n";
    const auto dsn = make_dsn(r);
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(dsn->data.size() < sts::core::limits::dsn_original_headers_bytes_max + 4096);
    BOOST_TEST(contains(dsn->data, std::string(70, 'a') + "\r\n\r\n--=_mtasts-sim-dsn-42-0--"));
}

BOOST_AUTO_TEST_CASE(the_boundary_avoids_text_of_the_original_headers)
{
    auto r = request();
    r.original.data = "Subject: --=_mtasts-sim-dsn-42-0\r\n\r\nbody\r\n";
    const auto dsn = make_dsn(r);
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(contains(dsn->data, "boundary=\"=_mtasts-sim-dsn-42-1\""));
}

BOOST_AUTO_TEST_CASE(line_breaks_in_addresses_cannot_inject_header_fields)
{
    auto r = request();
    r.recipients[0].address = "bob@example.test\r\nBcc: victim@x.test";
    const auto dsn = make_dsn(r);
    BOOST_TEST_REQUIRE(dsn.has_value());
    BOOST_TEST(!contains(dsn->data, "\r\nBcc:"));
}

BOOST_AUTO_TEST_CASE(a_message_from_the_null_sender_gets_no_dsn)
{
    auto r = request();
    r.original.mail_from = "";
    BOOST_TEST(!make_dsn(r).has_value());
}

BOOST_AUTO_TEST_CASE(the_same_request_gives_the_same_bytes)
{
    BOOST_TEST(make_dsn(request())->data == make_dsn(request())->data);
}

BOOST_AUTO_TEST_SUITE_END()
