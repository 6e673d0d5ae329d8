// Tests sim/replay/trace_line.hpp: every line family the engine writes reads back with its
// fields (the line is produced by the engine's own writer in engine/log/*_lines.hpp, so
// reader and writer cannot drift apart), the tolerant forms of log-format.md "Reading
// customer logs", truncated lines, and lines that fit no family.
#include "sim/replay/trace_line.hpp"

#include "engine/dns/record.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/log/delivery_lines.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/log/policy_lines.hpp"
#include "engine/log/report_lines.hpp"
#include "engine/mtasts/policy.hpp"
#include "engine/smtp/reply.hpp"
#include "engine/tls/requirement.hpp"
#include "tests/support/covers.hpp"

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace sts;
using sim::line_family;
using sim::trace_line;

// Wed Sep  6 13:13:16 2023 UTC
core::time_point at_example() {
    using namespace std::chrono;
    return time_point_cast<core::duration>(sys_days{year{2023} / September / 6} + hours{13} + minutes{13} +
                                           seconds{16});
}

core::time_point at_date(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
    using namespace std::chrono;
    return time_point_cast<core::duration>(sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} +
                                           seconds{ss});
}

// Families the round-trip cases read back; the last case checks that none is missing.
std::set<line_family>& families_seen() {
    static std::set<line_family> seen;
    return seen;
}

// Writes `text` as the engine's mail log does and reads it back.
trace_line read_back(const std::string& text, log::severity sev = log::severity::info) {
    const std::string line = log::format_line(log::entry{at_example(), sev, text});
    trace_line l = sim::classify_line(line, 7);
    BOOST_TEST(l.number == 7u);
    BOOST_TEST(l.raw == line);
    BOOST_TEST((l.time == at_example()));
    BOOST_TEST((l.severity == sev));
    BOOST_TEST(l.text == text);
    BOOST_TEST(l.problem == "");
    BOOST_TEST(!l.truncated);
    families_seen().insert(l.family);
    return l;
}

std::vector<std::uint64_t> ids(std::initializer_list<std::uint64_t> v) { return v; }

const unsigned rid0[] = {0};
const unsigned rid01[] = {0, 1};

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_replay_trace_line)

void check_every_delivery_line_reads_back_with_its_fields()
{
    auto l = read_back(log::queued_for_delivery(12));
    BOOST_TEST(to_string(l.family) == "message_queued");
    BOOST_TEST((l.mid == 12u));

    l = read_back(log::new_smtp_connection(3, "10.0.0.1", "192.0.2.25", 25));
    BOOST_TEST(to_string(l.family) == "connection_new");
    BOOST_TEST((l.dcid == 3u));
    BOOST_TEST(l.interface_address == "10.0.0.1");
    BOOST_TEST(l.address == "192.0.2.25");
    BOOST_TEST((l.port == std::uint16_t{25}));

    l = read_back(log::tls_success(3, "TLSv1.3", "TLS_AES_256_GCM_SHA384"));
    BOOST_TEST(to_string(l.family) == "tls_success");
    BOOST_TEST((l.dcid == 3u));
    BOOST_TEST(l.protocol == "TLSv1.3");
    BOOST_TEST(l.cipher == "TLS_AES_256_GCM_SHA384");
    BOOST_TEST(l.address == "");

    l = read_back(log::starttls_not_supported(4));
    BOOST_TEST(to_string(l.family) == "starttls_unsupported");
    BOOST_TEST((l.dcid == 4u));

    l = read_back(log::tls_failed(4, "handshake failure (alert 40)"));
    BOOST_TEST(to_string(l.family) == "tls_failed");
    BOOST_TEST(l.detail == "handshake failure (alert 40)");

    l = read_back(log::tls_deferring_verify_error(5, "peer cert does not match domain"));
    BOOST_TEST(to_string(l.family) == "tls_verify_deferring");
    BOOST_TEST((l.dcid == 5u));
    BOOST_TEST(l.detail == "peer cert does not match domain");

    l = read_back(log::tls_verify_error_not_enforced(6, "certificate has expired"));
    BOOST_TEST(to_string(l.family) == "tls_verify_not_enforced");
    BOOST_TEST(l.detail == "certificate has expired");

    l = read_back(log::tls_required_not_negotiated(7));
    BOOST_TEST(to_string(l.family) == "tls_required_failed");
    BOOST_TEST((l.dcid == 7u));

    l = read_back(log::starttls_plaintext_discarded(8), log::severity::warning);
    BOOST_TEST(to_string(l.family) == "starttls_plaintext_discarded");
    BOOST_TEST((l.dcid == 8u));

    l = read_back(log::policy_successful("example.com"));
    BOOST_TEST(to_string(l.family) == "policy_successful");
    BOOST_TEST(l.domain == "example.com");

    l = read_back(log::delivery_start(3, 12, rid01));
    BOOST_TEST(to_string(l.family) == "delivery_start");
    BOOST_TEST((l.dcid == 3u));
    BOOST_TEST((l.mid == 12u));
    BOOST_TEST((l.rids == ids({0, 1})));

    l = read_back(log::message_done(3, 12, rid0));
    BOOST_TEST(to_string(l.family) == "message_done");
    BOOST_TEST((l.rids == ids({0})));

    smtp::reply ok;
    ok.code = 250;
    ok.lines = {"2.0.0 Ok: queued as 4Q1 'x'", "second line"};
    l = read_back(log::response(12, rid01, ok));
    BOOST_TEST(to_string(l.family) == "response");
    BOOST_TEST((l.mid == 12u));
    BOOST_TEST((l.rids == ids({0, 1})));
    BOOST_TEST(l.detail == "2.0.0 Ok: queued as 4Q1 \\'x\\' second line");  // as written

    l = read_back(log::message_finished(12));
    BOOST_TEST(to_string(l.family) == "message_finished");
    BOOST_TEST((l.mid == 12u));

    l = read_back(log::connection_close(3));
    BOOST_TEST(to_string(l.family) == "connection_close");
    BOOST_TEST((l.dcid == 3u));

    smtp::reply later;
    later.code = 451;
    later.lines = {"4.7.1 Try again later"};
    const std::string tuple = smtp::log_reply_tuple(later);
    log::recipient_event e{3, 12, "alice@sender.example", "bob@example.com", 1, "4.7.1", "Temporary failure", tuple};
    l = read_back(log::delayed(e));
    BOOST_TEST(to_string(l.family) == "delayed");
    BOOST_TEST((l.dcid == 3u));
    BOOST_TEST((l.mid == 12u));
    BOOST_TEST(l.sender == "alice@sender.example");
    BOOST_TEST(l.recipient == "bob@example.com");
    BOOST_TEST((l.rids == ids({1})));
    BOOST_TEST(l.status == "4.7.1");
    BOOST_TEST(l.detail == "Temporary failure");
    BOOST_TEST(l.reply_code == "451");
    BOOST_TEST(l.reply == "4.7.1 Try again later");

    const std::string none = log::no_reply_tuple("");
    log::recipient_event b{0, 13, "a@s.example", "b@example.org", 0, "5.1.10", "Null MX", none};
    l = read_back(log::bounced(b));
    BOOST_TEST(to_string(l.family) == "bounced");
    BOOST_TEST((l.dcid == 0u));
    BOOST_TEST(l.status == "5.1.10");
    BOOST_TEST(l.detail == "Null MX");
    BOOST_TEST(l.reply_code == "000");
    BOOST_TEST(l.reply == "");

    const std::string words = log::no_reply_tuple("TLS was required but could not be successfully negotiated");
    b.text = "TLS required";
    b.reply_tuple = words;
    l = read_back(log::delayed(b));
    BOOST_TEST(l.reply_code == "000");
    BOOST_TEST(l.reply == "TLS was required but could not be successfully negotiated");

    l = read_back(log::connection_error(9, "example.com", "192.0.2.25", 25, "Connection refused", "10.0.0.1",
                                        "connection refused"));
    BOOST_TEST(to_string(l.family) == "connection_error");
    BOOST_TEST((l.dcid == 9u));
    BOOST_TEST(l.domain == "example.com");
    BOOST_TEST(l.address == "192.0.2.25");
    BOOST_TEST((l.port == std::uint16_t{25}));
    BOOST_TEST(l.detail == "Connection refused");
    BOOST_TEST(l.interface_address == "10.0.0.1");
    BOOST_TEST(l.reason == "connection refused");

    const auto retry = at_date(2023, 9, 6, 13, 28, 16);
    l = read_back(log::next_attempt(12, rid01, retry), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "next_attempt");
    BOOST_TEST((l.rids == ids({0, 1})));
    BOOST_TEST((l.next_attempt == retry));

    l = read_back(log::bounce_recheck(12, "example.com", "the policy still rejects every MX host"));
    BOOST_TEST(to_string(l.family) == "recheck_before_bounce");
    BOOST_TEST((l.mid == 12u));
    BOOST_TEST(l.domain == "example.com");
    BOOST_TEST(l.detail == "the policy still rejects every MX host");

    l = read_back(log::dsn_generated(12, rid0, "alice@sender.example"));
    BOOST_TEST(to_string(l.family) == "dsn_generated");
    BOOST_TEST(l.sender == "alice@sender.example");

    l = read_back(log::conservation_violated(3, 1, 1, 0), log::severity::critical);
    BOOST_TEST(to_string(l.family) == "conservation_violated");
    BOOST_TEST(l.detail == "accepted 3 delivered 1 bounced 1 queued 0");
}

BOOST_AUTO_TEST_CASE(every_delivery_line_reads_back_with_its_fields)
{
    check_every_delivery_line_reads_back_with_its_fields();
}

void check_every_dns_line_reads_back_with_its_fields()
{
    auto l = read_back(log::dns_query("_mta-sts.example.com", dns::rr_type::txt), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "dns_query");
    BOOST_TEST(l.name == "_mta-sts.example.com");
    BOOST_TEST(l.record_type == "TXT");

    l = read_back(log::dns_query_recursive("example.com", dns::rr_type::mx), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "dns_query_recursive");
    BOOST_TEST(l.name == "example.com");
    BOOST_TEST(l.record_type == "MX");
    BOOST_TEST(l.detail == "recursive_nameserver0.parent");

    dns::query_trace t;
    t.name = "_mta-sts.example.com";
    t.type = dns::rr_type::txt;
    t.nameserver = "10.0.0.53";
    t.timeout_seconds = 5;
    l = read_back(log::dns_query_ip(t), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "dns_query_wire");
    BOOST_TEST(l.name == "_mta-sts.example.com");
    BOOST_TEST(l.record_type == "TXT");
    BOOST_TEST(l.address == "10.0.0.53");
    BOOST_TEST(l.detail == "5");

    dns::lookup_result r;
    r.name = "_mta-sts.example.com";
    r.type = dns::rr_type::txt;
    r.status = dns::lookup_status::answer;
    r.security = dns::dnssec_status::secure;
    r.ttl = 300;
    r.records = {{"_mta-sts.example.com", dns::rr_class::in, 300, dns::txt_rdata{{"v=STSv1; id=2023", "0906"}}}};
    l = read_back(log::dns_encache(r, at_example()), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "dns_encache");
    BOOST_TEST(l.name == "_mta-sts.example.com");
    BOOST_TEST(l.record_type == "TXT");
    BOOST_TEST(l.dnssec == "secure");
    BOOST_TEST((l.rdata == std::vector<std::string>{"v=STSv1; id=20230906"}));
    const auto expiry = std::chrono::duration_cast<std::chrono::seconds>(at_example().time_since_epoch()).count() + 300;
    BOOST_TEST((l.encache_counter == static_cast<std::uint64_t>(expiry)));

    r.type = dns::rr_type::mx;
    r.security = dns::dnssec_status::insecure;
    r.records = {{"example.com", dns::rr_class::in, 300, dns::mx_rdata{10, "mx1.example.com"}},
                 {"example.com", dns::rr_class::in, 300, dns::mx_rdata{20, "mx2.example.com"}}};
    l = read_back(log::dns_encache(r, at_example()), log::severity::debug);
    BOOST_TEST(l.dnssec == "insecure");
    BOOST_TEST((l.rdata == std::vector<std::string>{"10 mx1.example.com", "20 mx2.example.com"}));

    l = read_back(log::dns_temporary_failure("example.com", dns::rr_type::mx, dns::lookup_status::servfail));
    BOOST_TEST(to_string(l.family) == "dns_temporary_failure");
    BOOST_TEST(l.name == "example.com");
    BOOST_TEST(l.record_type == "MX");
    BOOST_TEST(l.detail == "ServFail");

    l = read_back(log::dns_hard_error("mx1.example.com", dns::rr_type::a, dns::lookup_status::nodata));
    BOOST_TEST(to_string(l.family) == "dns_hard_error");
    BOOST_TEST(l.name == "mx1.example.com");
    BOOST_TEST(l.record_type == "A");
    BOOST_TEST(l.detail == "NoData");

    l = read_back(log::null_mx("example.com"));
    BOOST_TEST(to_string(l.family) == "null_mx");
    BOOST_TEST(l.domain == "example.com");
}

BOOST_AUTO_TEST_CASE(every_dns_line_reads_back_with_its_fields)
{
    check_every_dns_line_reads_back_with_its_fields();
}

void check_every_mta_sts_line_reads_back_with_its_fields()
{
    const std::string d = "example.com";
    const std::pair<std::string, std::string> domain_only[] = {
        {log::txt_record_fetched(d), "txt_found"},
        {log::txt_record_absent(d), "txt_absent"},
        {log::txt_records_multiple(d), "txt_multiple"},
        {log::policy_lookup_deferred(d), "txt_deferring"},
        {log::cache_entry_expired(d), "policy_cache_expired"},
        {log::fetching_policy(d), "policy_fetch_start"},
        {log::policy_fetch_connection_timeout(d), "policy_fetch_timeout"},
        {log::policy_fetch_failed(d), "policy_fetch_failure"},
        {log::refreshing_policy(d), "policy_refresh_start"},
        {log::cache_entry_found(d), "policy_cache_hit"},
        {log::applying_policy(d), "policy_applying"},
        {log::policy_mode_none(d), "policy_mode_none"},
        {log::route_bypass(d), "route_bypass"},
        {log::dane_outcome_line(d, "mx1.example.com", tls::dane_outcome::mx_insecure), "dane_mx_insecure"},
        {log::dane_outcome_line(d, "mx1.example.com", tls::dane_outcome::mx_lookup_failed), "dane_mx_bogus"},
    };
    for (const auto& [text, family] : domain_only) {
        BOOST_TEST_CONTEXT(text) {
            const auto l = read_back(text);
            BOOST_TEST(to_string(l.family) == family);
            BOOST_TEST(l.domain == d);
        }
    }

    auto l = read_back(log::fetching_policy_via_proxy(), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "policy_fetch_via_proxy");

    l = read_back(log::txt_record_invalid(d, "STS-DISC-06: id longer than 32 characters"));
    BOOST_TEST(to_string(l.family) == "txt_invalid");
    BOOST_TEST(l.domain == d);
    BOOST_TEST(l.detail == "STS-DISC-06: id longer than 32 characters");

    l = read_back(log::policy_fetched(d, mtasts::mode::enforce, std::chrono::seconds{86400}), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "policy_fetched");
    BOOST_TEST(l.domain == d);
    BOOST_TEST(l.mode == "enforce");
    BOOST_TEST((l.max_age == 86400u));

    l = read_back(log::policy_fetch_failed_because(d, "HTTP status 404"), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "policy_fetch_failed");
    BOOST_TEST(l.domain == d);
    BOOST_TEST(l.detail == "HTTP status 404");

    l = read_back(log::policy_invalid(d, "line 2: mode: unknown value \"strict\""));
    BOOST_TEST(to_string(l.family) == "policy_invalid");
    BOOST_TEST(l.detail == "line 2: mode: unknown value \"strict\"");

    l = read_back(log::policy_fetch_backoff(d), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "policy_fetch_backoff");
    BOOST_TEST(l.detail == "the last attempt failed less than 5 minutes ago");

    l = read_back(log::refreshed_policy(d, "testing", 604800), log::severity::debug);
    BOOST_TEST(to_string(l.family) == "policy_refreshed");
    BOOST_TEST(l.mode == "testing");
    BOOST_TEST((l.max_age == 604800u));

    l = read_back(log::refresh_failed(d, "connection timeout"));
    BOOST_TEST(to_string(l.family) == "policy_refresh_failed");
    BOOST_TEST(l.detail == "connection timeout");

    l = read_back(log::refresh_alert(d, 3), log::severity::warning);
    BOOST_TEST(to_string(l.family) == "policy_refresh_failing");
    BOOST_TEST(l.domain == d);
    BOOST_TEST(l.detail == "3");

    l = read_back(log::mx_not_in_policy_enforce(d, "mx9.other.example"), log::severity::warning);
    BOOST_TEST(to_string(l.family) == "mx_not_listed_enforce");
    BOOST_TEST(l.host == "mx9.other.example");
    BOOST_TEST(l.domain == d);

    l = read_back(log::mx_not_in_policy_testing(d, "mx9.other.example"));
    BOOST_TEST(to_string(l.family) == "mx_not_listed_testing");
    BOOST_TEST(l.host == "mx9.other.example");
    BOOST_TEST(l.domain == d);
}

BOOST_AUTO_TEST_CASE(every_mta_sts_line_reads_back_with_its_fields)
{
    check_every_mta_sts_line_reads_back_with_its_fields();
}

void check_every_dane_route_and_profile_line_reads_back_with_its_fields()
{
    const std::pair<tls::dane_outcome, std::string> host_lines[] = {
        {tls::dane_outcome::tlsa_usable, "dane_usable"},
        {tls::dane_outcome::tlsa_unusable, "dane_all_unusable"},
        {tls::dane_outcome::not_applicable, "dane_not_secure"},
        {tls::dane_outcome::lookup_failed, "dane_lookup_failed"},
    };
    for (const auto& [outcome, family] : host_lines) {
        const auto text = log::dane_outcome_line("example.com", "mx1.example.com", outcome);
        BOOST_TEST_CONTEXT(text) {
            const auto l = read_back(text);
            BOOST_TEST(to_string(l.family) == family);
            BOOST_TEST(l.host == "mx1.example.com");
            BOOST_TEST(l.domain == "example.com");
        }
    }
    auto l = read_back(log::route_smart_host("example.com", "relay.example.net"));
    BOOST_TEST(to_string(l.family) == "route_smart_host");
    BOOST_TEST(l.domain == "example.com");
    BOOST_TEST(l.host == "relay.example.net");

    l = read_back(log::default_profile_mta_sts_warning(), log::severity::warning);
    BOOST_TEST(to_string(l.family) == "default_profile_warning");
}

BOOST_AUTO_TEST_CASE(every_dane_route_and_profile_line_reads_back_with_its_fields)
{
    check_every_dane_route_and_profile_line_reads_back_with_its_fields();
}

void check_every_tlsrpt_line_reads_back_with_its_fields()
{
    using namespace std::chrono;
    const std::string file = "sender.example!example.com!1693958400!1694044799.json.gz";
    const std::string d = "example.com";

    auto l = read_back(log::report_without_policy(d, sys_days{year{2023} / September / 5}, "no_record"));
    BOOST_TEST(to_string(l.family) == "tlsrpt_no_policy");
    BOOST_TEST(l.domain == d);
    BOOST_TEST(l.detail == "no_record");
    BOOST_TEST(l.day == "2023-09-05");

    l = read_back(log::report_sent(file, d, "https://tlsrpt.example.com/v1", 202));
    BOOST_TEST(to_string(l.family) == "tlsrpt_sent");
    BOOST_TEST(l.file == file);
    BOOST_TEST(l.domain == d);
    BOOST_TEST(l.uri == "https://tlsrpt.example.com/v1");
    BOOST_TEST(l.status == "202");

    l = read_back(log::report_endpoint_failed(file, d, "https://tlsrpt.example.com/v1", "HTTP 500 Internal Error"),
                  log::severity::warning);
    BOOST_TEST(to_string(l.family) == "tlsrpt_failed");
    BOOST_TEST(l.uri == "https://tlsrpt.example.com/v1");
    BOOST_TEST(l.detail == "HTTP 500 Internal Error");

    l = read_back(log::report_handed_to_queue(file, d, "mailto:tlsrpt@example.com", 44));
    BOOST_TEST(to_string(l.family) == "tlsrpt_queued");
    BOOST_TEST((l.mid == 44u));
    BOOST_TEST(l.uri == "mailto:tlsrpt@example.com");

    const auto retry = at_date(2023, 9, 7, 1, 0, 0);
    l = read_back(log::report_retry(file, d, retry));
    BOOST_TEST(to_string(l.family) == "tlsrpt_retry");
    BOOST_TEST((l.next_attempt == retry));

    l = read_back(log::report_given_up(file, d, 4), log::severity::warning);
    BOOST_TEST(to_string(l.family) == "tlsrpt_given_up");
    BOOST_TEST(l.file == file);
    BOOST_TEST(l.detail == "4");
}

BOOST_AUTO_TEST_CASE(every_tlsrpt_line_reads_back_with_its_fields)
{
    check_every_tlsrpt_line_reads_back_with_its_fields();
}

// Runs every round trip itself, so it holds when CTest runs it alone.
BOOST_AUTO_TEST_CASE(the_round_trip_cases_cover_every_family)
{
    families_seen().clear();
    check_every_delivery_line_reads_back_with_its_fields();
    check_every_dns_line_reads_back_with_its_fields();
    check_every_mta_sts_line_reads_back_with_its_fields();
    check_every_dane_route_and_profile_line_reads_back_with_its_fields();
    check_every_tlsrpt_line_reads_back_with_its_fields();
    for (int f = static_cast<int>(line_family::message_queued); f <= static_cast<int>(line_family::tlsrpt_given_up);
         ++f) {
        const auto family = static_cast<line_family>(f);
        BOOST_TEST_CONTEXT(to_string(family)) {
            BOOST_TEST(to_string(family) != "unclassified");
            BOOST_TEST(families_seen().count(family) == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(syslog_prefixes_are_read_and_a_missing_year_comes_from_the_default)
{
    auto l = sim::classify_line("<22>Sep  6 13:13:16 gw1 mail_logs: Info: MID 12 queued for delivery", 1, 2023);
    BOOST_TEST(to_string(l.family) == "message_queued");
    BOOST_TEST((l.time == at_example()));
    BOOST_TEST((l.severity == log::severity::info));
    BOOST_TEST((l.mid == 12u));

    l = sim::classify_line("Sep 06 13:13:16 gw1 mail_logs[311]: Info: MID 12 queued for delivery", 1, 2023);
    BOOST_TEST((l.time == at_example()));
    BOOST_TEST(to_string(l.family) == "message_queued");

    l = sim::classify_line("<165>1 2023-09-06T15:13:16+02:00 gw1 mail_logs - - - Info: DCID 3 close", 1);
    BOOST_TEST(to_string(l.family) == "connection_close");
    BOOST_TEST((l.time == at_example()));

    l = sim::classify_line(
        "<165>1 2023-09-06T13:13:16.250Z gw1 mail_logs 77 ID47 [origin ip=\"10.0.0.1\" x=\"a\\]b\"] Debug: "
        "DNS query: Q(example.com, 'MX')",
        1);
    BOOST_TEST(to_string(l.family) == "dns_query");
    BOOST_TEST((l.severity == log::severity::debug));
    BOOST_TEST((l.time == at_example() + std::chrono::milliseconds{250}));

    // The collector's prefix before the product's own timestamp: the product's (with its
    // year) is the line's time.
    l = sim::classify_line("Jan  1 00:00:01 gw1 mail_logs: Wed Sep  6 13:13:16 2023 Info: DCID 3 close", 1, 2030);
    BOOST_TEST((l.time == at_example()));
    BOOST_TEST(to_string(l.family) == "connection_close");

    l = sim::classify_line("2023-09-06T13:13:16Z gw1 mail_logs: Info: DCID 3 close", 1);
    BOOST_TEST((l.time == at_example()));
    BOOST_TEST(to_string(l.family) == "connection_close");
}

BOOST_AUTO_TEST_CASE(padding_of_the_day_case_of_level_words_and_crlf_are_tolerated)
{
    for (const std::string line : {"Wed Sep  6 13:13:16 2023 Info: DCID 3 close",
                                   "Wed Sep 06 13:13:16 2023 INFO: DCID 3 close\r",
                                   "wed sep 6 13:13:16 2023 info:DCID 3 close\r\n"}) {
        BOOST_TEST_CONTEXT(line) {
            const auto l = sim::classify_line(line, 1);
            BOOST_TEST(to_string(l.family) == "connection_close");
            BOOST_TEST((l.time == at_example()));
            BOOST_TEST((l.severity == log::severity::info));
            BOOST_TEST(l.problem == "");
        }
    }
}

BOOST_AUTO_TEST_CASE(suffixes_from_other_versions_are_ignored_after_the_known_shape)
{
    auto l = sim::classify_line(
        "Wed Sep  6 13:13:16 2023 Info: DCID 3 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 "
        "CN=mx1.example.com",
        1);
    BOOST_TEST(to_string(l.family) == "tls_success");
    BOOST_TEST(l.cipher == "ECDHE-RSA-AES256-GCM-SHA384");
    BOOST_TEST(l.problem == "");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: Applying MTA-STS policy for the domain (example.com) "
                           "for example.com",
                           1);
    BOOST_TEST(to_string(l.family) == "policy_applying");
    BOOST_TEST(l.domain == "example.com");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: Fetched MTA-STS policy for domain(example.com) mode "
                           "enforce max_age 86400 for example.com",
                           1);
    BOOST_TEST((l.max_age == 86400u));
    BOOST_TEST(l.mode == "enforce");
}

BOOST_AUTO_TEST_CASE(the_ip_form_of_tls_lines_keeps_the_address)
{
    auto l = sim::classify_line(
        "Wed Sep  6 13:13:16 2023 Info: DCID 3 IP 192.0.2.25 TLS success protocol TLSv1.3 cipher TLS_AES_128_GCM_SHA256",
        1);
    BOOST_TEST(to_string(l.family) == "tls_success");
    BOOST_TEST(l.address == "192.0.2.25");
    BOOST_TEST(l.protocol == "TLSv1.3");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: DCID 3 IP 192.0.2.25 TLS deferring: verify error: peer "
                           "cert does not match domain",
                           1);
    BOOST_TEST(to_string(l.family) == "tls_verify_deferring");
    BOOST_TEST(l.address == "192.0.2.25");
    BOOST_TEST(l.detail == "peer cert does not match domain");
}

BOOST_AUTO_TEST_CASE(delayed_and_bounced_read_with_or_without_from_and_to_and_either_quote)
{
    auto l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: Delayed: DCID 3 MID 12 RID 0 - 4.7.5 - TLS "
                                "required (\"000\", [\"no reply\"])",
                                1);
    BOOST_TEST(to_string(l.family) == "delayed");
    BOOST_TEST(l.sender == "");
    BOOST_TEST(l.recipient == "");
    BOOST_TEST((l.rids == ids({0})));
    BOOST_TEST(l.status == "4.7.5");
    BOOST_TEST(l.detail == "TLS required");
    BOOST_TEST(l.reply_code == "000");
    BOOST_TEST(l.reply == "no reply");
    BOOST_TEST(l.problem == "");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: Bounced: DCID 3 MID 12 From: <a@s.example> To: "
                           "<b@example.com> RID 0 - 5.1.1 - Unknown address error ('550', ['5.1.1 <b@example.com>: "
                           "unknown', 'see https://x'])",
                           1);
    BOOST_TEST(to_string(l.family) == "bounced");
    BOOST_TEST(l.sender == "a@s.example");
    BOOST_TEST(l.recipient == "b@example.com");
    BOOST_TEST(l.reply_code == "550");
    BOOST_TEST(l.reply == "5.1.1 <b@example.com>: unknown see https://x");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: DNS query: Q(_mta-sts.example.com, \"TXT\")", 1);
    BOOST_TEST(l.record_type == "TXT");
    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: MID 1 RID [0] Response \"250 ok\"", 1);
    BOOST_TEST(l.detail == "250 ok");
}

BOOST_AUTO_TEST_CASE(a_truncated_line_keeps_its_family_and_the_fields_read_so_far)
{
    auto l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: New SMTP DCID 3 interface 10.0.0.1 addr", 1);
    BOOST_TEST(to_string(l.family) == "connection_new");
    BOOST_TEST(l.truncated);
    BOOST_TEST((l.dcid == 3u));
    BOOST_TEST(l.interface_address == "10.0.0.1");
    BOOST_TEST(l.address == "");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: Delayed: DCID 3 MID 12 From: <a@s.example> To: <b@exa", 1);
    BOOST_TEST(to_string(l.family) == "delayed");
    BOOST_TEST(l.truncated);
    BOOST_TEST(l.sender == "a@s.example");
    BOOST_TEST(l.recipient == "b@exa");

    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: MID 1 RID [0, 1] Response '250 2.0.0 Ok: que", 1);
    BOOST_TEST(to_string(l.family) == "response");
    BOOST_TEST(l.truncated);
    BOOST_TEST(l.detail == "250 2.0.0 Ok: que");

    // Cut before the words that tell two families apart: kept, but not guessed.
    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: MTA-STS policy for the domain (exam", 1);
    BOOST_TEST(to_string(l.family) == "unclassified");
    BOOST_TEST(l.truncated);
    BOOST_TEST(l.problem == "truncated before its family is known");
}

BOOST_AUTO_TEST_CASE(a_line_longer_than_the_cap_is_cut_there_and_marked_truncated)
{
    std::string line = "Wed Sep  6 13:13:16 2023 Info: DCID 3 TLS failed: ";
    line += std::string(100000, 'x');
    const auto l = sim::classify_line(line, 1);
    BOOST_TEST(to_string(l.family) == "tls_failed");
    BOOST_TEST(l.truncated);
    BOOST_TEST(l.raw.size() == sim::trace_line_bytes_max);
    BOOST_TEST(l.detail.size() < sim::trace_line_bytes_max);
}

BOOST_AUTO_TEST_CASE(lines_that_fit_no_family_are_kept_with_the_reason)
{
    auto l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: ICID 5 something the reader never heard of", 3);
    BOOST_TEST(to_string(l.family) == "unclassified");
    BOOST_TEST(l.problem == "unknown text");
    BOOST_TEST(l.number == 3u);
    BOOST_TEST(l.text == "ICID 5 something the reader never heard of");
    BOOST_TEST((l.time == at_example()));

    l = sim::classify_line("hello, here is the log you asked for", 1);
    BOOST_TEST(to_string(l.family) == "unclassified");
    BOOST_TEST(l.problem == "no timestamp");

    using namespace std::string_literals;
    l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: DCID 3 cl\0se\x1b[0m"s, 1);
    BOOST_TEST(to_string(l.family) == "unclassified");
    BOOST_TEST(l.problem == "binary bytes");

    l = sim::classify_line("", 1);
    BOOST_TEST(to_string(l.family) == "unclassified");
}

BOOST_AUTO_TEST_CASE(a_middle_that_departs_from_the_shape_is_noted_and_the_family_kept)
{
    const auto l = sim::classify_line("Wed Sep  6 13:13:16 2023 Info: Delivery start DCID 3 MID x12 to RID [0]", 1);
    BOOST_TEST(to_string(l.family) == "delivery_start");
    BOOST_TEST((l.dcid == 3u));
    BOOST_TEST(!l.mid.has_value());
    BOOST_TEST(l.problem.find("departs from the delivery_start shape") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(peer_text_in_fields_stays_as_written)
{
    const auto text = log::tls_failed(3, "bad\x01reply \"quoted\" \\ end");
    const auto l = sim::classify_line(log::format_line(log::entry{at_example(), log::severity::info, text}), 1);
    BOOST_TEST(to_string(l.family) == "tls_failed");
    BOOST_TEST(l.detail == "bad\\x01reply \\\"quoted\\\" \\\\ end");
}

BOOST_AUTO_TEST_CASE(begins_log_line_tells_a_new_line_from_a_continuation)
{
    BOOST_TEST(sim::begins_log_line("Wed Sep  6 13:13:16 2023 Info: MID 1 queued for delivery"));
    BOOST_TEST(sim::begins_log_line("<22>Sep  6 13:13:16 gw1 mail_logs: Info: MID 1 queued for delivery"));
    BOOST_TEST(sim::begins_log_line("Info: MID 1 queued for delivery"));
    BOOST_TEST(!sim::begins_log_line("example.com) Successful."));
    BOOST_TEST(!sim::begins_log_line(""));
    BOOST_TEST(!sim::begins_log_line("   'second line of a reply'"));
}

BOOST_AUTO_TEST_SUITE_END()
