// engine/delivery/smtp_route.hpp
//
// An SMTP route (seg-behaviour.md, "Precedence"): an administrator's rule that mail for a
// recipient domain goes to these hosts instead of the domain's MX hosts. What a route
// means for MTA-STS and DANE is a switch (tls::route_semantics): the gateway bypasses both
// and applies only the profile's TLS setting; the RFC 8461 §3.4 smart-host reading
// [STS-DISC-17] makes the relay's own domain the Policy Domain.
//
// Only the model lives here; the destination planner (destination_planner.hpp) applies it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sts::delivery {

struct smtp_route {
    struct hop {
        std::string host;  // a name (resolved with A) or an IPv4/IPv6 address literal
        std::uint16_t port = 25;
    };
    std::vector<hop> hops;  // in preference order
};

// Key: the recipient domain, lower case, no trailing root dot.
using route_table = std::map<std::string, smtp_route, std::less<>>;

}  // namespace sts::delivery
