#include "reports/tlsrpt_placement.hpp"

#include <map>
#include <set>

namespace sts::reports {

namespace {

// One path component from a name: only letters, digits and . - _ ! + = @ survive; anything
// else (slashes, backslashes, spaces, controls, non-ASCII) becomes '_', and a leading dot
// too, so the component is never "..", hidden, or empty.
std::string safe_component(std::string_view name) {
    std::string out;
    for (const char c : name) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '.' || c == '-' || c == '_' || c == '!' || c == '+' || c == '=' || c == '@';
        out += plain ? c : '_';
    }
    if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
    return out;
}

std::string scenario_folder(std::string_view scenario_name) {
    std::string dashed(scenario_name);
    for (auto& c : dashed) {
        if (c == '/') c = '-';
    }
    return safe_component(dashed);
}

}  // namespace

std::vector<placed_tlsrpt> place_tlsrpt_files(const suite_record& suite) {
    std::map<std::string, std::size_t> uses;
    for (const auto& s : suite.scenarios) {
        for (const auto& f : s.tlsrpt) ++uses[safe_component(f.name)];
    }
    std::vector<placed_tlsrpt> placed;
    std::set<std::string> taken;
    for (std::size_t si = 0; si < suite.scenarios.size(); ++si) {
        const auto& s = suite.scenarios[si];
        for (std::size_t fi = 0; fi < s.tlsrpt.size(); ++fi) {
            const std::string name = safe_component(s.tlsrpt[fi].name);
            std::string path = uses[name] > 1 ? "tlsrpt/" + scenario_folder(s.name) + "/" + name : "tlsrpt/" + name;
            // Two scenarios with the same name, or one scenario giving the same name twice:
            // number the later ones rather than lose a report.
            const std::string base = path;
            for (std::size_t n = 2; !taken.insert(path).second; ++n) path = base + "." + std::to_string(n);
            placed.push_back({.scenario = si, .file = fi, .path = std::move(path)});
        }
    }
    return placed;
}

}  // namespace sts::reports
