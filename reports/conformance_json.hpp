// reports/conformance_json.hpp
//
// conformance.json, the machine-readable conformance report (issue 5, item 3): the run's
// settings, every catalogue requirement with its level, strength, side, section, verdict
// and covering scenarios, every scenario with its verdict, expectations, first unmet
// expectation and the engine log around it, the `summary` figures, and a `digest`.
//
// The digest is SHA-256 over the canonical JSON of the document without `digest`: object
// members sorted by key, no whitespace, UTF-8, strings escaped as nlohmann-json dumps them
// (docs/reports.md shows how to recompute it). The file itself is the same document, with
// `digest`, indented by two spaces and ending in a line feed. Nothing in it depends on the
// machine or the date, so identical runs give identical files and digests.
#pragma once

#include "reports/requirement_verdict.hpp"
#include "reports/suite_record.hpp"
#include "reports/tlsrpt_placement.hpp"

#include <string>
#include <vector>

namespace sts::reports {

struct conformance_json {
    std::string text;    // the file's bytes
    std::string digest;  // hex SHA-256, also in the file
};

conformance_json render_conformance_json(const suite_record& suite, const suite_verdicts& verdicts,
                                         const std::vector<placed_tlsrpt>& tlsrpt);

}  // namespace sts::reports
