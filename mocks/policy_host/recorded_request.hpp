// mocks/policy_host/recorded_request.hpp
//
// One HTTP request as a mock server saw it, for assertions: "exactly one GET", "no
// If-None-Match" (STS-FETCH-10), "SNI = mta-sts.example.com" (STS-FETCH-07), "Host =
// mta-sts.user.example" (STS-FETCH-02). The bytes are the peer's, unescaped, since tests
// compare them; the transcript holds the escaped form. The policy host records GETs and
// everything else; the intercepting proxy records what reached it inside its forged TLS.
#pragma once

#include "engine/core/time.hpp"
#include "mocks/policy_host/policy_site.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::mocks {

struct recorded_request {
    std::uint64_t connection = 0;  // 1 for the first connection the server accepted
    core::time_point at;
    std::string sni;          // empty when the ClientHello carried none
    std::string tls_version;  // "TLSv1.3", ...
    std::string method;
    std::string target;               // as sent: "/.well-known/mta-sts.txt"
    unsigned version = 11;            // 11 for HTTP/1.1
    std::vector<http_field> headers;  // in the order received, Host included
    std::size_t body_bytes = 0;
    std::string body;  // kept for a POST to a report endpoint only (policy_host_config::post_status)
    unsigned status = 0;  // what the server answered; 0 when it answered nothing

    // The value of the first field named `name` (case-insensitive, RFC 9110 §5.1).
    std::optional<std::string> header(std::string_view name) const;
    // The Host field, or "" when there was none.
    std::string host() const;
};

}  // namespace sts::mocks
