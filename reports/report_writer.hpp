// reports/report_writer.hpp
//
// Writes every report of a suite run into one folder (issue 5, item 3): conformance.json,
// conformance.md, junit.xml, index.html and tlsrpt/<file>.json. The same suite_record
// always gives the same bytes: no dates, host names or paths of the machine go in.
// render_reports() builds the files in memory (tests and certify use it); write_reports()
// renders and writes them. Files of an earlier run that this one does not produce are left
// alone: point it at a fresh folder for a clean set.
#pragma once

#include "engine/core/result.hpp"
#include "reports/requirement_verdict.hpp"
#include "reports/suite_record.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sts::reports {

struct report_file {
    std::string path;  // relative to the folder, '/' separators
    std::string bytes;
};

struct rendered_reports {
    std::vector<report_file> files;  // sorted by path
    suite_verdicts verdicts;
    std::string digest;              // conformance.json's digest
};

rendered_reports render_reports(const suite_record& suite);

struct written_reports {
    std::vector<std::string> files;  // paths written, relative to the folder, sorted
    conformance_summary summary;
    std::string digest;              // conformance.json's digest
};

// Creates `dir` when missing. The error names the file that could not be written.
core::result<written_reports, std::string> write_reports(const std::string& dir, const suite_record& suite);

// Writes already rendered files under `dir`, creating folders as needed.
core::result<std::vector<std::string>, std::string> write_files(const std::string& dir,
                                                                const std::vector<report_file>& files);

}  // namespace sts::reports
