// engine/tlsrpt/policy_type.hpp
//
// The TLS-RPT policy types (RFC 8460 §4.4, "policy-type"): which policy a report's
// summary and failure details were judged against. "tlsa" for DANE (RFC 7672), "sts" for
// MTA-STS (RFC 8461), and "no-policy-found" when neither applied (TLSRPT-32), in which case
// the sessions are still counted.
//
// to_string() gives the exact RFC spelling; parse_policy_type() accepts only that spelling.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace sts::tlsrpt {

enum class policy_type { tlsa, sts, no_policy_found };

inline constexpr std::array all_policy_types{policy_type::tlsa, policy_type::sts,
                                             policy_type::no_policy_found};

// The RFC 8460 spelling, e.g. "no-policy-found".
std::string_view to_string(policy_type type) noexcept;

// The policy type spelled exactly `text`, or nothing.
std::optional<policy_type> parse_policy_type(std::string_view text) noexcept;

}  // namespace sts::tlsrpt
