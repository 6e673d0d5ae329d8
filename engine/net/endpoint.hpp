// engine/net/endpoint.hpp
//
// An address and port on either network. Addresses are kept as text (IPv4 dotted quad or
// RFC 5952 IPv6) because that is how DNS answers, logs and reports carry them; both
// networks map them to their own notion of a host.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace sts::net {

struct endpoint {
    std::string address;
    std::uint16_t port = 0;

    friend auto operator<=>(const endpoint&, const endpoint&) = default;
};

// "address:port", as logs and transcripts write an endpoint.
inline std::string to_string(const endpoint& e) { return e.address + ':' + std::to_string(e.port); }

}  // namespace sts::net
