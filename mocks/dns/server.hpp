// mocks/dns/server.hpp
//
// A mock DNS server (issue 3, item 3): the validating recursive resolver the engine is
// pointed at, serving a dns_server_config's data over UDP and TCP (RFC 1035 §4.2; TCP
// with the two-byte framing of §4.2.2 and several queries per connection, RFC 7766 §6.2.1)
// on whichever network its mock_context gives, simulated or loopback. It is what dig or
// the engine's DNS client would take for a real resolver: answers, AD bits, TC and the
// TCP retry, and every fault the config describes (responder.hpp decides the bytes; this
// class only receives, waits and sends).
//
// Every query is recorded: one escaped line per query in the context's transcript, and a
// structured entry in queries() for tests and scenario expectations. Connections opened
// and closed are transcript events too.
//
// Lifetime: the mock_context must outlive the server and any run of the world. stop()
// (also run by the destructor) closes the socket, the listener and every connection and
// cancels pending delayed replies; their handlers end the next time the world runs.
// Nothing here needs Asio: the ports' callbacks are enough.
#pragma once

#include "engine/core/result.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/dns/query_log.hpp"
#include "mocks/dns/server_config.hpp"
#include "mocks/mock_context.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace sts::mocks {

class dns_server {
public:
    dns_server(mock_context& context, dns_server_config config);
    ~dns_server();
    dns_server(const dns_server&) = delete;
    dns_server& operator=(const dns_server&) = delete;

    // Validates the config, builds the zone, binds UDP and listens on TCP (same port; a
    // port of 0 takes the UDP socket's ephemeral port for TCP too). The error says what is
    // wrong: the config (validate()) or the address.
    core::result<std::monostate, std::string> start();
    void stop();

    // Mid-run changes (a scenario step that edits DNS): the records and denials, or the
    // faults, served from the next query on. The data is checked as start() checks it; on
    // an error nothing changes. New faults count their occurrences from the change (every
    // fault of the new list starts at zero), as a resolver reconfigured would. Before
    // start() they only replace the config.
    core::result<std::monostate, std::string> set_zone(zone_data data);
    core::result<std::monostate, std::string> set_faults(std::vector<dns_fault> faults);

    const dns_server_config& config() const;
    // Where it serves once started.
    net::endpoint local_endpoint() const;
    const dns_query_log& queries() const;
    // TCP connections accepted since start.
    std::size_t tcp_connections() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::mocks
