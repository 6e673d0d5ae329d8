// libFuzzer target for sim/replay/log_reader.hpp and sim/replay/trace_line.hpp: any byte
// string is a possible customer mail log (`mtasts-sim replay` reads what support was sent).
// Besides "no crash, no sanitizer report", it checks the reader's contract on every input:
//   - classify_line() keeps at most trace_line_bytes_max bytes of a line, and an
//     unclassified line always says why;
//   - the reader either refuses the input on its first call or streams it to the end,
//     counting every byte; no logical line is longer than the cap, line numbers grow, and
//     the counts add up (logical = classified + unclassified);
//   - a logical line's family is what classify_line() says of its raw text (the reader
//     never labels a line differently from the classifier).
// Seeds: fuzz/corpus/mail_log_line/.
#include "sim/replay/log_reader.hpp"
#include "sim/replay/trace_line.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

void check_line(const sts::sim::trace_line& line) {
    require(line.raw.size() <= sts::sim::trace_line_bytes_max);
    require(line.text.size() <= line.raw.size());
    require(line.family != sts::sim::line_family::unclassified || !line.problem.empty());
    require(!sts::sim::to_string(line.family).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    // The whole input as one line.
    const auto single = sts::sim::classify_line(bytes, 1, 2024);
    check_line(single);
    require(single.number == 1);

    // The whole input as a log, read in small chunks so that chunk boundaries fall
    // everywhere.
    std::istringstream in{std::string(bytes)};
    sts::sim::log_reader reader(in, 2024, 7);
    std::size_t last_number = 0;
    bool first = true;
    while (true) {
        auto next = reader.next();
        if (!next.has_value()) {
            require(first);  // only the first call may refuse the input
            require(!next.error().message.empty());
            return 0;
        }
        first = false;
        if (!next.value()) break;
        const auto& line = *next.value();
        check_line(line);
        require(line.number > last_number);
        last_number = line.number;
        require(sts::sim::classify_line(line.raw, line.number, 2024).family == line.family);
    }
    const auto& stats = reader.stats();
    require(stats.bytes == size);
    require(stats.logical_lines == stats.classified + stats.unclassified);
    require(stats.truncated <= stats.logical_lines);
    require(stats.logical_lines + stats.joined == stats.physical_lines);
    return 0;
}
