// Tests engine/core/calendar.hpp: the UTC breakdown and the English names both the mail
// log timestamp and the DSN Date header are written from.
#include "engine/core/calendar.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

namespace {

using namespace std::chrono;

sts::core::time_point at(year_month_day d, hours h, minutes m, seconds s, milliseconds ms = {}) {
    return time_point_cast<milliseconds>(sys_days{d}) + h + m + s + ms;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_calendar)

BOOST_AUTO_TEST_CASE(a_time_breaks_down_into_utc_fields_with_english_names_and_whole_seconds) {
    const auto t = sts::core::break_down_utc(at(2023y / September / 6d, 13h, 13min, 16s, 999ms));
    BOOST_TEST(t.year == 2023);
    BOOST_TEST(t.month == 9u);
    BOOST_TEST(t.day == 6u);
    BOOST_TEST(t.weekday_name == "Wed");
    BOOST_TEST(t.month_name == "Sep");
    BOOST_TEST(t.hour == 13);
    BOOST_TEST(t.minute == 13);
    BOOST_TEST(t.second == 16);
}

BOOST_AUTO_TEST_CASE(a_leap_day_and_a_time_before_the_epoch_break_down_correctly) {
    const auto leap = sts::core::break_down_utc(at(2024y / February / 29d, 0h, 0min, 0s));
    BOOST_TEST(leap.weekday_name == "Thu");
    BOOST_TEST(leap.month_name == "Feb");
    BOOST_TEST(leap.day == 29u);

    // Half a second before the epoch is still the last second of 1969, not the first of 1970.
    const auto before = sts::core::break_down_utc(sts::core::time_point{} - 500ms);
    BOOST_TEST(before.year == 1969);
    BOOST_TEST(before.month_name == "Dec");
    BOOST_TEST(before.weekday_name == "Wed");
    BOOST_TEST(before.hour == 23);
    BOOST_TEST(before.minute == 59);
    BOOST_TEST(before.second == 59);
}

BOOST_AUTO_TEST_SUITE_END()
