// engine/dns/record.hpp
//
// A DNS resource record (RFC 1035 §3.2.1, §4.1.3): owner name, class, TTL and typed RDATA.
// The types the engine reads have typed RDATA: A (RFC 1035 §3.4.1), AAAA (RFC 3596),
// NS, CNAME, SOA and MX (RFC 1035 §3.3), TXT (§3.3.14: one or more character-strings of at
// most 255 bytes each, binary-safe) and TLSA (RFC 6698 §2.1). Every other type, and any
// RDATA the mock world wants to send on purpose, is raw_rdata: bytes kept as they are
// (RFC 3597 §5 shows them as "\# <length> <hex>").
//
// The record's TYPE is the RDATA's alternative, so a record cannot claim one type and
// carry another's data; raw_rdata names its type. Decoding always yields the typed form
// for the types above and refuses RDATA that does not fit it exactly. Names inside RDATA
// follow name.hpp (presentation form, case preserved); only the RFC 1035 types compress
// them (RFC 3597 §4).
//
// The *_to_text functions are for logs and the check command: escaped, printable ASCII,
// not length-capped (the caller caps a line with core::quote_peer_text if it must).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"
#include "engine/dns/wire.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sts::dns {

// RFC 1035 §3.2.2, RFC 3596, RFC 6891, RFC 4034 and RFC 6698 type codes. Other values are
// valid too: the enum holds any 16-bit TYPE.
enum class rr_type : std::uint16_t {
    a = 1,
    ns = 2,
    cname = 5,
    soa = 6,
    ptr = 12,
    mx = 15,
    txt = 16,
    aaaa = 28,
    opt = 41,
    ds = 43,
    rrsig = 46,
    nsec = 47,
    dnskey = 48,
    tlsa = 52,
    any = 255,
};

// RFC 1035 §3.2.4. The engine only uses IN; OPT (RFC 6891 §6.1.2) reuses CLASS as the
// UDP payload size, so any 16-bit value is kept.
enum class rr_class : std::uint16_t {
    in = 1,
    ch = 3,
    any = 255,
};

struct a_rdata {
    std::string address;  // dotted decimal, "192.0.2.1"
    friend bool operator==(const a_rdata&, const a_rdata&) = default;
};

struct aaaa_rdata {
    std::string address;  // RFC 5952 text, "2001:db8::1"
    friend bool operator==(const aaaa_rdata&, const aaaa_rdata&) = default;
};

struct ns_rdata {
    std::string host;  // NSDNAME
    friend bool operator==(const ns_rdata&, const ns_rdata&) = default;
};

struct cname_rdata {
    std::string target;  // CNAME: the canonical name
    friend bool operator==(const cname_rdata&, const cname_rdata&) = default;
};

struct soa_rdata {
    std::string mname;
    std::string rname;
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
    friend bool operator==(const soa_rdata&, const soa_rdata&) = default;
};

struct mx_rdata {
    std::uint16_t preference = 0;
    std::string exchange;
    friend bool operator==(const mx_rdata&, const mx_rdata&) = default;
};

struct txt_rdata {
    // Each string is 0..255 bytes of any value; RFC 8461 §3.1 readers join them.
    std::vector<std::string> strings;
    friend bool operator==(const txt_rdata&, const txt_rdata&) = default;
};

struct tlsa_rdata {
    std::uint8_t usage = 0;          // RFC 6698 §2.1.1, e.g. 3 = DANE-EE
    std::uint8_t selector = 0;       // §2.1.2, e.g. 1 = SubjectPublicKeyInfo
    std::uint8_t matching_type = 0;  // §2.1.3, e.g. 1 = SHA-256
    std::vector<std::uint8_t> association_data;
    friend bool operator==(const tlsa_rdata&, const tlsa_rdata&) = default;
};

struct raw_rdata {
    rr_type type = rr_type::a;
    std::vector<std::uint8_t> bytes;
    friend bool operator==(const raw_rdata&, const raw_rdata&) = default;
};

using rdata = std::variant<a_rdata, aaaa_rdata, ns_rdata, cname_rdata, soa_rdata, mx_rdata, txt_rdata, tlsa_rdata,
                           raw_rdata>;

rr_type type_of(const rdata& data) noexcept;

struct record {
    std::string name;
    rr_class rclass = rr_class::in;
    std::uint32_t ttl = 0;
    rdata data;

    rr_type type() const noexcept { return type_of(data); }
    friend bool operator==(const record&, const record&) = default;
};

// "TXT", "TLSA", ...; RFC 3597 §5 "TYPE<n>" for types without a mnemonic here.
std::string type_name(rr_type type);
// "IN", "CH", "ANY", or RFC 3597 §5 "CLASS<n>".
std::string class_name(rr_class rclass);

// RDATA in presentation form: TXT as quoted strings with \" \\ and \DDD escapes, TLSA as
// "3 1 1 ABCD...", MX as "10 mx1.example.com", raw as "\# 4 0A000001".
std::string rdata_to_text(const rdata& data);
// "name TTL CLASS TYPE rdata", one line.
std::string record_to_text(const record& r);

// The wire form of RDATA, for message.cpp. read_rdata() decodes exactly the `length`
// bytes at the cursor as RDATA of `type`, or says where it breaks.
core::result<rdata, core::finding> read_rdata(wire_reader& reader, rr_type type, std::size_t length);
// Appends the RDATA (without RDLENGTH); fails on model values the wire cannot carry.
core::result<std::monostate, core::finding> write_rdata(wire_writer& writer, const rdata& data);

}  // namespace sts::dns
