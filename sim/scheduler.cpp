#include "sim/scheduler.hpp"

#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/error.hpp>

namespace sts::sim {

scheduler::scheduler(core::time_point start) : io_(std::make_unique<boost::asio::io_context>(1)), now_(start) {}

scheduler::~scheduler() = default;

boost::asio::io_context& scheduler::io() { return *io_; }

net::timer_id scheduler::schedule(core::time_point deadline, net::timer_handler handler) {
    const auto id = next_id_++;
    if (deadline < now_) deadline = now_;  // a deadline in the past is due now, never earlier
    timers_.emplace(std::pair{deadline, id}, std::move(handler));
    deadlines_.emplace(id, deadline);
    return id;
}

void scheduler::cancel(net::timer_id id) {
    const auto it = deadlines_.find(id);
    if (it == deadlines_.end()) return;
    auto node = timers_.extract(std::pair{it->second, id});
    deadlines_.erase(it);
    post([handler = std::move(node.mapped())]() mutable { handler(boost::asio::error::operation_aborted); });
}

void scheduler::post(core::unique_function<void()> fn) { boost::asio::post(*io_, std::move(fn)); }

scheduler::run_stats scheduler::run_until(core::time_point limit) { return drive(limit, true); }

scheduler::run_stats scheduler::run() { return drive(core::time_point::max(), false); }

scheduler::run_stats scheduler::drive(core::time_point limit, bool advance_to_limit) {
    run_stats stats;
    for (;;) {
        io_->restart();
        stats.handlers += io_->poll();
        if (timers_.empty()) {
            stats.idle = true;
            if (advance_to_limit && limit > now_) now_ = limit;
            return stats;
        }
        const auto next = timers_.begin()->first.first;
        if (next > limit) {
            if (advance_to_limit && limit > now_) now_ = limit;
            return stats;
        }
        if (next > now_) {
            now_ = next;
            ++stats.time_jumps;
        }
        // Fire every timer due now, in scheduling order; their handlers run in the next poll.
        while (!timers_.empty() && timers_.begin()->first.first <= now_) {
            auto node = timers_.extract(timers_.begin());
            deadlines_.erase(node.key().second);
            post([handler = std::move(node.mapped())]() mutable { handler(boost::system::error_code{}); });
        }
    }
}

}  // namespace sts::sim
