// engine/mtasts/policy.hpp
//
// The MTA-STS policy model (RFC 8461 §3.2): what a valid policy file says once parsed.
// Parsing lives in engine/mtasts/policy_parser.hpp; matching an MX host against the
// patterns in engine/mtasts/mx_pattern.hpp; caching in engine/mtasts/policy_cache.hpp.
// A policy value is always valid: the parser is the only way to make one from peer text.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sts::mtasts {

// RFC 8461 §5: "enforce", "testing" or "none" (case-sensitive in the policy file).
enum class mode { enforce, testing, none };

std::string_view to_string(mode m);

struct policy {
    mode policy_mode = mode::none;
    std::chrono::seconds max_age{0};
    // The mx patterns in file order, lower-cased A-labels, each either a domain or "*."
    // followed by a domain. Empty only when the mode is none (STS-PARSE-08).
    std::vector<std::string> mx_patterns;
    // The policy's lines as declared, for the TLS-RPT "policy-string" (RFC 8460 §4.5).
    std::vector<std::string> policy_strings;

    friend bool operator==(const policy&, const policy&) = default;
};

inline std::string_view to_string(mode m) {
    switch (m) {
        case mode::enforce: return "enforce";
        case mode::testing: return "testing";
        case mode::none: return "none";
    }
    return "none";
}

}  // namespace sts::mtasts
