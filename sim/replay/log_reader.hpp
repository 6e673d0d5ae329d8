// sim/replay/log_reader.hpp
//
// Streams a gateway mail log into classified lines (trace_line.hpp), one logical line at a
// time, in bounded memory whatever the input: a line longer than trace_line_bytes_max is cut
// there (the rest of the physical line is skipped without being stored), a physical line
// that does not begin with a timestamp (optionally behind a syslog prefix) or a level word
// (begins_log_line() in trace_line.hpp) continues the
// previous logical line — logs pasted from mail clients and terminals come wrapped — up to
// continuation_lines_max of them (a line with control bytes in it is never a continuation:
// it is junk of its own), and anything else is kept as an unclassified line.
//
// Input that is not a text log at all (NUL bytes or mostly non-printable bytes in its first
// block, no line that reads as a log line) is refused with an error value, so `replay`
// can exit 2 with a clear message instead of inferring a world from junk.
#pragma once

#include "engine/core/result.hpp"
#include "sim/replay/trace_line.hpp"

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace sts::sim {

// A wrapped line is rarely split more than a few times; more continuation lines than this
// start a new (unclassified) logical line, so one endless line cannot absorb the file.
inline constexpr std::size_t continuation_lines_max = 8;

// How much of the input is examined before deciding it is not a text log.
inline constexpr std::size_t log_sniff_bytes = 64 * 1024;

// How much is read from the stream at a time.
inline constexpr std::size_t log_read_bytes = 64 * 1024;

struct log_read_stats {
    std::uint64_t bytes = 0;
    std::uint64_t physical_lines = 0;
    std::uint64_t logical_lines = 0;
    std::uint64_t classified = 0;
    std::uint64_t unclassified = 0;
    std::uint64_t truncated = 0;   // lines cut at trace_line_bytes_max or ending early
    std::uint64_t joined = 0;      // physical lines joined to the line before them
};

struct log_read_error {
    std::string message;  // "not a text log: NUL byte at offset 12", "cannot read: ..."
};

class log_reader {
public:
    // `default_year` as for classify_line().
    explicit log_reader(std::istream& in, int default_year = 2024);
    // The same, reading the input `read_bytes` at a time (tests put every chunk boundary
    // through a small log with it; the default is log_read_bytes).
    log_reader(std::istream& in, int default_year, std::size_t read_bytes);

    // The next logical line, or nothing at the end of the input. The first call may
    // instead report that the input is not a text log.
    core::result<std::optional<trace_line>, log_read_error> next();

    const log_read_stats& stats() const { return stats_; }

private:
    std::optional<log_read_error> sniff_();
    bool fill_();
    bool read_physical_(std::string& out, bool& cut);
    trace_line join_(std::string& logical, const std::string& continuation, bool& cut);

    std::istream* in_;
    int default_year_;
    log_read_stats stats_;
    bool sniffed_ = false;
    std::string pending_;          // a physical line read ahead (the one after a logical line)
    bool has_pending_ = false;
    std::size_t pending_number_ = 0;
    std::size_t physical_number_ = 0;
    bool pending_cut_ = false;     // the read-ahead line was longer than trace_line_bytes_max
    std::size_t read_bytes_ = log_read_bytes;
    std::string sniffed_block_;    // the first log_sniff_bytes, served before the stream
    std::size_t sniffed_pos_ = 0;
    std::string chunk_;            // the bytes read and not yet split into lines
    std::size_t chunk_pos_ = 0;
    bool end_ = false;
    bool failed_ = false;
};

}  // namespace sts::sim
