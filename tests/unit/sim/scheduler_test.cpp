// Tests sim/scheduler.hpp: virtual time, timer order, cancellation, and that waiting costs
// no real time.
#include "sim/scheduler.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/error.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using sts::core::time_point;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};
}

BOOST_AUTO_TEST_SUITE(sim_scheduler)

BOOST_AUTO_TEST_CASE(timers_fire_in_deadline_order_and_equal_deadlines_in_scheduling_order) {
    sts::sim::scheduler s(t0);
    std::vector<std::string> fired;
    auto at = [&](std::chrono::milliseconds offset, std::string name) {
        s.schedule(t0 + offset, [&, name, offset](boost::system::error_code ec) {
            BOOST_TEST(!ec);
            BOOST_TEST((s.now() == t0 + offset));
            fired.push_back(name);
        });
    };
    at(30s, "c");
    at(10s, "a1");
    at(20s, "b");
    at(10s, "a2");
    const auto stats = s.run();
    BOOST_TEST(stats.idle);
    BOOST_TEST(stats.time_jumps == 3u);
    const std::vector<std::string> want{"a1", "a2", "b", "c"};
    BOOST_TEST(fired == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cancelled_timer_completes_once_with_operation_aborted) {
    sts::sim::scheduler s(t0);
    int calls = 0;
    boost::system::error_code seen;
    const auto id = s.schedule(t0 + 1h, [&](boost::system::error_code ec) { ++calls; seen = ec; });
    s.cancel(id);
    s.cancel(id);  // already cancelled: nothing happens
    s.run();
    BOOST_TEST(calls == 1);
    BOOST_TEST((seen == boost::asio::error::operation_aborted));
    BOOST_TEST((s.now() == t0));  // nothing moved the clock
}

BOOST_AUTO_TEST_CASE(run_until_stops_at_the_limit_and_leaves_later_timers_pending) {
    sts::sim::scheduler s(t0);
    bool early = false, late = false;
    s.schedule(t0 + 5min, [&](auto) { early = true; });
    s.schedule(t0 + 2h, [&](auto) { late = true; });
    s.run_until(t0 + 1h);
    BOOST_TEST(early);
    BOOST_TEST(!late);
    BOOST_TEST((s.now() == t0 + 1h));
    BOOST_TEST(s.pending_timers() == 1u);
}

BOOST_AUTO_TEST_CASE(a_virtual_day_of_timers_costs_no_real_time) {
    // 86 400 one-second timers chained one after another: a virtual day. The test asserts
    // on the virtual clock only; a real sleep anywhere would make the CTest timeout fail it.
    sts::sim::scheduler s(t0);
    int ticks = 0;
    std::function<void(boost::system::error_code)> tick = [&](boost::system::error_code) {
        if (++ticks < 86400) s.schedule(s.now() + 1s, tick);
    };
    s.schedule(t0 + 1s, tick);
    const auto stats = s.run();
    BOOST_TEST(ticks == 86400);
    BOOST_TEST((s.now() == t0 + 24h));
    BOOST_TEST(stats.time_jumps == 86400u);
}

BOOST_AUTO_TEST_CASE(posted_handlers_run_in_fifo_order_before_time_moves) {
    sts::sim::scheduler s(t0);
    std::string order;
    s.schedule(t0, [&](auto) { order += 'T'; });
    s.post([&] { order += '1'; s.post([&] { order += '3'; }); });
    s.post([&] { order += '2'; });
    s.run();
    BOOST_TEST(order == "123T");
}

BOOST_AUTO_TEST_SUITE_END()
