// engine/net/asio_timer.hpp
//
// Asio-style waits on the timer_service port, so coroutines can `co_await` virtual time:
//   co_await net::async_wait_until(timers, deadline, asio::use_awaitable);
// and a scoped deadline that closes a stream (or cancels a connect) when it expires, the
// Asio 1.74 way of putting a timeout on an operation (it has no per-operation cancellation).
// Include only from protocol .cpp files.
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/net/timer_service.hpp"

#include <boost/asio/async_result.hpp>

#include <memory>

namespace sts::net {

// Completes at `deadline` with no error, or with operation_aborted when the timer is
// cancelled; its id is written to *id_out when given, for timer_service::cancel().
template <class WaitToken>
auto async_wait_until(timer_service& timers, core::time_point deadline, WaitToken&& token,
                      timer_id* id_out = nullptr) {
    return boost::asio::async_initiate<WaitToken, void(boost::system::error_code)>(
        [&timers, deadline, id_out](auto handler) {
            const auto id = timers.schedule(deadline, [h = std::move(handler)](boost::system::error_code ec) mutable {
                std::move(h)(ec);
            });
            if (id_out != nullptr) *id_out = id;
        },
        token);
}

// Runs `on_expiry` at `deadline` unless disarmed first (or destroyed). `expired()` tells
// the operation that failed why it failed.
class deadline_guard {
public:
    template <class F>
    deadline_guard(timer_service& timers, core::time_point deadline, F on_expiry)
        : timers_(&timers), state_(std::make_shared<bool>(false)) {
        id_ = timers.schedule(deadline, [s = state_, f = std::move(on_expiry)](boost::system::error_code ec) mutable {
            if (ec) return;
            *s = true;
            f();
        });
    }
    ~deadline_guard() { disarm(); }
    deadline_guard(const deadline_guard&) = delete;
    deadline_guard& operator=(const deadline_guard&) = delete;

    void disarm() {
        if (timers_ != nullptr) timers_->cancel(id_);
        timers_ = nullptr;
    }
    bool expired() const { return *state_; }

private:
    timer_service* timers_;
    timer_id id_ = 0;
    std::shared_ptr<bool> state_;
};

}  // namespace sts::net
