#include "engine/tlsrpt/policy_type.hpp"

namespace sts::tlsrpt {

std::string_view to_string(policy_type type) noexcept {
    // RFC 8460 §4.4: policy-type is one of "tlsa", "sts", "no-policy-found".
    switch (type) {
        case policy_type::tlsa: return "tlsa";
        case policy_type::sts: return "sts";
        case policy_type::no_policy_found: return "no-policy-found";
    }
    return "no-policy-found";  // unreachable for a valid enumerator
}

std::optional<policy_type> parse_policy_type(std::string_view text) noexcept {
    for (const auto type : all_policy_types) {
        if (to_string(type) == text) return type;
    }
    return std::nullopt;
}

}  // namespace sts::tlsrpt
