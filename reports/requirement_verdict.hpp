// reports/requirement_verdict.hpp
//
// How a suite run judges each catalogue requirement (docs/reports.md, "Verdicts"). A
// requirement is covered when at least one scenario names it in `covers`. Then, by the
// row's strength (sim/catalogue/requirement_catalogue.hpp):
//   must, def           fail when any covering scenario failed, pass when covered and all
//                       passed, not-covered otherwise
//   should              as must, except that a declared deviation (docs/deviations.toml)
//                       turns fail or not-covered into `deviation`, with its reason
//   may, informative    observed when covered (the scenarios' results are listed but
//                       judge nothing), not-covered otherwise
// Publisher-side rows are judged the same way: their scenarios show the world breaking
// the rule and the engine coping, so a failing one is a failure of the engine.
//
// The summary's must_failed and must_uncovered count MUST and definition rows alike: both
// are pass-or-fail, and either one failing or uncovered denies a certificate.
#pragma once

#include "reports/suite_record.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sts::reports {

enum class verdict { pass, fail, deviation, not_covered, observed };

// "pass", "fail", "deviation", "not-covered", "observed".
std::string_view to_string(verdict v);

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

struct requirement_verdict {
    std::size_t row = 0;  // index into suite_record::requirements
    verdict result = verdict::not_covered;
    std::string deviation_reason;           // when result is deviation
    std::vector<std::size_t> scenarios;     // indexes into suite_record::scenarios, run order
};

struct suite_verdicts {
    std::vector<requirement_verdict> requirements;  // catalogue order
    conformance_summary summary;
};

suite_verdicts judge(const suite_record& suite);

// No MUST or definition row failed or went uncovered.
bool certifiable(const conformance_summary& summary);

}  // namespace sts::reports
