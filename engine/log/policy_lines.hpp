// engine/log/policy_lines.hpp
//
// The wording of every mail-log line the engine writes while it plans a delivery: DNS
// queries, the `_mta-sts` TXT lookup, the policy fetch and the policy cache, the MX hosts
// an MTA-STS policy does not list, DANE outcomes, SMTP routes and profile warnings. Each
// function returns the text of one line family; the caller (engine/delivery/
// destination_planner.cpp) picks the level documented next to it and writes the line
// through log::mail_log, which adds the timestamp and the level.
//
// Two kinds of lines live here. The product's own lines (../shared/spec/log-format.md)
// keep its wording and its spacing quirks exactly: `domain(x)` without a space in some,
// `the domain (x)` with one in others, `QIP (` with a space but `Q(` without. The lines the
// product's documentation does not show are ours, written in the same style; customers'
// tooling greps them, so they never change once released. docs/mail-log.md lists every
// line, its level, when it is written and whose it is.
//
// Names and details that came from outside (a recipient domain, an MX host, a finding's
// detail) pass through core::quote_peer_text, so a hostile name can neither break a line
// nor make it unboundedly long. Delivery lines (DCID, TLS, Delayed, Bounced, ...) are in
// engine/log/delivery_lines.hpp.
#pragma once

#include "engine/core/time.hpp"
#include "engine/dns/record.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/mtasts/policy.hpp"
#include "engine/tls/requirement.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sts::log {

// --- The product's lines (log-format.md) ---

// Info: `Successfully fetched MTA-STS TXT record for domain(<domain>)`
std::string txt_record_fetched(std::string_view domain);
// Info: `Applying MTA-STS policy for the domain (<domain>)`
std::string applying_policy(std::string_view domain);
// Debug: `Valid cache entry found for the domain (<domain>).`
std::string cache_entry_found(std::string_view domain);
// Debug: `Fetching MTA-STS policy for domain(<domain>)`
std::string fetching_policy(std::string_view domain);
// Debug: `Requesting MTA-STS policy fetch via proxy`
std::string fetching_policy_via_proxy();
// Debug: `Request to fetch STS policy failed due to connection timeout. For domain <domain>`
std::string policy_fetch_connection_timeout(std::string_view domain);
// Info: `Encountered failure while fetching MTA-STS policy for domain(<domain>)`
std::string policy_fetch_failed(std::string_view domain);
// Proactive refresh (RFC 8461 §5.1 / §10.2, STS-CACHE-07..09), ours:
// Debug: `Refreshing MTA-STS policy for domain(<domain>)`
std::string refreshing_policy(std::string_view domain);
// Debug: `Refreshed MTA-STS policy for domain(<domain>) mode <mode> max_age <seconds>`
std::string refreshed_policy(std::string_view domain, std::string_view mode, std::uint64_t max_age_seconds);
// Info: `Refresh of MTA-STS policy for domain(<domain>) failed: <detail>`
std::string refresh_failed(std::string_view domain, std::string_view detail);
// Warning: `MTA-STS policy for the domain (<domain>) could not be refreshed <n> times in a row`
std::string refresh_alert(std::string_view domain, unsigned failures);
// Debug: `DNS query: Q(<name>, '<TYPE>')`: a lookup starts.
std::string dns_query(std::string_view name, dns::rr_type type);
// Debug: `DNS query: QN(<name>, '<TYPE>', 'recursive_nameserver0.parent')`: the question
// goes to the recursive resolver (it was not answered from the local cache).
std::string dns_query_recursive(std::string_view name, dns::rr_type type);
// Debug: `DNS query: QIP (<name>,'<TYPE>','<nameserver ip>',<timeout seconds>)`: one query
// on the wire.
std::string dns_query_ip(const dns::query_trace& trace);
// Debug: `DNS encache (<name>, <TYPE>, [(<expiry>L, 0, '<secure|insecure>', ('<rdata>',))])`.
// The product's "ttl-ish counter" is written as the answer's expiry in seconds since the
// epoch (now + TTL); the RDATA tuple shows at most limits::dns_log_records_max records, in
// Python tuple syntax (a one-element tuple keeps its trailing comma).
std::string dns_encache(const dns::lookup_result& answer, core::time_point now);
// `DNS Temporary Failure <name> <TYPE> - ServFail`. The product documents the MX/ServFail
// form (Info); the `Timeout` and `Malformed` endings, and other types, are ours.
std::string dns_temporary_failure(std::string_view name, dns::rr_type type, dns::lookup_status status);

// --- Our lines, in the product's style ---

// Info: `DNS Hard Error looking up <name> (<TYPE>): NXDomain` (or `NoData`).
std::string dns_hard_error(std::string_view name, dns::rr_type type, dns::lookup_status status);
// Info: `Null MX for the domain (<domain>): the domain accepts no mail`
std::string null_mx(std::string_view domain);
// Debug: `No MTA-STS TXT record found for domain(<domain>)`
std::string txt_record_absent(std::string_view domain);
// The `detail` of the next three lines is our words with every peer byte in it already
// quoted where it was read (a core::finding's detail, the fetcher's failure text); quoting
// it again would double every backslash and hide our own quotation marks.
// Info: `Invalid MTA-STS TXT record for domain(<domain>): <detail>`
std::string txt_record_invalid(std::string_view domain, std::string_view detail);
// Info: `Multiple MTA-STS TXT records for domain(<domain>), none is used`
std::string txt_records_multiple(std::string_view domain);
// Debug: `Fetched MTA-STS policy for domain(<domain>) mode <mode> max_age <seconds>`
std::string policy_fetched(std::string_view domain, mtasts::mode m, std::chrono::seconds max_age);
// Info: `Invalid MTA-STS policy for domain(<domain>): <detail>`
std::string policy_invalid(std::string_view domain, std::string_view detail);
// Debug: `Request to fetch STS policy failed due to <detail>. For domain <domain>`; the
// product's connection-timeout line generalised to the other fetch failures.
std::string policy_fetch_failed_because(std::string_view domain, std::string_view detail);
// Debug: `Skipping MTA-STS policy fetch for domain(<domain>): the last attempt failed less than 5 minutes ago`
std::string policy_fetch_backoff(std::string_view domain);
// Info: `MTA-STS policy for the domain (<domain>) has mode none, delivering without MTA-STS`
std::string policy_mode_none(std::string_view domain);
// Info: `Cached MTA-STS policy for the domain (<domain>) has expired.`
std::string cache_entry_expired(std::string_view domain);
// Info: `Deferring delivery for the domain (<domain>): MTA-STS TXT lookup failed and no policy is cached`
std::string policy_lookup_deferred(std::string_view domain);
// Warning (enforce): `MX host <host> is not listed in the MTA-STS policy for the domain (<domain>), skipping it`
std::string mx_not_in_policy_enforce(std::string_view domain, std::string_view mx_host);
// Info (testing): `MX host <host> is not listed in the MTA-STS policy for the domain (<domain>), testing mode, delivering anyway`
std::string mx_not_in_policy_testing(std::string_view domain, std::string_view mx_host);
// The DANE outcome of one MX host. Level: Debug for not_applicable and mx_insecure, Warning for
// mx_lookup_failed and lookup_failed, Info otherwise (dane_outcome_is_debug and
// dane_outcome_is_failure say which).
//   tlsa_usable       `DANE: usable TLSA records for MX host <host> of the domain (<domain>), MTA-STS is skipped`
//   tlsa_unusable     `DANE: TLSA records for MX host <host> of the domain (<domain>) are all unusable, TLS is mandatory`
//   not_applicable    `DANE: no secure TLSA records for MX host <host> of the domain (<domain>)`
//   mx_insecure       `DANE: MX records of the domain (<domain>) are not DNSSEC-secure, DANE not used`
//   mx_lookup_failed  `DANE: MX lookup for the domain (<domain>) failed DNSSEC validation, deferring`
//   lookup_failed     `DANE: TLSA or address lookup failed for MX host <host> of the domain (<domain>), skipping it`
std::string dane_outcome_line(std::string_view domain, std::string_view mx_host, tls::dane_outcome outcome);
bool dane_outcome_is_debug(tls::dane_outcome outcome);
bool dane_outcome_is_failure(tls::dane_outcome outcome);
// Info: `SMTP route configured for the domain (<domain>), MTA-STS not applied`
std::string route_bypass(std::string_view domain);
// Info: `SMTP route configured for the domain (<domain>), applying MTA-STS for the relay domain (<relay domain>)`
std::string route_smart_host(std::string_view domain, std::string_view relay_domain);
// Warning: `MTA-STS is enabled on the default destination-control profile; every recipient domain is looked up`
std::string default_profile_mta_sts_warning();

}  // namespace sts::log
