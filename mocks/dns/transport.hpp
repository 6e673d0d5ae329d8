// mocks/dns/transport.hpp
//
// The two transports a DNS query arrives on (RFC 1035 §4.2): UDP, where an answer too big
// for the datagram is truncated and the client retries, and TCP, where every message is
// framed with a two-byte length (§4.2.2, RFC 7766) and the full answer always fits. The
// mock DNS server's faults, answers and query log all depend on which one it was.
#pragma once

#include <cstdint>

namespace sts::mocks {

enum class dns_transport : std::uint8_t { udp, tcp };

inline const char* to_string(dns_transport t) {
    return t == dns_transport::udp ? "udp" : "tcp";
}

}  // namespace sts::mocks
