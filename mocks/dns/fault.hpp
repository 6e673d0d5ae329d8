// mocks/dns/fault.hpp
//
// The faults a mock DNS server can show, as data (issue 3, item 3): each one names the
// question it applies to (a name, case-insensitive, and optionally one type and one
// transport) and which arrivals of that question it hits (every one, or only the Nth, so
// "the first UDP query is dropped, the retry is answered" is one fault). What the fault
// does to the answer is responder.hpp's business; this file only says which fault, if
// any, applies to an arriving question.
//
// Faults apply to the question's name only, not to names reached through a CNAME; a
// failure in the middle of a chain is expressed with a bogus record (zone.hpp), which is
// how a validating resolver would see it anyway.
#pragma once

#include "engine/core/time.hpp"
#include "engine/dns/record.hpp"
#include "mocks/dns/transport.hpp"
#include "mocks/dns/zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::mocks {

enum class dns_fault_kind : std::uint8_t {
    none,                  // the normal answer (useful with a delay)
    nxdomain,              // RCODE 3, whatever the data says
    nodata,                // NOERROR with an empty answer section
    servfail,              // RCODE 2
    refused,               // RCODE 5
    drop,                  // no reply at all: only the client's timeout ends the wait
    truncate,              // over UDP: TC set and an empty answer; over TCP: the full answer
    wrong_id,              // the normal answer under a different message ID
    wrong_id_then_answer,  // that, then the normal answer: a client must skip the first
    garbage,               // bytes with the query's ID that never decode as a message
    truncate_always,       // TC set and an empty answer over both transports: a truncation loop
    compression_loop,      // an answer whose owner name is a compression pointer to itself
};

const char* to_string(dns_fault_kind kind);

struct dns_fault {
    std::string name;                        // the question name it applies to
    std::optional<dns::rr_type> type;        // nullopt: every type
    std::optional<dns_transport> transport;  // nullopt: both transports
    dns_fault_kind kind = dns_fault_kind::none;
    // 0: every matching query; N: only the Nth matching one, counted over the server's life.
    unsigned occurrence = 0;
    // The reply (if any) leaves this long after the query arrived.
    core::duration delay{0};
    // The status of the denial a nxdomain or nodata fault gives (secure sets AD).
    dnssec_status denial_status = dnssec_status::insecure;
};

// Named forms, as scenarios speak of them.
dns_fault dns_fault_for(std::string name, std::optional<dns::rr_type> type, dns_fault_kind kind,
                        unsigned occurrence = 0);
dns_fault dns_delay(std::string name, std::optional<dns::rr_type> type, core::duration delay);

// Chooses the fault for each arriving question. Every fault that matches counts the
// arrival, so occurrences stay meaningful when several faults name one question; the
// first one listed whose occurrence is hit wins.
class dns_fault_table {
public:
    explicit dns_fault_table(std::vector<dns_fault> faults);

    const dns_fault* select(std::string_view qname, dns::rr_type qtype, dns_transport transport);
    const std::vector<dns_fault>& faults() const noexcept { return faults_; }

private:
    std::vector<dns_fault> faults_;
    std::vector<std::string> keys_;  // canonical names, parallel to faults_
    std::vector<std::uint64_t> hits_;
};

}  // namespace sts::mocks
