// engine/delivery/policy_proxy.hpp
//
// Which HTTP CONNECT proxy a policy fetch goes through (seg-behaviour.md: "Policy fetches
// may go through a configured HTTP proxy"): the one configured for the destination-control
// profile entry that matched the domain ("example.com", ".example.com" or "default"), else
// the global one, else none. Fetches at delivery time, bounce re-checks and proactive
// refreshes all ask here, so they always use the same proxy for a domain.
#pragma once

#include "engine/net/endpoint.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sts::delivery {

using profile_proxy_map = std::map<std::string, net::endpoint, std::less<>>;

inline std::optional<net::endpoint> policy_proxy_for(std::string_view profile_entry, const profile_proxy_map& per_profile,
                                                     const std::optional<net::endpoint>& global) {
    if (const auto it = per_profile.find(profile_entry); it != per_profile.end()) return it->second;
    return global;
}

}  // namespace sts::delivery
