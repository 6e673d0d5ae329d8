// mocks/dns/query_log.hpp
//
// The structured record of every query a mock DNS server received and what it did about
// it, for tests and scenario expectations to assert on: "exactly one TXT query for
// _mta-sts.example.com" (RFC 8461 §3.1 [STS-DISC-01]), "no TLSA query was made", "the
// client retried over TCP after TC". The transcript gets one escaped line per entry too
// (describe()); this log keeps the fields apart so nobody parses those lines.
//
// The log is bounded: past entries_max it only counts what it did not keep, so a client
// stuck in a retry loop cannot grow it without end.
#pragma once

#include "engine/core/time.hpp"
#include "engine/dns/message.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/dns/fault.hpp"
#include "mocks/dns/transport.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::mocks {

struct dns_query_entry {
    core::time_point at{};
    dns_transport transport = dns_transport::udp;
    net::endpoint client;

    // The query. qname is the presentation form as asked (letter case kept), empty when
    // the query did not decode.
    std::uint16_t id = 0;
    std::string qname;
    dns::rr_type qtype = dns::rr_type::a;
    bool rd = false;
    bool ad = false;
    bool cd = false;
    bool dnssec_ok = false;

    // What the server did.
    std::optional<dns_fault_kind> fault;  // the fault applied, if one matched
    core::duration delay{0};
    bool answered = false;  // a reply left (garbage counts)
    dns::rcode rcode = dns::rcode::noerror;
    bool ad_set = false;
    bool tc_set = false;
    std::size_t answer_count = 0;
    std::string note;  // why, when it is not obvious: "bogus data withheld", "CNAME loop", ...
};

// "udp 192.0.2.1:49152 id 4660 _mta-sts.example.com TXT rd,ad -> NOERROR ad answers 1":
// one transcript line, peer text escaped.
std::string describe(const dns_query_entry& entry);

class dns_query_log {
public:
    explicit dns_query_log(std::size_t entries_max = 100'000) : entries_max_(entries_max) {}

    void add(dns_query_entry entry);
    const std::vector<dns_query_entry>& entries() const noexcept { return entries_; }
    // Queries received but not kept because the log was full.
    std::size_t entries_dropped() const noexcept { return dropped_; }

    // Queries for this name (case-insensitive) and type, over both transports.
    std::size_t count(std::string_view qname, dns::rr_type qtype) const;
    std::size_t count(dns::rr_type qtype) const;
    std::size_t count(dns_transport transport) const;

private:
    std::size_t entries_max_;
    std::vector<dns_query_entry> entries_;
    std::size_t dropped_ = 0;
};

}  // namespace sts::mocks
