// engine/net/network.hpp
//
// port: the network a world runs on. The engine connects and sends datagrams through it;
// the mocks listen and bind through it. Two implementations: the simulated network
// (sim/network/, in memory, virtual time, faults as data) and the loopback network (real
// sockets on 127.0.0.0/8). Addresses are text (engine/net/endpoint.hpp); a port of 0 asks
// for an ephemeral port, chosen deterministically on the simulated network.
//
// Errors a caller must handle: connection_refused (nothing listens), timed out is never
// reported by the network itself (an unreachable host simply never answers: the caller's
// timer decides), address_in_use and address_not_available from listen/bind.
#pragma once

#include "engine/core/result.hpp"
#include "engine/core/unique_function.hpp"
#include "engine/net/byte_stream.hpp"
#include "engine/net/datagram_socket.hpp"
#include "engine/net/endpoint.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace sts::net {

using connect_handler = core::unique_function<void(error_code, std::unique_ptr<byte_stream>)>;
using connect_id = std::uint64_t;
// Called once per accepted connection, until the listener is closed.
using accept_handler = core::unique_function<void(std::unique_ptr<byte_stream>)>;

class listener {
public:
    virtual ~listener() = default;
    virtual void close() = 0;
    virtual endpoint local_endpoint() const = 0;
};

class network {
public:
    virtual ~network() = default;
    // Opens a connection from `source_address` (the interface the gateway sends from) to
    // `remote`. The handler gets the stream, or an error and nullptr. A connection to an
    // unreachable host never completes on its own: the caller's timer cancels it.
    virtual connect_id async_connect(const std::string& source_address, const endpoint& remote,
                                     connect_handler handler) = 0;
    // Completes a pending connect with operation_aborted; does nothing once it completed.
    virtual void cancel_connect(connect_id id) = 0;
    virtual core::result<std::unique_ptr<listener>, error_code> listen(const endpoint& local,
                                                                        accept_handler handler) = 0;
    virtual core::result<std::unique_ptr<datagram_socket>, error_code> bind_datagram(const endpoint& local) = 0;
};

}  // namespace sts::net
