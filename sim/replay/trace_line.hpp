// sim/replay/trace_line.hpp
//
// One line of a gateway mail log as `replay` reads it (issue 6, item 1): the line families
// of ../shared/spec/log-format.md and docs/mail-log.md, classified, with the fields each
// family carries. A customer's log is outside input of unknown version and condition, so a
// line is read tolerantly (syslog prefixes, extra suffixes such as ` for <domain>` or
// ` CN=<name>`, `IP <ip>` before `TLS`, From/To present or not, either quote style,
// truncated tails) and a line that fits no family is kept as `unclassified` with the reason,
// never dropped: the replay report shows it.
//
// The fields are plain strings as the log wrote them (after unquoting): inference
// (trace_inference.hpp) decides what they mean. Families that carry no field of a kind leave
// it empty. Nothing here knows about worlds or scenarios.
#pragma once

#include "engine/core/time.hpp"
#include "engine/log/mail_log.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim {

// Every family the engine writes (docs/mail-log.md), plus `unclassified`. The comment is the
// line's shape; `<...>` are the fields filled in.
enum class line_family {
    unclassified,

    // Delivery (the product's long-standing formats, and ours around them).
    message_queued,            // MID <mid> queued for delivery
    connection_new,            // New SMTP DCID <dcid> interface <interface_address> address <address> port <port>
    tls_success,               // DCID <dcid> TLS success protocol <protocol> cipher <cipher>
    starttls_unsupported,      // DCID <dcid> STARTTLS command not supported.
    tls_failed,                // DCID <dcid> TLS failed: <detail>
    tls_verify_deferring,      // DCID <dcid> TLS deferring: verify error: <detail>
    tls_verify_not_enforced,   // DCID <dcid> TLS verify error: <detail> (not enforced)
    tls_required_failed,       // DCID <dcid> TLS was required but could not be successfully negotiated
    starttls_plaintext_discarded,  // DCID <dcid> STARTTLS plaintext after the 220 reply discarded
    policy_successful,         // MTA-STS policy for the domain (<domain>) Successful.
    delivery_start,            // Delivery start DCID <dcid> MID <mid> to RID [<rids>]
    message_done,              // Message done DCID <dcid> MID <mid> to RID [<rids>]
    response,                  // MID <mid> RID [<rids>] Response '<detail>'
    message_finished,          // Message finished MID <mid> done
    connection_close,          // DCID <dcid> close
    delayed,                   // Delayed: DCID <dcid> MID <mid> From: <<sender>> To: <<recipient>> RID <rids> - <status> - <detail> ('<reply_code>', ['<reply>'])
    bounced,                   // Bounced: ... as delayed
    connection_error,          // Connection Error: DCID <dcid> domain: <domain> IP: <address> port: <port> details: <detail> interface: <interface_address> reason: <reason>
    next_attempt,              // MID <mid> RID [<rids>] next attempt at <next_attempt>
    recheck_before_bounce,     // MID <mid> MTA-STS policy for the domain (<domain>) re-checked before bounce: <detail>
    dsn_generated,             // MID <mid> RID [<rids>] bounce DSN generated to <<sender>>
    conservation_violated,     // Message conservation violated: <detail>

    // DNS.
    dns_query,                 // DNS query: Q(<name>, '<record_type>')
    dns_query_recursive,       // DNS query: QN(<name>, '<record_type>', '<detail>')
    dns_query_wire,            // DNS query: QIP (<name>,'<record_type>','<address>',<detail = timeout s>)
    dns_encache,               // DNS encache (<name>, <record_type>, [(<n>L, 0, '<dnssec>', ('<rdata>',)), ...])
    dns_temporary_failure,     // DNS Temporary Failure <name> <record_type> - <detail>
    dns_hard_error,            // DNS Hard Error looking up <name> (<record_type>): <detail>
    null_mx,                   // Null MX for the domain (<domain>): the domain accepts no mail

    // MTA-STS discovery, fetch, cache and application.
    txt_found,                 // Successfully fetched MTA-STS TXT record for domain(<domain>)
    txt_absent,                // No MTA-STS TXT record found for domain(<domain>)
    txt_invalid,               // Invalid MTA-STS TXT record for domain(<domain>): <detail>
    txt_multiple,              // Multiple MTA-STS TXT records for domain(<domain>), none is used
    txt_deferring,             // Deferring delivery for the domain (<domain>): MTA-STS TXT lookup failed and no policy is cached
    policy_cache_expired,      // Cached MTA-STS policy for the domain (<domain>) has expired.
    policy_fetch_start,        // Fetching MTA-STS policy for domain(<domain>)
    policy_fetch_via_proxy,    // Requesting MTA-STS policy fetch via proxy
    policy_fetched,            // Fetched MTA-STS policy for domain(<domain>) mode <mode> max_age <max_age>
    policy_fetch_timeout,      // Request to fetch STS policy failed due to connection timeout. For domain <domain>
    policy_fetch_failed,       // Request to fetch STS policy failed due to <detail>. For domain <domain>
    policy_invalid,            // Invalid MTA-STS policy for domain(<domain>): <detail>
    policy_fetch_failure,      // Encountered failure while fetching MTA-STS policy for domain(<domain>)
    policy_fetch_backoff,      // Skipping MTA-STS policy fetch for domain(<domain>): <detail>
    policy_refresh_start,      // Refreshing MTA-STS policy for domain(<domain>)
    policy_refreshed,          // Refreshed MTA-STS policy for domain(<domain>) mode <mode> max_age <max_age>
    policy_refresh_failed,     // Refresh of MTA-STS policy for domain(<domain>) failed: <detail>
    policy_refresh_failing,    // MTA-STS policy for the domain (<domain>) could not be refreshed <detail = n> times in a row
    policy_cache_hit,          // Valid cache entry found for the domain (<domain>).
    policy_applying,           // Applying MTA-STS policy for the domain (<domain>)
    policy_mode_none,          // MTA-STS policy for the domain (<domain>) has mode none, delivering without MTA-STS
    mx_not_listed_enforce,     // MX host <host> is not listed in the MTA-STS policy for the domain (<domain>), skipping it
    mx_not_listed_testing,     // MX host <host> is not listed in the MTA-STS policy for the domain (<domain>), testing mode, delivering anyway

    // DANE, routes, profiles.
    dane_usable,               // DANE: usable TLSA records for MX host <host> of the domain (<domain>), MTA-STS is skipped
    dane_all_unusable,         // DANE: TLSA records for MX host <host> of the domain (<domain>) are all unusable, TLS is mandatory
    dane_not_secure,           // DANE: no secure TLSA records for MX host <host> of the domain (<domain>)
    dane_mx_insecure,          // DANE: MX records of the domain (<domain>) are not DNSSEC-secure, DANE not used
    dane_mx_bogus,             // DANE: MX lookup for the domain (<domain>) failed DNSSEC validation, deferring
    dane_lookup_failed,        // DANE: TLSA or address lookup failed for MX host <host> of the domain (<domain>), skipping it
    route_bypass,              // SMTP route configured for the domain (<domain>), MTA-STS not applied
    route_smart_host,          // SMTP route configured for the domain (<domain>), applying MTA-STS for the relay domain (<host>)
    default_profile_warning,   // MTA-STS is enabled on the default destination-control profile; every recipient domain is looked up

    // TLS-RPT (ours).
    tlsrpt_no_policy,          // TLS-RPT: no reporting policy for domain(<domain>) (<detail>): the report for <day> is not sent
    tlsrpt_sent,               // TLS-RPT: report <file> for domain(<domain>) sent to <uri> (HTTP <status>)
    tlsrpt_failed,             // TLS-RPT: report <file> for domain(<domain>) to <uri> failed: <detail>
    tlsrpt_queued,             // TLS-RPT: report <file> for domain(<domain>) queued as MID <mid> for <uri>
    tlsrpt_retry,              // TLS-RPT: report <file> for domain(<domain>) will be retried at <timestamp>
    tlsrpt_given_up,           // TLS-RPT: report <file> for domain(<domain>) given up after <n> round(s) over its endpoints
};

// The family's name in reports and tests ("tls_success"); "unclassified" for that one.
std::string_view to_string(line_family family);

struct trace_line {
    std::size_t number = 0;   // 1-based line number in the file (the first physical line of a wrapped line)
    std::string raw;          // the logical line as read (wrapped lines joined), capped at trace_line_bytes_max
    std::optional<core::time_point> time;  // absent when the line had no readable timestamp
    std::optional<log::severity> severity; // Critical ... Trace; absent when the line had none
    std::string text;         // after timestamp and level: what the family patterns read
    line_family family = line_family::unclassified;
    bool truncated = false;   // the line ended before its family's shape did (fields read so far are kept)
    std::string problem;      // for unclassified lines: why ("no timestamp", "binary bytes", "unknown text");
                              // for a classified line whose middle departs from its family's
                              // shape, where (the fields before that point are kept)

    // Fields, filled per family as the comments of line_family say.
    std::optional<std::uint64_t> mid;
    std::optional<std::uint64_t> dcid;
    std::vector<std::uint64_t> rids;
    std::string domain;
    std::string host;
    std::string name;          // DNS owner name
    std::string record_type;   // DNS type ("TXT", "MX", ...)
    std::string address;       // the peer's IP address
    std::string interface_address;
    std::optional<std::uint16_t> port;
    std::string protocol;      // TLSv1.2, TLSv1.3
    std::string cipher;
    std::string detail;        // a reason, verify error, failure detail, reply text, verdict
    std::string reason;        // Connection Error's `reason:`
    std::string status;        // enhanced status code, 4.7.5
    std::string reply_code;    // '000', '250'
    std::string reply;         // the reply inside ['...']
    std::string sender;
    std::string recipient;
    std::string mode;          // enforce, testing, none
    std::optional<std::uint64_t> max_age;
    std::string dnssec;        // secure, insecure (encache)
    std::vector<std::string> rdata;  // encache records, unquoted
    std::string uri;           // TLS-RPT endpoint
    std::string file;          // TLS-RPT report file name
    std::optional<core::time_point> next_attempt;  // also TLS-RPT's `will be retried at`
    std::string day;           // TLS-RPT's `the report for <YYYY-MM-DD>`
    std::optional<std::uint64_t> encache_counter;  // the `<n>L` of the first encache tuple
};

// Longest logical line kept; a longer line is cut here and marked truncated. A mail-log
// line is a few hundred bytes; the cap keeps a hostile 1 MB line from costing more.
inline constexpr std::size_t trace_line_bytes_max = 8 * 1024;

// Classifies one logical line (without its line terminator). `default_year` completes
// timestamps that carry no year (classic syslog `Sep  6 13:13:16 host mail_logs: ...`).
trace_line classify_line(std::string_view line, std::size_t number, int default_year = 2024);

// Whether a physical line begins a logical line: it carries a timestamp (the product's, or a
// syslog prefix), or it starts with a level word (`Info: ...`, a log whose timestamps were
// cut off). A line that does not is the continuation of a wrapped line (log_reader.hpp).
bool begins_log_line(std::string_view line);

}  // namespace sts::sim
