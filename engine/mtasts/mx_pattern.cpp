#include "engine/mtasts/mx_pattern.hpp"

#include "engine/core/domain_name.hpp"

namespace sts::mtasts {

namespace {

constexpr std::string_view wildcard_prefix = "*.";

}  // namespace

bool is_valid_mx_pattern(std::string_view pattern) noexcept {
    // RFC 8461 §3.2 [STS-PARSE-05]: ["*."] Domain. A trailing dot leaves an empty last
    // label, so is_ldh_domain() refuses it (ambiguity A10); so it does "*" alone, "*.",
    // "*mail.example.com", "mail.*.example.com" and any U-label (STS-PARSE-07).
    if (pattern.starts_with(wildcard_prefix)) pattern.remove_prefix(wildcard_prefix.size());
    return core::is_ldh_domain(pattern);
}

std::string_view to_string(mx_match m) {
    switch (m) {
        case mx_match::exact: return "exact";
        case mx_match::wildcard: return "wildcard";
        case mx_match::no_match: return "no_match";
        case mx_match::invalid_pattern: return "invalid_pattern";
        case mx_match::invalid_host: return "invalid_host";
    }
    return "no_match";
}

mx_match match_mx_pattern(std::string_view pattern, std::string_view mx_host) noexcept {
    if (!is_valid_mx_pattern(pattern)) return mx_match::invalid_pattern;
    // RFC 8461 §4.1 [STS-MX-06]: the MX exchange is an absolute name; its root dot, if
    // written, is not part of the comparison.
    const auto host = core::strip_root_dot(mx_host);
    // [STS-MX-07]: a U-label host is not a Domain; it must be given as its A-label.
    if (!core::is_ldh_domain(host)) return mx_match::invalid_host;

    // RFC 8461 §4.1 [STS-MX-03, STS-MX-05]: a pattern without a wildcard matches only the
    // identical name, compared as DNS names are (ASCII case-insensitively).
    if (core::equal_ignoring_case(pattern, host)) return mx_match::exact;

    // RFC 8461 §4.1 [STS-MX-04]: "*." matches exactly one whole left-most label. Dropping
    // the host's first label and comparing the rest with what follows "*." gives that: the
    // left-most label is non-empty (the host is a Domain) and the rest must be equal.
    if (pattern.starts_with(wildcard_prefix)) {
        const auto dot = host.find('.');
        if (dot != std::string_view::npos &&
            core::equal_ignoring_case(host.substr(dot + 1), pattern.substr(wildcard_prefix.size()))) {
            return mx_match::wildcard;
        }
    }
    return mx_match::no_match;
}

bool mx_pattern_matches(std::string_view pattern, std::string_view mx_host) noexcept {
    const auto m = match_mx_pattern(pattern, mx_host);
    return m == mx_match::exact || m == mx_match::wildcard;
}

bool policy_allows_mx(const policy& p, std::string_view mx_host) noexcept {
    for (const auto& pattern : p.mx_patterns) {
        if (mx_pattern_matches(pattern, mx_host)) return true;
    }
    return false;
}

}  // namespace sts::mtasts
