// sim/replay/trace.hpp
//
// A customer's mail log as one object (issue 6, items 1–2): the classified lines
// (log_reader.hpp) that `replay` keeps, separated into messages by MID and DCID, each
// message tied to its recipient domain. Gateways write several deliveries interleaved; a
// line is the message's when it names its MID, a DCID of its connections (`Delivery start`,
// `Delayed:`, `Bounced:` tie a DCID to a MID), or — for the planning lines that name only a
// domain — when it is the domain the message's next connection goes to.
//
// How a message finds its domain, in order: the `To:` address of a Delayed or Bounced line;
// the domain of a Connection Error or re-check line of its DCIDs or MID; the domain of the
// last planning line before one of its connections opened. A message none of these name
// stays without a domain (a delivered message at info level with MTA-STS off names none);
// `replay --domain` supplies it.
//
// Bounded whatever the input: at most trace_lines_max lines are kept; the rest of a longer
// log is only counted (stats) and the trace says it was cut.
#pragma once

#include "engine/core/result.hpp"
#include "sim/replay/log_reader.hpp"
#include "sim/replay/trace_line.hpp"

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace sts::sim {

// A support case is one domain's story of a few messages; a log of more lines is cut here
// and its first lines replayed. Each kept line costs at most trace_line_bytes_max.
inline constexpr std::size_t trace_lines_max = 20'000;

struct trace_message {
    std::uint64_t mid = 0;
    std::string domain;          // lower case; empty when no line names it
    std::size_t domain_line = 0; // the line that named it (0: none)
    std::string sender;          // from a Delayed/Bounced line, when one shows it
    std::vector<std::string> recipients;  // by RID, where a line shows the address
    std::vector<std::uint64_t> rids;      // every RID any line of the message named
    std::vector<std::uint64_t> dcids;     // its connections, in order (0 excluded)
    std::vector<std::size_t> lines;       // indexes into trace::lines, in file order
};

struct trace {
    std::vector<trace_line> lines;        // kept lines, in file order
    std::vector<trace_message> messages;  // in order of first appearance
    // For every kept line, the index of the message it belongs to, if any.
    std::vector<std::optional<std::size_t>> owner;
    // For every kept line, the domain it concerns (its own, or its message's); empty if none.
    std::vector<std::string> line_domain;
    log_read_stats stats;
    bool cut = false;                     // more than trace_lines_max lines
    bool has_debug = false;               // some kept line is at Debug level
};

// Reads and separates a log. The error says why the input is not a mail log at all.
core::result<trace, log_read_error> read_trace(std::istream& in, int default_year = 2024);

// Separates lines already read (tests build traces from literal lines this way).
trace build_trace(std::vector<trace_line> lines);

// The distinct recipient domains of the trace's messages and domain lines, in order of
// first appearance.
std::vector<std::string> trace_domains(const trace& t);

}  // namespace sts::sim
