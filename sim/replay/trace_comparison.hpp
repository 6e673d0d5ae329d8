// sim/replay/trace_comparison.hpp
//
// Lays the engine's trace beside the customer's (issue 6, item 3) and finds the first line
// where they differ. Lines are compared message by message (each message's lines in file
// order, messages in order of first appearance), since concurrent deliveries interleave in
// whatever order a gateway's threads ran. Both traces are read by the same reader and reduced the same way:
// only the replayed domains' lines, only the families the engine and the product both write
// at the trace's level (DNS resolver trace lines, retry-plan lines and TLS-RPT lines are
// left out: their number depends on resolver caches and reporting set-up, not on the
// story; lines of our own wording count only when the customer's product writes them too),
// and each line becomes a key of its family and the fields that matter, with
// timestamps dropped, MIDs and DCIDs renumbered in order of appearance, IP addresses
// renumbered likewise, and the certificate subject a product quotes in a fetch error left
// out. Extra suffixes and optional From/To parts therefore never count as differences.
#pragma once

#include "sim/replay/trace.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sts::sim {

struct compared_line {
    std::string key;        // the normalised form both sides are compared by
    std::size_t number = 0; // the line in its own file / log
    std::string text;       // as read, for people
};

struct trace_alignment {
    std::vector<compared_line> customer;
    std::vector<compared_line> engine;
    // The index (into both lists) of the first pair that differs; nothing when they agree
    // line for line and have the same length.
    std::optional<std::size_t> first_difference;
    std::size_t left_out_customer = 0;  // lines of the replayed domains not compared
    std::size_t left_out_engine = 0;
};

struct comparison_scope {
    std::vector<std::string> domains;            // the replayed domains
    // The customer's replayed messages by MID, when the inference has chosen them: a message
    // no line ties to a domain is then compared exactly when it is listed here (the
    // inference may have given it to another domain than the replayed one).
    std::optional<std::vector<std::uint64_t>> mids;
};

// The families of the scope's lines in a trace.
std::set<line_family> families_of(const trace& t, const comparison_scope& scope);

// The comparable lines of one trace: families of our own wording only when the customer's
// trace (`customer_families`) has them.
std::vector<compared_line> comparable_lines(const trace& t, const comparison_scope& scope,
                                            const std::set<line_family>& customer_families, std::size_t& left_out);

trace_alignment align_traces(const trace& customer, const trace& engine, const comparison_scope& customer_scope,
                             const comparison_scope& engine_scope);

}  // namespace sts::sim
