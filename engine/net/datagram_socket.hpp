// engine/net/datagram_socket.hpp
//
// port: a bound UDP socket, on either network. The engine's DNS client and the mock DNS
// server use it. Datagrams may be lost or never answered (the simulated network's faults),
// so every receive is paired with a timer by its user. Same handler rules as byte_stream:
// never called from inside the initiating call; close() aborts pending operations.
#pragma once

#include "engine/core/unique_function.hpp"
#include "engine/net/byte_stream.hpp"
#include "engine/net/endpoint.hpp"

#include <cstddef>
#include <span>

namespace sts::net {

using receive_handler = core::unique_function<void(error_code, std::size_t, endpoint from)>;

class datagram_socket {
public:
    virtual ~datagram_socket() = default;
    virtual void async_send_to(std::span<const std::byte> datagram, const endpoint& to, io_handler handler) = 0;
    // Completes with one whole datagram; a datagram larger than `buffer` is truncated to it.
    virtual void async_receive_from(std::span<std::byte> buffer, receive_handler handler) = 0;
    virtual void close() = 0;
    virtual endpoint local_endpoint() const = 0;
};

}  // namespace sts::net
