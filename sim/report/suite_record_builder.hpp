// sim/report/suite_record_builder.hpp
//
// Turns a suite run — the loaded scenario specs and the runner's results — into the plain
// reports::suite_record that every report renders (issue 5, items 3 and 4): the catalogue
// rows compiled into the tool, the declared deviations, and per scenario its verdict,
// expectations, first failure with the log around it, the SHA-256 of its file, the command
// that reruns it alone, and the world's transcript as a timeline.
//
// results[i] must be the run of specs[i]; `run --report-dir` and `certify` both run the
// specs in order. TLS-RPT report files are not filled in here yet: the aggregate builder
// (engine/tlsrpt/) will turn each result's tlsrpt_records into them.
#pragma once

#include "reports/suite_record.hpp"
#include "sim/scenario/scenario_runner.hpp"
#include "sim/scenario/scenario_spec.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sts::sim {

struct suite_record_options {
    std::string tool_version;  // empty: this build's version
    std::string build_id;      // empty when the run is not a certification
    std::string network = "simulated";
    std::optional<std::uint64_t> seed;
};

reports::suite_record make_suite_record(std::span<const scenario_spec> specs, std::span<const scenario_result> results,
                                        const suite_record_options& options = {});

// The distinct semantics profiles of the specs, sorted: {"gateway", "rfc8461"}.
std::vector<std::string> semantics_profiles(std::span<const scenario_spec> specs);

// The command that reruns one scenario file alone, the path shell-quoted when needed.
std::string rerun_command(const std::string& file);

}  // namespace sts::sim
