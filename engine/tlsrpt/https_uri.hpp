// engine/tlsrpt/https_uri.hpp
//
// An `https:` rua URI from a `_smtp._tls` TXT record (RFC 8460 §3), split into what the
// report poster's request needs: host, port and target. The text comes from a DNS answer,
// so it is outside input: every refusal says why in our words, with the URI quoted through
// core::quote_peer_text, and nothing here allocates more than a copy of the URI.
//
// Accepted: "https://" in any case, a host name (LDH labels, a trailing root dot dropped,
// lower-cased), an optional port from 1 to 65535, and a path and query of printable
// ASCII without spaces. Refused: user information, IP literals, empty hosts, control
// bytes. Percent-encoding is kept as written; the target is sent as is.
//
// Deliberately not here: the record grammar (reporting_policy.hpp) and the upload
// (https_report_poster.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sts::tlsrpt {

// An `https:` URI split into what a request needs. The authority is a host name (no user
// info, no IP literal in brackets); the port defaults to 443.
struct https_uri {
    std::string host;  // lower case
    std::optional<std::uint16_t> port;
    std::string target = "/";  // path and query, as written
};

// An error value names what is wrong with the text (quoted: it comes from a TXT record).
std::optional<https_uri> parse_https_uri(std::string_view uri, std::string* why = nullptr);

}  // namespace sts::tlsrpt
