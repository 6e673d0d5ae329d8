// sim/scenario/scenario_runner.hpp
//
// Runs one scenario (issue 5, item 2): starts its world and the engine under test on the
// simulated network (sim/harness/simulation.hpp), performs the steps in file order (a
// change to the world goes through world.hpp's set_* calls and is noted in the transcript
// as an event of the host "scenario"), then evaluates every expectation against what
// happened — the engine's recipient outcomes, DSNs, TLS-RPT records and final policy
// cache, its mail log, the resolver's query log, the world's transcript — and always the
// conservation invariant last. The
// result says pass or fail, which expectations were unmet and why, and keeps the engine
// log lines around the first unmet one, so a failure can be understood without a rerun.
//
// Nothing here reads the real clock or the real network: the same scenario gives the
// same result, log and transcript on every run (check_determinism() proves it for one).
// The runner deliberately does not parse files (scenario_loader.hpp) or print anything
// (sim/cli/run_command.cpp).
#pragma once

#include "engine/delivery/tlsrpt_record.hpp"
#include "engine/tlsrpt/aggregate_report.hpp"
#include "mocks/transcript.hpp"
#include "engine/core/planted_bug.hpp"
#include "engine/log/mail_log.hpp"
#include "sim/harness/simulation.hpp"
#include "sim/scenario/scenario_spec.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sts::sim {

struct expectation_result {
    std::string description;  // describe(expectation), or "conserved" for the implicit check
    std::size_t line = 0;     // of the [[expect]]; 0 for the implicit check
    bool passed = false;
    std::string detail;       // what was found instead, when unmet
};

struct scenario_result {
    std::string file;
    std::string name;
    std::string summary;
    std::vector<std::string> covers;
    std::string semantics;  // "gateway" or "rfc8461" (the spec's semantics profile)
    bool passed = false;
    // Set when the scenario could not run to its end (the world did not start, a restart
    // failed); expectations are then not evaluated.
    std::string error;
    std::vector<expectation_result> expectations;  // in file order, the implicit check last
    std::optional<std::size_t> first_failure;      // index into expectations
    std::vector<std::string> failure_log;          // engine log lines around the first failure
    std::vector<std::string> log_lines;            // the whole mail log
    std::string transcript;                        // the world's transcript, rendered
    std::vector<mocks::transcript_entry> timeline; // the same, as entries (reports draw timelines)
    std::vector<delivery::tlsrpt_record> tlsrpt_records;  // every engine's, in order
    // Every recipient's outcome, every engine's (stopped ones first), in order: what the
    // swarm's invariants (sim/swarm/swarm_invariants.hpp) hold the transcript against.
    std::vector<delivery::recipient_outcome> outcomes;
    // The RFC 8460 aggregate reports of those records, one per policy domain and UTC day,
    // as the engine writes them (its [engine.tlsrpt] identity, or the default one when
    // the world does not turn reporting on).
    std::vector<tlsrpt::report_file> tlsrpt_reports;
};

// At most this many log lines are kept around a failure: enough to see the decision,
// short enough to read in a terminal.
inline constexpr std::size_t failure_log_lines_max = 40;

// How a run may differ from what the file says (`mtasts-sim run` options).
struct scenario_run_options {
    std::optional<std::uint64_t> seed;         // --seed: replaces the world's seed
    std::optional<log::level> log_level;       // --log-level: replaces [engine] log_level
    network_kind network = network_kind::simulated;
    std::uint16_t port_base = 32000;           // loopback only
    core::planted_bug planted_bug = core::planted_bug::none;  // --plant (tests of the suite)
};

scenario_result run_scenario(const scenario_spec& spec, const scenario_run_options& options = {});

// Runs the scenario twice and compares the mail logs and transcripts byte for byte.
// Returns a description of the first difference, or nothing when both runs agree.
std::optional<std::string> check_determinism(const scenario_spec& spec, const scenario_run_options& options = {});

}  // namespace sts::sim
