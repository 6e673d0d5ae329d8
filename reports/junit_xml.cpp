#include "reports/junit_xml.hpp"

#include "reports/text_escape.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sts::reports {

namespace {

std::string x(std::string_view text) { return escape_xml(text); }

std::string failure_message(const scenario_record& s) {
    if (!s.error.empty()) return "could not run: " + s.error;
    if (s.first_failure && *s.first_failure < s.expectations.size()) {
        const auto& e = s.expectations[*s.first_failure];
        return e.line != 0 ? fmt::format("line {}: {}", e.line, e.description) : e.description;
    }
    return "failed";
}

std::string failure_text(const scenario_record& s) {
    std::string text;
    if (s.first_failure && *s.first_failure < s.expectations.size()) {
        text += "found: " + s.expectations[*s.first_failure].detail + "\n";
    }
    if (!s.failure_log.empty()) {
        text += "engine log around it:\n";
        for (const auto& line : s.failure_log) text += "  " + line + "\n";
    }
    text += "rerun: " + s.rerun + "\n";
    return text;
}

}  // namespace

std::string area_of(const scenario_record& scenario) {
    if (const auto slash = scenario.name.find('/'); slash != std::string::npos && slash != 0) {
        return scenario.name.substr(0, slash);
    }
    const auto last = scenario.file.find_last_of('/');
    if (last != std::string::npos && last != 0) {
        const auto before = scenario.file.find_last_of('/', last - 1);
        const auto start = before == std::string::npos ? 0 : before + 1;
        if (last > start) return scenario.file.substr(start, last - start);
    }
    return "scenarios";
}

std::string render_junit_xml(const suite_record& suite) {
    const auto failures = static_cast<std::size_t>(
        std::count_if(suite.scenarios.begin(), suite.scenarios.end(), [](const auto& s) { return !s.passed; }));
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"mtasts-sim\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                       suite.scenarios.size(), failures);
    out += fmt::format("  <testsuite name=\"mtasts-sim conformance\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                       "skipped=\"0\">\n",
                       suite.scenarios.size(), failures);
    out += "    <properties>\n";
    out += fmt::format("      <property name=\"tool_version\" value=\"{}\"/>\n", x(suite.tool_version));
    out += fmt::format("      <property name=\"semantics\" value=\"{}\"/>\n", x(suite.semantics));
    out += fmt::format("      <property name=\"network\" value=\"{}\"/>\n", x(suite.network));
    out += "    </properties>\n";
    for (const auto& s : suite.scenarios) {
        out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\">\n", x(s.name), x(area_of(s)),
                           x(s.file));
        if (!s.covers.empty()) {
            out += "      <properties>\n";
            for (const auto& id : s.covers) {
                out += fmt::format("        <property name=\"requirement\" value=\"{}\"/>\n", x(id));
            }
            out += "      </properties>\n";
        }
        if (!s.passed) {
            out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", x(failure_message(s)),
                               s.error.empty() ? "unmet-expectation" : "error", x(failure_text(s)));
        }
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace sts::reports
