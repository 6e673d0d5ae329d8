// tests/unit/sim/replay/trace_text.hpp
//
// Builds the small customer traces the replay tests reason about from literal mail-log
// lines in the documented formats (docs/mail-log.md): each line is prefixed with a
// timestamp of Mon 4 March 2024 and its level, classified by the reader's classify_line(),
// and the lines are separated into messages by build_trace(), just as `replay` does with a
// file. Writing the lines out in the tests keeps each case readable as the log it stands for.
#pragma once

#include "sim/replay/trace.hpp"
#include "sim/replay/trace_line.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sts::test {

// One log line at `hh:mm:ss` on Mon 4 March 2024 (the product's timestamp, space-padded day).
inline std::string log_at(std::string_view hhmmss, std::string_view text, std::string_view level = "Info") {
    return "Mon Mar  4 " + std::string(hhmmss) + " 2024 " + std::string(level) + ": " + std::string(text);
}

// A Debug line at `hh:mm:ss`.
inline std::string debug_at(std::string_view hhmmss, std::string_view text) {
    return log_at(hhmmss, text, "Debug");
}

// The lines classified (numbered from 1) and separated into messages.
inline sim::trace trace_of(const std::vector<std::string>& lines) {
    std::vector<sim::trace_line> classified;
    for (std::size_t i = 0; i < lines.size(); ++i)
        classified.push_back(sim::classify_line(lines[i], i + 1, 2024));
    return sim::build_trace(std::move(classified));
}

// The whole log as one text, a line terminator after each line.
inline std::string log_text(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace sts::test
