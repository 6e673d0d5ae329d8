// Tests engine/log/mail_log.hpp: the line shape of log-format.md (the day of month padded
// with a space, the level word, the virtual time), and the level filter.
#include "engine/log/mail_log.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

namespace {

using namespace std::chrono;
namespace log = sts::log;

struct fixed_clock final : sts::core::clock {
    sts::core::time_point at;
    sts::core::time_point now() const override { return at; }
};

sts::core::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    return sts::core::time_point{sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(log_mail_log)

BOOST_AUTO_TEST_CASE(a_single_digit_day_is_padded_with_a_space_as_the_product_writes_it) {
    // log-format.md: `Wed Sep  6 13:13:16 2023`.
    BOOST_TEST(log::format_timestamp(utc(2023, 9, 6, 13, 13, 16)) == "Wed Sep  6 13:13:16 2023");
    BOOST_TEST(log::format_timestamp(utc(2024, 9, 26, 15, 23, 39)) == "Thu Sep 26 15:23:39 2024");
}

BOOST_AUTO_TEST_CASE(milliseconds_are_not_shown_and_never_round_up) {
    const auto t = utc(2024, 12, 31, 23, 59, 59) + milliseconds(999);
    BOOST_TEST(log::format_timestamp(t) == "Tue Dec 31 23:59:59 2024");
}

BOOST_AUTO_TEST_CASE(a_line_carries_the_virtual_time_and_the_level_word) {
    fixed_clock clock;
    clock.at = utc(2024, 9, 26, 15, 23, 39);
    log::memory_sink sink;
    log::mail_log mail(sink, clock, log::level::info);
    mail.info("MID 1 queued for delivery");
    clock.at += seconds(2);
    mail.warning("something");
    const auto lines = sink.lines();
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0] == "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery");
    BOOST_TEST(lines[1] == "Thu Sep 26 15:23:41 2024 Warning: something");
}

BOOST_AUTO_TEST_CASE(debug_lines_are_written_only_at_the_debug_level) {
    fixed_clock clock;
    for (auto setting : {log::level::info, log::level::debug}) {
        log::memory_sink sink;
        log::mail_log mail(sink, clock, setting);
        mail.debug("DNS query: Q(example.test, 'MX')");
        mail.info("info line");
        mail.write(log::severity::trace, "trace line");
        mail.critical("critical line");
        const bool debug = setting == log::level::debug;
        BOOST_TEST(mail.debug_enabled() == debug);
        BOOST_TEST(sink.entries().size() == (debug ? 4u : 2u));
    }
}

BOOST_AUTO_TEST_SUITE_END()
