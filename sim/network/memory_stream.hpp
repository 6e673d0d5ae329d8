// sim/network/memory_stream.hpp
//
// A TCP connection of the simulated network: two byte_stream ends joined by in-memory
// queues on the world's scheduler. Data written at one end arrives at the other after the
// link's latency (virtual time), in order; closing one end delivers end-of-stream to the
// other after the data already in flight; reset() aborts both directions at once
// (connection_reset at the peer). Real OpenSSL TLS runs over it through asio_stream.
#pragma once

#include "engine/core/time.hpp"
#include "engine/net/byte_stream.hpp"

#include <memory>
#include <utility>

namespace sts::sim {

class scheduler;

struct link_options {
    core::duration latency{0};  // one way
};

class memory_stream;

struct stream_pair {
    std::unique_ptr<memory_stream> client;
    std::unique_ptr<memory_stream> server;
};

stream_pair make_stream_pair(scheduler& sched, net::endpoint client_end, net::endpoint server_end,
                             link_options options = {});

class memory_stream final : public net::byte_stream {
public:
    struct shared_state;
    memory_stream(std::shared_ptr<shared_state> state, int side);
    ~memory_stream() override;

    void async_read_some(std::span<std::byte> buffer, net::io_handler handler) override;
    void async_write_some(std::span<const std::byte> data, net::io_handler handler) override;
    void close() override;
    net::endpoint local_endpoint() const override;
    net::endpoint remote_endpoint() const override;

    // Aborts the connection: pending and future operations at both ends fail with
    // connection_reset (a fault the world injects).
    void reset();

private:
    std::shared_ptr<shared_state> state_;
    int side_;
};

}  // namespace sts::sim
