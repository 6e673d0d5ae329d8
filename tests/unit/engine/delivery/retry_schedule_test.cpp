// Tests engine/delivery/retry_schedule.hpp: retry times from the attempt count, the last
// delay repeating, the final attempt at the deadline, and the refusal of unusable settings.
#include "engine/delivery/retry_schedule.hpp"

#include "tests/support/covers.hpp"

#include <chrono>

namespace {

using namespace std::chrono_literals;
using sts::core::time_point;
using sts::delivery::retry_config;
using sts::delivery::retry_schedule;

const time_point t0 = time_point{} + std::chrono::days(19992);  // 2024-09-26

retry_schedule make(retry_config c) {
    auto s = retry_schedule::create(std::move(c));
    BOOST_TEST_REQUIRE(s.has_value());
    return std::move(s).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_retry_schedule)

BOOST_AUTO_TEST_CASE(each_retry_waits_the_delay_for_its_attempt_and_the_last_delay_repeats,
                     *sts::test::covers("STS-APPLY-15"))
{
    const auto s = make({{1min, 5min, 15min}, 72h});
    BOOST_TEST((s.next_attempt(t0, 1, t0) == t0 + 1min));
    BOOST_TEST((s.next_attempt(t0, 2, t0 + 1min) == t0 + 6min));
    BOOST_TEST((s.next_attempt(t0, 3, t0 + 6min) == t0 + 21min));
    BOOST_TEST((s.next_attempt(t0, 4, t0 + 21min) == t0 + 36min));
    BOOST_TEST((s.next_attempt(t0, 40, t0 + 10h) == t0 + 10h + 15min));
    BOOST_TEST((s.delay_after(0) == 1min));
}

BOOST_AUTO_TEST_CASE(bounce_deadline_is_acceptance_plus_the_queue_lifetime, *sts::test::covers("STS-APPLY-16"))
{
    const auto s = make({{1h}, 72h});
    BOOST_TEST((s.bounce_deadline(t0) == t0 + 72h));
}

BOOST_AUTO_TEST_CASE(a_retry_that_would_fall_after_the_deadline_is_made_at_the_deadline,
                     *sts::test::covers("STS-APPLY-16"))
{
    const auto s = make({{1h}, 150min});
    BOOST_TEST((s.next_attempt(t0, 2, t0 + 2h) == t0 + 150min));
}

BOOST_AUTO_TEST_CASE(an_attempt_failing_at_or_after_the_deadline_gives_up, *sts::test::covers("STS-APPLY-16"))
{
    const auto s = make({{1h}, 3h});
    BOOST_TEST(!s.next_attempt(t0, 4, t0 + 3h).has_value());
    BOOST_TEST(!s.next_attempt(t0, 5, t0 + 4h).has_value());
    BOOST_TEST(s.next_attempt(t0, 3, t0 + 3h - 1ms).has_value());
}

BOOST_AUTO_TEST_CASE(the_attempt_count_until_give_up_follows_the_schedule)
{
    // Delays 1h: attempts at 0, 1h, 2h, 3h (the deadline) → four attempts, then give up.
    const auto s = make({{1h}, 3h});
    unsigned attempts = 0;
    time_point at = t0;
    for (;;) {
        ++attempts;
        const auto next = s.next_attempt(t0, attempts, at);
        if (!next) break;
        BOOST_TEST_REQUIRE(attempts < 100u);
        at = *next;
    }
    BOOST_TEST(attempts == 4u);
    BOOST_TEST((at == t0 + 3h));
}

BOOST_AUTO_TEST_CASE(an_empty_delay_list_is_refused)
{
    const auto s = retry_schedule::create({{}, 72h});
    BOOST_TEST_REQUIRE(!s.has_value());
    BOOST_TEST(s.error().find("at least one") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_delay_that_is_not_positive_is_refused)
{
    BOOST_TEST(!retry_schedule::create({{1min, 0s}, 72h}).has_value());
    BOOST_TEST(!retry_schedule::create({{-1s}, 72h}).has_value());
}

BOOST_AUTO_TEST_CASE(a_queue_lifetime_that_is_not_positive_is_refused)
{
    BOOST_TEST(!retry_schedule::create({{1min}, 0s}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
