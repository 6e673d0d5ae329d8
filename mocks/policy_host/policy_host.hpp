// mocks/policy_host/policy_host.hpp
//
// A mock HTTPS policy host (issue 3, item 4): `mta-sts.<domain>` serving
// `/.well-known/mta-sts.txt` (RFC 8461 §3.2) over real OpenSSL TLS, with Boost.Beast
// parsing the requests and writing the status line and headers, on whichever network its
// mock_context gives, simulated or loopback, one coroutine per connection. It answers what
// its policy_host_config says, and shows every fault described there (policy_site.hpp).
// HTTP/1.1 keep-alive is honoured: after a complete answer it waits up to request_timeout
// for the next request. Requests for another path get 404, methods other than GET and HEAD
// 405, a request header over the limit 431, a malformed request 400.
//
// It records into the context's transcript every accepted connection, the TLS result
// (version, cipher, SNI) or failure, every request (method, target, SNI, Host and every
// header, escaped), what it answered, every fault and close; and it keeps the requests as
// recorded_request values for assertions.
//
// Lifetime: the mock_context must outlive the host and any run of the world's io_context.
// stop() (also run by the destructor) closes the listener and every open connection.
//
// Asio, Beast and OpenSSL stay out of this header: only policy_host.cpp pays for them.
#pragma once

#include "engine/core/result.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/mock_context.hpp"
#include "mocks/policy_host/policy_site.hpp"
#include "mocks/policy_host/recorded_request.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace sts::mocks {

class policy_host {
public:
    policy_host(mock_context& context, policy_host_config config);
    ~policy_host();
    policy_host(const policy_host&) = delete;
    policy_host& operator=(const policy_host&) = delete;

    // Validates the config, builds the TLS context and starts listening. The error says
    // what is wrong: the config (validate()), the certificates, or the listen address.
    core::result<std::monostate, std::string> start();
    void stop();

    // A mid-run change (a scenario step): what the host answers, its faults and its TLS
    // identity and caps, for connections accepted from now on; a connection already open
    // keeps what it was accepted under, as after a server's graceful reload. The host keeps
    // its name and address whatever `config` says. Checked as start() checks; on an error
    // nothing changes.
    core::result<std::monostate, std::string> set_config(policy_host_config config);

    const policy_host_config& config() const;
    // Where it listens once started (the chosen port when the config asked for port 0).
    net::endpoint local_endpoint() const;
    // Requests read completely, in order, at most config().recorded_requests_max.
    const std::vector<recorded_request>& requests() const;
    // Connections accepted since start.
    std::size_t connections() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::mocks
