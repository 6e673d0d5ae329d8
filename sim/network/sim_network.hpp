// sim/network/sim_network.hpp
//
// The simulated network: every host of a world as an address, connections as in-memory
// links (memory_stream), datagrams as queued messages, all on the world's scheduler and
// virtual clock. Faults are data per address: a host may be unreachable (connections and
// datagrams vanish, so only the caller's timeout ends the wait) or refuse connections
// (connection_refused after one round trip). Every contact is recorded so scenarios can
// state which hosts were, or were not, contacted.
//
// Deterministic: ephemeral ports count up per address from 49152, and every delivery is
// ordered by the scheduler.
#pragma once

#include "engine/core/time.hpp"
#include "engine/net/network.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sts::sim {

class scheduler;

struct address_faults {
    bool unreachable = false;         // SYNs and datagrams are silently dropped
    bool refuse_connections = false;  // every connect gets connection_refused
};

enum class contact_kind { tcp_connect, udp_datagram };

struct contact {
    core::time_point at;
    contact_kind kind;
    net::endpoint from;
    net::endpoint to;
    std::string outcome;  // "accepted", "refused", "unreachable", "delivered", "dropped"
};

class sim_network final : public net::network {
public:
    explicit sim_network(scheduler& sched);
    ~sim_network() override;

    void set_latency(core::duration one_way);
    void set_faults(const std::string& address, address_faults faults);

    net::connect_id async_connect(const std::string& source_address, const net::endpoint& remote,
                                  net::connect_handler handler) override;
    void cancel_connect(net::connect_id id) override;
    core::result<std::unique_ptr<net::listener>, net::error_code> listen(const net::endpoint& local,
                                                                          net::accept_handler handler) override;
    core::result<std::unique_ptr<net::datagram_socket>, net::error_code> bind_datagram(
        const net::endpoint& local) override;

    const std::vector<contact>& contacts() const;

    struct state;  // shared with listeners and sockets, which may outlive a call

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::sim
