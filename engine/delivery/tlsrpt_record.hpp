// engine/delivery/tlsrpt_record.hpp
//
// One TLS-RPT observation (RFC 8460 §4): the outcome of one session (one attempt to reach
// one MX host of one policy domain, or one policy fetch), success or failure with its
// result type, kept by the engine for the reports. engine/tlsrpt/aggregate_report.hpp
// aggregates them per policy domain and UTC day; the record carries everything a report
// entry needs, so that no later lookup is required.
//
// One record is one session: a session that failed in several ways (TLSRPT-28) carries
// its first failure in `result`/`reason` and the others in `further_reasons`, so the
// summary counts it once while each failure gets its own failure-details entry.
#pragma once

#include "engine/core/time.hpp"
#include "engine/tlsrpt/failure_reason.hpp"
#include "engine/tlsrpt/policy_type.hpp"
#include "engine/tlsrpt/result_type.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sts::delivery {

struct tlsrpt_record {
    core::time_point at{};
    std::string policy_domain;  // the recipient domain
    tlsrpt::policy_type policy = tlsrpt::policy_type::no_policy_found;
    std::string policy_id;       // the MTA-STS id, when policy is sts
    // RFC 8460 §4.5 policy-string: for sts the policy's lines as declared (each mx its own
    // line), for tlsa one "usage selector mtype data" string per RR; empty when no policy
    // was obtained (ambiguity A21).
    std::vector<std::string> policy_strings;
    // RFC 8460 §4.4 mx-host: the sts policy's mx patterns, in policy order.
    std::vector<std::string> mx_patterns;
    std::string sending_ip;      // sending-mta-ip; empty: the reporter's default address
    std::string mx_host;         // receiving-mx-hostname
    std::string receiving_helo;  // receiving-mx-helo, when the MX's greeting named itself
    std::string receiving_ip;    // empty when never connected
    bool success = false;
    std::optional<tlsrpt::result_type> result;  // set on failure
    std::optional<tlsrpt::failure_reason> reason;
    // Other failures of the same session, each reported under its own result type.
    std::vector<tlsrpt::failure_reason> further_reasons;
    std::string detail;  // additional-information, our words
    friend bool operator==(const tlsrpt_record&, const tlsrpt_record&) = default;
};

}  // namespace sts::delivery
