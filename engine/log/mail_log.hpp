// engine/log/mail_log.hpp
//
// The gateway-style mail log (../shared/spec/log-format.md): lines of the form
// `<Www Mmm dd HH:MM:SS YYYY> <Level>: <text>`, timestamps from the world's clock, filtered
// by the configured level. The wording of each line family lives in engine/log/lines.hpp;
// this file only stamps, filters and hands lines to a sink.
#pragma once

#include "engine/core/clock.hpp"
#include "engine/core/time.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sts::log {

// The log level setting: what gets written.
enum class level { info, debug };
std::string_view to_string(level l);

// The product's line levels, most severe first.
enum class severity { critical, warning, info, debug, trace };
std::string_view to_string(severity s);  // "Critical", "Warning", "Info", "Debug", "Trace"

struct entry {
    core::time_point at{};
    severity sev = severity::info;
    std::string text;
    friend bool operator==(const entry&, const entry&) = default;
};

// `Wed Sep  6 13:13:16 2023` (%a %b %e %H:%M:%S %Y, UTC).
std::string format_timestamp(core::time_point at);
// The whole line, without a line ending.
std::string format_line(const entry& e);

class sink {
public:
    virtual ~sink() = default;
    virtual void write(const entry& e) = 0;
};

// Keeps every entry; what tests, scenarios and reports read.
class memory_sink final : public sink {
public:
    void write(const entry& e) override { entries_.push_back(e); }
    const std::vector<entry>& entries() const { return entries_; }
    std::vector<std::string> lines() const;
    void clear() { entries_.clear(); }

private:
    std::vector<entry> entries_;
};

class mail_log {
public:
    mail_log(sink& out, const core::clock& clock, level setting) : out_(&out), clock_(&clock), level_(setting) {}

    bool debug_enabled() const { return level_ == level::debug; }
    void write(severity sev, std::string text);
    void critical(std::string text) { write(severity::critical, std::move(text)); }
    void warning(std::string text) { write(severity::warning, std::move(text)); }
    void info(std::string text) { write(severity::info, std::move(text)); }
    void debug(std::string text) { write(severity::debug, std::move(text)); }

private:
    sink* out_;
    const core::clock* clock_;
    level level_;
};

}  // namespace sts::log
