// engine/net/byte_stream.hpp
//
// port: a connected, ordered, reliable byte stream (a TCP connection), on either network.
// The engine and the mocks speak SMTP, HTTP and DNS-over-TCP through this interface; the
// simulated network implements it with in-memory links on virtual time, the loopback
// network with kernel sockets. engine/net/asio_stream.hpp adapts it to Asio's stream
// concepts so asio::ssl and Boost.Beast run on top unchanged.
//
// Contract shared by every implementation:
// - At most one read and one write outstanding at a time.
// - Handlers are never called from inside the initiating call; they run later on the
//   world's executor, one at a time, in a deterministic order on the simulated network.
// - A read completes with at least one byte, or with an error: asio::error::eof after the
//   peer closed and all data was read, connection_reset after a reset.
// - close() completes pending operations with operation_aborted and tells the peer (eof).
#pragma once

#include "engine/core/unique_function.hpp"
#include "engine/net/endpoint.hpp"

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <span>

namespace sts::net {

using error_code = boost::system::error_code;
using io_handler = core::unique_function<void(error_code, std::size_t)>;

class byte_stream {
public:
    virtual ~byte_stream() = default;
    virtual void async_read_some(std::span<std::byte> buffer, io_handler handler) = 0;
    virtual void async_write_some(std::span<const std::byte> data, io_handler handler) = 0;
    virtual void close() = 0;
    virtual endpoint local_endpoint() const = 0;
    virtual endpoint remote_endpoint() const = 0;
};

}  // namespace sts::net
