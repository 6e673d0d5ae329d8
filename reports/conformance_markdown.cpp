#include "reports/conformance_markdown.hpp"

#include "reports/text_escape.hpp"

#include <fmt/format.h>

namespace sts::reports {

namespace {

std::string md(std::string_view text) { return escape_markdown_inline(text); }

// HTML-escaped, and pipes and backticks as character references too, so no Markdown
// reader can mistake a line for a table or code span either.
void append_pre(std::string& out, const std::vector<std::string>& lines) {
    out += "<pre>\n";
    for (const auto& line : lines) {
        for (const char c : escape_html(line)) {
            if (c == '|') {
                out += "&#124;";
            } else if (c == '`') {
                out += "&#96;";
            } else {
                out += c;
            }
        }
        out += '\n';
    }
    out += "</pre>\n\n";
}

}  // namespace

std::string render_conformance_markdown(const suite_record& suite, const suite_verdicts& verdicts,
                                        std::string_view digest) {
    const auto& sum = verdicts.summary;
    std::string out;
    out += "# MTA-STS conformance report\n\n";
    out += fmt::format("mtasts-sim {} · semantics: {} · network: {}", md(suite.tool_version), md(suite.semantics),
                       md(suite.network));
    if (suite.seed) out += fmt::format(" · seed {}", *suite.seed);
    out += fmt::format("  \nconformance.json digest: `{}`\n\n", md(digest));

    out += "## Summary\n\n| scenarios | passed | failed | requirements | covered | MUST failed | MUST not covered |\n";
    out += "|---:|---:|---:|---:|---:|---:|---:|\n";
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n\n", sum.scenarios, sum.passed, sum.failed,
                       sum.requirements, sum.covered, sum.must_failed, sum.must_uncovered);
    out += "A requirement is covered when a scenario names it in `covers`. MUST and definition rows\n"
           "fail when any covering scenario failed and pass when all passed; SHOULD rows likewise,\n"
           "but a declared deviation replaces fail or not covered; MAY and informative rows are\n"
           "observed. \"MUST failed\" and \"MUST not covered\" count definition rows too.\n\n";

    out += "## Requirements\n\n| id | level | side | section | verdict | scenarios |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& v : verdicts.requirements) {
        const auto& row = suite.requirements[v.row];
        std::string scenarios;
        for (const auto s : v.scenarios) {
            if (!scenarios.empty()) scenarios += ", ";
            scenarios += md(suite.scenarios[s].name);
            if (!suite.scenarios[s].passed) scenarios += " (**fail**)";
        }
        std::string verdict_text(to_string(v.result));
        if (v.result == verdict::fail) verdict_text = "**fail**";
        if (v.result == verdict::deviation) verdict_text += ": " + md(v.deviation_reason);
        out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", md(row.id), md(row.level), md(row.side),
                           md(row.section), verdict_text, scenarios);
    }
    out += '\n';

    if (!suite.deviations.empty()) {
        out += "## Declared deviations\n\n";
        for (const auto& d : suite.deviations) out += fmt::format("- {}: {}\n", md(d.id), md(d.reason));
        out += '\n';
    }

    out += "## Failures\n\n";
    bool any = false;
    for (const auto& s : suite.scenarios) {
        if (s.passed) continue;
        any = true;
        out += fmt::format("### {}\n\n", md(s.name));
        out += fmt::format("File: {}  \nRerun: {}\n\n", md(s.file), md(s.rerun));
        if (!s.error.empty()) out += fmt::format("Error: {}\n\n", md(s.error));
        if (s.first_failure && *s.first_failure < s.expectations.size()) {
            const auto& e = s.expectations[*s.first_failure];
            out += fmt::format("First unmet expectation{}: {}  \nFound: {}\n\n",
                               e.line != 0 ? fmt::format(" (line {})", e.line) : std::string(" (implicit)"),
                               md(e.description), md(e.detail));
        }
        if (!s.failure_log.empty()) {
            out += "Engine log around it:\n\n";
            append_pre(out, s.failure_log);
        }
    }
    if (!any) out += "None.\n";
    return out;
}

}  // namespace sts::reports
