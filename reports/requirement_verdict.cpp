#include "reports/requirement_verdict.hpp"

#include <algorithm>
#include <map>

namespace sts::reports {

std::string_view to_string(verdict v) {
    switch (v) {
        case verdict::pass: return "pass";
        case verdict::fail: return "fail";
        case verdict::deviation: return "deviation";
        case verdict::not_covered: return "not-covered";
        case verdict::observed: return "observed";
    }
    return "?";
}

suite_verdicts judge(const suite_record& suite) {
    // Which scenarios cover each id; a scenario naming an id twice counts once.
    std::map<std::string, std::vector<std::size_t>, std::less<>> covering;
    for (std::size_t i = 0; i < suite.scenarios.size(); ++i) {
        for (const auto& id : suite.scenarios[i].covers) {
            auto& list = covering[id];
            if (list.empty() || list.back() != i) list.push_back(i);
        }
    }
    std::map<std::string_view, std::string_view> deviation_reasons;
    for (const auto& d : suite.deviations) deviation_reasons.emplace(d.id, d.reason);

    suite_verdicts out;
    auto& summary = out.summary;
    summary.scenarios = suite.scenarios.size();
    summary.passed = static_cast<std::size_t>(
        std::count_if(suite.scenarios.begin(), suite.scenarios.end(), [](const auto& s) { return s.passed; }));
    summary.failed = summary.scenarios - summary.passed;
    summary.requirements = suite.requirements.size();

    for (std::size_t r = 0; r < suite.requirements.size(); ++r) {
        const auto& row = suite.requirements[r];
        requirement_verdict v{.row = r, .result = verdict::not_covered, .deviation_reason = {}, .scenarios = {}};
        if (const auto it = covering.find(row.id); it != covering.end()) v.scenarios = it->second;
        const bool covered = !v.scenarios.empty();
        const bool any_failed = std::any_of(v.scenarios.begin(), v.scenarios.end(),
                                            [&](std::size_t s) { return !suite.scenarios[s].passed; });
        if (covered) ++summary.covered;

        if (row.strength == "may" || row.strength == "informative") {
            v.result = covered ? verdict::observed : verdict::not_covered;
        } else {
            v.result = any_failed ? verdict::fail : covered ? verdict::pass : verdict::not_covered;
            if (row.strength == "should" && v.result != verdict::pass) {
                if (const auto d = deviation_reasons.find(row.id); d != deviation_reasons.end()) {
                    v.result = verdict::deviation;
                    v.deviation_reason = std::string(d->second);
                }
            }
            // must and def; a strength the catalogue does not know is judged as strictly.
            if (row.strength != "should") {
                if (v.result == verdict::fail) ++summary.must_failed;
                if (v.result == verdict::not_covered) ++summary.must_uncovered;
            }
        }
        out.requirements.push_back(std::move(v));
    }
    return out;
}

bool certifiable(const conformance_summary& summary) {
    return summary.must_failed == 0 && summary.must_uncovered == 0;
}

}  // namespace sts::reports
