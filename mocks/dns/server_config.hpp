// mocks/dns/server_config.hpp
//
// What a mock DNS server is (issue 3, item 3), as plain data the world loader fills in:
// its name in the transcript, the address it serves on (port 53 unless told otherwise;
// UDP and TCP on the same port), the records and denials it answers from (zone.hpp), the
// faults it shows (fault.hpp), how it answers (responder.hpp) and the bounds on what a
// client can make it hold. It stands for the validating recursive resolver the engine is
// configured with, so one server usually holds the whole world's data.
//
// "Answer only over TCP" is a truncate fault with no transport filter (every UDP answer
// has TC set); "no TCP at all" is serve_tcp = false (connections are refused).
#pragma once

#include "engine/core/time.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/dns/fault.hpp"
#include "mocks/dns/responder.hpp"
#include "mocks/dns/zone.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace sts::mocks {

struct dns_server_config {
    std::string host_name = "resolver";  // every transcript entry names it
    net::endpoint listen{"", 53};
    bool serve_udp = true;
    bool serve_tcp = true;
    zone_data zone;
    std::vector<dns_fault> faults;
    dns_responder_options answers;

    // Bounds on what clients can make the server hold or do.
    std::size_t tcp_connections_max = 64;
    // RFC 7766 §6.2.1 wants several queries per connection; a client that never stops
    // cannot keep one open forever.
    std::size_t tcp_queries_per_connection_max = 100;
    // Queries read but not yet answered on one connection; reading pauses beyond it.
    std::size_t tcp_pipelined_queries_max = 16;
    // A query is a header, one question and perhaps an OPT record: well under this.
    // A longer frame ends the connection.
    std::size_t tcp_query_bytes_max = 4096;
    // RFC 7766 §6.2.3: servers close idle connections after a few seconds.
    core::duration tcp_idle_timeout = std::chrono::seconds{10};
    // Replies waiting for a delay fault or for the UDP socket; more are dropped (and
    // recorded), as an overloaded resolver would.
    std::size_t pending_replies_max = 1024;
    std::size_t query_log_entries_max = 100'000;
};

// An empty string when a server can run with `config`, else the first problem found: a
// missing host name or address, no transport, zone data that does not build, a fault
// whose name does not parse, a zero bound.
std::string validate(const dns_server_config& config);

}  // namespace sts::mocks
