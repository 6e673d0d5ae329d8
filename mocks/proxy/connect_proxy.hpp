// mocks/proxy/connect_proxy.hpp
//
// A mock HTTP CONNECT proxy (issue 3, item 5; RFC 9110 §9.3.6): it reads a request with
// Boost.Beast, and for `CONNECT host:port` opens a connection to the target through the
// world's network (the name is looked up in the config's target map, as a real proxy would
// resolve it), answers 200 and relays bytes both ways until either side closes. The TLS
// between the client and the policy host runs end to end through the tunnel, untouched.
// The faults (stall, 407, 502, TLS interception; refusal is the network's) are described
// in proxy_config.hpp.
//
// It records into the context's transcript every accepted connection, every request with
// its target and headers (escaped), its answer, the tunnel's opening and closing with the
// bytes relayed, and with interception the forged handshake's result and the request read
// inside it; and it keeps the CONNECTs (recorded_connect) and intercepted requests
// (recorded_request) for assertions.
//
// Lifetime: the mock_context must outlive the proxy and any run of the world's io_context.
// stop() (also run by the destructor) closes the listener and every open connection,
// tunnels included. Asio, Beast and OpenSSL stay out of this header.
#pragma once

#include "engine/core/result.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/mock_context.hpp"
#include "mocks/policy_host/recorded_request.hpp"
#include "mocks/proxy/proxy_config.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sts::mocks {

class connect_proxy {
public:
    connect_proxy(mock_context& context, connect_proxy_config config);
    ~connect_proxy();
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;

    // Validates the config, loads the interception CA if needed and starts listening.
    core::result<std::monostate, std::string> start();
    void stop();

    // A mid-run change (a scenario step): the fault and the required Proxy-Authorization,
    // for every CONNECT read from now on. The error says why the change was refused (the
    // interception CA does not load); nothing changes then.
    core::result<std::monostate, std::string> set_fault(proxy_fault fault,
                                                        std::optional<std::string> proxy_authorization);

    const connect_proxy_config& config() const;
    net::endpoint local_endpoint() const;
    // Every request whose header was read completely, in order (at most
    // config().recorded_connects_max).
    const std::vector<recorded_connect>& connects() const;
    // Requests read inside an intercepted (forged) TLS session.
    const std::vector<recorded_request>& intercepted() const;
    std::size_t connections() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::mocks
