// sim/network/socket_network.hpp
//
// The loopback network: the same ports as the simulated network, on real kernel sockets,
// so dig, curl, openssl s_client, swaks or another MTA can talk to the mocks, and the
// engine's production transport runs over TCP. Each mock host binds its own 127.0.0.0/8
// address. Timers run in real time (a 60 s timeout costs 60 s here); the clock starts at
// the world's start time and moves with the steady clock, so certificate validity and
// logs agree with the simulated run. This is the only network that reads real time, and it
// lives outside engine/.
#pragma once

#include "engine/core/clock.hpp"
#include "engine/net/network.hpp"
#include "engine/net/timer_service.hpp"

#include <chrono>
#include <map>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace sts::sim {

// Virtual start time + real elapsed steady time.
class real_time_clock final : public core::clock {
public:
    explicit real_time_clock(core::time_point start);
    core::time_point now() const override;

private:
    core::time_point start_;
    std::chrono::steady_clock::time_point steady_start_;
};

class real_timer_service final : public net::timer_service {
public:
    real_timer_service(boost::asio::io_context& io, const core::clock& clock);
    ~real_timer_service() override;
    net::timer_id schedule(core::time_point deadline, net::timer_handler handler) override;
    void cancel(net::timer_id id) override;

private:
    struct impl;
    std::shared_ptr<impl> impl_;  // shared with pending waits, which may outlive the service
};

class socket_network final : public net::network {
public:
    explicit socket_network(boost::asio::io_context& io);
    ~socket_network() override;

    net::connect_id async_connect(const std::string& source_address, const net::endpoint& remote,
                                  net::connect_handler handler) override;
    void cancel_connect(net::connect_id id) override;
    core::result<std::unique_ptr<net::listener>, net::error_code> listen(const net::endpoint& local,
                                                                          net::accept_handler handler) override;
    core::result<std::unique_ptr<net::datagram_socket>, net::error_code> bind_datagram(
        const net::endpoint& local) override;

private:
    struct impl;
    std::shared_ptr<impl> impl_;  // shared with pending connects
};

}  // namespace sts::sim
