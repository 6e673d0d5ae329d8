// reports/conformance_markdown.hpp
//
// conformance.md, the conformance report for review (issue 5, item 3): the summary
// figures, how verdicts are judged, the requirement matrix (one table row per catalogue
// requirement, its verdict and covering scenarios), the declared deviations, and each
// failed scenario with its first unmet expectation and the engine log around it.
//
// Everything from the run is escaped: table cells and inline text with
// escape_markdown_inline, log excerpts inside <pre> blocks with escape_html (CommonMark
// keeps a <pre> block whole until its closing tag, and an escaped line cannot close it).
#pragma once

#include "reports/requirement_verdict.hpp"
#include "reports/suite_record.hpp"

#include <string>
#include <string_view>

namespace sts::reports {

std::string render_conformance_markdown(const suite_record& suite, const suite_verdicts& verdicts,
                                        std::string_view digest);

}  // namespace sts::reports
