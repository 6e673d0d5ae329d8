#include "sim/network/socket_network.hpp"

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sts::sim {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

net::endpoint to_endpoint(const tcp::endpoint& e) { return {e.address().to_string(), e.port()}; }
net::endpoint to_endpoint(const udp::endpoint& e) { return {e.address().to_string(), e.port()}; }

class socket_stream final : public net::byte_stream {
public:
    explicit socket_stream(tcp::socket socket) : socket_(std::move(socket)) {
        boost::system::error_code ec;
        // No Nagle: the engine and the mocks write whole protocol units (an HTTP header and
        // then its body, TLS records, SMTP commands), and with Nagle a second small write
        // waits for the peer's delayed ACK, up to 40 ms on Linux: a policy fetch over
        // loopback took about 100 ms instead of a few.
        socket_.set_option(tcp::no_delay(true), ec);
        local_ = to_endpoint(socket_.local_endpoint(ec));
        remote_ = to_endpoint(socket_.remote_endpoint(ec));
    }
    ~socket_stream() override { close(); }

    void async_read_some(std::span<std::byte> buffer, net::io_handler handler) override {
        socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                [h = std::move(handler)](boost::system::error_code ec, std::size_t n) mutable { h(ec, n); });
    }
    void async_write_some(std::span<const std::byte> data, net::io_handler handler) override {
        socket_.async_write_some(asio::buffer(data.data(), data.size()),
                                 [h = std::move(handler)](boost::system::error_code ec, std::size_t n) mutable { h(ec, n); });
    }
    void close() override {
        boost::system::error_code ignored;
        if (!socket_.is_open()) return;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    net::endpoint local_endpoint() const override { return local_; }
    net::endpoint remote_endpoint() const override { return remote_; }

private:
    tcp::socket socket_;
    net::endpoint local_, remote_;
};

class socket_listener final : public net::listener {
public:
    socket_listener(tcp::acceptor acceptor, net::accept_handler handler)
        : state_(std::make_shared<state>(std::move(acceptor), std::move(handler))) {
        accept_next(state_);
    }
    ~socket_listener() override { close(); }
    void close() override {
        boost::system::error_code ignored;
        state_->acceptor.close(ignored);
    }
    net::endpoint local_endpoint() const override {
        boost::system::error_code ec;
        return to_endpoint(state_->acceptor.local_endpoint(ec));
    }

private:
    struct state {
        state(tcp::acceptor a, net::accept_handler h) : acceptor(std::move(a)), handler(std::move(h)) {}
        tcp::acceptor acceptor;
        net::accept_handler handler;
    };
    static void accept_next(const std::shared_ptr<state>& s) {
        s->acceptor.async_accept([s](boost::system::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !s->acceptor.is_open()) return;
            if (!ec) s->handler(std::make_unique<socket_stream>(std::move(socket)));
            accept_next(s);
        });
    }
    std::shared_ptr<state> state_;
};

class socket_datagram final : public net::datagram_socket {
public:
    explicit socket_datagram(udp::socket socket) : socket_(std::move(socket)) {}
    ~socket_datagram() override { close(); }
    void async_send_to(std::span<const std::byte> datagram, const net::endpoint& to, net::io_handler handler) override {
        boost::system::error_code ec;
        const auto address = asio::ip::make_address(to.address, ec);
        if (ec) {
            asio::post(socket_.get_executor(), [h = std::move(handler), ec]() mutable { h(ec, 0); });
            return;
        }
        socket_.async_send_to(asio::buffer(datagram.data(), datagram.size()), udp::endpoint(address, to.port),
                              [h = std::move(handler)](boost::system::error_code e, std::size_t n) mutable { h(e, n); });
    }
    void async_receive_from(std::span<std::byte> buffer, net::receive_handler handler) override {
        auto from = std::make_shared<udp::endpoint>();
        socket_.async_receive_from(asio::buffer(buffer.data(), buffer.size()), *from,
                                   [h = std::move(handler), from](boost::system::error_code ec, std::size_t n) mutable {
                                       h(ec, n, to_endpoint(*from));
                                   });
    }
    void close() override {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }
    net::endpoint local_endpoint() const override {
        boost::system::error_code ec;
        return to_endpoint(socket_.local_endpoint(ec));
    }

private:
    udp::socket socket_;
};

}  // namespace

real_time_clock::real_time_clock(core::time_point start)
    : start_(start), steady_start_(std::chrono::steady_clock::now()) {}

core::time_point real_time_clock::now() const {
    return start_ + std::chrono::duration_cast<core::duration>(std::chrono::steady_clock::now() - steady_start_);
}

struct real_timer_service::impl {
    asio::io_context& io;
    const core::clock& clock;
    net::timer_id next = 1;
    std::map<net::timer_id, std::shared_ptr<asio::steady_timer>> timers;
};

real_timer_service::real_timer_service(asio::io_context& io, const core::clock& clock)
    : impl_(std::make_shared<impl>(impl{io, clock, 1, {}})) {}

real_timer_service::~real_timer_service() {
    for (auto& [id, t] : impl_->timers) t->cancel();
}

net::timer_id real_timer_service::schedule(core::time_point deadline, net::timer_handler handler) {
    const auto id = impl_->next++;
    auto timer = std::make_shared<asio::steady_timer>(impl_->io);
    timer->expires_after(std::max(core::duration::zero(), deadline - impl_->clock.now()));
    impl_->timers.emplace(id, timer);
    timer->async_wait([self = impl_, id, timer, h = std::move(handler)](boost::system::error_code ec) mutable {
        self->timers.erase(id);
        h(ec);
    });
    return id;
}

void real_timer_service::cancel(net::timer_id id) {
    const auto it = impl_->timers.find(id);
    if (it != impl_->timers.end()) it->second->cancel();
}

struct socket_network::impl {
    asio::io_context& io;
    net::connect_id next = 1;
    std::map<net::connect_id, std::shared_ptr<tcp::socket>> connecting;
};

socket_network::socket_network(asio::io_context& io) : impl_(std::make_shared<impl>(impl{io, 1, {}})) {}

socket_network::~socket_network() = default;

net::connect_id socket_network::async_connect(const std::string& source_address, const net::endpoint& remote,
                                              net::connect_handler handler) {
    const auto id = impl_->next++;
    auto socket = std::make_shared<tcp::socket>(impl_->io);
    boost::system::error_code ec;
    const auto remote_address = asio::ip::make_address(remote.address, ec);
    if (!ec) socket->open(remote_address.is_v4() ? tcp::v4() : tcp::v6(), ec);
    if (!ec && !source_address.empty()) {
        const auto source = asio::ip::make_address(source_address, ec);
        if (!ec) socket->bind(tcp::endpoint(source, 0), ec);
    }
    if (ec) {
        asio::post(impl_->io, [h = std::move(handler), ec]() mutable { h(ec, nullptr); });
        return id;
    }
    impl_->connecting.emplace(id, socket);
    socket->async_connect(tcp::endpoint(remote_address, remote.port),
                          [self = impl_, id, socket, h = std::move(handler)](boost::system::error_code e) mutable {
                              self->connecting.erase(id);
                              if (e) {
                                  h(e, nullptr);
                              } else {
                                  h({}, std::make_unique<socket_stream>(std::move(*socket)));
                              }
                          });
    return id;
}

void socket_network::cancel_connect(net::connect_id id) {
    const auto it = impl_->connecting.find(id);
    if (it == impl_->connecting.end()) return;
    boost::system::error_code ignored;
    it->second->close(ignored);
}

core::result<std::unique_ptr<net::listener>, net::error_code> socket_network::listen(const net::endpoint& local,
                                                                                      net::accept_handler handler) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(local.address, ec);
    if (ec) return core::failure(ec);
    tcp::acceptor acceptor(impl_->io);
    const tcp::endpoint endpoint(address, local.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return core::failure(ec);
    return std::unique_ptr<net::listener>(std::make_unique<socket_listener>(std::move(acceptor), std::move(handler)));
}

core::result<std::unique_ptr<net::datagram_socket>, net::error_code> socket_network::bind_datagram(
    const net::endpoint& local) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(local.address, ec);
    if (ec) return core::failure(ec);
    udp::socket socket(impl_->io);
    const udp::endpoint endpoint(address, local.port);
    socket.open(endpoint.protocol(), ec);
    if (!ec) socket.bind(endpoint, ec);
    if (ec) return core::failure(ec);
    return std::unique_ptr<net::datagram_socket>(std::make_unique<socket_datagram>(std::move(socket)));
}

}  // namespace sts::sim
