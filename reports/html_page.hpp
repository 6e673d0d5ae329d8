// reports/html_page.hpp
//
// index.html, the report for people (issue 5, item 3): one self-contained page — inline
// CSS, no scripts, no fonts, images or links outside the page — with the summary figures,
// the requirement matrix (each verdict linking to the scenarios behind it), and a section
// per scenario: its verdict, expectations, the engine log around the first failure, the
// timeline of what the world saw (DNS → HTTPS → SMTP, with virtual times and the time since
// the scenario's first exchange), the mail log and its TLS-RPT files.
//
// Every text from the run goes through escape_html, and a Content-Security-Policy meta
// element forbids scripts and remote loads, so even a mistake in escaping could not run
// anything. Element ids are stable (summary-scenarios, req-<ID>, sc-<name>) for tests
// and links from elsewhere. The page is deliberately plain: it opens offline, prints, and
// renders the same in every browser.
#pragma once

#include "reports/requirement_verdict.hpp"
#include "reports/suite_record.hpp"
#include "reports/tlsrpt_placement.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sts::reports {

// A scenario with a retry storm can see tens of thousands of exchanges; the page shows
// the first ones and says how many it left out, so it stays small enough to open.
inline constexpr std::size_t html_timeline_events_max = 2'000;
inline constexpr std::size_t html_log_lines_max = 2'000;

std::string render_html_page(const suite_record& suite, const suite_verdicts& verdicts, std::string_view digest,
                             const std::vector<placed_tlsrpt>& tlsrpt);

// The virtual time as ISO 8601 UTC with milliseconds: "2024-09-26T10:00:00.250Z".
std::string iso_time(core::time_point at);

}  // namespace sts::reports
