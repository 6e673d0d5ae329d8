#include "mocks/dns/server.hpp"

#include "engine/dns/tcp_framing.hpp"

#include <boost/asio/error.hpp>

#include <fmt/format.h>

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace sts::mocks {

namespace {

// A UDP datagram can hold 65535 bytes less the headers; a query longer than this buffer
// is cut to it, fails to decode and gets FORMERR.
constexpr std::size_t udp_receive_bytes = 65535;
constexpr std::size_t tcp_read_chunk_bytes = 4096;
// A real socket can fail receive after receive (an ICMP error per datagram sent); past
// this many failures in a row the server stops serving UDP rather than spin.
constexpr std::size_t udp_receive_errors_max = 1000;

bool aborted(const net::error_code& ec) {
    return ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor;
}

class tcp_session;

}  // namespace

struct dns_server::state : std::enable_shared_from_this<state> {
    state(mock_context& c, dns_server_config cfg)
        : ctx(c), config(std::move(cfg)), log(config.query_log_entries_max) {}

    mock_context& ctx;
    dns_server_config config;
    dns_query_log log;
    std::optional<zone> data;
    std::optional<dns_fault_table> faults;
    std::unique_ptr<net::datagram_socket> udp;
    std::unique_ptr<net::listener> tcp;
    net::endpoint local;
    bool running = false;

    std::vector<std::byte> udp_buffer;
    std::size_t udp_errors = 0;
    struct outgoing {
        std::shared_ptr<const std::vector<std::uint8_t>> bytes;
        net::endpoint to;
    };
    std::deque<outgoing> udp_out;
    bool udp_sending = false;

    std::set<net::timer_id> delay_timers;  // replies waiting for a delay fault
    std::map<std::uint64_t, std::shared_ptr<tcp_session>> sessions;
    std::uint64_t accepted = 0;

    void record(transcript_kind kind, std::string text) {
        ctx.record.add(ctx.clock.now(), config.host_name, kind, std::move(text));
    }

    // One query, from bytes to the reply plan; logged and recorded here, once.
    dns_reply_plan handle(std::span<const std::uint8_t> wire, dns_transport transport,
                          const net::endpoint& client) {
        auto plan = respond(*data, *faults, wire, transport, config.answers);
        plan.entry.at = ctx.clock.now();
        plan.entry.transport = transport;
        plan.entry.client = client;
        record(transcript_kind::dns_query, mocks::describe(plan.entry));
        log.add(plan.entry);
        return plan;
    }

    // Runs `then` after `delay`, unless stop() comes first (then it gets false). Refuses
    // (returns false) when too many replies are already waiting.
    bool after(core::duration delay, core::unique_function<void(bool)> then) {
        if (delay_timers.size() + udp_out.size() >= config.pending_replies_max) return false;
        auto id = std::make_shared<net::timer_id>(0);
        *id = ctx.timers.schedule(ctx.clock.now() + delay, [weak = weak_from_this(), id,
                                                            f = std::move(then)](net::error_code ec) mutable {
            const auto s = weak.lock();
            if (s) s->delay_timers.erase(*id);
            f(s && s->running && !ec);
        });
        delay_timers.insert(*id);
        return true;
    }

    void receive_udp();
    void on_datagram(std::size_t n, const net::endpoint& from);
    void send_udp(std::vector<std::vector<std::uint8_t>> replies, const net::endpoint& to);
    void pump_udp();
    void accept(std::unique_ptr<net::byte_stream> stream);
};

namespace {

using server_state = dns_server::state;

// One TCP connection: framed queries in, framed replies out, in order (RFC 7766 §6.2.1.1
// allows answering out of order; in order is simpler and equally correct).
class tcp_session : public std::enable_shared_from_this<tcp_session> {
public:
    tcp_session(std::shared_ptr<server_state> st, std::unique_ptr<net::byte_stream> stream,
                std::uint64_t number)
        : st_(std::move(st)),
          stream_(std::move(stream)),
          number_(number),
          remote_(stream_->remote_endpoint()),
          reader_(st_->config.tcp_query_bytes_max) {}

    void start() {
        st_->record(transcript_kind::event,
                    fmt::format("tcp connection {} from {}", number_, net::to_string(remote_)));
        arm_idle();
        read();
    }

    void close(std::string_view why) {
        if (closed_) return;
        closed_ = true;
        const auto self = shared_from_this();  // the sessions map may hold the last reference
        st_->ctx.timers.cancel(idle_timer_);
        stream_->close();
        st_->record(transcript_kind::event, fmt::format("tcp connection {} closed: {}", number_, why));
        st_->sessions.erase(number_);
    }

private:
    void read() {
        if (closed_ || reading_ || peer_done_ || queue_.size() >= st_->config.tcp_pipelined_queries_max)
            return;
        reading_ = true;
        stream_->async_read_some(
            std::as_writable_bytes(std::span(chunk_)),
            [self = shared_from_this()](net::error_code ec, std::size_t n) { self->on_read(ec, n); });
    }

    void on_read(net::error_code ec, std::size_t n) {
        reading_ = false;
        if (closed_) return;
        if (ec) {
            peer_done_ = true;
            peer_end_ = ec == boost::asio::error::eof ? std::string("closed by the client") : ec.message();
            if (!reader_.at_frame_boundary()) peer_end_ += ", in the middle of a query";
            finish_if_done();
            return;
        }
        auto frames = reader_.feed(std::span<const std::uint8_t>(chunk_.data(), n));
        if (!frames) {
            close(fmt::format("framing error: {}", frames.error().rule));
            return;
        }
        for (auto& f : frames.value()) queue_.push_back(std::move(f));
        arm_idle();
        process();
        read();
    }

    void process() {
        if (closed_ || busy_) return;
        if (queue_.empty()) {
            finish_if_done();
            return;
        }
        busy_ = true;
        auto wire = std::move(queue_.front());
        queue_.pop_front();
        ++served_;
        auto plan = st_->handle(wire, dns_transport::tcp, remote_);
        if (plan.replies.empty()) {
            query_done();
            return;
        }
        if (plan.delay.count() <= 0) {
            write(std::move(plan.replies));
            return;
        }
        const bool waiting = st_->after(
            plan.delay, [self = shared_from_this(), replies = std::move(plan.replies)](bool go) mutable {
                if (go && !self->closed_) self->write(std::move(replies));
            });
        if (!waiting) {
            st_->record(transcript_kind::event, "delayed reply dropped: too many pending replies");
            query_done();
        }
    }

    void write(std::vector<std::vector<std::uint8_t>> replies) {
        out_.clear();
        out_offset_ = 0;
        for (const auto& r : replies) {
            // The responder never builds a message over 65535 bytes, so framing succeeds.
            auto framed = dns::frame_for_tcp(r);
            if (framed) out_.insert(out_.end(), framed.value().begin(), framed.value().end());
        }
        write_some();
    }

    void write_some() {
        if (out_offset_ >= out_.size()) {
            query_done();
            return;
        }
        const auto rest = std::span<const std::uint8_t>(out_).subspan(out_offset_);
        stream_->async_write_some(std::as_bytes(rest),
                                  [self = shared_from_this()](net::error_code ec, std::size_t n) {
                                      if (self->closed_) return;
                                      if (ec) {
                                          self->close(fmt::format("write failed: {}", ec.message()));
                                          return;
                                      }
                                      self->out_offset_ += n;
                                      self->write_some();
                                  });
    }

    void query_done() {
        busy_ = false;
        if (served_ >= st_->config.tcp_queries_per_connection_max) {
            close("query limit reached");
            return;
        }
        arm_idle();
        process();
        read();
    }

    void finish_if_done() {
        if (peer_done_ && !busy_ && queue_.empty()) close(peer_end_);
    }

    void arm_idle() {
        st_->ctx.timers.cancel(idle_timer_);
        idle_timer_ = st_->ctx.timers.schedule(st_->ctx.clock.now() + st_->config.tcp_idle_timeout,
                                               [weak = weak_from_this()](net::error_code ec) {
                                                   const auto self = weak.lock();
                                                   if (ec || !self || self->busy_) return;
                                                   self->close("idle timeout");
                                               });
    }

    std::shared_ptr<server_state> st_;
    std::unique_ptr<net::byte_stream> stream_;
    std::uint64_t number_;
    net::endpoint remote_;
    dns::tcp_frame_reader reader_;
    std::array<std::uint8_t, tcp_read_chunk_bytes> chunk_{};
    std::deque<std::vector<std::uint8_t>> queue_;
    std::vector<std::uint8_t> out_;
    std::size_t out_offset_ = 0;
    std::size_t served_ = 0;
    net::timer_id idle_timer_ = 0;
    bool reading_ = false;
    bool busy_ = false;  // a query is being answered (waiting for its delay or its write)
    bool peer_done_ = false;
    bool closed_ = false;
    std::string peer_end_;
};

}  // namespace

void dns_server::state::receive_udp() {
    if (!udp) return;
    udp->async_receive_from(
        udp_buffer, [weak = weak_from_this()](net::error_code ec, std::size_t n, net::endpoint from) {
            const auto s = weak.lock();
            if (!s || !s->running || aborted(ec)) return;
            if (ec) {
                if (++s->udp_errors >= udp_receive_errors_max) {
                    s->record(transcript_kind::event,
                              fmt::format("udp: giving up after {} receive errors", s->udp_errors));
                    return;
                }
            } else {
                s->udp_errors = 0;
                s->on_datagram(n, from);
            }
            s->receive_udp();
        });
}

void dns_server::state::on_datagram(std::size_t n, const net::endpoint& from) {
    const auto wire =
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(udp_buffer.data()), n);
    auto plan = handle(wire, dns_transport::udp, from);
    if (plan.replies.empty()) return;
    if (plan.delay.count() <= 0) {
        send_udp(std::move(plan.replies), from);
        return;
    }
    const bool waiting = after(
        plan.delay, [weak = weak_from_this(), replies = std::move(plan.replies), from](bool go) mutable {
            const auto s = weak.lock();
            if (go && s) s->send_udp(std::move(replies), from);
        });
    if (!waiting) record(transcript_kind::event, "delayed reply dropped: too many pending replies");
}

void dns_server::state::send_udp(std::vector<std::vector<std::uint8_t>> replies, const net::endpoint& to) {
    for (auto& r : replies) {
        if (delay_timers.size() + udp_out.size() >= config.pending_replies_max) {
            record(transcript_kind::event, "udp reply dropped: too many pending replies");
            continue;
        }
        udp_out.push_back({std::make_shared<const std::vector<std::uint8_t>>(std::move(r)), to});
    }
    pump_udp();
}

void dns_server::state::pump_udp() {
    if (!udp || !running || udp_sending || udp_out.empty()) return;
    udp_sending = true;
    const auto bytes = udp_out.front().bytes;  // the handler keeps the buffer alive
    udp->async_send_to(std::as_bytes(std::span(*bytes)), udp_out.front().to,
                       [weak = weak_from_this(), bytes](net::error_code, std::size_t) {
                           // A failed send is a lost datagram, which UDP allows; the client retries.
                           const auto s = weak.lock();
                           if (!s) return;
                           s->udp_sending = false;
                           if (!s->udp_out.empty()) s->udp_out.pop_front();
                           s->pump_udp();
                       });
}

void dns_server::state::accept(std::unique_ptr<net::byte_stream> stream) {
    const auto number = ++accepted;
    if (sessions.size() >= config.tcp_connections_max) {
        record(transcript_kind::event, fmt::format("tcp connection {} from {} refused: too many connections",
                                                   number, net::to_string(stream->remote_endpoint())));
        stream->close();
        return;
    }
    auto session = std::make_shared<tcp_session>(shared_from_this(), std::move(stream), number);
    sessions.emplace(number, session);
    session->start();
}

dns_server::dns_server(mock_context& context, dns_server_config config)
    : state_(std::make_shared<state>(context, std::move(config))) {}

dns_server::~dns_server() {
    stop();
}

core::result<std::monostate, std::string> dns_server::start() {
    auto& s = *state_;
    if (s.running) return core::failure(std::string("already started"));
    if (auto problem = validate(s.config); !problem.empty()) return core::failure(std::move(problem));
    auto built = zone::build(s.config.zone);
    if (!built) return core::failure("zone: " + built.error());
    s.data.emplace(std::move(built).value());
    s.faults.emplace(s.config.faults);
    s.log = dns_query_log(s.config.query_log_entries_max);
    s.local = s.config.listen;
    if (s.config.serve_udp) {
        auto bound = s.ctx.network.bind_datagram(s.config.listen);
        if (!bound)
            return core::failure(
                fmt::format("bind udp {}: {}", net::to_string(s.config.listen), bound.error().message()));
        s.udp = std::move(bound).value();
        s.local = s.udp->local_endpoint();
        s.udp_buffer.assign(udp_receive_bytes, std::byte{0});
    }
    if (s.config.serve_tcp) {
        auto listening = s.ctx.network.listen(s.local, [weak = std::weak_ptr<state>(state_)](auto stream) {
            const auto st = weak.lock();
            if (!st || !st->running) return;
            st->accept(std::move(stream));
        });
        if (!listening) {
            const auto problem =
                fmt::format("listen tcp {}: {}", net::to_string(s.local), listening.error().message());
            if (s.udp) s.udp->close();
            s.udp.reset();
            return core::failure(problem);
        }
        s.tcp = std::move(listening).value();
        s.local = s.tcp->local_endpoint();
    }
    s.running = true;
    s.record(transcript_kind::event,
             fmt::format("listening on {} {}", net::to_string(s.local),
                         s.config.serve_udp && s.config.serve_tcp ? "udp+tcp"
                                                                  : (s.config.serve_udp ? "udp" : "tcp")));
    s.receive_udp();
    return std::monostate{};
}

void dns_server::stop() {
    auto& s = *state_;
    if (!s.running) return;
    s.running = false;
    if (s.udp) s.udp->close();
    if (s.tcp) s.tcp->close();
    const auto timers = s.delay_timers;
    s.delay_timers.clear();
    for (const auto id : timers) s.ctx.timers.cancel(id);
    // close() erases the session from the map, so walk a copy.
    const auto sessions = s.sessions;
    for (const auto& [number, session] : sessions) session->close("server stopped");
    s.udp_out.clear();
    s.record(transcript_kind::event, "stopped");
}

core::result<std::monostate, std::string> dns_server::set_zone(zone_data data) {
    auto& s = *state_;
    auto built = zone::build(data);
    if (!built) return core::failure("zone: " + built.error());
    s.config.zone = std::move(data);
    if (s.data) s.data.emplace(std::move(built).value());
    return std::monostate{};
}

core::result<std::monostate, std::string> dns_server::set_faults(std::vector<dns_fault> faults) {
    auto& s = *state_;
    auto probe = s.config;
    probe.faults = faults;
    if (auto problem = validate(probe); !problem.empty()) return core::failure(std::move(problem));
    if (s.faults) s.faults.emplace(faults);
    s.config.faults = std::move(faults);
    return std::monostate{};
}

const dns_server_config& dns_server::config() const {
    return state_->config;
}
net::endpoint dns_server::local_endpoint() const {
    return state_->local;
}
const dns_query_log& dns_server::queries() const {
    return state_->log;
}
std::size_t dns_server::tcp_connections() const {
    return state_->accepted;
}

}  // namespace sts::mocks
