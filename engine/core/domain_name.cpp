#include "engine/core/domain_name.hpp"

#include "engine/core/limits.hpp"

namespace sts::core {

namespace {

constexpr bool is_let_dig(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 1035 §2.3.4 allows 255 octets on the wire: one length octet per label plus the
// root's zero octet make the text form with no trailing dot at most 253 characters.
constexpr std::size_t domain_text_bytes_max = limits::dns_name_bytes_max - 2;

}  // namespace

std::string to_ascii_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

std::string_view strip_root_dot(std::string_view name) noexcept {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return name;
}

bool is_ldh_label(std::string_view label) noexcept {
    // RFC 5321 §4.1.2: sub-domain = Let-dig [Ldh-str]; Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig.
    if (label.empty() || label.size() > limits::dns_label_bytes_max) return false;
    if (!is_let_dig(label.front()) || !is_let_dig(label.back())) return false;
    for (const char c : label) {
        if (!is_let_dig(c) && c != '-') return false;
    }
    return true;
}

bool is_ldh_domain(std::string_view name) noexcept {
    // RFC 5321 §4.1.2: Domain = sub-domain *("." sub-domain).
    if (name.empty() || name.size() > domain_text_bytes_max) return false;
    while (true) {
        const auto dot = name.find('.');
        if (!is_ldh_label(name.substr(0, dot))) return false;
        if (dot == std::string_view::npos) return true;
        name.remove_prefix(dot + 1);
    }
}

bool is_a_label(std::string_view label) noexcept {
    // RFC 5890: the ACE prefix "xn--". Labels compare case-insensitively, so "XN--" counts too.
    return label.size() > 4 && equal_ignoring_case(label.substr(0, 4), "xn--");
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

}  // namespace sts::core
