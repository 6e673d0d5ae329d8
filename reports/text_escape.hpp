// reports/text_escape.hpp
//
// Escaping for the report formats. Everything a report shows that came from a scenario
// run (log lines, transcript text, SMTP replies, scenario names and summaries) may carry
// peer-supplied bytes: the engine and the mocks quote those where they enter
// (core::quote_peer_text), but a report must stay well-formed and inert whatever it is
// given, so every writer escapes again for its own format. Each function first makes the
// text printable: invalid UTF-8 becomes U+FFFD and control characters other than tab and
// line feed become a visible `\xNN`, so nothing that XML 1.0 forbids or a terminal would
// interpret reaches a file.
//
// JSON needs no function here: nlohmann-json escapes strings itself (conformance_json.cpp
// replaces invalid UTF-8 while dumping).
#pragma once

#include <string>
#include <string_view>

namespace sts::reports {

// Valid UTF-8 with tab and line feed kept; other control bytes as `\xNN`, invalid bytes
// as U+FFFD.
std::string printable_text(std::string_view text);

// Text content and attribute values of HTML: & < > " ' as character references.
std::string escape_html(std::string_view text);

// XML 1.0 element content and attribute values: the five predefined entities, and tab and
// line feed as character references so attribute values keep them through normalisation.
std::string escape_xml(std::string_view text);

// One Markdown table cell or inline text: the characters Markdown or a table give meaning
// to (\ ` * _ [ ] | ~ #) behind a backslash, & < > as HTML character references (so no
// raw HTML), and line breaks as spaces (a cell is one line).
std::string escape_markdown_inline(std::string_view text);

}  // namespace sts::reports
