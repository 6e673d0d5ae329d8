// sim/scheduler.hpp
//
// The discrete-event scheduler of one simulated world: its virtual clock, its timers and
// the Asio io_context every engine and mock handler of that world runs on, all on one
// thread. run_until() runs every ready handler; when nothing is ready it jumps the virtual
// clock to the earliest timer deadline and fires the timers due then, in the order they
// were scheduled (the FoundationDB / turmoil model, toolchain.md §5 "SimTimer"). A stalled
// peer therefore costs no real time: the world simply jumps to the timeout.
//
// Nothing here reads the real clock, and the order of every handler follows from the
// order of the calls that scheduled it, so two runs of one world are identical.
#pragma once

#include "engine/core/clock.hpp"
#include "engine/core/unique_function.hpp"
#include "engine/net/timer_service.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

namespace boost::asio {
class io_context;
}

namespace sts::sim {

class scheduler final : public core::clock, public net::timer_service {
public:
    explicit scheduler(core::time_point start);
    ~scheduler() override;
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    core::time_point now() const override { return now_; }
    net::timer_id schedule(core::time_point deadline, net::timer_handler handler) override;
    void cancel(net::timer_id id) override;

    // Runs `fn` soon, after the handlers already ready (FIFO).
    void post(core::unique_function<void()> fn);

    boost::asio::io_context& io();

    struct run_stats {
        std::uint64_t handlers = 0;    // handlers run, timers included
        std::uint64_t time_jumps = 0;  // how often the clock jumped to a deadline
        bool idle = false;             // nothing ready and no timer pending at the end
    };

    // Runs until nothing is ready and no timer is due at or before `limit`; the clock then
    // stands at `limit` unless the world went idle earlier (it then stays at the last event).
    run_stats run_until(core::time_point limit);

    // Runs until nothing is ready and no timer is pending.
    run_stats run();

    std::size_t pending_timers() const { return timers_.size(); }

private:
    run_stats drive(core::time_point limit, bool advance_to_limit);
    std::unique_ptr<boost::asio::io_context> io_;
    core::time_point now_;
    std::uint64_t next_id_ = 1;
    std::map<std::pair<core::time_point, net::timer_id>, net::timer_handler> timers_;
    std::unordered_map<net::timer_id, core::time_point> deadlines_;
};

}  // namespace sts::sim
