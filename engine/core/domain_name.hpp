// engine/core/domain_name.hpp
//
// Small pure helpers on DNS names as text, shared by the TXT record, policy, MX matching
// and DNS code. DNS names compare case-insensitively in ASCII only (RFC 4343 §3), and an
// absolute name may be written with one trailing root dot ("mx.example.com.").
//
// is_ldh_domain() is the `Domain` production of RFC 5321 §4.1.2 that RFC 8461 §3.2 uses for
// mx patterns: dot-separated labels of letters, digits and hyphens, each starting and
// ending with a letter or digit, with the length limits of RFC 1035 §2.3.4 (labels of 1-63
// octets, at most 253 octets of text, which is 255 on the wire). Internationalised names
// take part only as A-labels ("xn--..."); a U-label is non-ASCII and is never a Domain.
//
// Deliberately not here: Punycode conversion (the engine never converts U-labels; RFC 8461
// §3.2 requires A-labels from the publisher), and a validated name type. These functions
// take and return plain strings so that each caller decides what a failure means.
#pragma once

#include <string>
#include <string_view>

namespace sts::core {

// The ASCII lower-case form of `c`; bytes outside 'A'..'Z' are returned unchanged, so
// non-ASCII input never becomes something it was not (no locale is consulted).
constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` with every ASCII upper-case letter lower-cased.
std::string to_ascii_lower(std::string_view text);

// `name` without one trailing root dot, if it has one: "mx.example.com." and
// "mx.example.com" are the same absolute name. Only one dot goes; "a.." keeps one, and
// the empty label that remains makes it fail is_ldh_domain().
std::string_view strip_root_dot(std::string_view name) noexcept;

// One LDH label (RFC 5321 §4.1.2 sub-domain): 1-63 letters, digits and hyphens, neither
// starting nor ending with a hyphen. Underscores and non-ASCII bytes are refused.
bool is_ldh_label(std::string_view label) noexcept;

// RFC 5321 §4.1.2 Domain: one or more LDH labels joined by single dots, at most 253
// octets, no leading or trailing dot. Callers holding an absolute name from DNS strip the
// root dot first (strip_root_dot); a pattern from a policy file must not have one.
bool is_ldh_domain(std::string_view name) noexcept;

// Whether `label` is an A-label in form: it starts with the ACE prefix "xn--" (RFC 5890),
// compared case-insensitively. The Punycode after the prefix is not decoded.
bool is_a_label(std::string_view label) noexcept;

// Whether `a` and `b` are the same name under ASCII case folding (RFC 4343 §3). Non-ASCII
// bytes must be identical. No dot is stripped; do that first where it matters.
bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

}  // namespace sts::core
