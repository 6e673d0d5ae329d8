// mocks/dns/responder.hpp
//
// What the mock DNS server sends back for one query, as pure code (sans-I/O): bytes in,
// a reply plan out (the messages to send, how long to wait first, and the query-log entry
// saying what was done). The server (server.hpp) only moves bytes and waits.
//
// It answers like a validating recursive resolver (RFC 4035 §3.2, §4.3, §5.5):
// - RCODE from the data (zone.hpp): NOERROR with the records, NOERROR and no records for
//   NODATA, NXDOMAIN; SERVFAIL for a CNAME loop or an overlong chain.
// - AD set when everything the answer rests on is secure, and only when the query asked
//   for it with AD or DO (RFC 6840 §5.7; RFC 4035 §3.2.3); never for insecure data.
// - Bogus data gives SERVFAIL, unless the client set CD (RFC 4035 §3.2.2), which gets
//   the data without AD.
// - Over UDP an answer longer than 512 bytes, or than the client's EDNS payload size
//   capped by our own (RFC 6891 §6.2.3-5), is sent with TC set and empty sections, so the
//   client retries over TCP (RFC 1035 §4.2.1, RFC 7766 §5), where it is sent whole.
// - Faults (fault.hpp) replace or distort that answer.
//
// Malformed queries, decided here once: fewer than 12 bytes, or a message with QR set
// (a response, possibly reflected), are ignored, since there is no query to answer;
// anything else that does not decode, or that has other than one question, gets FORMERR
// with the query's ID (RFC 1035 §4.1.1); an opcode other than QUERY gets NOTIMP; a class
// other than IN gets REFUSED. Nothing is kept between queries.
//
// Deliberately not here: RRSIG and NSEC records for DO queries (the status stands in for
// them), EDNS versions other than 0 (BADVERS), cookies and other EDNS options.
#pragma once

#include "engine/core/result.hpp"
#include "engine/core/time.hpp"
#include "engine/dns/message.hpp"
#include "mocks/dns/fault.hpp"
#include "mocks/dns/query_log.hpp"
#include "mocks/dns/transport.hpp"
#include "mocks/dns/zone.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sts::mocks {

// RFC 1035 §4.2.1: a UDP message without EDNS carries at most 512 bytes.
inline constexpr std::size_t dns_udp_bytes_classic = 512;

struct dns_responder_options {
    // RFC 6840 §5.7: set AD only when the query had AD or DO. False sets it for every
    // secure answer, as some resolvers do.
    bool ad_only_when_asked = true;
    // Our own EDNS UDP payload limit (RFC 6891 §6.2.5); the DNS Flag Day 2020 value.
    std::uint16_t udp_payload_bytes_max = 1232;
    // CNAMEs followed before giving up with SERVFAIL. BIND follows 16, Unbound about 11;
    // 8 is more than any real _mta-sts or MX chain and still shows the bound in tests.
    std::size_t cname_hops_max = 8;
    // Seeds the garbage fault's bytes, so two runs of one world send the same garbage.
    std::uint64_t seed = 0;
};

struct dns_reply_plan {
    // The messages to send, in order; none when the query is dropped or ignored.
    std::vector<std::vector<std::uint8_t>> replies;
    core::duration delay{0};
    // What was asked and done; the server adds the time, transport and client.
    dns_query_entry entry;
};

// Step one: the bytes of a query, or the plan for a query that gets no normal answer
// (ignored, FORMERR, NOTIMP, REFUSED), as described above.
core::result<dns::message, dns_reply_plan> read_query(std::span<const std::uint8_t> wire);

// Step two: the answer to a query read_query() accepted, with `fault` (may be null)
// applied.
dns_reply_plan answer_query(const zone& data, const dns::message& query, const dns_fault* fault,
                            dns_transport transport, const dns_responder_options& options);

// Both steps, with the fault chosen from `faults`.
dns_reply_plan respond(const zone& data, dns_fault_table& faults, std::span<const std::uint8_t> wire,
                       dns_transport transport, const dns_responder_options& options);

// The most bytes a UDP answer to `query` may have (RFC 1035 §4.2.1, RFC 6891 §6.2.3-5).
std::size_t udp_reply_bytes_max(const dns::message& query, const dns_responder_options& options);

}  // namespace sts::mocks
