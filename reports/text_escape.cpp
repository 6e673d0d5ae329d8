#include "reports/text_escape.hpp"

#include <cstdint>
#include <fmt/format.h>

namespace sts::reports {

namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629 §4: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
    const auto continuation = [&](std::size_t i) { return i < s.size() && (byte(i) & 0xC0U) == 0x80U; };
    const std::uint8_t b0 = byte(0);
    if (b0 < 0x80U) return 1;
    if (b0 >= 0xC2U && b0 <= 0xDFU) return continuation(1) ? 2 : 0;
    if (b0 >= 0xE0U && b0 <= 0xEFU) {
        if (!continuation(1) || !continuation(2)) return 0;
        if (b0 == 0xE0U && byte(1) < 0xA0U) return 0;   // overlong
        if (b0 == 0xEDU && byte(1) >= 0xA0U) return 0;  // surrogate
        return 3;
    }
    if (b0 >= 0xF0U && b0 <= 0xF4U) {
        if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
        if (b0 == 0xF0U && byte(1) < 0x90U) return 0;   // overlong
        if (b0 == 0xF4U && byte(1) >= 0x90U) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

template <class Replace>
std::string escape_printable(std::string_view text, Replace replace) {
    const std::string printable = printable_text(text);
    std::string out;
    out.reserve(printable.size() + printable.size() / 8);
    for (const char c : printable) {
        if (const std::string_view r = replace(c); !r.empty()) {
            out += r;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string printable_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<std::uint8_t>(text[i]);
        if (b == '\t' || b == '\n') {
            out += static_cast<char>(b);
            ++i;
        } else if (b < 0x20U || b == 0x7FU) {
            out += fmt::format("\\x{:02x}", b);
            ++i;
        } else if (const std::size_t n = utf8_sequence_length(text.substr(i)); n != 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            ++i;
        }
    }
    return out;
}

std::string escape_html(std::string_view text) {
    return escape_printable(text, [](char c) -> std::string_view {
        switch (c) {
            case '&': return "&amp;";
            case '<': return "&lt;";
            case '>': return "&gt;";
            case '"': return "&quot;";
            case '\'': return "&#39;";
            default: return {};
        }
    });
}

std::string escape_xml(std::string_view text) {
    return escape_printable(text, [](char c) -> std::string_view {
        switch (c) {
            case '&': return "&amp;";
            case '<': return "&lt;";
            case '>': return "&gt;";
            case '"': return "&quot;";
            case '\'': return "&apos;";
            case '\t': return "&#9;";
            case '\n': return "&#10;";
            default: return {};
        }
    });
}

std::string escape_markdown_inline(std::string_view text) {
    return escape_printable(text, [](char c) -> std::string_view {
        switch (c) {
            case '&': return "&amp;";
            case '<': return "&lt;";
            case '>': return "&gt;";
            case '\\': return "\\\\";
            case '`': return "\\`";
            case '*': return "\\*";
            case '_': return "\\_";
            case '[': return "\\[";
            case ']': return "\\]";
            case '|': return "\\|";
            case '~': return "\\~";
            case '#': return "\\#";
            case '\n': return " ";
            case '\t': return " ";
            default: return {};
        }
    });
}

}  // namespace sts::reports
