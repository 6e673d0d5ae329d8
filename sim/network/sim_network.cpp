#include "sim/network/sim_network.hpp"

#include "sim/network/memory_stream.hpp"
#include "sim/scheduler.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <deque>
#include <vector>

namespace sts::sim {

namespace {
constexpr std::uint16_t ephemeral_port_first = 49152;
}

class sim_datagram_socket;

struct sim_network::state {
    scheduler* sched = nullptr;
    core::duration latency{0};
    std::map<std::string, address_faults> faults;
    std::map<net::endpoint, net::accept_handler*> listeners;
    std::map<net::endpoint, sim_datagram_socket*> sockets;
    std::map<std::string, std::uint16_t> next_port;
    std::map<net::connect_id, net::connect_handler> pending_connects;
    net::connect_id next_connect = 1;
    std::vector<contact> contacts;

    address_faults faults_of(const std::string& address) const {
        const auto it = faults.find(address);
        return it == faults.end() ? address_faults{} : it->second;
    }
    std::uint16_t ephemeral_port(const std::string& address) {
        auto [it, inserted] = next_port.try_emplace(address, ephemeral_port_first);
        return it->second++;
    }
    bool port_taken(const net::endpoint& e) const { return listeners.contains(e) || sockets.contains(e); }
};

namespace {

class sim_listener final : public net::listener {
public:
    sim_listener(std::shared_ptr<sim_network::state> s, net::endpoint local, net::accept_handler handler)
        : state_(std::move(s)), local_(std::move(local)), handler_(std::move(handler)) {
        state_->listeners[local_] = &handler_;
    }
    ~sim_listener() override { close(); }
    void close() override {
        if (closed_) return;
        closed_ = true;
        state_->listeners.erase(local_);
    }
    net::endpoint local_endpoint() const override { return local_; }

private:
    std::shared_ptr<sim_network::state> state_;
    net::endpoint local_;
    net::accept_handler handler_;
    bool closed_ = false;
};

}  // namespace

class sim_datagram_socket final : public net::datagram_socket {
public:
    sim_datagram_socket(std::shared_ptr<sim_network::state> s, net::endpoint local)
        : state_(std::move(s)), local_(std::move(local)) {
        state_->sockets[local_] = this;
    }
    ~sim_datagram_socket() override { close(); }

    void async_send_to(std::span<const std::byte> datagram, const net::endpoint& to, net::io_handler handler) override {
        auto& sched = *state_->sched;
        if (closed_) {
            sched.post([h = std::move(handler)]() mutable { h(boost::asio::error::bad_descriptor, 0); });
            return;
        }
        const bool dropped = state_->faults_of(to.address).unreachable || state_->faults_of(local_.address).unreachable;
        state_->contacts.push_back({sched.now(), contact_kind::udp_datagram, local_, to, dropped ? "dropped" : "delivered"});
        if (!dropped) {
            sched.schedule(sched.now() + state_->latency,
                           [s = state_, from = local_, to, bytes = std::vector<std::byte>(datagram.begin(), datagram.end())](
                               net::error_code) mutable {
                               const auto it = s->sockets.find(to);
                               if (it != s->sockets.end()) it->second->arrive(std::move(bytes), from);
                           });
        }
        sched.post([h = std::move(handler), n = datagram.size()]() mutable { h({}, n); });
    }

    void async_receive_from(std::span<std::byte> buffer, net::receive_handler handler) override {
        if (closed_) {
            state_->sched->post([h = std::move(handler)]() mutable { h(boost::asio::error::bad_descriptor, 0, {}); });
            return;
        }
        buffer_ = buffer;
        handler_ = std::move(handler);
        service();
    }

    void close() override {
        if (closed_) return;
        closed_ = true;
        state_->sockets.erase(local_);
        if (handler_) {
            state_->sched->post([h = std::move(handler_)]() mutable { h(boost::asio::error::operation_aborted, 0, {}); });
            handler_ = nullptr;
        }
    }
    net::endpoint local_endpoint() const override { return local_; }

    // The network is going away: hand back the pending receive without running it. Its
    // owner (often a coroutine frame that also owns this socket) is then destroyed by the
    // caller, which breaks the frame → socket → handler → frame cycle a world torn down
    // in the middle of a lookup would otherwise leak.
    net::receive_handler abandon() { return std::move(handler_); }

    void arrive(std::vector<std::byte> bytes, net::endpoint from) {
        queue_.push_back({std::move(bytes), std::move(from)});
        service();
    }

private:
    void service() {
        if (!handler_ || queue_.empty()) return;
        auto [bytes, from] = std::move(queue_.front());
        queue_.pop_front();
        const std::size_t n = std::min(bytes.size(), buffer_.size());
        std::copy_n(bytes.begin(), n, buffer_.begin());
        state_->sched->post([h = std::move(handler_), n, from = std::move(from)]() mutable { h({}, n, from); });
        handler_ = nullptr;
    }

    std::shared_ptr<sim_network::state> state_;
    net::endpoint local_;
    std::deque<std::pair<std::vector<std::byte>, net::endpoint>> queue_;
    std::span<std::byte> buffer_;
    net::receive_handler handler_;
    bool closed_ = false;
};

sim_network::sim_network(scheduler& sched) : state_(std::make_shared<state>()) { state_->sched = &sched; }

sim_network::~sim_network() {
    std::vector<net::receive_handler> pending;
    for (auto& [at, socket] : state_->sockets) pending.push_back(socket->abandon());
    pending.clear();  // may destroy the sockets, which unregister themselves
}

void sim_network::set_latency(core::duration one_way) { state_->latency = one_way; }

void sim_network::set_faults(const std::string& address, address_faults faults) { state_->faults[address] = faults; }

const std::vector<contact>& sim_network::contacts() const { return state_->contacts; }

net::connect_id sim_network::async_connect(const std::string& source_address, const net::endpoint& remote,
                                           net::connect_handler handler) {
    auto& sched = *state_->sched;
    const auto id = state_->next_connect++;
    const net::endpoint local{source_address, state_->ephemeral_port(source_address)};
    const auto faults = state_->faults_of(remote.address);
    const bool unreachable = faults.unreachable || state_->faults_of(source_address).unreachable;
    const bool listening = state_->listeners.contains(remote);
    const char* outcome = unreachable ? "unreachable" : (faults.refuse_connections || !listening) ? "refused" : "accepted";
    state_->contacts.push_back({sched.now(), contact_kind::tcp_connect, local, remote, outcome});
    state_->pending_connects.emplace(id, std::move(handler));
    if (unreachable) return id;  // only the caller's timer ends this wait

    // The SYN reaches the server after one latency, the answer the client after two.
    sched.schedule(sched.now() + state_->latency, [s = state_, id, local, remote](net::error_code) {
        if (!s->pending_connects.contains(id)) return;  // cancelled meanwhile
        const auto it = s->listeners.find(remote);
        const bool refused = it == s->listeners.end() || s->faults_of(remote.address).refuse_connections;
        std::unique_ptr<memory_stream> client_end;
        if (!refused) {
            auto pair = make_stream_pair(*s->sched, local, remote, {.latency = s->latency});
            client_end = std::move(pair.client);
            s->sched->post([s, remote, server = std::move(pair.server)]() mutable {
                const auto l = s->listeners.find(remote);
                if (l != s->listeners.end()) (*l->second)(std::move(server));
            });
        }
        s->sched->schedule(s->sched->now() + s->latency,
                           [s, id, refused, client = std::move(client_end)](net::error_code) mutable {
                               auto node = s->pending_connects.extract(id);
                               if (node.empty()) return;
                               if (refused) {
                                   node.mapped()(boost::asio::error::connection_refused, nullptr);
                               } else {
                                   node.mapped()({}, std::move(client));
                               }
                           });
    });
    return id;
}

void sim_network::cancel_connect(net::connect_id id) {
    auto node = state_->pending_connects.extract(id);
    if (node.empty()) return;
    state_->sched->post([h = std::move(node.mapped())]() mutable { h(boost::asio::error::operation_aborted, nullptr); });
}

core::result<std::unique_ptr<net::listener>, net::error_code> sim_network::listen(const net::endpoint& local,
                                                                                   net::accept_handler handler) {
    if (state_->listeners.contains(local)) return core::failure(net::error_code(boost::asio::error::address_in_use));
    return std::unique_ptr<net::listener>(std::make_unique<sim_listener>(state_, local, std::move(handler)));
}

core::result<std::unique_ptr<net::datagram_socket>, net::error_code> sim_network::bind_datagram(
    const net::endpoint& local) {
    net::endpoint bound = local;
    if (bound.port == 0) {
        do {
            bound.port = state_->ephemeral_port(bound.address);
        } while (state_->port_taken(bound));
    }
    if (state_->sockets.contains(bound)) return core::failure(net::error_code(boost::asio::error::address_in_use));
    return std::unique_ptr<net::datagram_socket>(std::make_unique<sim_datagram_socket>(state_, bound));
}

}  // namespace sts::sim
