// engine/mtasts/effective_policy.hpp
//
// The MTA-STS policy that governs one delivery, as the policy cache decided it: either no
// policy, or a valid unexpired policy together with the id it was published under and
// where it came from (a fetch made for this delivery, or the cache). This is the
// MTA-STS input of the TLS decision (engine/tls/requirement.hpp folds it, with the MX
// match of engine/mtasts/mx_pattern.hpp, into its sts_outcome).
//
// RFC 8461 §4 and §5 [STS-APPLY-17]: validation and enforcement happen only while a valid,
// unexpired policy in mode enforce or testing exists. Mode none is a valid, cacheable
// policy that enforces nothing (§5, §8.3 [STS-CACHE-10]), so "policy with mode none" and
// "no policy" both deliver normally but stay distinct: only the first came from the
// domain's own opt-out, and only the second can follow a fetch failure.
#pragma once

#include "engine/mtasts/policy.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sts::mtasts {

enum class policy_origin {
    none,   // no policy governs the delivery
    fetch,  // fetched for this delivery (or by the fetch this delivery awaited)
    cache,  // an unexpired cached policy
};

inline std::string_view to_string(policy_origin o) {
    switch (o) {
        case policy_origin::none:
            return "none";
        case policy_origin::fetch:
            return "fresh_fetch";
        case policy_origin::cache:
            return "cache";
    }
    return "none";
}

struct effective_policy {
    policy_origin origin = policy_origin::none;
    // Engaged exactly when origin is not none.
    std::optional<policy> value;
    // The TXT id the policy was fetched under; empty when origin is none.
    std::string policy_id;

    bool has_policy() const { return value.has_value(); }

    std::optional<mode> policy_mode() const {
        if (!value) return std::nullopt;
        return value->policy_mode;
    }

    // RFC 8461 §5: enforce makes failures fatal; testing only reports them.
    bool enforces() const { return value && value->policy_mode == mode::enforce; }
    bool validates() const {
        return value && (value->policy_mode == mode::enforce || value->policy_mode == mode::testing);
    }

    friend bool operator==(const effective_policy&, const effective_policy&) = default;
};

}  // namespace sts::mtasts
