// engine/delivery/tlsrpt_record.hpp
//
// One TLS-RPT observation (RFC 8460 §4): the outcome of one attempt to reach one MX host
// of one policy domain, success or failure with its result type, kept by the engine for
// the reports (aggregated per policy domain and day by the reporting side).
#pragma once

#include "engine/core/time.hpp"
#include "engine/tlsrpt/failure_reason.hpp"
#include "engine/tlsrpt/policy_type.hpp"
#include "engine/tlsrpt/result_type.hpp"

#include <optional>
#include <string>

namespace sts::delivery {

struct tlsrpt_record {
    core::time_point at{};
    std::string policy_domain;  // the recipient domain
    tlsrpt::policy_type policy = tlsrpt::policy_type::no_policy_found;
    std::string policy_id;       // the MTA-STS id, when policy is sts
    std::string mx_host;         // receiving-mx-hostname
    std::string receiving_ip;    // empty when never connected
    bool success = false;
    std::optional<tlsrpt::result_type> result;  // set on failure
    std::optional<tlsrpt::failure_reason> reason;
    std::string detail;  // additional-information, our words
    friend bool operator==(const tlsrpt_record&, const tlsrpt_record&) = default;
};

}  // namespace sts::delivery
