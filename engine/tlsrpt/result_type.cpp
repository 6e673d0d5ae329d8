#include "engine/tlsrpt/result_type.hpp"

namespace sts::tlsrpt {

std::string_view to_string(result_type type) noexcept {
    // RFC 8460 §4.3 and the IANA registry (§6.6) spell them all lower-case and hyphenated.
    switch (type) {
        case result_type::starttls_not_supported: return "starttls-not-supported";
        case result_type::certificate_host_mismatch: return "certificate-host-mismatch";
        case result_type::certificate_expired: return "certificate-expired";
        case result_type::certificate_not_trusted: return "certificate-not-trusted";
        case result_type::validation_failure: return "validation-failure";
        case result_type::tlsa_invalid: return "tlsa-invalid";
        case result_type::dnssec_invalid: return "dnssec-invalid";
        case result_type::dane_required: return "dane-required";
        case result_type::sts_policy_fetch_error: return "sts-policy-fetch-error";
        case result_type::sts_policy_invalid: return "sts-policy-invalid";
        case result_type::sts_webpki_invalid: return "sts-webpki-invalid";
    }
    return "validation-failure";  // unreachable for a valid enumerator
}

std::optional<result_type> parse_result_type(std::string_view text) noexcept {
    for (const auto type : all_result_types) {
        if (to_string(type) == text) return type;
    }
    return std::nullopt;
}

}  // namespace sts::tlsrpt
