// engine/smtp/ehlo.hpp
//
// What a server says it supports, from its 250 answer to EHLO (RFC 5321 §4.1.1.1): the
// first line names the server ("250-mx1.example.com Hello ..."), every further line is one
// service extension keyword with optional parameters ("250-SIZE 35882577",
// "250 AUTH PLAIN LOGIN"). Keywords are case-insensitive (RFC 5321 §2.4), so they are kept
// upper-cased and has() compares without case. STARTTLS (RFC 3207 §4) is one such keyword,
// and only a keyword line can offer it: a greeting line that reads "STARTTLS" names a
// server, it does not offer anything.
//
// The set is bounded by the reply it comes from (core::limits::smtp_reply_lines_max lines
// of at most smtp_reply_line_bytes_max bytes). A line that is not a valid ehlo-line is
// skipped, not fatal (see ehlo_response::parse). This file does not decide what to do with
// an extension (engine/smtp/session.hpp does), and it never looks at the greeting text.
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"
#include "engine/smtp/reply.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sts::smtp {

struct ehlo_keyword {
    std::string name;                 // upper-cased, e.g. "STARTTLS"
    std::vector<std::string> params;  // as sent, e.g. {"PLAIN", "LOGIN"}; peer text

    friend bool operator==(const ehlo_keyword&, const ehlo_keyword&) = default;
};

namespace ehlo_rule {
inline constexpr std::string_view not_250 =
    "a successful EHLO is answered with reply code 250 (RFC 5321 4.1.1.1)";
inline constexpr std::string_view too_many_lines =
    "an EHLO reply has at most smtp_reply_lines_max lines";
}  // namespace ehlo_rule

class ehlo_response {
public:
    // RFC 5321 §4.1.1.1: ehlo-ok-rsp. Only a reply that is not 250 (or is larger than any
    // reply_reader lets through) is an error.
    // interpretation: a keyword line that does not match ehlo-line (such as the old
    // "AUTH=LOGIN" spelling, or a keyword with a "_") is skipped and counted in
    // skipped_lines(): one odd line must not cost the whole extension list, and skipping it
    // can only make us assume less. A keyword that appears twice keeps its first
    // parameters. The greeting domain is the first word of the first line; when it is not
    // a plausible Domain or address-literal (empty, over 255 bytes, or holding bytes outside
    // printable ASCII) it is left empty, since it is informational only (TLS-RPT
    // receiving-mx-helo).
    static core::result<ehlo_response, core::finding> parse(const reply& r);

    const std::string& greeting_domain() const noexcept { return greeting_domain_; }
    const std::vector<ehlo_keyword>& keywords() const noexcept { return keywords_; }
    std::size_t skipped_lines() const noexcept { return skipped_lines_; }

    // Case-insensitive.
    bool has(std::string_view keyword) const noexcept { return find(keyword) != nullptr; }
    const ehlo_keyword* find(std::string_view keyword) const noexcept;

private:
    std::string greeting_domain_;
    std::vector<ehlo_keyword> keywords_;
    std::size_t skipped_lines_ = 0;
};

}  // namespace sts::smtp
