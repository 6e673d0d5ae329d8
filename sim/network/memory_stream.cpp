#include "sim/network/memory_stream.hpp"

#include "sim/scheduler.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <cstring>
#include <deque>
#include <vector>

namespace sts::sim {

// One direction of the connection: bytes that arrived at the reading end, plus whether the
// writer's end-of-stream arrived too.
struct direction {
    std::deque<std::byte> arrived;
    bool fin_arrived = false;
    // A read parked until data or end-of-stream arrives.
    std::span<std::byte> read_buffer;
    net::io_handler read_handler;
};

struct memory_stream::shared_state {
    scheduler* sched = nullptr;
    link_options options;
    net::endpoint ends[2];
    direction toward[2];       // toward[i]: data travelling to side i
    bool closed[2] = {false, false};
    bool reset = false;
};

namespace {

// Completes the parked read of `side` if it can make progress now.
void service_read(const std::shared_ptr<memory_stream::shared_state>& s, int side) {
    auto& d = s->toward[side];
    if (!d.read_handler) return;
    net::error_code ec;
    std::size_t n = 0;
    if (s->reset) {
        ec = boost::asio::error::connection_reset;
    } else if (!d.arrived.empty()) {
        n = std::min(d.read_buffer.size(), d.arrived.size());
        std::copy_n(d.arrived.begin(), n, d.read_buffer.begin());
        d.arrived.erase(d.arrived.begin(), d.arrived.begin() + static_cast<std::ptrdiff_t>(n));
    } else if (d.fin_arrived) {
        ec = boost::asio::error::eof;
    } else {
        return;  // stays parked
    }
    s->sched->post([h = std::move(d.read_handler), ec, n]() mutable { h(ec, n); });
    d.read_handler = nullptr;
    d.read_buffer = {};
}

// Runs `deliver` after the link latency; zero latency still goes through the scheduler so
// that the order of arrival is the order of writes.
void after_latency(const std::shared_ptr<memory_stream::shared_state>& s, core::unique_function<void()> deliver) {
    if (s->options.latency == core::duration::zero()) {
        s->sched->post(std::move(deliver));
    } else {
        s->sched->schedule(s->sched->now() + s->options.latency,
                           [d = std::move(deliver)](net::error_code) mutable { d(); });
    }
}

}  // namespace

stream_pair make_stream_pair(scheduler& sched, net::endpoint client_end, net::endpoint server_end,
                             link_options options) {
    auto state = std::make_shared<memory_stream::shared_state>();
    state->sched = &sched;
    state->options = options;
    state->ends[0] = std::move(client_end);
    state->ends[1] = std::move(server_end);
    return {std::make_unique<memory_stream>(state, 0), std::make_unique<memory_stream>(state, 1)};
}

memory_stream::memory_stream(std::shared_ptr<shared_state> state, int side) : state_(std::move(state)), side_(side) {}

memory_stream::~memory_stream() { close(); }

void memory_stream::async_read_some(std::span<std::byte> buffer, net::io_handler handler) {
    auto& d = state_->toward[side_];
    if (state_->closed[side_]) {
        state_->sched->post([h = std::move(handler)]() mutable { h(boost::asio::error::bad_descriptor, 0); });
        return;
    }
    if (buffer.empty()) {
        state_->sched->post([h = std::move(handler)]() mutable { h({}, 0); });
        return;
    }
    d.read_buffer = buffer;
    d.read_handler = std::move(handler);
    service_read(state_, side_);
}

void memory_stream::async_write_some(std::span<const std::byte> data, net::io_handler handler) {
    net::error_code ec;
    if (state_->closed[side_]) {
        ec = boost::asio::error::bad_descriptor;
    } else if (state_->reset) {
        ec = boost::asio::error::connection_reset;
    } else if (state_->closed[1 - side_]) {
        ec = boost::asio::error::broken_pipe;
    }
    const std::size_t n = ec ? 0 : data.size();
    if (!ec && n > 0) {
        const int peer = 1 - side_;
        after_latency(state_, [s = state_, peer, bytes = std::vector<std::byte>(data.begin(), data.end())] {
            if (s->reset || s->closed[peer]) return;
            auto& d = s->toward[peer];
            d.arrived.insert(d.arrived.end(), bytes.begin(), bytes.end());
            service_read(s, peer);
        });
    }
    state_->sched->post([h = std::move(handler), ec, n]() mutable { h(ec, n); });
}

void memory_stream::close() {
    if (!state_ || state_->closed[side_]) return;
    state_->closed[side_] = true;
    auto& own = state_->toward[side_];
    if (own.read_handler) {
        state_->sched->post([h = std::move(own.read_handler)]() mutable { h(boost::asio::error::operation_aborted, 0); });
        own.read_handler = nullptr;
    }
    const int peer = 1 - side_;
    after_latency(state_, [s = state_, peer] {
        s->toward[peer].fin_arrived = true;
        service_read(s, peer);
    });
}

void memory_stream::reset() {
    state_->reset = true;
    service_read(state_, 0);
    service_read(state_, 1);
}

net::endpoint memory_stream::local_endpoint() const { return state_->ends[side_]; }
net::endpoint memory_stream::remote_endpoint() const { return state_->ends[1 - side_]; }

}  // namespace sts::sim
