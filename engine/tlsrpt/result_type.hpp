// engine/tlsrpt/result_type.hpp
//
// The TLS-RPT result types (RFC 8460 §4.3, IANA "STARTTLS Validation Result Types"): the
// closed vocabulary a failure-details entry uses to say why a session failed. They fall in
// three groups: negotiation failures any policy can see (§4.3.1), DANE policy failures
// (§4.3.2.1) and MTA-STS policy failures (§4.3.2.2). §4.3.3 sends anything uncategorised to
// validation-failure; §4.3.4 lets transient failures go unreported.
//
// to_string() gives the exact RFC spelling, which is what reports and logs carry; parse()
// accepts only that spelling (the strings are case-sensitive JSON values). Which engine
// event maps to which type is decided in engine/tlsrpt/failure_reason.hpp, not here.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace sts::tlsrpt {

enum class result_type {
    // RFC 8460 §4.3.1: negotiation failures.
    starttls_not_supported,
    certificate_host_mismatch,
    certificate_expired,
    certificate_not_trusted,
    validation_failure,
    // RFC 8460 §4.3.2.1: DANE-specific policy failures.
    tlsa_invalid,
    dnssec_invalid,
    dane_required,
    // RFC 8460 §4.3.2.2: MTA-STS-specific policy failures.
    sts_policy_fetch_error,
    sts_policy_invalid,
    sts_webpki_invalid,
};

inline constexpr std::array all_result_types{
    result_type::starttls_not_supported, result_type::certificate_host_mismatch,
    result_type::certificate_expired,    result_type::certificate_not_trusted,
    result_type::validation_failure,     result_type::tlsa_invalid,
    result_type::dnssec_invalid,         result_type::dane_required,
    result_type::sts_policy_fetch_error, result_type::sts_policy_invalid,
    result_type::sts_webpki_invalid,
};

// The RFC 8460 spelling, e.g. "sts-policy-fetch-error".
std::string_view to_string(result_type type) noexcept;

// The result type spelled exactly `text`, or nothing.
std::optional<result_type> parse_result_type(std::string_view text) noexcept;

}  // namespace sts::tlsrpt
