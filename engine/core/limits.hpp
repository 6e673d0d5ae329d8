// engine/core/limits.hpp
//
// Every bound the engine puts on outside input or on its own work, in one place, each with
// its reason. A hostile peer can make any of these grow without limit, so every parser and
// loop of outside data checks one of these. Units and qualifiers go last in the names.
#pragma once

#include <chrono>
#include <cstddef>

namespace sts::core::limits {

// RFC 8461 §3.3 suggests a 64 KB cap on the policy body ("senders may wish to rate-limit
// ... and to impose a maximum size of 64 KB"). [STS-FETCH-14]
inline constexpr std::size_t policy_body_bytes_max = 64 * 1024;

// RFC 8461 §3.3 suggests a one-minute timeout for the policy fetch. [STS-FETCH-13]
inline constexpr std::chrono::seconds policy_fetch_timeout{60};

// RFC 8461 §3.3: after a failed fetch, at most one new attempt per 5 minutes for the same
// policy id. [STS-FETCH-15]
inline constexpr std::chrono::minutes policy_fetch_backoff{5};

// RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). [STS-PARSE-04]
inline constexpr std::chrono::seconds policy_max_age_max{31557600};

// RFC 8461 §3.3 suggests refreshing cached policies about once a day. [STS-CACHE-07]
inline constexpr std::chrono::hours policy_refresh_interval{24};

// --- MTA-STS policy cache (engine/mtasts/policy_cache.hpp) ---

// A policy is refreshed min(policy_refresh_interval, max_age / 2) after its fetch, so one
// that lives a day or less is still refreshed well before it expires. When that delay is
// shorter than this, there is no proactive refresh: the next delivery after expiry fetches
// anyway, and five minutes is the rate the RFC itself accepts for retries. [STS-CACHE-07]
inline constexpr std::chrono::minutes policy_refresh_delay_min{5};

// After a failed refresh the next try comes this long later, or sooner (never sooner than
// policy_fetch_backoff) when the policy would expire first, so that several tries, and the
// alert below, happen before the expiry. [STS-CACHE-08, STS-CACHE-09]
inline constexpr std::chrono::hours policy_refresh_retry_interval{1};

// Consecutive failed refreshes that raise an administrator alert (once per run of
// failures). One failure is often a blip and is only logged; three at the retry interval
// above is two hours of a broken policy host, hours or days before a policy of a day or
// more expires ("well before expiry", RFC 8461 §10.2). [STS-CACHE-09]
inline constexpr unsigned policy_refresh_failures_alert_min = 3;

// A cached policy that no delivery has used for this long is no longer refreshed and
// simply runs to its expiry; otherwise every domain ever mailed once would be fetched daily
// forever. 45 days keeps monthly senders' policies fresh with two weeks to spare.
inline constexpr std::chrono::days policy_refresh_idle_max{45};

// A fetch whose outcome has not been reported after this long is taken as lost, and a new
// attempt may start: twice the GET timeout, which leaves room for the policy host's DNS
// lookup, connect and TLS handshake around the GET itself.
inline constexpr std::chrono::seconds policy_fetch_in_flight_max{2 * policy_fetch_timeout};

// Cached policies. An entry with a typical two-mx policy costs about 430 bytes
// (bench/cache_bench.cpp prints the figure), so this is under 1 GiB, far more distinct
// domains than an outbound gateway mails within a year of max_age. When full, new
// policies still apply to the delivery that fetched them but are not kept: evicting a
// live policy would be a downgrade.
inline constexpr std::size_t policy_cache_entries_max = 2'000'000;

// Domains with a fetch in flight or a failed id in back-off. A domain leaves this set when
// its fetch succeeds, or once its back-off has ended and the set is swept (when full, or in
// purge_expired()), so it holds about the domains whose policy host failed in the last
// five minutes. Past this many live ones, further failures are not remembered and their
// back-off is lost: the cost is extra fetches, never a weaker policy.
inline constexpr std::size_t policy_fetch_attempts_max = 100'000;

// due_refreshes() hands out at most this many domains at a time; the rest stay due and
// next_wakeup() asks for attention again at once. It keeps one call's work bounded after a
// long pause (a restart with a restored cache, a clock jump).
inline constexpr std::size_t policy_refresh_batch_max = 1024;

// A TXT RRset beyond this many records or bytes is refused before parsing: a real
// _mta-sts RRset has one short record. 64 KiB is the DNS message size ceiling anyway.
inline constexpr std::size_t txt_records_max = 64;
inline constexpr std::size_t txt_record_bytes_max = 65535;

// RFC 1035 §2.3.4: names are at most 255 octets and labels at most 63.
inline constexpr std::size_t dns_name_bytes_max = 255;
inline constexpr std::size_t dns_label_bytes_max = 63;

// DNS messages: 65535 bytes over TCP (RFC 1035 §4.2.2); a name may follow at most this
// many compression pointers before it is treated as a loop.
inline constexpr std::size_t dns_message_bytes_max = 65535;
inline constexpr std::size_t dns_compression_pointers_max = 64;
inline constexpr std::size_t dns_records_per_section_max = 4096;

// --- DNS stub resolver and its answer cache (engine/dns/stub_resolver.hpp, answer_cache.hpp) ---

// A UDP reply is read into a buffer this large; a longer datagram is cut to it and then
// fails to decode. 4096 is the largest EDNS payload size resolvers still advertise
// (RFC 6891 §6.2.5); we ask for 1232, so a legitimate reply always fits.
inline constexpr std::size_t dns_udp_reply_bytes_max = 4096;

// CNAMEs followed for one lookup, inside answers and by asking again for a target the
// answer left unresolved. Resolvers stop at 8 to 16 (BIND 16); a real MX or _mta-sts
// chain has one or two links, and each re-query costs a round trip.
inline constexpr std::size_t dns_cname_hops_max = 16;

// Queries one lookup may put on the wire in all (every attempt, TCP retries and CNAME
// re-queries), whatever the configuration says, so a hostile resolver cannot turn one
// lookup into a query storm.
inline constexpr unsigned dns_queries_per_lookup_max = 32;

// Cached answers. An entry is a few hundred bytes, so this is a few MiB; when full the
// entry closest to expiry goes (a DNS cache may forget at any time: the cost is a query).
inline constexpr std::size_t dns_cache_entries_max = 10'000;

// TTLs are capped when caching: a day for answers (Unbound's cache-max-ttl default), and
// three hours for denials (RFC 2308 §5 calls one to three hours reasonable).
inline constexpr std::chrono::seconds dns_cache_ttl_max{86'400};
inline constexpr std::chrono::seconds dns_negative_ttl_max{3 * 3600};

// The TTL of a denial that came without an SOA record to take it from (RFC 2308 §5): a
// minute, short enough that a fixed record is seen soon after.
inline constexpr std::chrono::seconds dns_negative_ttl_default{60};

// SMTP: RFC 5321 §4.5.3.1.5 sets 512 octets per reply line; peers exceed it, so accept up
// to 4 KiB per line and at most 256 lines in one multi-line reply before refusing it.
inline constexpr std::size_t smtp_reply_line_bytes_max = 4096;
inline constexpr std::size_t smtp_reply_lines_max = 256;

// SMTP reply rendering for the mail log (engine/smtp/reply.hpp): a reply of 256 long lines
// would make one log line of about a megabyte, so the log shows the first lines, each
// capped by quote_peer_text, and says how many lines it left out.
inline constexpr std::size_t smtp_reply_log_lines_max = 8;

// MX hosts tried per delivery attempt: a domain with thousands of MX records must not turn
// one message into thousands of connections.
inline constexpr std::size_t mx_hosts_tried_max = 16;

// Policy lines and mx patterns: a 64 KiB body can hold a few thousand lines at most.
inline constexpr std::size_t policy_mx_patterns_max = 1024;

// --- Destination planner and its log lines (engine/delivery/destination_planner.hpp) ---

// A `DNS encache` debug line shows at most this many records of the RRset: the line is for
// a human following one delivery, and an RRset of thousands of records must not make one
// log line of megabytes.
inline constexpr std::size_t dns_log_records_max = 8;

// --- Policy file parser (engine/mtasts/policy_parser.hpp) ---

// A policy body can break a rule on nearly every line; past this many errors (or notes) the
// parser stops and says so instead of building one finding per line of a 64 KiB body. A
// real policy that needs fixing has a handful of errors, never a hundred.
inline constexpr std::size_t policy_findings_max = 100;

// --- _mta-sts TXT record parser (engine/mtasts/record.hpp) ---

// The record parser reports one finding per bad field; a 64 KiB record of ";;;;" would
// otherwise give 32768 of them. A real record has two or three fields, so past this many
// findings the parser stops and says so.
inline constexpr std::size_t txt_record_findings_max = 16;

// --- HTTPS policy fetcher (engine/mtasts/https_policy_fetcher.hpp) ---

// The response head of the policy host, and a proxy's answer to CONNECT: a real head is a
// few hundred bytes, and Beast's own default is 8 KiB; twice that leaves room for servers
// that add many security headers while a hostile one cannot make us buffer megabytes of
// header before the body cap applies. [STS-SEC-08]
inline constexpr std::size_t policy_http_header_bytes_max = 16 * 1024;

// Addresses of mta-sts.<domain> tried one after the other when a connection is refused.
// A hostile zone could list hundreds; each try costs a connection, and all of them share
// the one fetch deadline anyway. [STS-SEC-08]
inline constexpr std::size_t policy_host_addresses_tried_max = 4;

// --- Policy cache file (engine/mtasts/cache_file.hpp, sim/persistence/cache_store.hpp) ---

// One line of a cache file. The longest legitimate line is a policy line: a 64 KiB policy
// body may be one line, and escaping can at most quadruple it (every byte as \xNN).
inline constexpr std::size_t cache_file_line_bytes_max = 4 * policy_body_bytes_max + 64;

// A cache file lists at most cache_config::entries_max entries (policy_cache_entries_max by
// default). A two-mx entry is about 400 bytes of text, so a full cache is under 1 GiB; a
// larger file is read only this far, and an entry cut off at the cap is dropped.
inline constexpr std::size_t cache_file_bytes_max = policy_cache_entries_max * 512;

// A damaged file can break a rule on every line; past this many findings the decoder stops
// reporting (it still restores every good entry) and says how many it left out.
inline constexpr std::size_t cache_file_findings_max = 100;

// --- TLS profiles (engine/tls/profile.hpp) ---
// Destination-control profile entries: a scenario or configuration file is outside input,
// and real gateways carry a few hundred entries at most.
inline constexpr std::size_t profile_entries_max = 4096;

// --- Delivery queue (engine/delivery/) ---

// A DSN carries the original message's header section back to the sender (RFC 3462 §2),
// never the body; headers past 64 KiB are cut, as the section only helps the sender
// recognise the message and a forwarding loop can grow it without end.
inline constexpr std::size_t dsn_original_headers_bytes_max = 64 * 1024;

// RFC 8461 §5.1 [STS-APPLY-14]: an enforce failure is not bounced before a fresh TXT
// lookup has shown no newer policy. When that check stays inconclusive (DNS failing, a new
// id in fetch back-off), the message stays queued past its lifetime for at most this long,
// then bounces anyway: a resolver that never answers must not keep mail forever.
inline constexpr std::chrono::hours bounce_recheck_extension_max{24};

// --- TLS-RPT (engine/tlsrpt/reporting_policy.hpp, aggregate_report.hpp) ---

// rua URIs kept from one _smtp._tls record. RFC 8460 §3 lets the reporter try one or all
// of them (TLSRPT-07); a real record lists one or two, and a hostile 64 KiB record of
// "mailto:a@b," would otherwise make the reporter queue thousands of deliveries.
inline constexpr std::size_t tlsrpt_rua_uris_max = 16;

// One rua URI. Report endpoints are mailboxes and HTTPS URLs of ordinary length; past
// this the URI is refused rather than carried into a report delivery.
inline constexpr std::size_t tlsrpt_rua_uri_bytes_max = 2048;

// Findings from one _smtp._tls record, as for the _mta-sts record: past this many the
// parser stops and says so.
inline constexpr std::size_t tlsrpt_record_findings_max = 16;

}  // namespace sts::core::limits
