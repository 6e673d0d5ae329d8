#include "sim/report/suite_record_builder.hpp"

#include "mocks/transcript.hpp"
#include "reports/sha256.hpp"
#include "sim/catalogue/deviation_list.hpp"
#include "sim/catalogue/requirement_catalogue.hpp"

#include <algorithm>
#include <fstream>
#include <set>

namespace sts::sim {

namespace {

// The hash of the file as it is now; empty when it cannot be read (the scenario was loaded
// from it a moment ago, so that means it was removed meanwhile).
std::string file_sha256(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    reports::sha256_stream digest;
    std::string chunk(64 * 1024, '\0');
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        digest.add(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
    }
    return digest.finish_hex();
}

reports::scenario_record scenario_record_of(const scenario_spec& spec, const scenario_result& result) {
    reports::scenario_record r;
    r.name = result.name.empty() ? spec.name : result.name;
    r.file = spec.file;
    r.summary = spec.summary;
    r.covers = spec.covers;
    r.file_sha256 = file_sha256(spec.file);
    r.passed = result.passed;
    r.error = result.error;
    for (const auto& e : result.expectations) {
        r.expectations.push_back({.description = e.description, .line = e.line, .passed = e.passed, .detail = e.detail});
    }
    r.first_failure = result.first_failure;
    r.failure_log = result.failure_log;
    r.log_lines = result.log_lines;
    for (const auto& t : result.timeline) {
        r.timeline.push_back({.at = t.at, .host = t.host, .kind = mocks::to_string(t.kind), .text = t.text});
    }
    // The report folder holds the JSON itself, so the file takes the uncompressed name of
    // RFC 8460 §5.1 (".json", not the ".json.gz" the engine sends).
    for (const auto& report : result.tlsrpt_reports) {
        std::string name = report.file_name;
        if (name.ends_with(".gz")) name.resize(name.size() - 3);
        r.tlsrpt.push_back({.policy_domain = report.policy_domain, .name = std::move(name), .json = report.json_text});
    }
    r.rerun = rerun_command(spec.file);
    return r;
}

}  // namespace

std::vector<std::string> semantics_profiles(std::span<const scenario_spec> specs) {
    std::set<std::string> names;
    for (const auto& s : specs) names.emplace(to_string(s.semantics));
    return {names.begin(), names.end()};
}

std::string rerun_command(const std::string& file) {
    const bool plain = !file.empty() && std::all_of(file.begin(), file.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
               c == '-' || c == '_' || c == '+' || c == ',' || c == '=' || c == '@' || c == ':';
    });
    if (plain) return "mtasts-sim run " + file;
    std::string quoted = "'";
    for (const char c : file) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return "mtasts-sim run " + quoted + "'";
}

reports::suite_record make_suite_record(std::span<const scenario_spec> specs, std::span<const scenario_result> results,
                                        const suite_record_options& options) {
    reports::suite_record suite;
    suite.tool_version = options.tool_version.empty() ? std::string(STS_VERSION) : options.tool_version;
    suite.build_id = options.build_id;
    const auto profiles = semantics_profiles(specs);
    for (const auto& p : profiles) suite.semantics += (suite.semantics.empty() ? "" : ", ") + p;
    suite.network = options.network;
    suite.seed = options.seed;
    for (const auto& r : builtin_catalogue().all()) {
        suite.requirements.push_back({.id = r.id, .level = r.level, .strength = std::string(to_string(r.strength_)),
                                      .side = r.side, .section = r.section, .rule = r.rule});
    }
    for (const auto& d : builtin_deviations()) suite.deviations.push_back({.id = d.id, .reason = d.reason});
    const auto count = std::min(specs.size(), results.size());
    for (std::size_t i = 0; i < count; ++i) suite.scenarios.push_back(scenario_record_of(specs[i], results[i]));
    return suite;
}

}  // namespace sts::sim
