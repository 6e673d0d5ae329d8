// engine/log/policy_lines.cpp
//
// One function per line family; docs/mail-log.md is the same list as a table. A change of
// wording here is a change for every customer who greps these lines: update the table and
// tests/unit/engine/log/policy_lines_test.cpp with it.
#include "engine/log/policy_lines.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"

#include <fmt/format.h>

#include <variant>

namespace sts::log {

namespace {

// Every name or detail from outside is shown printable and length-capped.
std::string q(std::string_view text) { return core::quote_peer_text(text); }

std::string_view security_word(dns::dnssec_status s) {
    // The product only knows the two words; a bogus answer never reaches the cache.
    return s == dns::dnssec_status::secure ? "secure" : "insecure";
}

// The RDATA as the encache line shows it: TXT as its joined character-strings (RFC 8461
// §3.1 reads them so), everything else in presentation form.
std::string rdata_for_log(const dns::rdata& data) {
    if (const auto* txt = std::get_if<dns::txt_rdata>(&data)) {
        std::string joined;
        for (const auto& s : txt->strings) joined += s;
        return q(joined);
    }
    return q(dns::rdata_to_text(data));
}

}  // namespace

std::string txt_record_fetched(std::string_view domain) {
    return fmt::format("Successfully fetched MTA-STS TXT record for domain({})", q(domain));
}

std::string applying_policy(std::string_view domain) {
    return fmt::format("Applying MTA-STS policy for the domain ({})", q(domain));
}

std::string cache_entry_found(std::string_view domain) {
    return fmt::format("Valid cache entry found for the domain ({}).", q(domain));
}

std::string fetching_policy(std::string_view domain) {
    return fmt::format("Fetching MTA-STS policy for domain({})", q(domain));
}

std::string refreshing_policy(std::string_view domain) {
    return fmt::format("Refreshing MTA-STS policy for domain({})", q(domain));
}

std::string refreshed_policy(std::string_view domain, std::string_view mode, std::uint64_t max_age_seconds) {
    return fmt::format("Refreshed MTA-STS policy for domain({}) mode {} max_age {}", q(domain), mode, max_age_seconds);
}

std::string refresh_failed(std::string_view domain, std::string_view detail) {
    return fmt::format("Refresh of MTA-STS policy for domain({}) failed: {}", q(domain), q(detail));
}

std::string refresh_alert(std::string_view domain, unsigned failures) {
    return fmt::format("MTA-STS policy for the domain ({}) could not be refreshed {} times in a row", q(domain),
                       failures);
}

std::string fetching_policy_via_proxy() { return "Requesting MTA-STS policy fetch via proxy"; }

std::string policy_fetch_connection_timeout(std::string_view domain) {
    return fmt::format("Request to fetch STS policy failed due to connection timeout. For domain {}", q(domain));
}

std::string policy_fetch_failed(std::string_view domain) {
    return fmt::format("Encountered failure while fetching MTA-STS policy for domain({})", q(domain));
}

std::string dns_query(std::string_view name, dns::rr_type type) {
    return fmt::format("DNS query: Q({}, '{}')", q(name), dns::type_name(type));
}

std::string dns_query_recursive(std::string_view name, dns::rr_type type) {
    return fmt::format("DNS query: QN({}, '{}', 'recursive_nameserver0.parent')", q(name), dns::type_name(type));
}

std::string dns_query_ip(const dns::query_trace& trace) {
    return fmt::format("DNS query: QIP ({},'{}','{}',{})", q(trace.name), dns::type_name(trace.type),
                       q(trace.nameserver), trace.timeout_seconds);
}

std::string dns_encache(const dns::lookup_result& answer, core::time_point now) {
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const long long expiry = static_cast<long long>(now_s) + static_cast<long long>(answer.ttl);
    std::string rdatas;
    std::size_t shown = 0;
    for (const auto& r : answer.records) {
        if (r.type() != answer.type) continue;  // CNAME links are not part of the RRset
        if (shown == core::limits::dns_log_records_max) {
            rdatas += ", '...'";
            break;
        }
        if (shown > 0) rdatas += ", ";
        rdatas += fmt::format("'{}'", rdata_for_log(r.data));
        ++shown;
    }
    if (shown == 1) rdatas += ',';  // Python's one-element tuple
    return fmt::format("DNS encache ({}, {}, [({}L, 0, '{}', ({}))])", q(answer.name), dns::type_name(answer.type),
                       expiry, security_word(answer.security), rdatas);
}

std::string dns_temporary_failure(std::string_view name, dns::rr_type type, dns::lookup_status status) {
    std::string_view why = "ServFail";
    if (status == dns::lookup_status::timeout) why = "Timeout";
    if (status == dns::lookup_status::malformed) why = "Malformed";
    return fmt::format("DNS Temporary Failure {} {} - {}", q(name), dns::type_name(type), why);
}

std::string dns_hard_error(std::string_view name, dns::rr_type type, dns::lookup_status status) {
    const std::string_view why = status == dns::lookup_status::nodata ? "NoData" : "NXDomain";
    return fmt::format("DNS Hard Error looking up {} ({}): {}", q(name), dns::type_name(type), why);
}

std::string null_mx(std::string_view domain) {
    return fmt::format("Null MX for the domain ({}): the domain accepts no mail", q(domain));
}

std::string txt_record_absent(std::string_view domain) {
    return fmt::format("No MTA-STS TXT record found for domain({})", q(domain));
}

std::string txt_record_invalid(std::string_view domain, std::string_view detail) {
    return fmt::format("Invalid MTA-STS TXT record for domain({}): {}", q(domain), detail);
}

std::string txt_records_multiple(std::string_view domain) {
    return fmt::format("Multiple MTA-STS TXT records for domain({}), none is used", q(domain));
}

std::string policy_fetched(std::string_view domain, mtasts::mode m, std::chrono::seconds max_age) {
    return fmt::format("Fetched MTA-STS policy for domain({}) mode {} max_age {}", q(domain), mtasts::to_string(m),
                       max_age.count());
}

std::string policy_invalid(std::string_view domain, std::string_view detail) {
    return fmt::format("Invalid MTA-STS policy for domain({}): {}", q(domain), detail);
}

std::string policy_fetch_failed_because(std::string_view domain, std::string_view detail) {
    return fmt::format("Request to fetch STS policy failed due to {}. For domain {}", detail, q(domain));
}

std::string policy_fetch_backoff(std::string_view domain) {
    return fmt::format(
        "Skipping MTA-STS policy fetch for domain({}): the last attempt failed less than 5 minutes ago", q(domain));
}

std::string policy_mode_none(std::string_view domain) {
    return fmt::format("MTA-STS policy for the domain ({}) has mode none, delivering without MTA-STS", q(domain));
}

std::string cache_entry_expired(std::string_view domain) {
    return fmt::format("Cached MTA-STS policy for the domain ({}) has expired.", q(domain));
}

std::string policy_lookup_deferred(std::string_view domain) {
    return fmt::format(
        "Deferring delivery for the domain ({}): MTA-STS TXT lookup failed and no policy is cached", q(domain));
}

std::string mx_not_in_policy_enforce(std::string_view domain, std::string_view mx_host) {
    return fmt::format("MX host {} is not listed in the MTA-STS policy for the domain ({}), skipping it", q(mx_host),
                       q(domain));
}

std::string mx_not_in_policy_testing(std::string_view domain, std::string_view mx_host) {
    return fmt::format(
        "MX host {} is not listed in the MTA-STS policy for the domain ({}), testing mode, delivering anyway",
        q(mx_host), q(domain));
}

std::string dane_outcome_line(std::string_view domain, std::string_view mx_host, tls::dane_outcome outcome) {
    switch (outcome) {
        case tls::dane_outcome::tlsa_usable:
            return fmt::format("DANE: usable TLSA records for MX host {} of the domain ({}), MTA-STS is skipped",
                               q(mx_host), q(domain));
        case tls::dane_outcome::tlsa_unusable:
            return fmt::format(
                "DANE: TLSA records for MX host {} of the domain ({}) are all unusable, TLS is mandatory", q(mx_host),
                q(domain));
        case tls::dane_outcome::not_applicable:
            return fmt::format("DANE: no secure TLSA records for MX host {} of the domain ({})", q(mx_host),
                               q(domain));
        case tls::dane_outcome::mx_insecure:
            return fmt::format("DANE: MX records of the domain ({}) are not DNSSEC-secure, DANE not used", q(domain));
        case tls::dane_outcome::mx_lookup_failed:
            return fmt::format("DANE: MX lookup for the domain ({}) failed DNSSEC validation, deferring", q(domain));
        case tls::dane_outcome::lookup_failed:
            return fmt::format(
                "DANE: TLSA or address lookup failed for MX host {} of the domain ({}), skipping it", q(mx_host),
                q(domain));
    }
    return fmt::format("DANE: TLSA or address lookup failed for MX host {} of the domain ({}), skipping it",
                       q(mx_host), q(domain));
}

// Most domains are unsigned: "no DANE here" at Info would put a line the product never
// writes into every documented trace, so both no-DANE outcomes are Debug.
bool dane_outcome_is_debug(tls::dane_outcome outcome) {
    return outcome == tls::dane_outcome::not_applicable || outcome == tls::dane_outcome::mx_insecure;
}

bool dane_outcome_is_failure(tls::dane_outcome outcome) {
    return outcome == tls::dane_outcome::mx_lookup_failed || outcome == tls::dane_outcome::lookup_failed;
}

std::string route_bypass(std::string_view domain) {
    return fmt::format("SMTP route configured for the domain ({}), MTA-STS not applied", q(domain));
}

std::string route_smart_host(std::string_view domain, std::string_view relay_domain) {
    return fmt::format("SMTP route configured for the domain ({}), applying MTA-STS for the relay domain ({})",
                       q(domain), q(relay_domain));
}

std::string default_profile_mta_sts_warning() {
    return "MTA-STS is enabled on the default destination-control profile; every recipient domain is looked up";
}

}  // namespace sts::log
