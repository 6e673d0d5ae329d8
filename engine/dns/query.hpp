// engine/dns/query.hpp
//
// Building the two messages of an exchange: a query for one name and type (RFC 1035 §4.1,
// one question per query as every real server expects), and the skeleton of the response
// a server sends back to it (same ID, opcode and question, QR set, RD and CD echoed).
//
// DNSSEC signalling: a query may set AD to ask a validating upstream to report whether the
// answer is authenticated (RFC 6840 §5.7), and DO in an EDNS OPT record (RFC 3225, RFC
// 6891 §6) to ask for the DNSSEC records. The response echoes an OPT record, with the DO
// bit of the query, when the query had one (RFC 6891 §7). Setting AA, RA, AD or the answer
// records is left to the server that builds the response; nothing here decides what an
// answer is.
#pragma once

#include "engine/dns/message.hpp"

#include <cstdint>
#include <string>

namespace sts::dns {

// RFC 6891 §6.2.5 leaves the size to the implementation; 1232 bytes avoids IP fragmentation
// on any path (the DNS Flag Day 2020 value).
inline constexpr std::uint16_t edns_udp_payload_bytes = 1232;

struct query_flags {
    bool rd = true;          // recursion desired
    bool ad = false;         // ask for the AD bit in the answer
    bool cd = false;         // checking disabled
    bool dnssec_ok = false;  // DO bit; adds an OPT record to the additional section
};

message make_query(std::uint16_t id, std::string qname, rr_type qtype, query_flags flags = {});

message make_response(const message& query, rcode code = rcode::noerror);

// Whether the message carries an OPT record with the DO bit set (RFC 3225 §3).
bool dnssec_ok(const message& m) noexcept;

}  // namespace sts::dns
