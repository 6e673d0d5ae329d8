// engine/dns/address.hpp
//
// IP addresses as the A (RFC 1035 §3.4.1) and AAAA (RFC 3596 §2.2) records carry them: 4
// and 16 bytes on the wire, text in the model. IPv4 text is dotted decimal; IPv6 text
// follows RFC 5952 on output (lower-case hex, no leading zeros, the longest run of two or
// more zero groups shortened to "::", the first such run on a tie, and ::ffff:a.b.c.d for
// IPv4-mapped addresses per §5) and the RFC 4291 §2.2 forms on input.
//
// Parsing is strict, because the text comes from scenario files and the output must be
// unambiguous: dotted decimal with no leading zeros ("010" could be read as octal), no
// zone ids ("%eth0"), no prefix lengths. Parsing then formatting gives the canonical text,
// so the model round-trips through the wire unchanged once it is canonical.
// Deliberately not here: sockets or the C library's inet_* functions (engine purity).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sts::dns {

using ipv4_bytes = std::array<std::uint8_t, 4>;
using ipv6_bytes = std::array<std::uint8_t, 16>;

std::optional<ipv4_bytes> parse_ipv4(std::string_view text) noexcept;
std::optional<ipv6_bytes> parse_ipv6(std::string_view text) noexcept;

std::string format_ipv4(const ipv4_bytes& address);
std::string format_ipv6(const ipv6_bytes& address);

}  // namespace sts::dns
