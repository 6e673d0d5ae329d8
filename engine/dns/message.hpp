// engine/dns/message.hpp
//
// A DNS message (RFC 1035 §4.1): the 12-byte header with its flags, the question section
// and the answer, authority and additional record sections; and its wire codec, with name
// compression (§4.1.4) on encode and strict, bounded decoding.
//
// The codec is ours rather than a library's (docs/decisions.md D1): the engine decodes
// answers on a single-threaded virtual clock, with no sockets or timers of its own, and
// the mock world must also emit deliberately malformed messages (truncated, looping
// pointers, wrong counts), which it does by encoding a model with raw_rdata or by editing
// the encoded bytes. The header carries the AD and CD bits of RFC 4035 §3.2 beside RFC
// 1035's flags, so a DNSSEC-secure answer from a validating upstream is visible.
//
// decode() accepts only a well-formed message and says what is wrong and where otherwise:
// the finding's column is the 1-based byte offset in the message. Every length is checked,
// section counts are bounded by core::limits::dns_records_per_section_max and by the bytes
// that are left, RDATA must be exactly as long as RDLENGTH says, and trailing bytes after
// the last record are an error. A decoded model always re-encodes to a message that
// decodes to the same model (names keep their letter case; see name.hpp), which the fuzzer
// checks. Deliberately not here: EDNS option parsing (OPT RDATA stays raw), DNSSEC
// validation, the extended RCODE, and message transport (see tcp_framing.hpp).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"
#include "engine/dns/record.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sts::dns {

// RFC 1035 §4.1.1 OPCODE; the 4-bit field may hold other values.
enum class opcode : std::uint8_t {
    query = 0,
    iquery = 1,
    status = 2,
    notify = 4,
    update = 5,
};

// RFC 1035 §4.1.1 RCODE; the 4-bit field may hold other values.
enum class rcode : std::uint8_t {
    noerror = 0,
    formerr = 1,
    servfail = 2,
    nxdomain = 3,
    notimp = 4,
    refused = 5,
};

std::string rcode_name(rcode code);

struct header {
    std::uint16_t id = 0;
    bool qr = false;  // response
    dns::opcode opcode = dns::opcode::query;
    bool aa = false;  // authoritative answer
    bool tc = false;  // truncated: retry over TCP (RFC 7766 §5)
    bool rd = false;  // recursion desired
    bool ra = false;  // recursion available
    bool z = false;   // reserved, zero on the wire; kept so odd peers round-trip
    bool ad = false;  // authentic data (RFC 4035 §3.2.3)
    bool cd = false;  // checking disabled (RFC 4035 §3.2.2)
    dns::rcode rcode = dns::rcode::noerror;
    friend bool operator==(const header&, const header&) = default;
};

struct question {
    std::string qname;
    rr_type qtype = rr_type::a;
    rr_class qclass = rr_class::in;
    friend bool operator==(const question&, const question&) = default;
};

struct message {
    dns::header header;
    std::vector<question> questions;
    std::vector<record> answers;
    std::vector<record> authorities;
    std::vector<record> additionals;
    friend bool operator==(const message&, const message&) = default;
};

struct encode_options {
    // RFC 1035 §4.1.4 compression of owner names and of names in NS, CNAME, SOA and MX RDATA.
    bool compress = true;
};

// Fails (column 0, the offending text quoted in detail) when the model holds something the
// wire cannot carry: a malformed name or address, a TXT string over 255 bytes, a 4-bit
// field over 15, or a message over core::limits::dns_message_bytes_max.
core::result<std::vector<std::uint8_t>, core::finding> encode(const message& m, encode_options options = {});

core::result<message, core::finding> decode(std::span<const std::uint8_t> wire);

}  // namespace sts::dns
