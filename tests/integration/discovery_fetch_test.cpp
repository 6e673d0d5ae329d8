// Integration tests of MTA-STS discovery (RFC 8461 §3.1), the policy fetch (§3.2, §3.3)
// and policy parsing (§3.2) on the simulated network: the whole engine (stub resolver,
// policy fetcher, planner, queue, SMTP client) against the mock DNS server, policy hosts,
// proxies and SMTP receivers of a world written in TOML (docs/world-format.md).
//
// Each case checks what the recipient got (delivered, queued, via which MX, over TLS or
// not), what the world saw (TXT questions, policy requests, CONNECTs, SMTP commands), the
// exact mail-log lines of docs/mail-log.md, the TLS-RPT records, and conservation.
//
// A policy that is wrongly applied or wrongly ignored must change the outcome, so the
// worlds are built for it: when a case expects "no policy", the MX either offers no
// STARTTLS (a policy in force would defer instead of delivering in clear) or is not listed
// in the policy the host would have served.
#include "tests/support/engine_world.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using sts::log::severity;
using sts::test::enforce_mx1;
using sts::test::run;
using sts::test::toml_string;
using sts::test::world_parts;
namespace delivery = sts::delivery;
namespace tlsrpt = sts::tlsrpt;

// mx1 does not offer STARTTLS: under an enforce policy nothing would reach it, without
// one the message goes in clear (preferred TLS).
world_parts no_starttls_world() {
    world_parts w;
    w.smtp = {{"mx1.example.test", "starttls = false\n"}};
    return w;
}

// The enforce policy lists only mx9, which is not an MX of example.test: applying it
// would keep the message queued.
world_parts unlisted_policy_world() {
    world_parts w;
    w.policy_body = "version: STSv1\nmode: enforce\nmx: mx9.example.test\nmax_age: 86400\n";
    return w;
}

// The checks every fetch failure shares (RFC 8461 §3.3 [STS-FETCH-16], §6 [STS-RPT-01]):
// the message went in clear to mx1 as for a domain without MTA-STS, the failure lines were
// written, and one TLS-RPT failure of the given reason and result type was recorded.
void check_fetch_failure_fallback(run& r, tlsrpt::failure_reason reason, tlsrpt::result_type result) {
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(o.tls_protocol.empty());  // no policy in force: clear text was acceptable
    BOOST_TEST(r.got_mail("mx1.example.test"));
    BOOST_TEST(r.logged("Fetching MTA-STS policy for domain(example.test)", severity::debug));
    BOOST_TEST(r.logged("Encountered failure while fetching MTA-STS policy for domain(example.test)", severity::info));
    BOOST_TEST(!r.logged_containing("Applying MTA-STS policy"));
    BOOST_TEST(!r.logged_containing("Fetched MTA-STS policy"));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST((failures[0].policy == tlsrpt::policy_type::sts));
    BOOST_TEST(failures[0].policy_domain == "example.test");
    BOOST_TEST((failures[0].reason == reason));
    BOOST_TEST((failures[0].result == result));
    BOOST_TEST(failures[0].receiving_ip.empty());  // known before any MX was contacted
    r.check_conservation();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(integration_discovery_fetch)

// --- discovery (RFC 8461 §3.1) ---

BOOST_AUTO_TEST_CASE(a_first_delivery_asks_one_txt_question_and_gets_the_policy_from_the_well_known_url,
                     *sts::test::covers("STS-DISC-01", "STS-FETCH-01", "STS-FETCH-02", "STS-FETCH-07", "STS-APPLY-01"))
{
    run r(world_parts{});
    r.send();
    r.run_for(10min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(o.tls_protocol.rfind("TLSv1.", 0) == 0);
    BOOST_TEST(r.txt_queries() == 1u);

    const auto& requests = r.sim().world().policy_host("example.test")->requests();
    BOOST_TEST_REQUIRE(requests.size() == 1u);
    BOOST_TEST(requests[0].method == "GET");
    BOOST_TEST(requests[0].target == "/.well-known/mta-sts.txt");
    BOOST_TEST(requests[0].host() == "mta-sts.example.test");
    BOOST_TEST(requests[0].sni == "mta-sts.example.test");
    // No conditional request: HTTP caching is not used (RFC 8461 §3.3).
    BOOST_TEST(!requests[0].header("If-None-Match").has_value());
    BOOST_TEST(!requests[0].header("If-Modified-Since").has_value());

    // docs/mail-log.md "Order": the policy phase of a first delivery.
    std::size_t at = 0;
    for (const std::string_view step : {"DNS query: Q(_mta-sts.example.test, 'TXT')", "DNS encache (_mta-sts.example.test, TXT,",
                                        "Successfully fetched MTA-STS TXT record for domain(example.test)",
                                        "Fetching MTA-STS policy for domain(example.test)",
                                        "Fetched MTA-STS policy for domain(example.test) mode enforce max_age 86400",
                                        "Applying MTA-STS policy for the domain (example.test)", "New SMTP DCID 1",
                                        "MTA-STS policy for the domain (example.test) Successful.", "Message finished MID 1 done"}) {
        const auto found = r.find(step, at);
        BOOST_TEST_REQUIRE(found != std::string::npos, "missing in order: " << step);
        at = found + 1;
    }
    BOOST_TEST(r.rpt_failures().empty());
    BOOST_TEST(r.rpt_successes() == 1u);
    BOOST_TEST(r.engine().tlsrpt_records().front().policy_id == "20240926T1");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(no_txt_record_means_no_fetch_and_an_opportunistic_delivery,
                     *sts::test::covers("STS-DISC-13", "STS-DISC-01"))
{
    auto w = no_starttls_world();
    w.txt.clear();
    run r(w);
    r.send();
    r.run_for(10min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    BOOST_TEST(r.txt_queries() == 1u);
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(!r.contacted("mta-sts.example.test"));
    BOOST_TEST(r.logged("No MTA-STS TXT record found for domain(example.test)", severity::debug));
    BOOST_TEST(!r.logged_containing("Fetching MTA-STS policy"));
    BOOST_TEST(r.rpt_failures().empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(several_sts_records_mean_no_policy_and_no_fetch, *sts::test::covers("STS-DISC-11"))
{
    auto w = unlisted_policy_world();
    w.txt = toml_string("v=STSv1; id=a;");
    w.more = "[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\ndata = \"v=STSv1; id=b;\"\n";
    run r(w);
    r.send();
    r.run_for(10min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(r.logged("Multiple MTA-STS TXT records for domain(example.test), none is used", severity::info));
    BOOST_TEST(!r.logged_containing("Applying MTA-STS policy"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(records_not_starting_with_the_sts_version_are_dropped_before_counting,
                     *sts::test::covers("STS-DISC-10"))
{
    auto w = unlisted_policy_world();
    w.txt = toml_string("v=STSv1; id=a;");
    w.more = "[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\ndata = \"v=spf1 -all\"\n";
    run r(w);
    r.send();
    r.run_for(10min);

    // The one STS record counts: its policy (mx9 only) is fetched and enforced.
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    BOOST_TEST(r.logged("Successfully fetched MTA-STS TXT record for domain(example.test)", severity::info));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_invalid_sts_record_means_no_policy_and_no_fetch, *sts::test::covers("STS-DISC-12", "STS-DISC-06"))
{
    auto w = unlisted_policy_world();
    w.txt = toml_string("v=STSv1; id=a b;");
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::delivered));
    BOOST_TEST(r.got_mail("mx1.example.test"));
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(r.count_containing("Invalid MTA-STS TXT record for domain(example.test): ") == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(another_version_token_is_not_an_sts_record, *sts::test::covers("STS-DISC-21", "STS-DISC-05"))
{
    auto w = unlisted_policy_world();
    w.txt = toml_string("v=STSv10; id=a;");
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::delivered));
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(r.logged("No MTA-STS TXT record found for domain(example.test)", severity::debug));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_txt_record_split_into_several_strings_is_read_joined_without_spaces,
                     *sts::test::covers("STS-DISC-14"))
{
    world_parts w;
    w.txt = "[\"v=STS\", \"v1; id=ab\", \"cd;\"]";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::delivered));
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.logged("Successfully fetched MTA-STS TXT record for domain(example.test)", severity::info));
    // The id is "abcd": no space was added between "ab" and "cd".
    BOOST_TEST_REQUIRE(r.engine().tlsrpt_records().size() == 1u);
    BOOST_TEST(r.engine().tlsrpt_records()[0].policy_id == "abcd");
    BOOST_TEST_REQUIRE(r.engine().cache().entries().size() == 1u);
    BOOST_TEST(r.engine().cache().entries()[0].policy_id == "abcd");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_sts_record_reached_through_a_cname_chain_is_used_and_the_policy_comes_from_the_domains_own_host,
                     *sts::test::covers("STS-DISC-15", "STS-FETCH-02"))
{
    auto w = unlisted_policy_world();
    w.txt.clear();
    w.more = R"(
[[dns]]
name = "_mta-sts.example.test"
type = "CNAME"
data = "_mta-sts.relay1.provider.test"
[[dns]]
name = "_mta-sts.relay1.provider.test"
type = "CNAME"
data = "_mta-sts.provider.test"
[[dns]]
name = "_mta-sts.provider.test"
type = "TXT"
data = "v=STSv1; id=prov1;"
[policy_host."provider.test"]
body = "version: STSv1\nmode: none\nmax_age: 86400\n"
)";
    run r(w);
    r.send();
    r.run_for(10min);

    // The TXT came through the chain; the policy is fetched from mta-sts.example.test, not
    // from the provider, and its enforce mode (mx9 only) keeps the message queued.
    BOOST_TEST(r.policy_requests("example.test") == 1u);
    BOOST_TEST(r.policy_requests("provider.test") == 0u);
    BOOST_TEST(r.sim().world().policy_host("example.test")->requests()[0].host() == "mta-sts.example.test");
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    BOOST_TEST_REQUIRE(!r.engine().cache().entries().empty());
    BOOST_TEST(r.engine().cache().entries()[0].policy_id == "prov1");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(mail_to_a_subdomain_never_consults_the_parent_domains_policy,
                     *sts::test::covers("STS-DISC-19", "STS-SEC-11"))
{
    world_parts w;
    w.profile.clear();
    w.more = R"(
[profile.".example.test"]
tls = "preferred"
mta_sts = true
[[dns]]
name = "mail.example.test"
type = "MX"
data = "10 mx1.example.test"
)";
    w.smtp = {{"mx1.example.test", "starttls = false\n"}};
    run r(w);
    r.send("bob@mail.example.test");
    r.run_for(10min);

    BOOST_TEST(r.txt_queries("mail.example.test") == 1u);
    BOOST_TEST(r.txt_queries("example.test") == 0u);
    BOOST_TEST(r.policy_requests("example.test") == 0u);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_txt_servfail_with_nothing_cached_proceeds_without_mta_sts_by_default,
                     *sts::test::covers("STS-SEC-06"))
{
    auto w = no_starttls_world();
    w.txt.clear();
    w.more = "[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\nfault = \"servfail\"\n";
    run r(w);
    r.send();
    r.run_for(10min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(r.logged("DNS Temporary Failure _mta-sts.example.test TXT - ServFail", severity::info));
    BOOST_TEST(!r.logged_containing("Deferring delivery"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_txt_servfail_with_nothing_cached_keeps_the_message_queued_when_configured_to_defer,
                     *sts::test::covers("STS-SEC-06"))
{
    auto w = no_starttls_world();
    w.txt.clear();
    w.engine = "txt_temp_error = \"defer\"\n";
    w.more = "[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\nfault = \"servfail\"\n";
    run r(w);
    r.send();
    r.run_for(10min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::queued));
    BOOST_TEST(o.attempts >= 5u);  // retried every minute
    BOOST_TEST(!r.contacted("mx1.example.test"));
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(r.txt_queries() >= 5u);
    BOOST_TEST(r.logged("Deferring delivery for the domain (example.test): MTA-STS TXT lookup failed and no policy is cached",
                        severity::info));
    BOOST_TEST(r.logged("Delayed: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.4.3 - "
                        "MTA-STS TXT lookup failed and no policy is cached ('000', ['MTA-STS TXT lookup failed and no "
                        "policy is cached'])",
                        severity::info));
    BOOST_TEST(r.engine().dsns().empty());
    r.check_conservation();
}

// --- fetch (RFC 8461 §3.3) ---

BOOST_AUTO_TEST_CASE(a_404_from_the_policy_host_means_delivery_as_a_domain_without_mta_sts,
                     *sts::test::covers("STS-FETCH-08", "STS-FETCH-16", "STS-CACHE-06", "STS-RPT-01"))
{
    auto w = no_starttls_world();
    w.policy = "status = 404\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.logged("Request to fetch STS policy failed due to HTTP status 404 Not Found. For domain example.test",
                        severity::debug));
    check_fetch_failure_fallback(r, tlsrpt::failure_reason::policy_http_status_not_200,
                                 tlsrpt::result_type::sts_policy_fetch_error);
    BOOST_TEST(r.engine().cache().entries().empty());
}

BOOST_AUTO_TEST_CASE(a_redirect_is_not_followed_and_its_target_is_never_contacted,
                     *sts::test::covers("STS-FETCH-09", "STS-SEC-10"))
{
    auto w = no_starttls_world();
    w.policy = "status = 301\nlocation = \"https://mta-sts.other.test/.well-known/mta-sts.txt\"\n";
    w.more = "[policy_host.\"other.test\"]\nbody = " + toml_string(enforce_mx1) + "\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.policy_requests("example.test") == 1u);
    BOOST_TEST(r.policy_requests("other.test") == 0u);
    BOOST_TEST(!r.contacted("mta-sts.other.test"));
    BOOST_TEST(r.logged("Request to fetch STS policy failed due to HTTP status 301 to "
                        "https://mta-sts.other.test/.well-known/mta-sts.txt (redirects are not followed). For domain "
                        "example.test",
                        severity::debug));
    check_fetch_failure_fallback(r, tlsrpt::failure_reason::policy_http_redirect, tlsrpt::result_type::sts_policy_fetch_error);
}

// Fetch failures that differ only in the world's fault and the line that names it; each
// row is checked like a case of its own (RFC 8461 §3.3 [STS-FETCH-16]: delivery as for a
// domain without MTA-STS, and one TLS-RPT failure).
struct fetch_failure_row {
    std::string_view what;
    std::string policy;  // lines added to the policy host's table
    std::string more;    // further world tables
    std::string line;    // the exact Debug line naming the failure ("": none asserted)
    std::string line_start;  // or: the start of exactly one line naming it
    bool no_request;     // the policy host never got a request
    tlsrpt::failure_reason reason;
    tlsrpt::result_type result;
};

BOOST_AUTO_TEST_CASE(each_policy_fetch_failure_is_named_and_delivery_proceeds_as_without_mta_sts,
                     *sts::test::covers("STS-FETCH-11", "STS-SEC-09", "STS-FETCH-14", "STS-SEC-08", "STS-FETCH-03",
                                        "STS-FETCH-04", "STS-FETCH-18"))
{
    using enum tlsrpt::failure_reason;
    const auto fetch_error = tlsrpt::result_type::sts_policy_fetch_error;
    const auto webpki = tlsrpt::result_type::sts_webpki_invalid;
    const fetch_failure_row rows[] = {
        // STS-FETCH-11, STS-SEC-09: the media type must be text/plain.
        {"a policy served as html is rejected", "content_type = \"text/html\"\n", "",
         "Request to fetch STS policy failed due to Content-Type text/html (text/plain required). For domain example.test",
         "", false, policy_media_type_wrong, fetch_error},
        // STS-FETCH-14, STS-SEC-08: the body size cap, declared or reached.
        {"a body declared over the cap is refused", "padding_bytes = 70000\n", "", "",
         "Request to fetch STS policy failed due to the body from mta-sts.example.test declares ", false,
         policy_body_too_large, fetch_error},
        {"an endless chunked body is cut at the cap", "framing = \"chunked\"\nendless = true\n", "", "",
         "Request to fetch STS policy failed due to ", false, policy_body_too_large, fetch_error},
        // STS-FETCH-03: a WebPKI failure; nothing is asked over an unauthenticated channel.
        {"an expired policy host certificate is a webpki failure", "cert = { not_after = \"-1d\" }\n", "",
         "Request to fetch STS policy failed due to certificate of mta-sts.example.test (O=mtasts-sim test) not valid: "
         "certificate has expired. For domain example.test",
         "", true, policy_certificate_expired, webpki},
        {"a policy host certificate for another name is a webpki failure",
         "cert = { names = [\"mta-sts.other.test\"] }\n", "",
         "Request to fetch STS policy failed due to certificate (O=mtasts-sim test) has no DNS-ID matching "
         "mta-sts.example.test. For domain example.test",
         "", true, policy_certificate_name_mismatch, webpki},
        // STS-FETCH-04: only subjectAltName DNS-IDs count.
        {"a policy host name only in the common name does not count",
         "cert = { names = [\"www.example.test\"], cn = \"mta-sts.example.test\" }\n", "", "", "", true,
         policy_certificate_name_mismatch, webpki},
        // STS-FETCH-18: the policy host cannot be reached.
        {"a policy host without an address is a fetch failure", "",
         "[[dns]]\nname = \"mta-sts.example.test\"\nfault = \"nxdomain\"\n", "", "", true, policy_host_not_found,
         fetch_error},
    };
    for (const auto& row : rows) {
        BOOST_TEST_CONTEXT(row.what) {
            auto w = no_starttls_world();
            w.policy = row.policy;
            w.more = row.more;
            run r(w);
            r.send();
            r.run_for(10min);

            if (row.no_request) BOOST_TEST(r.policy_requests() == 0u);
            if (!row.line.empty()) BOOST_TEST(r.logged(row.line, severity::debug));
            if (!row.line_start.empty()) BOOST_TEST(r.count_containing(row.line_start) == 1u);
            check_fetch_failure_fallback(r, row.reason, row.result);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_content_type_with_a_charset_parameter_is_accepted, *sts::test::covers("STS-FETCH-12"))
{
    auto w = no_starttls_world();
    w.policy = "content_type = \"text/plain; charset=utf-8\"\n";
    run r(w);
    r.send();
    r.run_for(10min);

    // The enforce policy is in force: mx1 without STARTTLS gets nothing.
    BOOST_TEST(r.logged("Applying MTA-STS policy for the domain (example.test)", severity::info));
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_valid_body_of_60_kb_is_accepted, *sts::test::covers("STS-FETCH-14"))
{
    auto w = no_starttls_world();
    w.policy = "padding_bytes = 60000\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.logged("Fetched MTA-STS policy for domain(example.test) mode enforce max_age 86400", severity::debug));
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_policy_host_dripping_its_body_is_abandoned_at_the_fetch_timeout,
                     *sts::test::covers("STS-FETCH-13", "STS-SEC-08"))
{
    auto w = no_starttls_world();
    w.policy = "drip = { bytes = 1, interval = \"10s\" }\n";  // about 12 minutes for the body
    run r(w);
    const auto started = r.sim().now();
    r.send();
    r.run_for(30min);

    BOOST_TEST(r.logged("Request to fetch STS policy failed due to connection timeout. For domain example.test", severity::debug));
    // One minute (core::limits::policy_fetch_timeout) after the fetch began, not when the
    // drip would have ended.
    const auto failed = r.find("Encountered failure while fetching MTA-STS policy for domain(example.test)");
    BOOST_TEST_REQUIRE(failed != std::string::npos);
    const auto waited = r.sim().log().entries()[failed].at - started;
    BOOST_TEST(waited >= 59s);
    BOOST_TEST(waited <= 61s);
    check_fetch_failure_fallback(r, tlsrpt::failure_reason::policy_fetch_timeout, tlsrpt::result_type::sts_policy_fetch_error);
}

BOOST_AUTO_TEST_CASE(after_a_failed_fetch_the_same_id_is_not_fetched_again_for_five_minutes,
                     *sts::test::covers("STS-FETCH-15", "STS-SEC-08"))
{
    auto w = no_starttls_world();
    w.policy = "status = 500\n";
    run r(w);
    r.send();
    r.run_for(1min);
    r.send();
    r.run_for(2min);
    r.send();
    r.run_for(1min);
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.logged("Skipping MTA-STS policy fetch for domain(example.test): the last attempt failed less than 5 "
                        "minutes ago",
                        severity::debug));
    BOOST_TEST(r.engine().counts().delivered == 3u);  // each as for a domain without MTA-STS

    r.run_for(2min);  // past the five minutes
    r.send();
    r.run_for(1min);
    BOOST_TEST(r.policy_requests() == 2u);
    BOOST_TEST(r.engine().counts().delivered == 4u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(the_policy_is_fetched_through_the_engines_proxy, *sts::test::covers("STS-FETCH-02"))
{
    auto w = no_starttls_world();
    w.engine = "proxy = \"proxy.sim.test\"\n";
    w.more = "[proxy.\"proxy.sim.test\"]\n";
    run r(w);
    r.send();
    r.run_for(10min);

    const auto& connects = r.sim().world().proxy("proxy.sim.test")->connects();
    BOOST_TEST_REQUIRE(connects.size() == 1u);
    BOOST_TEST(connects[0].method == "CONNECT");
    BOOST_TEST(connects[0].host == "mta-sts.example.test");
    BOOST_TEST(connects[0].port == 443u);
    BOOST_TEST(connects[0].status == 200u);
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.logged("Requesting MTA-STS policy fetch via proxy", severity::debug));
    BOOST_TEST(r.logged("Applying MTA-STS policy for the domain (example.test)", severity::info));
    // The enforce policy came through: mx1 without STARTTLS gets nothing.
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_profiles_proxy_wins_over_the_engines_proxy)
{
    auto w = no_starttls_world();
    w.engine = "proxy = \"proxy1.sim.test\"\n";
    w.profile = "proxy = \"proxy2.sim.test\"\n";
    w.more = "[proxy.\"proxy1.sim.test\"]\n[proxy.\"proxy2.sim.test\"]\nport = 8080\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.sim().world().proxy("proxy1.sim.test")->connects().empty());
    const auto& connects = r.sim().world().proxy("proxy2.sim.test")->connects();
    BOOST_TEST_REQUIRE(connects.size() == 1u);
    BOOST_TEST(connects[0].host == "mta-sts.example.test");
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.logged("Applying MTA-STS policy for the domain (example.test)", severity::info));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_proxy_asking_for_authentication_is_a_fetch_failure, *sts::test::covers("STS-FETCH-18"))
{
    auto w = no_starttls_world();
    w.engine = "proxy = \"proxy.sim.test\"\n";
    w.more = "[proxy.\"proxy.sim.test\"]\nfault = \"auth-required\"\n";
    run r(w);
    r.send();
    r.run_for(10min);

    const auto& connects = r.sim().world().proxy("proxy.sim.test")->connects();
    BOOST_TEST_REQUIRE(connects.size() == 1u);
    BOOST_TEST(connects[0].status == 407u);
    BOOST_TEST(r.policy_requests() == 0u);
    BOOST_TEST(r.logged("Request to fetch STS policy failed due to proxy 10.31.0.1:3128 answered CONNECT "
                        "mta-sts.example.test:443 with 407 Proxy Authentication Required. For domain example.test",
                        severity::debug));
    check_fetch_failure_fallback(r, tlsrpt::failure_reason::proxy_auth_required, tlsrpt::result_type::sts_policy_fetch_error);
}

// --- parse (RFC 8461 §3.2) ---

BOOST_AUTO_TEST_CASE(a_policy_with_unknown_keys_is_accepted_and_they_change_nothing,
                     *sts::test::covers("STS-PARSE-13", "STS-PARSE-16", "STS-MX-08", "STS-APPLY-10"))
{
    world_parts w;
    // A case variant of a key is just an extension: "Mode: none" must not turn enforce off.
    w.policy_body = "mx: mx2.example.test\nfoo: bar baz\nversion: STSv1\nMode: none\nmode: enforce\nmax_age: 86400\n";
    w.mx = {"10 mx1.example.test", "20 mx2.example.test"};
    w.smtp = {{"mx1.example.test", ""}, {"mx2.example.test", ""}};
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.logged("Fetched MTA-STS policy for domain(example.test) mode enforce max_age 86400", severity::debug));
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx2.example.test");
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_policy_without_max_age_is_invalid_and_treated_as_a_fetch_failure,
                     *sts::test::covers("STS-PARSE-08", "STS-PARSE-18"))
{
    auto w = no_starttls_world();
    w.policy_body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.logged("Invalid MTA-STS policy for domain(example.test): policy: the policy has no max_age line",
                        severity::info));
    check_fetch_failure_fallback(r, tlsrpt::failure_reason::policy_body_invalid, tlsrpt::result_type::sts_policy_invalid);
    BOOST_TEST(r.engine().cache().entries().empty());
}

BOOST_AUTO_TEST_CASE(a_policy_with_a_mode_in_the_wrong_case_is_invalid, *sts::test::covers("STS-PARSE-03", "STS-PARSE-18"))
{
    auto w = no_starttls_world();
    w.policy_body = "version: STSv1\nmode: Enforce\nmx: mx1.example.test\nmax_age: 86400\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.logged("Invalid MTA-STS policy for domain(example.test): line 2: the mode must be exactly enforce, testing "
                        "or none (case-sensitive) (mode: Enforce)",
                        severity::info));
    check_fetch_failure_fallback(r, tlsrpt::failure_reason::policy_body_invalid, tlsrpt::result_type::sts_policy_invalid);
}

BOOST_AUTO_TEST_CASE(only_the_first_of_two_mode_lines_counts, *sts::test::covers("STS-PARSE-14"))
{
    auto w = no_starttls_world();
    w.policy_body = "version: STSv1\nmode: enforce\nmode: none\nmx: mx1.example.test\nmax_age: 86400\n";
    run r(w);
    r.send();
    r.run_for(10min);

    BOOST_TEST(r.logged("Fetched MTA-STS policy for domain(example.test) mode enforce max_age 86400", severity::debug));
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    r.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
