#include "reports/certificate.hpp"

#include "reports/sha256.hpp"

#include <nlohmann/json.hpp>

namespace sts::reports {

namespace {

using json = nlohmann::json;

std::string dump(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string catalogue_digest(const suite_record& suite) {
    json rows = json::array();
    for (const auto& r : suite.requirements) {
        rows.push_back({{"id", r.id},           {"level", r.level},     {"strength", r.strength},
                        {"side", r.side},       {"section", r.section}, {"rule", r.rule}});
    }
    return sha256_hex(dump(rows, -1));
}

std::string render_certificate(const suite_record& suite, const suite_verdicts& verdicts,
                               const certificate_input& input) {
    json requirements = json::object();
    for (const auto& v : verdicts.requirements) {
        const auto& row = suite.requirements[v.row];
        json entry = {{"strength", row.strength}, {"verdict", std::string(to_string(v.result))}};
        if (v.result == verdict::deviation) entry["deviation"] = v.deviation_reason;
        requirements[row.id] = std::move(entry);
    }
    const auto& sum = verdicts.summary;
    const json doc = {
        {"format", "mtasts-sim certificate 1"},
        {"tool", "mtasts-sim"},
        {"tool_version", suite.tool_version},
        {"build_id", suite.build_id},
        {"network", suite.network},
        {"suite_digest", input.suite_digest},
        {"scenario_files", input.scenario_files},
        {"catalogue_digest", catalogue_digest(suite)},
        {"semantics", input.semantics},
        {"requirements", std::move(requirements)},
        {"summary",
         {{"scenarios", sum.scenarios},
          {"passed", sum.passed},
          {"failed", sum.failed},
          {"requirements", sum.requirements},
          {"covered", sum.covered},
          {"must_failed", sum.must_failed},
          {"must_uncovered", sum.must_uncovered}}},
        {"results_digest", input.results_digest},
        {"verdict", certifiable(sum) ? "certified" : "not-certified"},
    };
    return dump(doc, 2) + "\n";
}

}  // namespace sts::reports
