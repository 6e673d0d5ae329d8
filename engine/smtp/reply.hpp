// engine/smtp/reply.hpp
//
// An SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text. A
// multi-line reply (§4.2.1) puts "-" after the code on every line but the last, which has
// a space (or nothing) there; every line carries the same code. When the server offers
// ENHANCEDSTATUSCODES (RFC 2034), the text starts with a status code "class.subject.detail"
// (RFC 3463 §2), which the reply carries parsed.
//
// reply_reader is a sans-I/O, incremental parser: feed() it bytes as they arrive, in any
// chunking, and it hands back the replies that completed. It never buffers more than one
// line (core::limits::smtp_reply_line_bytes_max) plus the lines of one reply
// (smtp_reply_lines_max); anything larger, and every syntax error, is a core::finding, after
// which the reader stays failed (the session must drop the connection, RFC 5321 §4.2 gives
// no way to resynchronise). The reader also says whether bytes of an unfinished reply are
// buffered: after the 220 answer to STARTTLS nothing may follow in clear text (RFC 3207 §4.2,
// the CVE-2011-0411 class of injection), and that is how the session sees it.
//
// This file does not decide what a reply means for a session (engine/smtp/session.hpp does)
// and does not interpret the text: RFC 5321 §4.2 says clients act on the code alone.
#pragma once

#include "engine/core/finding.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sts::smtp {

// RFC 3463 §2: status-code = class "." subject "." detail, class 2, 4 or 5, subject and
// detail 1 to 3 digits.
struct enhanced_status {
    int status_class = 0;
    int subject = 0;
    int detail = 0;

    friend bool operator==(const enhanced_status&, const enhanced_status&) = default;
};

// "4.7.1": the form the mail log and DSNs use.
std::string to_string(const enhanced_status& status);

// The enhanced status code that starts `text`, if there is one whose class matches the
// class of the basic `code`. RFC 2034 §4: the status code agrees with the primary reply
// code (2xx with 2.X.X and so on) and is followed by one or more spaces.
// interpretation: a code that disagrees ("250 5.0.0 ...") is left as plain text rather
// than trusted for either class, since the basic code is what the client acts on; a status
// code that is the whole text ("550 5.1.1") is accepted, as the missing space hides nothing.
std::optional<enhanced_status> parse_enhanced_status(int code, std::string_view text);

struct reply {
    int code = 0;
    // The text of each line after the code and its separator, without the line ending.
    // Peer text: it may hold any byte except CR and LF, so quote it before showing it.
    std::vector<std::string> lines;
    // From the first line's text, when it starts with one (RFC 2034 §4).
    std::optional<enhanced_status> enhanced;
    // Some line of this reply ended with LF alone (accepted; see reply_reader).
    bool bare_lf = false;

    // RFC 5321 §4.2.1, first digit of the code.
    bool is_positive_completion() const noexcept { return code / 100 == 2; }
    bool is_positive_intermediate() const noexcept { return code / 100 == 3; }
    bool is_transient_negative() const noexcept { return code / 100 == 4; }
    bool is_permanent_negative() const noexcept { return code / 100 == 5; }

    friend bool operator==(const reply&, const reply&) = default;
};

// The rules a reply stream can break: the `rule` of the findings reply_reader returns.
namespace reply_rule {
inline constexpr std::string_view code_missing =
    "a reply line starts with a three-digit reply code (RFC 5321 4.2)";
inline constexpr std::string_view code_out_of_range =
    "a reply code has first digit 2 to 5 and second digit 0 to 5 (RFC 5321 4.2)";
inline constexpr std::string_view separator_invalid =
    "the reply code is followed by '-', a space or the end of the line (RFC 5321 4.2.1)";
inline constexpr std::string_view code_changed =
    "every line of a multi-line reply carries the same code (RFC 5321 4.2.1)";
inline constexpr std::string_view bare_cr =
    "a reply line contains no CR except in its CRLF ending (RFC 5321 2.3.8)";
inline constexpr std::string_view line_too_long =
    "a reply line is at most smtp_reply_line_bytes_max bytes with its ending (RFC 5321 4.5.3.1.5)";
inline constexpr std::string_view too_many_lines =
    "a reply has at most smtp_reply_lines_max lines";
}  // namespace reply_rule

// What one feed() produced: the replies that completed, in stream order, and the finding
// that stopped the stream if it broke a rule (the replies before it are still good).
struct feed_result {
    std::vector<reply> replies;
    std::optional<core::finding> error;
};

class reply_reader {
public:
    // Consumes all of `bytes`. After an error every later call returns the same error and
    // no replies. A finding's line is the 1-based line number in the whole stream and its
    // column the 1-based byte in that line.
    feed_result feed(std::span<const char> bytes);
    feed_result feed(std::string_view bytes) { return feed(std::span<const char>(bytes.data(), bytes.size())); }

    // Bytes received after the last complete reply (part of a reply not finished yet).
    std::size_t buffered_bytes() const noexcept { return partial_bytes_; }
    bool has_buffered_bytes() const noexcept { return partial_bytes_ != 0; }

    bool failed() const noexcept { return error_.has_value(); }

private:
    void fail(std::string_view rule, std::size_t column, std::string_view excerpt);
    void complete_line(feed_result& out);

    std::string line_;        // the unfinished line, without its LF; < line max bytes
    reply partial_;           // lines of the unfinished reply
    bool partial_bare_lf_ = false;
    std::size_t partial_bytes_ = 0;
    std::size_t lines_seen_ = 0;  // complete lines in the stream so far
    std::optional<core::finding> error_;
};

// The reply text for the mail log's `Response '<text>'` (log-format.md): the text of the
// lines joined by a space, without the code, each line escaped by core::quote_peer_text
// with "'" written as "\'" so that the quotes around it stay unambiguous.
std::string log_response_text(const reply& r);

// The `('<code>', ['<line>', ...])` form of Delayed: and Bounced: lines (log-format.md).
// At most core::limits::smtp_reply_log_lines_max lines are shown; an unquoted
// `...(N more lines)` element says how many were left out.
std::string log_reply_tuple(const reply& r);

}  // namespace sts::smtp
