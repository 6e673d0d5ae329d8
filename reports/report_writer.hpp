// reports/report_writer.hpp
//
// Writes every report of a suite run into one folder (issue 5, item 3): conformance.json,
// conformance.md, junit.xml, index.html and tlsrpt/<file>.json. The same suite_record
// always gives the same bytes: no dates, host names or paths of the machine go in.
#pragma once

#include "engine/core/result.hpp"
#include "reports/suite_record.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sts::reports {

// The figures of conformance.json's `summary` object.
struct conformance_summary {
    std::size_t scenarios = 0;
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t requirements = 0;
    std::size_t covered = 0;
    std::size_t must_failed = 0;
    std::size_t must_uncovered = 0;
};

struct written_reports {
    std::vector<std::string> files;  // paths written, relative to the folder
    conformance_summary summary;
    std::string digest;              // conformance.json's digest
};

// Creates `dir` when missing. The error names the file that could not be written.
core::result<written_reports, std::string> write_reports(const std::string& dir, const suite_record& suite);

}  // namespace sts::reports
