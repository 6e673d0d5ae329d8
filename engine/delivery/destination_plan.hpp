// engine/delivery/destination_plan.hpp
//
// What the engine knows about one recipient domain before it connects anywhere: which
// destination-control profile applies, whether an SMTP route replaces the MX hosts, the
// MX hosts in the order they are tried (with their addresses), the MTA-STS policy that
// governs the delivery, the DANE outcome of each host, and for each host the TLS
// requirement tls::decide() gave. The destination planner (destination_planner.hpp)
// builds it from DNS lookups, policy fetches and the policy cache; the queue
// (engine.cpp) runs SMTP sessions along it.
#pragma once

#include "engine/dns/record.hpp"
#include "engine/mtasts/cache_state.hpp"
#include "engine/mtasts/effective_policy.hpp"
#include "engine/tls/profile.hpp"
#include "engine/tls/requirement.hpp"
#include "engine/tlsrpt/failure_reason.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sts::delivery {

struct planned_host {
    std::string mx_host;  // the MX RDATA name (or the route's host), lower case
    std::uint16_t preference = 0;
    std::string address;  // IPv4/IPv6 text; empty when the host has no usable address
    std::uint16_t port = 25;
    tls::dane_outcome dane = tls::dane_outcome::not_applicable;
    tls::sts_outcome sts = tls::sts_outcome::no_policy;
    tls::connection_requirement requirement;  // skip_mx / defer hosts stay in the list
    std::vector<dns::tlsa_rdata> tlsa;        // usable TLSA records for require_dane
    // Why the host cannot be used when it has no address (lookup failed or none exists).
    std::optional<tlsrpt::failure_reason> address_failure;
};

enum class plan_status {
    // Try `hosts` in order. At least one host has an address; every host may still carry
    // skip_mx or defer in its requirement (an enforce policy listing none of them, say),
    // which the queue honours and turns into a deferral when no host is left.
    ready,
    transient,  // defer the recipients: MX lookup failed, TXT temp error under "defer", ...
    permanent,  // bounce: null MX (RFC 7505), NXDOMAIN for the domain, no host at all
};

struct destination_plan {
    std::string domain;  // lower-case recipient domain
    plan_status status = plan_status::transient;
    std::string profile_entry;  // "example.com", ".example.com", "default" or "tlsrpt-report"
    // Planned for a TLS-RPT report mail (destination_planner::purpose): its sessions are
    // not counted in reports.
    bool tlsrpt_report = false;
    tls::profile profile;
    bool via_route = false;
    // The MTA-STS Policy Domain looked up: the recipient domain, or the relay's domain on
    // an RFC 8461 §3.4 smart-host route. Empty when MTA-STS was not consulted (profile off,
    // TLS "No", route bypass, address literal).
    std::string policy_domain;
    // The policy cache's last decision for this plan, for the log, `explain` and reports.
    std::optional<mtasts::cache_state> cache_decision_state;
    mtasts::effective_policy policy;  // what governs this delivery (origin none = no MTA-STS)
    std::vector<planned_host> hosts;
    // For transient and permanent: why, in TLS-RPT terms and in our words.
    std::optional<tlsrpt::failure_reason> failure;
    std::string detail;
    // RFC 8461 §6: the policy could not be obtained and TLS-RPT should say so
    // (cache_decision::report_failure), with the reason.
    std::optional<tlsrpt::failure_reason> policy_failure;
};

}  // namespace sts::delivery
