// mocks/proxy/proxy_config.hpp
//
// What a mock HTTP CONNECT proxy is (issue 3, item 5), as plain data the world loader fills
// in: its name and address, the address it connects from, the targets it can reach (a
// name → address map filled by the world, standing in for the proxy's own resolver), and
// the faults of the field:
//
// - refuse: the network's own fault on the proxy's address (address_faults on the
//   simulated network; a proxy not started, on loopback), so not a field here.
// - stall: the CONNECT is read and recorded, never answered.
// - 407 Proxy Authentication Required, always (auth_required) or unless the CONNECT
//   carries the expected Proxy-Authorization value.
// - 502 Bad Gateway, always; an unknown target name or a refused connection gets 502 too,
//   and a target that does not answer within connect_timeout 504.
// - TLS interception: 200, then the proxy itself terminates TLS with a certificate for the
//   requested name issued by the interception CA below, which no client trusts: a correct
//   engine fails WebPKI validation (RFC 8461 §3.3, STS-FETCH-03). If the client proceeds
//   anyway, the proxy reads its request and answers `intercepted_response` itself (a forged
//   policy by default); nothing is forwarded to the real target.
//
// Not modelled: other methods (an absolute-form GET gets 405), HTTP/2, chained proxies,
// authentication beyond comparing one header value.
#pragma once

#include "engine/core/time.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/policy_host/policy_site.hpp"
#include "mocks/tls/server_tls.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sts::mocks {

enum class proxy_fault : std::uint8_t {
    none,
    stall,          // reads and records the CONNECT, never answers
    auth_required,  // 407 to every CONNECT
    bad_gateway,    // 502 to every CONNECT
    intercept,      // 200, then TLS with a forged certificate (see above)
};

const char* to_string(proxy_fault fault);

struct connect_proxy_config {
    std::string host_name;  // "proxy.sender.test": every transcript entry names it
    net::endpoint listen{"", 3128};
    std::string source_address;  // the proxy's side of its tunnels; empty: the listen address
    // Lower-case host name → address; the port comes from the CONNECT request.
    std::map<std::string, std::string> targets;
    proxy_fault fault = proxy_fault::none;
    // When set, a CONNECT without exactly this Proxy-Authorization value gets 407, e.g.
    // "Basic dXNlcjpwYXNz" (RFC 9110 §11.7.2).
    std::optional<std::string> proxy_authorization;
    // The interception CA (a root of its own), for proxy_fault::intercept.
    tls_identity interception_ca;
    // What an intercepted request is answered with. Only status, reason, content type,
    // headers and body apply; it always goes with Content-Length.
    policy_response intercepted_response = forged_policy_response();

    std::size_t header_bytes_max = 8 * 1024;  // the CONNECT request; more gets 431
    std::size_t concurrent_connections_max = 256;
    std::size_t recorded_connects_max = 10'000;
    std::size_t forged_certificates_max = 1024;                 // cached per name; emptied when full
    core::duration request_timeout = std::chrono::seconds{60};  // for the CONNECT to arrive
    core::duration connect_timeout = std::chrono::seconds{30};  // for the target to answer
    // A tunnel has no timeout of its own: it ends when either side closes, and clients
    // (the engine) bound their fetches with their own timeouts.

    // "mode: none" under the requested name's authority: what an attacker in the path
    // would serve to switch MTA-STS off.
    static policy_response forged_policy_response();
};

// One request that reached the proxy.
struct recorded_connect {
    std::uint64_t connection = 0;
    core::time_point at;
    std::string method;  // "CONNECT", or whatever else was sent
    std::string target;  // as sent: "mta-sts.example.com:443"
    std::string host;    // parsed from target, lower-case ("" when unparseable)
    std::uint16_t port = 0;
    std::vector<http_field> headers;
    unsigned status = 0;  // what the proxy answered; 0 when it answered nothing
    // Relayed through the tunnel, set when it closes. TLS bytes: they vary slightly from
    // run to run, so assert ranges, never exact counts.
    std::uint64_t bytes_to_target = 0;
    std::uint64_t bytes_to_client = 0;

    std::optional<std::string> header(std::string_view name) const;
};

// An empty string when a proxy can run with `config`, else the first problem found.
std::string validate(const connect_proxy_config& config);

}  // namespace sts::mocks
