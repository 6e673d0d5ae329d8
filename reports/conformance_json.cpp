#include "reports/conformance_json.hpp"

#include "reports/sha256.hpp"

#include <nlohmann/json.hpp>

namespace sts::reports {

namespace {

using json = nlohmann::json;  // std::map members: sorted keys, the canonical order

// Invalid UTF-8 would make nlohmann throw; report text is replaced with U+FFFD instead.
std::string dump(const json& j, int indent) {
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

json requirement_json(const suite_record& suite, const requirement_verdict& v) {
    const auto& row = suite.requirements[v.row];
    json scenarios = json::array();
    for (const auto s : v.scenarios) {
        scenarios.push_back({{"name", suite.scenarios[s].name},
                             {"verdict", suite.scenarios[s].passed ? "pass" : "fail"}});
    }
    json j = {{"id", row.id},           {"level", row.level},     {"strength", row.strength},
              {"side", row.side},       {"section", row.section}, {"rule", row.rule},
              {"verdict", std::string(to_string(v.result))}, {"scenarios", std::move(scenarios)}};
    if (v.result == verdict::deviation) j["deviation"] = v.deviation_reason;
    return j;
}

json expectation_json(const expectation_record& e) {
    json j = {{"description", e.description}, {"line", e.line}, {"passed", e.passed}};
    if (!e.passed) j["detail"] = e.detail;
    return j;
}

json scenario_json(const scenario_record& s, const std::vector<std::string>& tlsrpt_paths) {
    json expectations = json::array();
    for (const auto& e : s.expectations) expectations.push_back(expectation_json(e));
    json j = {{"name", s.name},
              {"file", s.file},
              {"file_sha256", s.file_sha256},
              {"summary", s.summary},
              {"covers", s.covers},
              {"verdict", s.passed ? "pass" : "fail"},
              {"expectations", std::move(expectations)},
              {"first_failure", nullptr},
              {"failure_log", s.failure_log},
              {"tlsrpt", tlsrpt_paths},
              {"rerun", s.rerun}};
    if (!s.error.empty()) j["error"] = s.error;
    if (s.first_failure && *s.first_failure < s.expectations.size()) {
        j["first_failure"] = expectation_json(s.expectations[*s.first_failure]);
        j["first_failure"]["index"] = *s.first_failure;
    }
    return j;
}

}  // namespace

conformance_json render_conformance_json(const suite_record& suite, const suite_verdicts& verdicts,
                                         const std::vector<placed_tlsrpt>& tlsrpt) {
    std::vector<std::vector<std::string>> tlsrpt_paths(suite.scenarios.size());
    for (const auto& p : tlsrpt) tlsrpt_paths[p.scenario].push_back(p.path);

    json requirements = json::array();
    for (const auto& v : verdicts.requirements) requirements.push_back(requirement_json(suite, v));
    json scenarios = json::array();
    for (std::size_t i = 0; i < suite.scenarios.size(); ++i) {
        scenarios.push_back(scenario_json(suite.scenarios[i], tlsrpt_paths[i]));
    }
    json deviations = json::array();
    for (const auto& d : suite.deviations) deviations.push_back({{"id", d.id}, {"reason", d.reason}});

    const auto& sum = verdicts.summary;
    json doc = {
        {"format", "mtasts-sim conformance report 1"},
        {"run",
         {{"tool_version", suite.tool_version},
          {"build_id", suite.build_id},
          {"semantics", suite.semantics},
          {"network", suite.network},
          {"seed", suite.seed ? json(*suite.seed) : json(nullptr)}}},
        {"summary",
         {{"scenarios", sum.scenarios},
          {"passed", sum.passed},
          {"failed", sum.failed},
          {"requirements", sum.requirements},
          {"covered", sum.covered},
          {"must_failed", sum.must_failed},
          {"must_uncovered", sum.must_uncovered}}},
        {"requirements", std::move(requirements)},
        {"deviations", std::move(deviations)},
        {"scenarios", std::move(scenarios)},
    };
    conformance_json out;
    out.digest = sha256_hex(dump(doc, -1));
    doc["digest"] = out.digest;
    out.text = dump(doc, 2) + "\n";
    return out;
}

}  // namespace sts::reports
