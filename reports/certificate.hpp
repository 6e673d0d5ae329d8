// reports/certificate.hpp
//
// certificate.json, written by `mtasts-sim certify` next to the reports (issue 5, item 4):
// which engine build was judged (tool version and build id), against which suite (the
// suite digest over every scenario file) and catalogue (a digest of the requirement rows),
// under which semantics profile(s), every requirement's verdict, the conformance.json
// digest, and the verdict: `certified` when no MUST or definition requirement failed or
// went uncovered, `not-certified` otherwise.
//
// Like the reports it holds no date, host or path, so two certifications of one build
// with one suite are byte-identical; anyone can recompute each digest from the inputs.
#pragma once

#include "reports/requirement_verdict.hpp"
#include "reports/suite_record.hpp"

#include <string>
#include <vector>

namespace sts::reports {

struct certificate_input {
    std::string suite_digest;             // hex SHA-256 over the scenario files
    std::size_t scenario_files = 0;
    std::vector<std::string> semantics;   // distinct profiles, sorted
    std::string results_digest;           // conformance.json's digest
};

// Two-space indented JSON ending in a line feed.
std::string render_certificate(const suite_record& suite, const suite_verdicts& verdicts,
                               const certificate_input& input);

// The digest that names the catalogue a certificate was judged against: SHA-256 over the
// canonical JSON of the rows (id, level, strength, side, section, rule) in catalogue order.
std::string catalogue_digest(const suite_record& suite);

}  // namespace sts::reports
