// Tests sim/replay/trace_inference.hpp: each rule from a line family to the world that
// explains it (TXT record, policy fetch and cache, policy mode, MX hosts, STARTTLS, TLS
// version and key, certificate faults, the profile's TLS setting, outcomes, retry delays,
// queue lifetime), and that a choice the trace leaves open is said so with the default
// picked. Traces are literal lines in the formats of docs/mail-log.md.
#include "sim/replay/trace_inference.hpp"

#include "tests/support/covers.hpp"
#include "tests/unit/sim/replay/trace_text.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace {

using namespace sts;
using namespace std::chrono_literals;
using sim::cert_fault;
using test::debug_at;
using test::log_at;

sim::inferred_world infer(const std::vector<std::string>& lines, std::vector<std::string> domains = {}) {
    sim::inference_options o;
    o.domains = std::move(domains);
    o.source = "case.log";
    return sim::infer_world(test::trace_of(lines), o);
}

const sim::inferred_domain& domain(const sim::inferred_world& w, const std::string& name) {
    for (const auto& d : w.domains) {
        if (d.name == name) return d;
    }
    BOOST_FAIL("the world has no domain " << name);
    return w.domains.front();
}

bool has_open_choice(const sim::inferred_world& w, const std::string& part) {
    return std::any_of(w.open_choices.begin(), w.open_choices.end(),
                       [&](const std::string& c) { return c.find(part) != std::string::npos; });
}

// The line a fact whose subject contains `subject` rests on; -1 when there is none.
long fact_line(const sim::inferred_world& w, const std::string& subject, const std::string& value_part = "") {
    for (const auto& f : w.facts) {
        if (f.subject.find(subject) != std::string::npos && f.value.find(value_part) != std::string::npos) {
            return static_cast<long>(f.line);
        }
    }
    return -1;
}

std::string all_open(const sim::inferred_world& w) {
    std::string out;
    for (const auto& c : w.open_choices) out += c + "\n";
    return out;
}

const std::string queued = log_at("09:00:00", "MID 1 queued for delivery");
const std::string connect_a =
    log_at("09:00:01", "New SMTP DCID 5 interface 192.0.2.10 address 203.0.113.7 port 25");

std::string delivered(const std::string& hhmmss = "09:00:02", int dcid = 5) {
    return log_at(hhmmss, "Message done DCID " + std::to_string(dcid) + " MID 1 to RID [0]");
}

std::string delayed_to(
    const std::string& domain, const std::string& hhmmss = "09:00:02", int dcid = 5,
    const std::string& status = "4.7.5", const std::string& code = "000",
    const std::string& reply = "TLS was required but could not be successfully negotiated") {
    return log_at(hhmmss, "Delayed: DCID " + std::to_string(dcid) + " MID 1 From: <s@gw.example> To: <r@" +
                              domain + "> RID 0 - " + status + " - " + reply + " ('" + code + "', ['" +
                              reply + "'])");
}

std::string bounced_to(const std::string& domain, const std::string& hhmmss, int dcid,
                       const std::string& status, const std::string& code, const std::string& reply) {
    return log_at(hhmmss, "Bounced: DCID " + std::to_string(dcid) + " MID 1 From: <s@gw.example> To: <r@" +
                              domain + "> RID 0 - " + status + " - " + reply + " ('" + code + "', ['" +
                              reply + "'])");
}

std::string fetch_failed(const std::string& detail, const std::string& domain = "x.example") {
    return debug_at("09:00:00",
                    "Request to fetch STS policy failed due to " + detail + ". For domain " + domain);
}

// A message to x.example whose policy fetch ends with `line`, then delivered.
std::vector<std::string> with_fetch_line(const std::string& line) {
    return {queued,
            log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
            debug_at("09:00:00", "Fetching MTA-STS policy for domain(x.example)"),
            line,
            log_at("09:00:00", "Encountered failure while fetching MTA-STS policy for domain(x.example)"),
            connect_a,
            delayed_to("x.example")};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replay_trace_inference)

// ---- the _mta-sts TXT record ----

BOOST_AUTO_TEST_CASE(a_fetched_txt_record_is_present_and_turns_mta_sts_on) {
    const auto w =
        infer({queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
               connect_a, delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.txt == "present");
    BOOST_TEST(d.mta_sts);
    BOOST_TEST(fact_line(w, "x.example _mta-sts TXT record", "present") == 2);
}

BOOST_AUTO_TEST_CASE(a_missing_txt_record_is_absent_with_mta_sts_on) {
    const auto w = infer({queued, debug_at("09:00:00", "No MTA-STS TXT record found for domain(x.example)"),
                          connect_a, delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.txt == "absent");
    BOOST_TEST(d.mta_sts);
    BOOST_TEST(fact_line(w, "_mta-sts TXT record", "absent") == 2);
}

BOOST_AUTO_TEST_CASE(the_policy_id_is_read_from_the_encache_line_of_the_txt_lookup) {
    const auto w = infer({queued, debug_at("09:00:00", "DNS query: Q(_mta-sts.x.example, 'TXT')"),
                          debug_at("09:00:00",
                                   "DNS encache (_mta-sts.x.example, TXT, [(1709546400L, 0, 'insecure', "
                                   "('v=STSv1; id=20240301T000000;',))])"),
                          log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
                          connect_a, delayed_to("x.example")});
    BOOST_TEST(domain(w, "x.example").txt_id == "20240301T000000");
    BOOST_TEST(fact_line(w, "x.example policy id") == 3);
    BOOST_TEST(w.log_level == "debug");
}

BOOST_AUTO_TEST_CASE(without_an_encache_line_the_policy_id_is_the_default) {
    const auto w =
        infer({queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
               connect_a, delayed_to("x.example")});
    BOOST_TEST(domain(w, "x.example").txt_id == "replay1");
    BOOST_TEST(w.log_level == "info");
}

BOOST_AUTO_TEST_CASE(a_txt_lookup_that_defers_delivery_sets_the_engine_to_defer) {
    const auto w =
        infer({queued, log_at("09:00:00", "DNS Temporary Failure _mta-sts.x.example TXT - ServFail"),
               log_at("09:00:00",
                      "Deferring delivery for the domain (x.example): MTA-STS TXT lookup failed "
                      "and no policy is cached")},
              {"x.example"});
    BOOST_TEST(domain(w, "x.example").txt == "servfail");
    BOOST_TEST(w.txt_defers);
}

// ---- the policy fetch ----

BOOST_AUTO_TEST_CASE(a_fetch_timeout_makes_a_policy_host_that_does_not_answer) {
    const auto w = infer(with_fetch_line(debug_at(
        "09:00:00", "Request to fetch STS policy failed due to connection timeout. For domain x.example")));
    BOOST_TEST(domain(w, "x.example").fetch == "timeout");
    BOOST_TEST(fact_line(w, "x.example policy host", "timeout") == 4);
    BOOST_TEST(!has_open_choice(w, "without a reason"), "the timeout line gave the reason");
}

BOOST_AUTO_TEST_CASE(a_fetch_failure_without_a_reason_at_info_level_is_taken_as_a_timeout_and_said_so) {
    const auto w =
        infer({queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
               log_at("09:00:00", "Encountered failure while fetching MTA-STS policy for domain(x.example)"),
               connect_a, delayed_to("x.example")});
    BOOST_TEST(domain(w, "x.example").fetch == "timeout");
    BOOST_TEST(has_open_choice(w, "taken as a timeout"), all_open(w));
}

BOOST_AUTO_TEST_CASE(an_http_status_failure_gives_the_policy_host_that_status) {
    const auto w = infer(with_fetch_line(fetch_failed("HTTP status 404 Not Found")));
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.fetch == "status");
    BOOST_TEST(d.http_status == 404);
    BOOST_TEST(fact_line(w, "x.example policy host", "HTTP 404") == 4);
}

BOOST_AUTO_TEST_CASE(a_redirect_status_is_kept_as_that_status) {
    const auto w = infer(with_fetch_line(
        fetch_failed("HTTP status 301 to https://elsewhere.example/ (redirects are not followed)")));
    BOOST_TEST(domain(w, "x.example").fetch == "status");
    BOOST_TEST(domain(w, "x.example").http_status == 301);
}

struct cert_case {
    std::string detail;
    cert_fault fault;
};
std::ostream& operator<<(std::ostream& out, const cert_case& c) {
    return out << c.detail;
}

const std::vector<cert_case> policy_cert_cases = {
    {"certificate of mta-sts.x.example (CN=mta-sts.x.example) not valid: certificate has expired",
     cert_fault::expired},
    {"certificate of mta-sts.x.example (CN=mta-sts.x.example) not valid: certificate is not yet valid",
     cert_fault::not_yet_valid},
    {"certificate of mta-sts.x.example (CN=mta-sts.x.example) not valid: self-signed certificate",
     cert_fault::self_signed},
    {"certificate of mta-sts.x.example (CN=x) not valid: unable to get local issuer certificate",
     cert_fault::untrusted},
    {"certificate (CN=www.other.example) has no DNS-ID matching mta-sts.x.example",
     cert_fault::name_mismatch},
    {"certificate of mta-sts.x.example (CN=x) not valid: something new", cert_fault::untrusted},
};

BOOST_DATA_TEST_CASE(a_certificate_failure_of_the_policy_host_gives_it_that_certificate_fault,
                     boost::unit_test::data::make(policy_cert_cases), c) {
    const auto w = infer(with_fetch_line(fetch_failed(c.detail)));
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.fetch == "cert");
    BOOST_TEST((d.policy_cert == c.fault));
}

BOOST_AUTO_TEST_CASE(a_proxy_answering_407_is_a_proxy_that_requires_authentication) {
    const auto w =
        infer(with_fetch_line(fetch_failed("proxy 10.10.1.80:3128 answered CONNECT mta-sts.x.example:443 "
                                           "with 407 Proxy Authentication Required")));
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.fetch == "proxy");
    BOOST_TEST(d.proxy);
    BOOST_TEST(d.proxy_fault == "auth-required");
}

BOOST_AUTO_TEST_CASE(a_proxy_answering_502_is_a_bad_gateway_and_a_silent_one_stalls) {
    const auto bad = infer(with_fetch_line(
        fetch_failed("proxy 10.10.1.80:3128 answered CONNECT mta-sts.x.example:443 with 502 Bad Gateway")));
    BOOST_TEST(domain(bad, "x.example").proxy_fault == "bad-gateway");
    const auto silent = infer(with_fetch_line(
        fetch_failed("proxy 10.10.1.80:3128 did not answer CONNECT mta-sts.x.example:443 in time")));
    BOOST_TEST(domain(silent, "x.example").proxy_fault == "stall");
    BOOST_TEST(domain(silent, "x.example").fetch == "proxy");
}

BOOST_AUTO_TEST_CASE(the_proxy_line_routes_the_fetch_through_a_proxy) {
    const auto w =
        infer({queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
               debug_at("09:00:00", "Fetching MTA-STS policy for domain(x.example)"),
               debug_at("09:00:00", "Requesting MTA-STS policy fetch via proxy"),
               debug_at("09:01:00",
                        "Request to fetch STS policy failed due to connection timeout. For domain x.example"),
               connect_a, delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.proxy);
    BOOST_TEST(d.fetch == "timeout");
    BOOST_TEST(d.proxy_fault.empty());
    BOOST_TEST(fact_line(w, "x.example policy fetch", "proxy") == 4);
}

BOOST_AUTO_TEST_CASE(a_wrong_content_type_is_rebuilt_with_that_type) {
    const auto w = infer(with_fetch_line(fetch_failed("Content-Type text/html (text/plain required)")));
    BOOST_TEST(domain(w, "x.example").fetch == "content-type");
    BOOST_TEST(domain(w, "x.example").content_type == "text/html");
}

BOOST_AUTO_TEST_CASE(a_missing_content_type_is_rebuilt_as_none) {
    const auto w = infer(with_fetch_line(fetch_failed("no Content-Type (text/plain required)")));
    BOOST_TEST(domain(w, "x.example").fetch == "content-type");
    BOOST_TEST(domain(w, "x.example").content_type == "-");
}

BOOST_AUTO_TEST_CASE(a_policy_host_name_without_address_is_a_dns_failure) {
    const auto w = infer(with_fetch_line(fetch_failed("mta-sts.x.example A: nxdomain")));
    BOOST_TEST(domain(w, "x.example").fetch == "dns");
}

BOOST_AUTO_TEST_CASE(a_fetch_failure_the_replay_cannot_rebuild_is_an_open_choice) {
    const auto w = infer(with_fetch_line(fetch_failed("something nobody has seen before")));
    BOOST_TEST(domain(w, "x.example").fetch == "failed");
    BOOST_TEST(has_open_choice(w, "something nobody has seen before"), all_open(w));
}

BOOST_AUTO_TEST_CASE(an_invalid_policy_body_keeps_the_parser_detail) {
    const auto w =
        infer({queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
               log_at("09:00:00", "Invalid MTA-STS policy for domain(x.example): policy: no max_age line"),
               log_at("09:00:00", "Encountered failure while fetching MTA-STS policy for domain(x.example)"),
               connect_a, delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.fetch == "invalid");
    BOOST_TEST(d.invalid_detail == "policy: no max_age line");
    BOOST_TEST(!has_open_choice(w, "taken as a timeout"),
               "the failure line after an invalid body changes nothing");
}

BOOST_AUTO_TEST_CASE(a_cache_hit_before_any_fetch_means_the_cache_was_warm) {
    const auto w = infer(
        {queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
         debug_at("09:00:00", "Valid cache entry found for the domain (x.example)."),
         log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a, delivered()});
    BOOST_TEST(domain(w, "x.example").fetch == "cached");
    BOOST_TEST(w.warm_cache);
    BOOST_TEST(fact_line(w, "x.example policy", "cached before the trace") == 3);
}

BOOST_AUTO_TEST_CASE(a_cache_hit_after_a_fetch_in_the_trace_is_no_warm_cache) {
    const auto w = infer(
        {queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
         debug_at("09:00:00", "Fetching MTA-STS policy for domain(x.example)"),
         debug_at("09:00:00", "Fetched MTA-STS policy for domain(x.example) mode enforce max_age 86400"),
         log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a, delivered(),
         debug_at("09:10:00", "Valid cache entry found for the domain (x.example).")});
    BOOST_TEST(domain(w, "x.example").fetch == "ok");
    BOOST_TEST(!w.warm_cache);
}

// ---- the policy mode ----

BOOST_AUTO_TEST_CASE(the_fetched_line_states_the_mode_and_max_age) {
    const auto w = infer(
        {queued, log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
         debug_at("09:00:00", "Fetching MTA-STS policy for domain(x.example)"),
         debug_at("09:00:00", "Fetched MTA-STS policy for domain(x.example) mode testing max_age 604800"),
         log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a,
         log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
         delivered()});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.mode == "testing");
    BOOST_TEST(d.max_age == 604800u);
    BOOST_TEST(d.fetch == "ok");
    BOOST_TEST(!has_open_choice(w, "enforce picked"), all_open(w));
}

BOOST_AUTO_TEST_CASE(a_verify_error_only_logged_under_an_applied_policy_means_testing) {
    const auto w =
        infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a,
               log_at("09:00:01", "DCID 5 TLS verify error: certificate has expired (not enforced)"),
               log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
               delivered()});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.mode == "testing");
    BOOST_TEST(fact_line(w, "x.example policy mode", "testing") == 4);
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST((d.mx[0].cert == cert_fault::expired));
}

BOOST_AUTO_TEST_CASE(a_verify_error_that_stops_delivery_under_an_applied_policy_means_enforce) {
    const auto w =
        infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a,
               log_at("09:00:01", "DCID 5 TLS deferring: verify error: peer cert does not match domain"),
               log_at("09:00:01", "DCID 5 TLS was required but could not be successfully negotiated"),
               delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.mode == "enforce");
    BOOST_TEST(fact_line(w, "x.example policy mode", "enforce") == 4);
    BOOST_TEST(!has_open_choice(w, "enforce picked"));
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST((d.mx[0].cert == cert_fault::name_mismatch),
               "under a policy a name mismatch is a wrong certificate");
}

BOOST_AUTO_TEST_CASE(an_applied_policy_with_nothing_failing_defaults_to_enforce_and_says_so) {
    const auto w =
        infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a,
               log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
               log_at("09:00:01", "MTA-STS policy for the domain (x.example) Successful."), delivered()});
    BOOST_TEST(domain(w, "x.example").mode == "enforce");
    BOOST_TEST(has_open_choice(w, "enforce picked"), all_open(w));
    BOOST_TEST(has_open_choice(w, "(line 2)"), all_open(w));
}

BOOST_AUTO_TEST_CASE(an_unlisted_mx_skipped_under_the_policy_means_enforce_and_is_not_in_the_policy) {
    const auto w = infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"),
                          log_at("09:00:00",
                                 "MX host mx9.x.example is not listed in the MTA-STS policy for the domain "
                                 "(x.example), skipping it",
                                 "Warning"),
                          delayed_to("x.example", "09:00:01", 0, "4.7.5", "000", "no usable MX")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.mode == "enforce");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(d.mx[0].host == "mx9.x.example");
    BOOST_TEST(!d.mx[0].listed_in_policy);
}

BOOST_AUTO_TEST_CASE(the_mode_none_line_sets_mode_none) {
    const auto w = infer({queued,
                          log_at("09:00:00",
                                 "MTA-STS policy for the domain (x.example) has mode none, "
                                 "delivering without MTA-STS"),
                          connect_a, delivered()},
                         {"x.example"});
    BOOST_TEST(domain(w, "x.example").mode == "none");
}

// ---- MX hosts, STARTTLS, TLS ----

BOOST_AUTO_TEST_CASE(each_address_connected_to_becomes_one_mx_host) {
    const auto w =
        infer({queued, log_at("09:00:01", "New SMTP DCID 5 interface 192.0.2.10 address 203.0.113.7 port 25"),
               log_at("09:00:01", "DCID 5 close"),
               log_at("09:00:02", "New SMTP DCID 6 interface 192.0.2.10 address 203.0.113.8 port 25"),
               log_at("09:00:02", "DCID 6 close"),
               log_at("09:00:03",
                      "Delayed: DCID 6 MID 1 From: <s@gw.example> To: <r@x.example> RID 0 - "
                      "4.4.2 - lost ('000', ['lost'])"),
               log_at("09:30:03", "New SMTP DCID 7 interface 192.0.2.10 address 203.0.113.7 port 25"),
               log_at("09:30:03", "Delivery start DCID 7 MID 1 to RID [0]"),
               log_at("09:30:03", "Message done DCID 7 MID 1 to RID [0]")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 2u);
    BOOST_TEST(d.mx[0].host == "mx1.x.example");
    BOOST_TEST(d.mx[0].trace_address == "203.0.113.7");
    BOOST_TEST(d.mx[1].host == "mx2.x.example");
    BOOST_TEST(d.mx[1].trace_address == "203.0.113.8");
    BOOST_TEST(d.mx[0].reachable);
}

BOOST_AUTO_TEST_CASE(a_connection_error_makes_the_mx_unreachable) {
    const auto w = infer({queued,
                          log_at("09:00:01",
                                 "Connection Error: DCID 5 domain: x.example IP: 203.0.113.9 port: 25 "
                                 "details: refused interface: 192.0.2.10 reason: connection refused"),
                          log_at("09:00:01",
                                 "Delayed: DCID 5 MID 1 From: <s@gw.example> To: <r@x.example> RID 0 - "
                                 "4.4.1 - No answer ('000', ['connection refused'])")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(!d.mx[0].reachable);
    BOOST_TEST(d.mx[0].trace_address == "203.0.113.9");
    BOOST_TEST(fact_line(w, "MX mx1.x.example", "refuses connections") == 2);
    BOOST_TEST(w.messages.at(0).attempts == 1u);
}

BOOST_AUTO_TEST_CASE(starttls_not_supported_makes_an_mx_without_starttls) {
    const auto w =
        infer({queued, connect_a, log_at("09:00:01", "DCID 5 STARTTLS command not supported."),
               log_at("09:00:01", "DCID 5 TLS was required but could not be successfully negotiated"),
               delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(!d.mx[0].starttls);
    BOOST_TEST(d.tls == "required");
    BOOST_TEST(fact_line(w, "x.example profile TLS", "Required") == 4);
}

BOOST_AUTO_TEST_CASE(a_rejected_starttls_makes_an_mx_that_refuses_it) {
    const auto w =
        infer({queued, connect_a, log_at("09:00:01", "DCID 5 TLS failed: STARTTLS command rejected"),
               log_at("09:00:01", "DCID 5 TLS was required but could not be successfully negotiated"),
               delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(d.mx[0].starttls);
    BOOST_TEST(d.mx[0].starttls_reply.starts_with("454"));
    BOOST_TEST(!d.mx[0].handshake_fails);
}

BOOST_AUTO_TEST_CASE(a_failed_handshake_makes_an_mx_that_breaks_it) {
    const auto w =
        infer({queued, connect_a, log_at("09:00:01", "DCID 5 TLS failed: TLS handshake failed"),
               log_at("09:00:01", "DCID 5 TLS was required but could not be successfully negotiated"),
               delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(d.mx[0].handshake_fails);
    BOOST_TEST(d.mx[0].starttls_reply.empty());
}

BOOST_AUTO_TEST_CASE(tls_1_2_with_an_rsa_cipher_gives_tls_max_1_2_and_an_rsa_key) {
    const auto w =
        infer({queued, connect_a,
               log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384"),
               log_at("09:00:01", "Delivery start DCID 5 MID 1 to RID [0]"), delivered()},
              {"x.example"});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(d.mx[0].tls_max == "1.2");
    BOOST_TEST(d.mx[0].key == "rsa-2048");
}

BOOST_AUTO_TEST_CASE(tls_1_3_with_an_ecdsa_cipher_leaves_the_defaults) {
    const auto w =
        infer({queued, connect_a,
               log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
               delivered()},
              {"x.example"});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(d.mx[0].tls_max.empty());
    BOOST_TEST(d.mx[0].key == "ec-p256");
    const auto ecdsa =
        infer({queued, connect_a,
               log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.2 cipher ECDHE-ECDSA-AES128-GCM-SHA256"),
               delivered()},
              {"x.example"});
    BOOST_TEST(domain(ecdsa, "x.example").mx.at(0).key == "ec-p256");
    BOOST_TEST(domain(ecdsa, "x.example").mx.at(0).tls_max == "1.2");
}

const std::vector<cert_case> mx_cert_cases = {
    {"certificate has expired", cert_fault::expired},
    {"certificate is not yet valid", cert_fault::not_yet_valid},
    {"self-signed certificate", cert_fault::self_signed},
    {"self signed certificate in certificate chain", cert_fault::self_signed},
    {"unable to get local issuer certificate", cert_fault::untrusted},
    {"hostname mismatch", cert_fault::name_mismatch},
};

BOOST_DATA_TEST_CASE(a_verify_error_under_a_policy_gives_the_mx_that_certificate_fault,
                     boost::unit_test::data::make(mx_cert_cases), c) {
    const auto w = infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"),
                          connect_a, log_at("09:00:01", "DCID 5 TLS deferring: verify error: " + c.detail),
                          delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST((d.mx[0].cert == c.fault));
    BOOST_TEST(!has_open_choice(w, "not one the replay rebuilds"), all_open(w));
}

BOOST_AUTO_TEST_CASE(an_unknown_verify_error_is_taken_as_an_untrusted_issuer_and_said_so) {
    const auto w =
        infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a,
               log_at("09:00:01", "DCID 5 TLS deferring: verify error: certificate revoked by the moon"),
               delayed_to("x.example")});
    BOOST_TEST((domain(w, "x.example").mx.at(0).cert == cert_fault::untrusted));
    BOOST_TEST(has_open_choice(w, "certificate revoked by the moon"), all_open(w));
}

BOOST_AUTO_TEST_CASE(a_name_mismatch_under_required_verify_is_a_hosted_domain_with_a_valid_certificate) {
    const auto w =
        infer({queued, connect_a,
               log_at("09:00:01", "DCID 5 TLS deferring: verify error: peer cert does not match domain"),
               log_at("09:00:01", "DCID 5 TLS was required but could not be successfully negotiated"),
               log_at("09:00:01", "DCID 5 close"), delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.tls == "required-verify");
    BOOST_TEST(fact_line(w, "x.example profile TLS", "Required-Verify") == 3);
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST((d.mx[0].cert == cert_fault::none));
    BOOST_TEST(fact_line(w, "x.example MX mx1.x.example certificate", "valid for the MX host") == 0);
    BOOST_TEST(!d.mta_sts);
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_under_required_verify_stays_expired) {
    const auto w = infer(
        {queued, connect_a, log_at("09:00:01", "DCID 5 TLS deferring: verify error: certificate has expired"),
         log_at("09:00:01", "DCID 5 TLS was required but could not be successfully negotiated"),
         delayed_to("x.example")});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.tls == "required-verify");
    BOOST_TEST((d.mx.at(0).cert == cert_fault::expired));
}

// ---- the profile's TLS setting ----

BOOST_AUTO_TEST_CASE(deliveries_without_any_tls_line_imply_tls_no) {
    const auto w =
        infer({queued, connect_a, log_at("09:00:01", "Delivery start DCID 5 MID 1 to RID [0]"), delivered(),
               log_at("09:00:02", "MID 1 RID [0] Response '2.0.0 Ok: queued as ABC'")},
              {"x.example"});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.tls == "no");
    BOOST_TEST(fact_line(w, "x.example profile TLS", "No") == 4);
    BOOST_TEST(d.mx.at(0).final_reply == "250 2.0.0 Ok: queued as ABC");
}

BOOST_AUTO_TEST_CASE(a_delivery_without_tls_lines_implies_tls_no_even_when_the_response_line_is_missing) {
    const auto w = infer({queued, connect_a, log_at("09:00:01", "Delivery start DCID 5 MID 1 to RID [0]"),
                          delivered(), log_at("09:00:02", "Message finished MID 1 done")},
                         {"x.example"});
    BOOST_TEST(domain(w, "x.example").tls == "no");
    BOOST_TEST(fact_line(w, "x.example profile TLS", "No") == 4);
}

BOOST_AUTO_TEST_CASE(a_tls_success_without_a_policy_implies_preferred_as_an_open_choice) {
    const auto w =
        infer({queued, connect_a,
               log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
               delivered()},
              {"x.example"});
    BOOST_TEST(domain(w, "x.example").tls == "preferred");
    BOOST_TEST(has_open_choice(w, "Preferred picked"), all_open(w));
}

BOOST_AUTO_TEST_CASE(a_verify_error_only_logged_without_a_policy_implies_preferred_verify) {
    const auto w = infer(
        {queued, connect_a,
         log_at("09:00:01", "DCID 5 TLS verify error: unable to get local issuer certificate (not enforced)"),
         log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
         delivered()},
        {"x.example"});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.tls == "preferred-verify");
    BOOST_TEST(fact_line(w, "x.example profile TLS", "Preferred-Verify") == 3);
    BOOST_TEST((d.mx.at(0).cert == cert_fault::untrusted));
}

BOOST_AUTO_TEST_CASE(under_an_applied_policy_the_tls_setting_is_preferred_as_an_open_choice) {
    const auto w =
        infer({queued, log_at("09:00:00", "Applying MTA-STS policy for the domain (x.example)"), connect_a,
               log_at("09:00:01", "DCID 5 TLS deferring: verify error: certificate has expired"),
               delayed_to("x.example")});
    BOOST_TEST(domain(w, "x.example").tls == "preferred");
    BOOST_TEST(has_open_choice(w, "leaves no trace: Preferred picked"), all_open(w));
}

BOOST_AUTO_TEST_CASE(a_trace_without_mta_sts_lines_takes_mta_sts_as_off_and_says_so) {
    const auto w = infer({queued, connect_a, delayed_to("x.example")});
    BOOST_TEST(!domain(w, "x.example").mta_sts);
    BOOST_TEST(has_open_choice(w, "MTA-STS taken as Off"), all_open(w));
}

// ---- DNS, routes, DANE ----

BOOST_AUTO_TEST_CASE(mx_lookup_failures_and_null_mx_are_rebuilt_as_such) {
    const auto servfail = infer({queued, log_at("09:00:00", "DNS Temporary Failure x.example MX - ServFail"),
                                 delayed_to("x.example", "09:00:00", 0, "4.4.3", "000", "DNS failure")});
    BOOST_TEST(domain(servfail, "x.example").mx_lookup == "servfail");
    BOOST_TEST(domain(servfail, "x.example").mx.empty());
    const auto nx = infer({queued, log_at("09:00:00", "DNS Hard Error looking up x.example (MX): NXDomain"),
                           bounced_to("x.example", "09:00:00", 0, "5.1.2", "000", "Bad destination host")});
    BOOST_TEST(domain(nx, "x.example").mx_lookup == "nxdomain");
    const auto null =
        infer({queued, log_at("09:00:00", "Null MX for the domain (x.example): the domain accepts no mail"),
               bounced_to("x.example", "09:00:00", 0, "5.1.10", "000", "null MX")});
    BOOST_TEST(domain(null, "x.example").mx_lookup == "null");
}

BOOST_AUTO_TEST_CASE(a_route_line_makes_a_routed_domain) {
    const auto w = infer(
        {queued, log_at("09:00:00", "SMTP route configured for the domain (x.example), MTA-STS not applied"),
         connect_a, delivered()});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.routed);
    BOOST_TEST(d.mx.at(0).host == "relay1.x.example");
}

BOOST_AUTO_TEST_CASE(a_usable_dane_line_makes_secure_tlsa_records_for_that_host) {
    const auto w = infer(
        {queued,
         log_at("09:00:00",
                "DANE: usable TLSA records for MX host mx.x.example of the domain "
                "(x.example), MTA-STS is skipped"),
         connect_a, log_at("09:00:01", "DCID 5 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),
         delivered()});
    const auto& d = domain(w, "x.example");
    BOOST_TEST(d.dane == "opportunistic");
    BOOST_TEST(d.dane_usable);
    BOOST_TEST(d.dnssec_mx);
    BOOST_TEST_REQUIRE(d.mx.size() == 1u);
    BOOST_TEST(d.mx[0].host == "mx.x.example");
    BOOST_TEST(d.mx[0].trace_address == "203.0.113.7", "the named host takes the first address connected to");
}

// ---- messages, outcomes, queue ----

BOOST_AUTO_TEST_CASE(each_message_gets_the_outcome_its_last_lines_show) {
    const auto w = infer(
        {
            log_at("09:00:00", "MID 1 queued for delivery"),
            log_at("09:00:00", "MID 2 queued for delivery"),
            log_at("09:00:00", "MID 3 queued for delivery"),
            log_at("09:00:00", "MID 4 queued for delivery"),
            log_at("09:00:01", "New SMTP DCID 1 interface 192.0.2.10 address 203.0.113.7 port 25"),
            log_at("09:00:01", "Delivery start DCID 1 MID 1 to RID [0]"),
            log_at("09:00:01", "Message done DCID 1 MID 1 to RID [0]"),
            log_at("09:00:02", "New SMTP DCID 2 interface 192.0.2.10 address 203.0.113.7 port 25"),
            log_at("09:00:02",
                   "Delayed: DCID 2 MID 2 From: <s@gw.example> To: <b@x.example> RID 0 - 4.2.2 - full "
                   "('452', ['4.2.2 full'])"),
            log_at("09:00:03", "New SMTP DCID 3 interface 192.0.2.10 address 203.0.113.7 port 25"),
            log_at("09:00:03",
                   "Bounced: DCID 3 MID 3 From: <s@gw.example> To: <c@x.example> RID 0 - 5.1.1 - no ('550', "
                   "['5.1.1 no'])"),
        },
        {"x.example"});
    BOOST_TEST_REQUIRE(w.messages.size() == 4u);
    BOOST_TEST(w.messages[0].outcome == "delivered");
    BOOST_TEST(w.messages[1].outcome == "deferred");
    BOOST_TEST(w.messages[2].outcome == "bounced");
    BOOST_TEST(w.messages[3].outcome == "queued");
    BOOST_TEST(w.messages[3].attempts == 0u);
    BOOST_TEST(w.messages[1].recipients == std::vector<std::string>{"b@x.example"});
    BOOST_TEST(w.messages[1].sender == "s@gw.example");
    BOOST_TEST(w.messages[0].recipients == std::vector<std::string>{"rcpt1-0@x.example"},
               "a made-up recipient");
    BOOST_TEST(w.messages[0].sender == "sender@gateway.test");
    const auto& mx = domain(w, "x.example").mx.at(0);
    BOOST_TEST_REQUIRE(mx.failing_replies.size() == 2u);
    BOOST_TEST(mx.failing_replies[0].second == "452 4.2.2 full");
    BOOST_TEST(mx.failing_replies[1].second == "550 5.1.1 no");
}

BOOST_AUTO_TEST_CASE(a_reply_code_that_is_no_refusal_is_not_rebuilt_and_is_said_so) {
    for (const char* code : {"999", "250", "4x1", "45"}) {
        const auto w =
            infer({queued, connect_a, delayed_to("x.example", "09:00:02", 5, "4.2.2", code, "4.2.2 full")});
        BOOST_TEST(domain(w, "x.example").mx.at(0).failing_replies.empty(), code);
        BOOST_TEST(has_open_choice(w, std::string("reply code '") + code + "'"), code << ": " << all_open(w));
    }
    const auto ok =
        infer({queued, connect_a, delayed_to("x.example", "09:00:02", 5, "4.2.2", "452", "4.2.2 full")});
    BOOST_TEST(domain(ok, "x.example").mx.at(0).failing_replies.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_bounce_after_a_delay_counts_as_bounced) {
    const auto w =
        infer({queued, connect_a, delayed_to("x.example", "09:00:01"),
               log_at("09:30:01", "New SMTP DCID 6 interface 192.0.2.10 address 203.0.113.7 port 25"),
               bounced_to("x.example", "09:30:02", 6, "5.4.7", "000", "Delivery expired (message too old)")});
    BOOST_TEST_REQUIRE(w.messages.size() == 1u);
    BOOST_TEST(w.messages[0].outcome == "bounced");
    BOOST_TEST(w.messages[0].attempts == 2u);
}

BOOST_AUTO_TEST_CASE(messages_start_at_their_offset_from_the_first_line) {
    const auto w = infer(
        {log_at("09:00:00", "MID 1 queued for delivery"), log_at("09:05:30", "MID 2 queued for delivery"),
         log_at("09:05:31",
                "Delayed: DCID 1 MID 2 From: <s@gw.example> To: <b@x.example> RID 0 - 4.4.1 - x ('000', "
                "['x'])")},
        {"x.example"});
    BOOST_TEST_REQUIRE(w.messages.size() == 2u);
    BOOST_TEST((w.messages[0].offset == core::duration{}));
    BOOST_TEST((w.messages[1].offset == std::chrono::duration_cast<core::duration>(330s)));
    BOOST_TEST((w.span == std::chrono::duration_cast<core::duration>(331s)));
}

BOOST_AUTO_TEST_CASE(retry_delays_run_from_a_delayed_line_to_the_next_connection) {
    const auto w =
        infer({queued, connect_a, delayed_to("x.example", "09:00:01"),
               log_at("09:05:01", "New SMTP DCID 6 interface 192.0.2.10 address 203.0.113.7 port 25"),
               delayed_to("x.example", "09:05:02", 6),
               log_at("09:15:02", "New SMTP DCID 7 interface 192.0.2.10 address 203.0.113.7 port 25"),
               delayed_to("x.example", "09:15:03", 7)});
    BOOST_TEST_REQUIRE(w.retry.size() == 2u);
    BOOST_TEST((w.retry[0] == std::chrono::duration_cast<core::duration>(5min)));
    BOOST_TEST((w.retry[1] == std::chrono::duration_cast<core::duration>(10min)));
    BOOST_TEST(!w.queue_lifetime.has_value());
    BOOST_TEST(w.messages.at(0).attempts == 3u);
}

BOOST_AUTO_TEST_CASE(an_expiry_bounce_gives_the_queue_lifetime_as_the_sum_of_the_retry_delays) {
    const auto w =
        infer({queued, connect_a, delayed_to("x.example", "09:00:01"),
               log_at("09:05:01", "New SMTP DCID 6 interface 192.0.2.10 address 203.0.113.7 port 25"),
               delayed_to("x.example", "09:05:02", 6),
               log_at("09:15:02", "New SMTP DCID 7 interface 192.0.2.10 address 203.0.113.7 port 25"),
               bounced_to("x.example", "09:15:03", 7, "5.4.7", "000", "Delivery expired (message too old)")});
    BOOST_TEST_REQUIRE(w.queue_lifetime.has_value());
    BOOST_TEST((*w.queue_lifetime == std::chrono::duration_cast<core::duration>(15min)));
    BOOST_TEST(fact_line(w, "engine queue_lifetime", "900s") == 7);
}

BOOST_AUTO_TEST_CASE(an_expiry_bounce_at_the_first_attempt_gives_the_time_since_queueing) {
    const auto w =
        infer({queued, connect_a,
               bounced_to("x.example", "09:02:00", 5, "5.4.7", "000", "Delivery expired (message too old)")});
    BOOST_TEST_REQUIRE(w.queue_lifetime.has_value());
    BOOST_TEST((*w.queue_lifetime == std::chrono::duration_cast<core::duration>(120s)));
}

BOOST_AUTO_TEST_CASE(a_bounce_with_another_status_gives_no_queue_lifetime) {
    const auto w =
        infer({queued, connect_a, bounced_to("x.example", "09:02:00", 5, "5.1.1", "550", "5.1.1 no")});
    BOOST_TEST(!w.queue_lifetime.has_value());
}

// ---- domains ----

BOOST_AUTO_TEST_CASE(a_message_no_line_ties_to_a_domain_goes_to_the_first_requested_domain_and_is_said_so) {
    const auto w = infer({queued, connect_a, delivered()}, {"Wanted.Example"});
    BOOST_TEST_REQUIRE(w.domains.size() == 1u);
    BOOST_TEST(w.domains[0].name == "wanted.example");
    BOOST_TEST(w.messages.at(0).recipients.at(0) == "rcpt1-0@wanted.example");
    BOOST_TEST(has_open_choice(w, "taken to be wanted.example"), all_open(w));
}

BOOST_AUTO_TEST_CASE(without_any_domain_a_message_gets_an_invented_domain_of_its_own_and_says_so) {
    const auto w = infer({queued, connect_a, delivered()});
    BOOST_TEST_REQUIRE(w.domains.size() == 1u);
    BOOST_TEST(w.domains[0].name == "unnamed1.example");
    BOOST_TEST(has_open_choice(w, "taken to be unnamed1.example"), all_open(w));
}

BOOST_AUTO_TEST_CASE(a_message_without_a_domain_goes_where_another_message_used_the_same_mx_address) {
    const auto w = infer(
        {log_at("09:00:00", "MID 1 queued for delivery"), log_at("09:00:00", "MID 2 queued for delivery"),
         log_at("09:00:01", "New SMTP DCID 5 interface 192.0.2.10 address 203.0.113.7 port 25"),
         log_at("09:00:01",
                "Delayed: DCID 5 MID 1 From: <s@gw.example> To: <r@x.example> RID 0 - "
                "4.4.2 - lost ('000', ['lost'])"),
         log_at("09:00:02", "New SMTP DCID 6 interface 192.0.2.10 address 203.0.113.7 port 25"),
         log_at("09:00:02", "Delivery start DCID 6 MID 2 to RID [0]"),
         log_at("09:00:02", "Message done DCID 6 MID 2 to RID [0]")});
    BOOST_TEST_REQUIRE(w.domains.size() == 1u);
    BOOST_TEST(w.domains[0].name == "x.example");
    BOOST_TEST_REQUIRE(w.messages.size() == 2u);
    BOOST_TEST(w.messages[1].recipients.at(0) == "rcpt2-0@x.example");
    BOOST_TEST(has_open_choice(w, "it used an MX address of x.example"), all_open(w));
}

BOOST_AUTO_TEST_CASE(a_requested_domain_leaves_the_other_domains_messages_out) {
    const auto w = infer(
        {log_at("09:00:00", "MID 1 queued for delivery"), log_at("09:00:00", "MID 2 queued for delivery"),
         log_at(
             "09:00:01",
             "Delayed: DCID 1 MID 1 From: <s@gw.example> To: <a@a.example> RID 0 - 4.4.1 - x ('000', ['x'])"),
         log_at("09:00:01",
                "Delayed: DCID 2 MID 2 From: <s@gw.example> To: <b@b.example> RID 0 - 4.4.1 - x ('000', "
                "['x'])")},
        {"b.example"});
    BOOST_TEST_REQUIRE(w.domains.size() == 1u);
    BOOST_TEST(w.domains[0].name == "b.example");
    BOOST_TEST_REQUIRE(w.messages.size() == 1u);
    BOOST_TEST(w.messages[0].trace_mid == 2u);
    const auto both = infer(
        {log_at("09:00:00", "MID 1 queued for delivery"), log_at("09:00:00", "MID 2 queued for delivery"),
         log_at(
             "09:00:01",
             "Delayed: DCID 1 MID 1 From: <s@gw.example> To: <a@a.example> RID 0 - 4.4.1 - x ('000', ['x'])"),
         log_at("09:00:01",
                "Delayed: DCID 2 MID 2 From: <s@gw.example> To: <b@b.example> RID 0 - 4.4.1 - x ('000', "
                "['x'])")});
    BOOST_TEST(both.domains.size() == 2u);
    BOOST_TEST(both.messages.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_trace_without_timestamps_starts_at_a_documented_time_and_says_so) {
    const auto w = infer({"Info: MID 1 queued for delivery"}, {"x.example"});
    BOOST_TEST(has_open_choice(w, "no readable timestamp"), all_open(w));
    BOOST_TEST((w.span == core::duration{}));
}

BOOST_AUTO_TEST_SUITE_END()
