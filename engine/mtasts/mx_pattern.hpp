// engine/mtasts/mx_pattern.hpp
//
// An MX host pattern from a policy's "mx:" line, and the rule for matching an MX host
// against it (RFC 8461 §4.1).
//
// A pattern is a Domain (RFC 5321 §4.1.2, no trailing dot) or "*." followed by one
// (RFC 8461 §3.2). The wildcard stands for exactly one whole left-most label, so
// "*.example.com" matches "mx1.example.com" but neither "example.com" nor
// "a.b.example.com" [STS-MX-04]. Names compare case-insensitively [STS-MX-05], the MX
// host's trailing root dot is ignored [STS-MX-06], and internationalised names match only
// as A-labels: a U-label is not a Domain, so it never matches [STS-MX-07].
//
// The MX host is the exchange name from the MX RDATA (or the domain itself for an implicit
// MX, STS-MX-10), never a CNAME target, PTR or EHLO name (STS-MX-02); choosing it is the
// caller's job. What happens on a mismatch (skip the host under enforce, report under
// testing) is not decided here either.
#pragma once

#include "engine/mtasts/policy.hpp"

#include <string_view>

namespace sts::mtasts {

// RFC 8461 §3.2 [STS-PARSE-05]: sts-policy-mx-value = ["*."] Domain. No trailing dot
// (ambiguity A10), no underscore, no empty label, A-labels only. Case is not restricted;
// the policy parser lower-cases patterns after checking them.
bool is_valid_mx_pattern(std::string_view pattern) noexcept;

// How a pattern relates to an MX host, for callers that must say why.
enum class mx_match {
    exact,            // the names are equal, ignoring case and the host's root dot
    wildcard,         // "*." covers the host's left-most label and the rest is equal
    no_match,         // both are well-formed, and the host is not covered
    invalid_pattern,  // the pattern is not ["*."] Domain: it never matches
    invalid_host,     // the host is not a Domain (U-label, empty label, '_'): it never matches
};

// "exact", "wildcard", "no_match", "invalid_pattern", "invalid_host".
std::string_view to_string(mx_match m);

mx_match match_mx_pattern(std::string_view pattern, std::string_view mx_host) noexcept;

// True for `exact` and `wildcard`.
bool mx_pattern_matches(std::string_view pattern, std::string_view mx_host) noexcept;

// RFC 8461 §4.1 [STS-MX-01]: whether at least one of the policy's mx patterns matches the
// MX host. The mode is not consulted: a `none` policy allows nothing here and the caller
// must not apply it in the first place.
bool policy_allows_mx(const policy& p, std::string_view mx_host) noexcept;

}  // namespace sts::mtasts
