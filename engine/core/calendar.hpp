// engine/core/calendar.hpp
//
// A time_point broken down into its UTC calendar fields, with the English day and month
// abbreviations that mail dates use: RFC 5322 §3.3 `day-name` and `month-name` (the
// Date header of a DSN) and the C locale's %a and %b (the gateway-style mail log
// timestamp). Both formats are UTC and English by definition, so there is one table of
// names here rather than one per format.
//
// It does not format anything: each caller arranges the fields in its own layout. It does
// not know time zones or leap seconds either (sys_time has none), and it never consults a
// locale, so the names cannot change with the environment the engine runs in.
#pragma once

#include "engine/core/time.hpp"

#include <array>
#include <chrono>
#include <string_view>

namespace sts::core {

struct utc_breakdown {
    int year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
    std::string_view weekday_name;  // "Sun".."Sat"
    std::string_view month_name;    // "Jan".."Dec"
    int hour = 0;
    int minute = 0;
    int second = 0;  // milliseconds are dropped (floored)
};

inline utc_breakdown break_down_utc(time_point at) {
    using namespace std::chrono;
    // RFC 5322 §3.3: day-name and month-name are these English abbreviations.
    static constexpr std::array<std::string_view, 7> weekday_names{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = floor<days>(at);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(at - day)};
    const auto month = static_cast<unsigned>(ymd.month());
    return utc_breakdown{static_cast<int>(ymd.year()),
                         month,
                         static_cast<unsigned>(ymd.day()),
                         weekday_names[weekday{day}.c_encoding()],
                         month_names[month - 1],
                         static_cast<int>(hms.hours().count()),
                         static_cast<int>(hms.minutes().count()),
                         static_cast<int>(hms.seconds().count())};
}

}  // namespace sts::core
