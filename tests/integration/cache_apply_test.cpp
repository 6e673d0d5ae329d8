// Integration tests of the MTA-STS policy cache (RFC 8461 §3.3, §5.1, §10.2), MX matching
// (§4.1) and policy application (§4, §5) on the simulated network: the whole engine
// against the mock world of a TOML file (docs/world-format.md), several messages and
// virtual hours per case.
//
// The worlds make the policy in force visible in the outcome: the usual one has two MX
// hosts, mx0 (preference 10, not listed in the policy) and mx1 (preference 20, listed),
// so a message that went to mx1 while mx0 never saw a MAIL command was delivered under
// the policy, and one that went to mx0 was not.
//
// The world cannot change its DNS data while it runs, so two situations come from
// elsewhere: a TXT record that disappears or fails later uses a DNS fault on its Nth
// question (`occurrence`), and a policy cached under an older id is put in the cache
// first (policy_cache::restore, as a restart from the cache file would), standing for a
// fetch made before the TXT record changed.
#include "tests/support/engine_world.hpp"

#include "engine/mtasts/policy.hpp"
#include "engine/mtasts/policy_cache.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using sts::log::severity;
using sts::test::run;
using sts::test::toml_string;
using sts::test::world_parts;
namespace delivery = sts::delivery;
namespace mtasts = sts::mtasts;
namespace tlsrpt = sts::tlsrpt;

// MX 10 mx0 (not listed), MX 20 mx1 (listed by the enforce policy).
world_parts two_mx_world() {
    world_parts w;
    w.mx = {"10 mx0.example.test", "20 mx1.example.test"};
    w.smtp = {{"mx0.example.test", ""}, {"mx1.example.test", ""}};
    return w;
}

// A fault on the Nth question for the `_mta-sts.example.test` TXT record.
std::string txt_fault(const std::string& fault, unsigned occurrence) {
    return "[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\nfault = \"" + fault +
           "\"\noccurrence = " + std::to_string(occurrence) + "\n";
}

// Puts a policy fetched just now under `id` into the engine's cache.
void seed_cache(run& r, const std::string& id, mtasts::mode m, std::vector<std::string> mx, std::chrono::seconds max_age) {
    mtasts::cache_entry e;
    e.domain = "example.test";
    e.policy_id = id;
    e.cached_policy.policy_mode = m;
    e.cached_policy.max_age = max_age;
    e.cached_policy.policy_strings = {"version: STSv1", "mode: " + std::string(mtasts::to_string(m))};
    for (const auto& p : mx) e.cached_policy.policy_strings.push_back("mx: " + p);
    e.cached_policy.policy_strings.push_back("max_age: " + std::to_string(max_age.count()));
    e.cached_policy.mx_patterns = std::move(mx);
    e.fetched_at = r.sim().now();
    e.last_used_at = e.fetched_at;
    const auto refused = r.engine().cache().restore(e);
    BOOST_TEST_REQUIRE(!refused.has_value());
}

// The message went to mx1 under the policy and mx0 never got a MAIL command.
void check_delivered_under_policy(run& r, std::uint64_t mid) {
    const auto o = r.outcome_of(mid);
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(o.tls_protocol.rfind("TLSv1.", 0) == 0);
    BOOST_TEST(!r.got_mail("mx0.example.test"));
}

constexpr std::string_view mx0_skipped =
    "MX host mx0.example.test is not listed in the MTA-STS policy for the domain (example.test), skipping it";

}  // namespace

BOOST_AUTO_TEST_SUITE(integration_cache_apply)

// --- cache (RFC 8461 §3.3, §5.1) ---

BOOST_AUTO_TEST_CASE(a_second_message_within_max_age_uses_the_cached_policy_without_a_second_fetch,
                     *sts::test::covers("STS-CACHE-02", "STS-CACHE-12"))
{
    auto w = two_mx_world();
    w.txt_ttl = 0;  // the resolver keeps no answer: every delivery asks the DNS server
    run r(w);
    const auto first = r.send();
    r.run_for(2min);
    const auto second = r.send();
    r.run_for(2min);

    check_delivered_under_policy(r, first);
    check_delivered_under_policy(r, second);
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.txt_queries() == 2u);  // the id was checked again, and had not changed
    BOOST_TEST(r.count("Valid cache entry found for the domain (example.test).", severity::debug) == 1u);
    BOOST_TEST(r.count("Fetching MTA-STS policy for domain(example.test)", severity::debug) == 1u);
    BOOST_TEST(r.count(mx0_skipped, severity::warning) == 2u);
    BOOST_TEST(r.rpt_successes() == 2u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_new_txt_id_is_fetched_and_its_policy_replaces_the_cached_one,
                     *sts::test::covers("STS-CACHE-03", "STS-DISC-04", "STS-CACHE-11", "STS-SEC-07"))
{
    auto w = two_mx_world();
    w.txt = toml_string("v=STSv1; id=A1;");  // "smaller" than the cached id: ids have no order
    run r(w);
    // The cached policy (a year long) lists only mx0; the new one lists only mx1.
    seed_cache(r, "B2", mtasts::mode::enforce, {"mx0.example.test"}, 31557600s);
    const auto mid = r.send();
    r.run_for(5min);

    BOOST_TEST(r.policy_requests() == 1u);
    check_delivered_under_policy(r, mid);
    BOOST_TEST(r.logged(mx0_skipped, severity::warning));
    BOOST_TEST(!r.logged_containing("Valid cache entry found"));
    const auto cached = r.engine().cache().find("example.test");
    BOOST_TEST_REQUIRE(cached.has_value());
    BOOST_TEST(cached->policy_id == "A1");
    BOOST_TEST(cached->cached_policy.mx_patterns == std::vector<std::string>{"mx1.example.test"});
    BOOST_TEST((cached->expires_at() == cached->fetched_at + 86400s));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_txt_record_removed_while_a_policy_is_cached_does_not_remove_the_policy,
                     *sts::test::covers("STS-CACHE-05", "STS-DISC-16", "STS-SEC-04", "STS-SEC-13", "STS-CACHE-04"))
{
    auto w = two_mx_world();
    w.txt_ttl = 0;
    w.more = txt_fault("nxdomain", 2);  // the second delivery finds no record
    run r(w);
    const auto first = r.send();
    r.run_for(2min);
    const auto second = r.send();
    r.run_for(2min);

    check_delivered_under_policy(r, first);
    check_delivered_under_policy(r, second);
    BOOST_TEST(r.txt_queries() == 2u);
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.logged("No MTA-STS TXT record found for domain(example.test)", severity::debug));
    const auto gone = r.find("No MTA-STS TXT record found for domain(example.test)");
    BOOST_TEST(r.find("Valid cache entry found for the domain (example.test).", gone) != std::string::npos);
    BOOST_TEST(r.count(mx0_skipped, severity::warning) == 2u);
    BOOST_TEST(r.engine().cache().find("example.test").has_value());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_txt_servfail_while_a_policy_is_cached_applies_the_cached_policy_and_is_reported,
                     *sts::test::covers("STS-CACHE-04", "STS-RPT-02"))
{
    auto w = two_mx_world();
    w.txt_ttl = 0;
    w.more = txt_fault("servfail", 2);
    run r(w);
    r.send();
    r.run_for(2min);
    const auto second = r.send();
    r.run_for(2min);

    check_delivered_under_policy(r, second);
    BOOST_TEST(r.logged("DNS Temporary Failure _mta-sts.example.test TXT - ServFail", severity::info));
    BOOST_TEST(r.policy_requests() == 1u);
    const auto failures = r.rpt_failures();
    const auto txt_failed = std::count_if(failures.begin(), failures.end(), [](const auto& f) {
        return f.reason == tlsrpt::failure_reason::txt_lookup_failed &&
               f.result == tlsrpt::result_type::sts_policy_fetch_error;
    });
    BOOST_TEST(txt_failed == 1);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_policy_is_fetched_again_once_its_max_age_has_run_out,
                     *sts::test::covers("STS-CACHE-01", "STS-CACHE-13"))
{
    auto w = two_mx_world();
    // Five minutes: too short for a proactive refresh (core::limits::policy_refresh_delay_min).
    w.policy_body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 300\n";
    run r(w);
    const auto first = r.send();
    r.run_for(2min);
    const auto second = r.send();  // within max_age: the cache
    r.run_for(4min);
    BOOST_TEST(r.policy_requests() == 1u);
    const auto third = r.send();  // six minutes after the fetch
    r.run_for(2min);

    BOOST_TEST(r.policy_requests() == 2u);
    BOOST_TEST(r.logged("Cached MTA-STS policy for the domain (example.test) has expired.", severity::info));
    BOOST_TEST(r.count("Valid cache entry found for the domain (example.test).", severity::debug) == 1u);
    check_delivered_under_policy(r, first);
    check_delivered_under_policy(r, second);
    check_delivered_under_policy(r, third);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_expired_policy_without_a_live_one_no_longer_restricts_delivery,
                     *sts::test::covers("STS-APPLY-17", "STS-CACHE-01"))
{
    auto w = two_mx_world();
    w.policy_body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 300\n";
    w.more = txt_fault("nxdomain", 2);
    run r(w);
    const auto first = r.send();
    r.run_for(6min);
    const auto second = r.send();
    r.run_for(2min);

    BOOST_TEST(r.outcome_of(first).delivered_via == "mx1.example.test");
    const auto o = r.outcome_of(second);
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx0.example.test");  // the first MX, no longer filtered
    BOOST_TEST(r.got_mail("mx0.example.test"));
    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.count(mx0_skipped, severity::warning) == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_failed_fetch_with_a_valid_cached_policy_applies_the_cached_policy,
                     *sts::test::covers("STS-FETCH-17", "STS-CACHE-04", "STS-RPT-02"))
{
    auto w = two_mx_world();
    w.txt = toml_string("v=STSv1; id=new2;");
    w.policy = "status = 500\n";
    run r(w);
    seed_cache(r, "old1", mtasts::mode::enforce, {"mx1.example.test"}, 86400s);
    const auto mid = r.send();
    r.run_for(5min);

    BOOST_TEST(r.policy_requests() == 1u);
    check_delivered_under_policy(r, mid);
    const auto failed = r.find("Encountered failure while fetching MTA-STS policy for domain(example.test)");
    BOOST_TEST_REQUIRE(failed != std::string::npos);
    BOOST_TEST(r.find("Valid cache entry found for the domain (example.test).", failed) != std::string::npos);
    BOOST_TEST(r.find("Applying MTA-STS policy for the domain (example.test)", failed) != std::string::npos);
    const auto failures = r.rpt_failures();
    const auto fetch_failed = std::count_if(failures.begin(), failures.end(), [](const auto& f) {
        return f.reason == tlsrpt::failure_reason::policy_http_status_not_200 &&
               f.result == tlsrpt::result_type::sts_policy_fetch_error;
    });
    BOOST_TEST(fetch_failed == 1);
    // The cached policy stays under its own id until a fetch succeeds.
    const auto cached = r.engine().cache().find("example.test");
    BOOST_TEST_REQUIRE(cached.has_value());
    BOOST_TEST(cached->policy_id == "old1");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_restarted_engine_keeps_its_cached_policy_and_does_not_fetch_again,
                     *sts::test::covers("STS-CACHE-02", "STS-SEC-04"))
{
    run r(two_mx_world());
    const auto first = r.send();
    r.run_for(2min);
    check_delivered_under_policy(r, first);
    BOOST_TEST(r.policy_requests() == 1u);

    r.restart();
    BOOST_TEST_REQUIRE(r.engine().cache().entries().size() == 1u);
    BOOST_TEST(r.engine().cache().entries()[0].policy_id == "20240926T1");
    const auto second = r.send();
    r.run_for(2min);

    BOOST_TEST(r.policy_requests() == 1u);
    BOOST_TEST(r.count("Valid cache entry found for the domain (example.test).", severity::debug) == 1u);
    const auto o = r.only_outcome();  // the new engine knows only its own message
    BOOST_TEST(o.mid == second);
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(!r.got_mail("mx0.example.test"));
    BOOST_TEST(r.count(mx0_skipped, severity::warning) == 2u);
    r.check_conservation();
}

// --- MX matching (RFC 8461 §4.1) ---

BOOST_AUTO_TEST_CASE(a_wildcard_pattern_matches_one_label_only,
                     *sts::test::covers("STS-MX-04", "STS-MX-01", "STS-APPLY-10"))
{
    world_parts w;
    w.policy_body = "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 86400\n";
    w.mx = {"10 a.b.example.test", "20 mx1.example.test"};
    w.smtp = {{"a.b.example.test", ""}, {"mx1.example.test", ""}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(!r.contacted("a.b.example.test"));
    BOOST_TEST(r.logged("MX host a.b.example.test is not listed in the MTA-STS policy for the domain (example.test), "
                        "skipping it",
                        severity::warning));
    BOOST_TEST(!r.logged_containing("MX host mx1.example.test is not listed"));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_not_listed_under_enforce_never_gets_the_message_and_the_next_mx_does,
                     *sts::test::covers("STS-MX-01", "STS-MX-08", "STS-APPLY-09", "STS-APPLY-10", "STS-APPLY-20",
                                        "STS-SEC-02"))
{
    run r(two_mx_world());
    const auto mid = r.send();
    r.run_for(5min);

    check_delivered_under_policy(r, mid);
    BOOST_TEST(!r.contacted("mx0.example.test"));  // not even a connection (engine.hpp: skip_mx)
    BOOST_TEST(r.logged(mx0_skipped, severity::warning));
    // The skipped MX comes first in the log, as in the MX order.
    BOOST_TEST(r.find(std::string(mx0_skipped)) < r.find("New SMTP DCID 1"));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST(failures[0].mx_host == "mx0.example.test");
    BOOST_TEST((failures[0].reason == tlsrpt::failure_reason::mx_not_listed_in_policy));
    BOOST_TEST((failures[0].policy == tlsrpt::policy_type::sts));
    BOOST_TEST(r.rpt_successes() == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(when_no_mx_is_listed_under_enforce_the_message_stays_queued_and_is_never_sent_in_clear,
                     *sts::test::covers("STS-MX-01", "STS-APPLY-09", "STS-APPLY-15"))
{
    auto w = two_mx_world();
    w.policy_body = "version: STSv1\nmode: enforce\nmx: mx9.example.test\nmax_age: 86400\n";
    w.smtp = {{"mx0.example.test", "starttls = false\n"}, {"mx1.example.test", ""}};
    run r(w);
    r.send();
    r.run_for(10min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::queued));
    BOOST_TEST(o.attempts >= 5u);
    BOOST_TEST(!r.got_mail("mx0.example.test"));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    BOOST_TEST(r.engine().dsns().empty());
    BOOST_TEST(r.logged_containing("Delayed: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.7.5 - "
                                   "MTA-STS policy enforce"));
    BOOST_TEST(r.policy_requests() == 1u);  // the retries use the cached policy
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_unlisted_mx_under_testing_gets_the_message_and_a_failure_is_reported,
                     *sts::test::covers("STS-APPLY-12", "STS-RPT-04"))
{
    world_parts w;
    w.policy_body = "version: STSv1\nmode: testing\nmx: mx9.example.test\nmax_age: 86400\n";
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(r.logged("MX host mx1.example.test is not listed in the MTA-STS policy for the domain (example.test), "
                        "testing mode, delivering anyway",
                        severity::info));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST(failures[0].mx_host == "mx1.example.test");
    BOOST_TEST((failures[0].reason == tlsrpt::failure_reason::mx_not_listed_in_policy));
    BOOST_TEST((failures[0].policy == tlsrpt::policy_type::sts));
    BOOST_TEST(failures[0].policy_id == "20240926T1");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(mx_names_match_patterns_regardless_of_case_and_a_trailing_dot,
                     *sts::test::covers("STS-MX-05", "STS-MX-06"))
{
    world_parts w;
    w.mx = {"10 MX1.Example.TEST."};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(r.got_mail("mx1.example.test"));
    BOOST_TEST(!r.logged_containing("is not listed in the MTA-STS policy"));
    BOOST_TEST(r.rpt_failures().empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(without_mx_records_the_domain_itself_is_the_mx_matched_against_the_policy,
                     *sts::test::covers("STS-MX-10"))
{
    world_parts w;
    w.mx.clear();
    w.policy_body = "version: STSv1\nmode: enforce\nmx: example.test\nmax_age: 86400\n";
    w.smtp = {{"example.test", ""}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "example.test");
    BOOST_TEST(o.tls_protocol.rfind("TLSv1.", 0) == 0);
    BOOST_TEST(r.logged("Applying MTA-STS policy for the domain (example.test)", severity::info));
    r.check_conservation();
}

// --- application (RFC 8461 §4.2, §5) ---

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_under_enforce_is_retried_rechecked_and_bounced_at_the_lifetime,
                     *sts::test::covers("STS-APPLY-03", "STS-APPLY-09", "STS-APPLY-14", "STS-APPLY-15", "STS-APPLY-16",
                                        "STS-SEC-03"))
{
    world_parts w;
    w.smtp = {{"mx1.example.test", "cert = { issuer = \"self-signed\" }\n"}};
    // The resolver keeps the TXT answer for a day, so only an uncached re-check reaches the
    // DNS server again.
    w.txt_ttl = 86400;
    run r(w);
    r.send();
    r.run_for(1h);

    // Deferred and retried, not bounced.
    auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::queued));
    BOOST_TEST(o.attempts >= 30u);
    BOOST_TEST(r.engine().dsns().empty());
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    BOOST_TEST(r.logged_containing("Delayed: DCID 1 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.7.5 - "
                                   "MTA-STS policy enforce"));

    r.run_for(2h);
    o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::bounced));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    BOOST_TEST_REQUIRE(r.engine().dsns().size() == 1u);
    const auto& dsn = r.engine().dsns().front();
    BOOST_TEST(dsn.rcpt_to == std::vector<std::string>{"alice@sender.test"});
    BOOST_TEST(dsn.data.find("Final-Recipient: rfc822; bob@example.test") != std::string::npos);

    // RFC 8461 §5.1: the fresh TXT check came after the last failed attempt and before the
    // bounce and its DSN.
    const auto recheck = r.find("MID 1 MTA-STS policy for the domain (example.test) re-checked before bounce: bounce");
    BOOST_TEST_REQUIRE(recheck != std::string::npos);
    const auto bounced = r.find("MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 5.4.7 - "
                                "Delivery expired (message too old)",
                                recheck);
    BOOST_TEST_REQUIRE(bounced != std::string::npos);
    BOOST_TEST(r.sim().log().entries()[bounced].text.rfind("Bounced: DCID ", 0) == 0);
    BOOST_TEST(r.find("bounce DSN generated to <alice@sender.test>", bounced) != std::string::npos);
    const auto& entries = r.sim().log().entries();
    std::size_t last_delayed = 0;
    for (std::size_t i = 0; i < recheck; ++i)
        if (entries[i].text.rfind("Delayed: ", 0) == 0) last_delayed = i;
    std::vector<sts::core::time_point> txt_at;
    for (const auto& q : r.sim().world().dns_server().queries().entries())
        if (q.qname == "_mta-sts.example.test" && q.qtype == sts::dns::rr_type::txt) txt_at.push_back(q.at);
    BOOST_TEST_REQUIRE(txt_at.size() == 2u);  // the first delivery's, and the re-check's
    BOOST_TEST((txt_at[1] >= entries[last_delayed].at));
    BOOST_TEST((txt_at[1] <= entries[bounced].at));

    const auto failures = r.rpt_failures();
    BOOST_TEST(failures.size() >= 30u);
    BOOST_TEST(std::all_of(failures.begin(), failures.end(), [](const auto& f) {
        return f.result == tlsrpt::result_type::certificate_not_trusted && f.mx_host == "mx1.example.test" &&
               f.policy == tlsrpt::policy_type::sts;
    }));
    BOOST_TEST(r.engine().counts().dsns == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_expired_mx_certificate_under_enforce_defers_and_is_reported,
                     *sts::test::covers("STS-APPLY-02", "STS-APPLY-09"))
{
    world_parts w;
    w.smtp = {{"mx1.example.test", "cert = { not_after = \"-1d\" }\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(!failures.empty());
    BOOST_TEST((failures[0].result == tlsrpt::result_type::certificate_expired));
    BOOST_TEST((failures[0].reason == tlsrpt::failure_reason::mx_certificate_expired));
    BOOST_TEST(!failures[0].receiving_ip.empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_certificate_for_another_name_under_enforce_defers_and_is_reported,
                     *sts::test::covers("STS-APPLY-04", "STS-APPLY-09"))
{
    world_parts w;
    w.smtp = {{"mx1.example.test", "cert = { names = [\"example.test\"] }\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(!failures.empty());
    BOOST_TEST((failures[0].result == tlsrpt::result_type::certificate_host_mismatch));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_failing_validation_is_passed_over_for_the_next_one,
                     *sts::test::covers("STS-APPLY-10", "STS-APPLY-03"))
{
    world_parts w;
    w.policy_body = "version: STSv1\nmode: enforce\nmx: mx0.example.test\nmx: mx1.example.test\nmax_age: 86400\n";
    w.mx = {"10 mx0.example.test", "20 mx1.example.test"};
    w.smtp = {{"mx0.example.test", "cert = { issuer = \"untrusted\" }\n"}, {"mx1.example.test", ""}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == "mx1.example.test");
    BOOST_TEST(r.contacted("mx0.example.test"));  // tried first, in MX order
    BOOST_TEST(!r.got_mail("mx0.example.test"));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST(failures[0].mx_host == "mx0.example.test");
    BOOST_TEST((failures[0].result == tlsrpt::result_type::certificate_not_trusted));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_under_testing_is_delivered_and_reported,
                     *sts::test::covers("STS-APPLY-12", "STS-RPT-03"))
{
    world_parts w;
    w.policy_body = "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 86400\n";
    w.smtp = {{"mx1.example.test", "cert = { issuer = \"self-signed\" }\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.rfind("TLSv1.", 0) == 0);
    BOOST_TEST(r.got_mail("mx1.example.test"));
    BOOST_TEST(r.logged("Applying MTA-STS policy for the domain (example.test)", severity::info));
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST((failures[0].result == tlsrpt::result_type::certificate_not_trusted));
    BOOST_TEST((failures[0].policy == tlsrpt::policy_type::sts));
    BOOST_TEST(failures[0].mx_host == "mx1.example.test");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(missing_starttls_under_testing_is_delivered_in_clear_and_reported,
                     *sts::test::covers("STS-APPLY-12", "STS-APPLY-19"))
{
    world_parts w;
    w.policy_body = "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 86400\n";
    w.smtp = {{"mx1.example.test", "starttls = false\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    const auto failures = r.rpt_failures();
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST((failures[0].result == tlsrpt::result_type::starttls_not_supported));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(mode_none_delivers_without_validation_and_reports_nothing,
                     *sts::test::covers("STS-APPLY-13", "STS-CACHE-10", "STS-RPT-03"))
{
    world_parts w;
    w.policy_body = "version: STSv1\nmode: none\nmax_age: 86400\n";
    w.smtp = {{"mx1.example.test", "cert = { issuer = \"self-signed\" }\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(r.got_mail("mx1.example.test"));
    BOOST_TEST(r.logged("MTA-STS policy for the domain (example.test) has mode none, delivering without MTA-STS",
                        severity::info));
    BOOST_TEST(!r.logged_containing("Applying MTA-STS policy"));
    BOOST_TEST(r.rpt_failures().empty());
    // A none policy is still a policy to cache (the clean opt-out).
    const auto cached = r.engine().cache().find("example.test");
    BOOST_TEST_REQUIRE(cached.has_value());
    BOOST_TEST((cached->cached_policy.policy_mode == mtasts::mode::none));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_limited_to_tls_1_2_is_accepted_under_enforce, *sts::test::covers("STS-APPLY-07"))
{
    world_parts w;
    w.smtp = {{"mx1.example.test", "tls_max = \"1.2\"\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol == "TLSv1.2");
    BOOST_TEST(r.rpt_failures().empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_offering_only_tls_1_0_gets_nothing_under_enforce, *sts::test::covers("STS-APPLY-08"))
{
    world_parts w;
    w.smtp = {{"mx1.example.test", "tls_max = \"1.0\"\n"}};
    run r(w);
    r.send();
    r.run_for(5min);

    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(!r.got_mail("mx1.example.test"));
    BOOST_TEST_REQUIRE(!r.rpt_failures().empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
