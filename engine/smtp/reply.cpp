#include "engine/smtp/reply.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace sts::smtp {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads 1 to 3 digits at `pos`, moving `pos` past them.
std::optional<int> read_status_number(std::string_view text, std::size_t& pos) {
    int value = 0;
    std::size_t digits = 0;
    while (pos < text.size() && is_digit(text[pos]) && digits < 3) {
        value = value * 10 + (text[pos] - '0');
        ++pos;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    // A fourth digit means the number is longer than RFC 3463 §2 allows.
    if (pos < text.size() && is_digit(text[pos])) return std::nullopt;
    return value;
}

// Peer text for a log: quote_peer_text, and "'" escaped too because the log puts the
// text between single quotes.
std::string quote_for_log(std::string_view text) {
    const std::string quoted = core::quote_peer_text(text);
    std::string out;
    out.reserve(quoted.size());
    for (const char c : quoted) {
        if (c == '\'') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

std::string to_string(const enhanced_status& status) {
    return fmt::format("{}.{}.{}", status.status_class, status.subject, status.detail);
}

std::optional<enhanced_status> parse_enhanced_status(int code, std::string_view text) {
    // RFC 2034 §4 / RFC 3463 §2: class "." subject "." detail, class one of 2, 4, 5.
    if (text.size() < 5) return std::nullopt;
    const char class_digit = text[0];
    if (class_digit != '2' && class_digit != '4' && class_digit != '5') return std::nullopt;
    const int status_class = class_digit - '0';
    // RFC 2034 §4: the status code agrees with the primary reply code.
    if (status_class != code / 100) return std::nullopt;
    if (text[1] != '.') return std::nullopt;
    std::size_t pos = 2;
    const auto subject = read_status_number(text, pos);
    if (!subject || pos >= text.size() || text[pos] != '.') return std::nullopt;
    ++pos;
    const auto detail = read_status_number(text, pos);
    if (!detail) return std::nullopt;
    // RFC 2034 §3(4): the status code is followed by one or more spaces.
    if (pos < text.size() && text[pos] != ' ') return std::nullopt;
    return enhanced_status{status_class, *subject, *detail};
}

void reply_reader::fail(std::string_view rule, std::size_t column, std::string_view excerpt) {
    error_ = core::finding{"", std::string(rule), lines_seen_ + 1, column, core::quote_peer_text(excerpt)};
}

feed_result reply_reader::feed(std::span<const char> bytes) {
    feed_result out;
    if (error_) {
        out.error = error_;
        return out;
    }
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const char* start = bytes.data() + pos;
        const std::size_t rest = bytes.size() - pos;
        const void* lf = std::memchr(start, '\n', rest);
        const std::size_t segment =
            lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - start) : rest;
        // RFC 5321 §4.5.3.1.5 counts the line with its CRLF. Refuse as soon as the line
        // cannot fit even if its LF came next, so a 10 MB line never gets buffered.
        if (line_.size() + segment + 1 > core::limits::smtp_reply_line_bytes_max) {
            const std::size_t shown = std::min(segment, core::peer_text_bytes_max);
            const std::string excerpt = line_ + std::string(start, shown);
            fail(reply_rule::line_too_long, core::limits::smtp_reply_line_bytes_max, excerpt);
            out.error = error_;
            return out;
        }
        line_.append(start, segment);
        partial_bytes_ += segment;
        pos += segment;
        if (!lf) break;
        ++pos;  // the LF
        ++partial_bytes_;
        complete_line(out);
        if (error_) {
            out.error = error_;
            return out;
        }
    }
    return out;
}

void reply_reader::complete_line(feed_result& out) {
    // interpretation: RFC 5321 §2.3.8 ends lines with CRLF, but a bare LF is accepted as a
    // line end (Postfix's client does the same): it changes nothing about the code the
    // client acts on, and refusing it would only bounce mail for a cosmetic server bug.
    // The reply records it (bare_lf) so a conformance report can mention it. A CR anywhere
    // else is refused: it is how line-splitting tricks are smuggled.
    const bool bare_lf = line_.empty() || line_.back() != '\r';
    if (!bare_lf) line_.pop_back();
    const std::string_view line = line_;
    if (const auto cr = line.find('\r'); cr != std::string_view::npos) {
        fail(reply_rule::bare_cr, cr + 1, line);
        return;
    }

    // RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39.
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) {
        fail(reply_rule::code_missing, 1, line);
        return;
    }
    if (line[0] < '2' || line[0] > '5' || line[1] > '5') {
        fail(reply_rule::code_out_of_range, 1, line);
        return;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');

    // RFC 5321 §4.2.1: "-" continues the reply; a space, or nothing at all, ends it.
    bool last = true;
    std::string_view text;
    if (line.size() > 3) {
        if (line[3] == '-') {
            last = false;
        } else if (line[3] != ' ') {
            fail(reply_rule::separator_invalid, 4, line);
            return;
        }
        text = line.substr(4);
    }

    if (!partial_.lines.empty() && code != partial_.code) {
        fail(reply_rule::code_changed, 1, line);
        return;
    }
    if (partial_.lines.size() >= core::limits::smtp_reply_lines_max) {
        fail(reply_rule::too_many_lines, 1, line);
        return;
    }

    partial_.code = code;
    partial_.lines.emplace_back(text);
    partial_bare_lf_ = partial_bare_lf_ || bare_lf;
    ++lines_seen_;
    line_.clear();

    if (last) {
        // RFC 2034 §4: the enhanced code prefaces the text; the first line is enough.
        partial_.enhanced = parse_enhanced_status(code, partial_.lines.front());
        partial_.bare_lf = partial_bare_lf_;
        out.replies.push_back(std::move(partial_));
        partial_ = reply{};
        partial_bare_lf_ = false;
        partial_bytes_ = 0;
    }
}

std::string log_response_text(const reply& r) {
    std::string out;
    const std::size_t shown = std::min(r.lines.size(), core::limits::smtp_reply_log_lines_max);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i != 0) out += ' ';
        out += quote_for_log(r.lines[i]);
    }
    if (shown < r.lines.size()) out += fmt::format(" ...({} more lines)", r.lines.size() - shown);
    return out;
}

std::string log_reply_tuple(const reply& r) {
    std::string out = fmt::format("('{:03d}', [", r.code);
    const std::size_t shown = std::min(r.lines.size(), core::limits::smtp_reply_log_lines_max);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i != 0) out += ", ";
        out += '\'';
        out += quote_for_log(r.lines[i]);
        out += '\'';
    }
    if (shown < r.lines.size()) out += fmt::format(", ...({} more lines)", r.lines.size() - shown);
    out += "])";
    return out;
}

}  // namespace sts::smtp
