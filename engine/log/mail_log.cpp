// engine/log/mail_log.cpp
#include "engine/log/mail_log.hpp"

#include "engine/core/calendar.hpp"

#include <fmt/format.h>

#include <chrono>

namespace sts::log {

std::string_view to_string(level l) {
    switch (l) {
        case level::info:
            return "info";
        case level::debug:
            return "debug";
    }
    return "info";
}

std::string_view to_string(severity s) {
    switch (s) {
        case severity::critical:
            return "Critical";
        case severity::warning:
            return "Warning";
        case severity::info:
            return "Info";
        case severity::debug:
            return "Debug";
        case severity::trace:
            return "Trace";
    }
    return "Info";
}

std::string format_timestamp(core::time_point at) {
    const auto t = core::break_down_utc(at);
    return fmt::format("{} {} {:>2} {:02}:{:02}:{:02} {}", t.weekday_name, t.month_name, t.day, t.hour, t.minute,
                       t.second, t.year);
}

std::string format_line(const entry& e) { return fmt::format("{} {}: {}", format_timestamp(e.at), to_string(e.sev), e.text); }

std::vector<std::string> memory_sink::lines() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(format_line(e));
    return out;
}

void mail_log::write(severity sev, std::string text) {
    if ((sev == severity::debug || sev == severity::trace) && level_ != level::debug) return;
    out_->write(entry{clock_->now(), sev, std::move(text)});
}

}  // namespace sts::log
