// engine/mtasts/extension_name.hpp
//
// The one grammar both MTA-STS texts use for the names of extension fields: the TXT record
// (RFC 8461 §3.1, sts-ext-name, [STS-DISC-08]) and the policy file (§3.2,
// sts-policy-ext-name, where the ABNF typo `sta-policy-alphanum` reads as
// `sts-policy-alphanum`, [STS-PARSE-12], [STS-PARSE-19]):
//   (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
// Keys are case-sensitive elsewhere, so "ID" or "Mode" are extension names like any other.
#pragma once

#include <cstddef>
#include <string_view>

namespace sts::mtasts {

inline constexpr std::size_t extension_name_chars_max = 32;

constexpr bool is_extension_name_first_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr bool is_extension_name_char(char c) noexcept {
    return is_extension_name_first_char(c) || c == '_' || c == '-' || c == '.';
}

constexpr bool is_extension_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > extension_name_chars_max || !is_extension_name_first_char(name.front())) {
        return false;
    }
    for (const char c : name) {
        if (!is_extension_name_char(c)) return false;
    }
    return true;
}

}  // namespace sts::mtasts
