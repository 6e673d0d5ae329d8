#include "reports/html_page.hpp"

#include "reports/text_escape.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>

namespace sts::reports {

namespace {

std::string h(std::string_view text) { return escape_html(text); }

constexpr std::string_view style = R"css(
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --dev: #9a6700; --none: #6e7781; --obs: #0969da; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1em 2em; color: #1f2328; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.2em; }
.meta { color: #57606a; } code, pre, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; } th, td { border: 1px solid #d0d7de; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.figures { display: flex; gap: 1em; flex-wrap: wrap; margin: 0; padding: 0; }
.figures div { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.4em 1em; min-width: 7em; }
.figures dt { color: #57606a; font-size: 0.85em; } .figures dd { margin: 0; font-size: 1.6em; font-weight: 600; }
.v-pass { color: var(--pass); } .v-fail { color: var(--fail); font-weight: 600; } .v-deviation { color: var(--dev); }
.v-not-covered { color: var(--none); } .v-observed { color: var(--obs); }
.overall { font-size: 1.1em; font-weight: 600; } .overall.ok { color: var(--pass); } .overall.bad { color: var(--fail); }
.scenario { border: 1px solid #d0d7de; border-radius: 6px; margin: 0.6em 0; padding: 0.3em 0.8em; }
.scenario.failed { border-color: var(--fail); }
summary { cursor: pointer; font-weight: 600; }
.badge { display: inline-block; min-width: 3em; text-align: center; border-radius: 4px; color: #fff; padding: 0 4px; margin-right: 0.5em; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.timeline td.k, .timeline td:nth-child(2) { white-space: nowrap; } .timeline td.t { white-space: nowrap; text-align: right; }
.k-dns { background: #ddf4ff; } .k-https { background: #fbefff; } .k-smtp { background: #dafbe1; }
.k-tls { background: #fff8c5; } .k-other { background: #f6f8fa; }
.legend span { padding: 0 6px; margin-right: 4px; border-radius: 3px; }
)css";

struct kind_style {
    std::string_view css;
    std::string_view label;
};

// The transcript kinds of mocks/transcript.hpp, grouped by the protocol a reader follows.
kind_style style_of(std::string_view kind) {
    if (kind == "dns") return {"k-dns", "DNS"};
    if (kind == "http") return {"k-https", "HTTPS"};
    if (kind == "connect") return {"k-https", "proxy CONNECT"};
    if (kind == "smtp>") return {"k-smtp", "SMTP client"};
    if (kind == "smtp<") return {"k-smtp", "SMTP server"};
    if (kind == "delivery") return {"k-smtp", "delivery"};
    if (kind == "tls") return {"k-tls", "TLS"};
    return {"k-other", kind};
}

// A fragment id from a scenario name: lower-case letters, digits and dashes.
std::string slug(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "scenario" : out;
}

std::vector<std::string> scenario_anchors(const suite_record& suite) {
    std::vector<std::string> anchors;
    std::set<std::string> taken;
    for (const auto& s : suite.scenarios) {
        const std::string base = "sc-" + slug(s.name);
        std::string anchor = base;
        for (std::size_t n = 2; !taken.insert(anchor).second; ++n) anchor = fmt::format("{}-{}", base, n);
        anchors.push_back(std::move(anchor));
    }
    return anchors;
}

std::string requirement_anchor(std::string_view id) { return "req-" + slug(id); }

std::string relative_time(core::duration since) {
    const auto ms = since.count();
    return fmt::format("+{}.{:03} s", ms / 1000, ms % 1000);
}

void append_log(std::string& out, const std::vector<std::string>& lines, std::size_t max) {
    out += "<pre>";
    for (std::size_t i = 0; i < lines.size() && i < max; ++i) out += h(lines[i]) + "\n";
    if (lines.size() > max) out += fmt::format("… {} more lines not shown\n", lines.size() - max);
    out += "</pre>\n";
}

void append_summary(std::string& out, const suite_verdicts& verdicts, std::string_view digest) {
    const auto& sum = verdicts.summary;
    out += "<section id=\"summary\"><h2>Summary</h2>\n<dl class=\"figures\">\n";
    const std::pair<std::string_view, std::size_t> figures[] = {
        {"scenarios", sum.scenarios},       {"passed", sum.passed},   {"failed", sum.failed},
        {"requirements", sum.requirements}, {"covered", sum.covered}, {"must_failed", sum.must_failed},
        {"must_uncovered", sum.must_uncovered}};
    for (const auto& [name, value] : figures) {
        out += fmt::format("<div><dt>{}</dt><dd id=\"summary-{}\">{}</dd></div>\n", name, name, value);
    }
    out += "</dl>\n";
    if (certifiable(sum)) {
        out += "<p class=\"overall ok\" id=\"overall\">Every MUST and definition requirement is covered and passes.</p>\n";
    } else {
        out += fmt::format(
            "<p class=\"overall bad\" id=\"overall\">{} MUST or definition requirement(s) failed and {} are not "
            "covered.</p>\n",
            sum.must_failed, sum.must_uncovered);
    }
    out += "<p>A requirement is covered when a scenario names it in <code>covers</code>. MUST and definition rows "
           "fail when any covering scenario failed and pass when all passed; SHOULD rows likewise, but a declared "
           "deviation replaces fail or not covered; MAY and informative rows are observed. Publisher-side rows are "
           "judged the same way.</p>\n";
    out += fmt::format("<p class=\"meta\">conformance.json digest <span class=\"mono\">{}</span></p>\n</section>\n",
                       h(digest));
}

void append_matrix(std::string& out, const suite_record& suite, const suite_verdicts& verdicts,
                   const std::vector<std::string>& anchors) {
    out += "<section id=\"requirements\"><h2>Requirement matrix</h2>\n<table class=\"matrix\">\n"
           "<thead><tr><th>id</th><th>level</th><th>side</th><th>section</th><th>rule</th><th>verdict</th>"
           "<th>scenarios</th></tr></thead>\n<tbody>\n";
    for (const auto& v : verdicts.requirements) {
        const auto& row = suite.requirements[v.row];
        const auto name = to_string(v.result);
        out += fmt::format("<tr id=\"{}\"><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                           requirement_anchor(row.id), h(row.id), h(row.level), h(row.side), h(row.section),
                           h(row.rule));
        out += fmt::format("<td class=\"v-{}\">{}", name, name);
        if (v.result == verdict::deviation) out += ": " + h(v.deviation_reason);
        out += "</td><td>";
        for (std::size_t i = 0; i < v.scenarios.size(); ++i) {
            const auto& s = suite.scenarios[v.scenarios[i]];
            if (i != 0) out += ", ";
            out += fmt::format("<a href=\"#{}\" class=\"v-{}\">{}</a>", anchors[v.scenarios[i]],
                               s.passed ? "pass" : "fail", h(s.name));
        }
        out += "</td></tr>\n";
    }
    out += "</tbody></table></section>\n";
}

void append_timeline(std::string& out, const scenario_record& s) {
    out += "<h4>Timeline</h4>\n";
    if (s.timeline.empty()) {
        out += "<p>The world saw no exchange.</p>\n";
        return;
    }
    out += "<p class=\"legend\"><span class=\"k-dns\">DNS</span><span class=\"k-https\">HTTPS</span>"
           "<span class=\"k-tls\">TLS</span><span class=\"k-smtp\">SMTP</span><span class=\"k-other\">event</span>"
           "</p>\n<table class=\"timeline\"><thead><tr><th>since start</th><th>virtual time</th><th>kind</th>"
           "<th>host</th><th>what</th></tr></thead>\n<tbody>\n";
    const auto start = s.timeline.front().at;
    for (std::size_t i = 0; i < s.timeline.size() && i < html_timeline_events_max; ++i) {
        const auto& e = s.timeline[i];
        const auto k = style_of(e.kind);
        out += fmt::format("<tr class=\"{}\"><td class=\"t mono\">{}</td><td class=\"mono\">{}</td><td "
                           "class=\"k\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>\n",
                           k.css, relative_time(e.at - start), iso_time(e.at), h(k.label), h(e.host), h(e.text));
    }
    out += "</tbody></table>\n";
    if (s.timeline.size() > html_timeline_events_max) {
        out += fmt::format("<p>… {} more exchanges not shown.</p>\n", s.timeline.size() - html_timeline_events_max);
    }
}

void append_scenario(std::string& out, const scenario_record& s, const std::string& anchor,
                     const std::vector<std::string>& tlsrpt_paths) {
    out += fmt::format("<section class=\"scenario{}\" id=\"{}\">\n<details{}>\n", s.passed ? "" : " failed", anchor,
                       s.passed ? "" : " open");
    out += fmt::format("<summary><span class=\"badge {}\">{}</span>{}</summary>\n", s.passed ? "pass" : "fail",
                       s.passed ? "PASS" : "FAIL", h(s.name));
    if (!s.summary.empty()) out += "<p>" + h(s.summary) + "</p>\n";
    out += "<table class=\"facts\">\n";
    out += fmt::format("<tr><th>file</th><td class=\"mono\">{}</td></tr>\n", h(s.file));
    out += fmt::format("<tr><th>sha256</th><td class=\"mono\">{}</td></tr>\n", h(s.file_sha256));
    out += "<tr><th>covers</th><td>";
    for (std::size_t i = 0; i < s.covers.size(); ++i) {
        if (i != 0) out += ", ";
        out += fmt::format("<a href=\"#{}\" class=\"mono\">{}</a>", requirement_anchor(s.covers[i]), h(s.covers[i]));
    }
    out += "</td></tr>\n";
    out += fmt::format("<tr><th>rerun</th><td class=\"mono\">{}</td></tr>\n", h(s.rerun));
    out += "</table>\n";
    if (!s.error.empty()) out += "<p class=\"v-fail\">Could not run to its end: " + h(s.error) + "</p>\n";

    if (!s.expectations.empty()) {
        out += "<h4>Expectations</h4>\n<table class=\"expectations\"><thead><tr><th>line</th><th>expectation</th>"
               "<th>result</th></tr></thead>\n<tbody>\n";
        for (std::size_t i = 0; i < s.expectations.size(); ++i) {
            const auto& e = s.expectations[i];
            const bool first = s.first_failure && *s.first_failure == i;
            out += fmt::format("<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"v-{}\">{}{}</td></tr>\n",
                               e.line != 0 ? std::to_string(e.line) : std::string("implicit"), h(e.description),
                               e.passed ? "pass" : "fail", e.passed ? "met" : first ? "first unmet: " : "unmet: ",
                               e.passed ? std::string() : h(e.detail));
        }
        out += "</tbody></table>\n";
    }
    if (!s.failure_log.empty()) {
        out += "<h4>Engine log around the first failure</h4>\n";
        append_log(out, s.failure_log, html_log_lines_max);
    }
    append_timeline(out, s);
    out += "<h4>Mail log</h4>\n";
    if (s.log_lines.empty()) {
        out += "<p>The engine logged nothing.</p>\n";
    } else {
        append_log(out, s.log_lines, html_log_lines_max);
    }
    if (!tlsrpt_paths.empty()) {
        out += "<h4>TLS-RPT reports</h4>\n<ul>\n";
        for (const auto& p : tlsrpt_paths) out += fmt::format("<li><a href=\"{}\">{}</a></li>\n", h(p), h(p));
        out += "</ul>\n";
    }
    out += "</details>\n</section>\n";
}

}  // namespace

std::string iso_time(core::time_point at) {
    const auto day = std::chrono::floor<std::chrono::days>(at);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss time{at - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                       time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

std::string render_html_page(const suite_record& suite, const suite_verdicts& verdicts, std::string_view digest,
                             const std::vector<placed_tlsrpt>& tlsrpt) {
    std::vector<std::vector<std::string>> tlsrpt_paths(suite.scenarios.size());
    for (const auto& p : tlsrpt) tlsrpt_paths[p.scenario].push_back(p.path);
    const auto anchors = scenario_anchors(suite);

    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>MTA-STS conformance report</title>\n<style>";
    out += style;
    out += "</style>\n</head>\n<body>\n<header><h1>MTA-STS conformance report</h1>\n";
    out += fmt::format("<p class=\"meta\">mtasts-sim {} · semantics {} · network {}{}</p>\n</header>\n",
                       h(suite.tool_version), h(suite.semantics), h(suite.network),
                       suite.seed ? fmt::format(" · seed {}", *suite.seed) : std::string());
    out += "<nav><a href=\"#summary\">Summary</a> · <a href=\"#requirements\">Requirements</a> · "
           "<a href=\"#scenarios\">Scenarios</a></nav>\n";
    append_summary(out, verdicts, digest);
    append_matrix(out, suite, verdicts, anchors);
    out += "<section id=\"scenarios\"><h2>Scenarios</h2>\n";
    for (std::size_t i = 0; i < suite.scenarios.size(); ++i) {
        append_scenario(out, suite.scenarios[i], anchors[i], tlsrpt_paths[i]);
    }
    out += "</section>\n</body>\n</html>\n";
    return out;
}

}  // namespace sts::reports
