#include "engine/mtasts/policy_parser.hpp"

#include "engine/mtasts/extension_name.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/mtasts/mx_pattern.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sts::mtasts {
namespace {

constexpr bool is_wsp(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

std::size_t first_non_ascii(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_non_ascii(s[i])) return i;
    }
    return std::string_view::npos;
}

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// RFC 3629 §4 (UTF8-2 / UTF8-3 / UTF8-4, as referenced by sts-policy-vchar): the length of
// the well-formed multi-byte sequence starting at s[i], or 0 when there is none. Overlong
// forms, surrogates and code points above U+10FFFF are not well-formed.
std::size_t utf8_sequence_bytes(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0U;
    };
    const auto tail = [](unsigned b, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return b >= lo && b <= hi;
    };
    const unsigned b0 = byte(0);
    if (b0 >= 0xC2 && b0 <= 0xDF) return tail(byte(1)) ? 2 : 0;
    if (b0 == 0xE0) return tail(byte(1), 0xA0, 0xBF) && tail(byte(2)) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
        return tail(byte(1)) && tail(byte(2)) ? 3 : 0;
    }
    if (b0 == 0xED) return tail(byte(1), 0x80, 0x9F) && tail(byte(2)) ? 3 : 0;
    if (b0 == 0xF0) return tail(byte(1), 0x90, 0xBF) && tail(byte(2)) && tail(byte(3)) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3) return tail(byte(1)) && tail(byte(2)) && tail(byte(3)) ? 4 : 0;
    if (b0 == 0xF4) return tail(byte(1), 0x80, 0x8F) && tail(byte(2)) && tail(byte(3)) ? 4 : 0;
    return 0;
}

// The outcome of checking a value: an empty rule means the value is valid.
struct value_check {
    std::string_view requirement;
    std::string_view rule;
    std::size_t offset = 0;  // byte offset of the problem within the value
};

// RFC 8461 §3.2 [STS-PARSE-05]: sts-policy-mx-value = ["*."] Domain. Validity is
// is_valid_mx_pattern() (engine/mtasts/mx_pattern.hpp), the one definition the matcher
// uses too; a trailing dot is invalid there (ambiguity A10). The checks around it only pick
// the most helpful explanation for the publisher.
value_check check_mx_value(std::string_view value) {
    if (is_valid_mx_pattern(value)) return {};
    if (value.empty()) return {"STS-PARSE-05", "an mx line must have a value", 0};
    // RFC 8461 §3.2 [STS-PARSE-07]: IDNs appear as A-labels, so non-ASCII is never valid.
    if (const std::size_t at = first_non_ascii(value); at != std::string_view::npos) {
        return {"STS-PARSE-07",
                "an mx pattern must use A-labels (xn--...); non-ASCII names are invalid", at};
    }
    // RFC 8461 §3.2 [STS-PARSE-06]: one pattern per mx line; a list is never split.
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == ',' || value[i] == ';' || is_wsp(value[i])) {
            return {"STS-PARSE-06",
                    "each mx pattern needs its own mx line; a list of names is invalid", i};
        }
    }
    const std::size_t start = value.starts_with("*.") ? 2 : 0;
    const std::string_view domain = value.substr(start);
    if (domain.ends_with('.')) {
        return {"STS-PARSE-05", "an mx pattern must not end with a dot", value.size() - 1};
    }
    if (const std::size_t star = domain.find('*'); star != std::string_view::npos) {
        return {"STS-PARSE-05",
                "a wildcard is allowed only as the whole leftmost label, written '*.'",
                start + star};
    }
    return {"STS-PARSE-05",
            "an mx pattern must be a host name, or '*.' followed by one: dot-separated labels "
            "of 1 to 63 letters, digits and inner hyphens, at most 253 characters",
            0};
}

// RFC 8461 §3.2 [STS-PARSE-12]: sts-policy-ext-value = sts-policy-vchar
// [*(%x20 / sts-policy-vchar) sts-policy-vchar], sts-policy-vchar = %x21-7E / UTF8-2 /
// UTF8-3 / UTF8-4. The caller has already removed the surrounding WSP (the field delimiter
// and the trailing *WSP of the record), so what is left must be visible characters and
// inner spaces only: no TAB, no other control character, well-formed UTF-8.
value_check check_extension_value(std::string_view value) {
    if (value.empty()) {
        return {"STS-PARSE-12", "an extension value must not be empty", 0};
    }
    for (std::size_t i = 0; i < value.size();) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c == 0x20 || (c >= 0x21 && c <= 0x7E)) {
            ++i;
            continue;
        }
        if (c < 0x80) {
            return {"STS-PARSE-12",
                    "an extension value must not contain control characters (TAB included)", i};
        }
        const std::size_t n = utf8_sequence_bytes(value, i);
        if (n == 0) return {"STS-PARSE-12", "an extension value must be well-formed UTF-8", i};
        i += n;
    }
    return {};
}

// Collects findings up to core::limits::policy_findings_max each; the last slot says that
// the rest were left out, so a hostile body costs bounded memory.
class finding_sink {
public:
    bool full() const { return errors_full_; }

    void error(std::size_t line, std::size_t column, std::string_view requirement,
               std::string_view rule, std::string detail) {
        add(errors_, errors_full_, line, column, requirement, rule, std::move(detail));
    }

    void note(std::size_t line, std::size_t column, std::string_view requirement,
              std::string_view rule, std::string detail) {
        add(notes_, notes_full_, line, column, requirement, rule, std::move(detail));
    }

    core::findings take_errors() { return std::move(errors_); }
    core::findings take_notes() { return std::move(notes_); }

private:
    static void add(core::findings& out, bool& is_full, std::size_t line, std::size_t column,
                    std::string_view requirement, std::string_view rule, std::string detail) {
        if (is_full) return;
        if (out.size() + 1 == core::limits::policy_findings_max) {
            out.push_back({std::string(requirement),
                           fmt::format("more than {} findings; the rest are not reported",
                                       core::limits::policy_findings_max - 1),
                           line, column, {}});
            is_full = true;
            return;
        }
        out.push_back({std::string(requirement), std::string(rule), line, column,
                       std::move(detail)});
    }

    core::findings errors_;
    core::findings notes_;
    bool errors_full_ = false;
    bool notes_full_ = false;
};

// One line of the body without its terminator.
struct body_line {
    std::string_view text;
    std::size_t number = 0;  // 1-based
};

// RFC 8461 §3.2 [STS-PARSE-09] (erratum 6253, ambiguity A5): sts-policy-term = LF / CRLF,
// the final terminator is optional. A CR not followed by LF stays in the line; the line
// checks report it.
std::vector<body_line> split_lines(std::string_view body) {
    std::vector<body_line> lines;
    std::size_t pos = 0;
    while (pos < body.size()) {
        const std::size_t lf = body.find('\n', pos);
        std::string_view text;
        if (lf == std::string_view::npos) {
            text = body.substr(pos);
            pos = body.size();
        } else {
            text = body.substr(pos, lf - pos);
            if (text.ends_with('\r')) text.remove_suffix(1);
            pos = lf + 1;
        }
        lines.push_back({text, lines.size() + 1});
    }
    return lines;
}

// A defined field that may appear once (version, mode, max_age): the first line with its
// key, whatever its value, is the field [STS-PARSE-14].
struct single_field {
    std::size_t line = 0;  // 0 while the key has not been seen
    bool valid = false;
};

class policy_parser {
public:
    explicit policy_parser(finding_sink& sink) : sink_(sink) {}

    void parse(std::string_view body) {
        const std::vector<body_line> lines = split_lines(body);
        // interpretation (A6): a run of empty lines at the very end of the body is tolerated
        // with a note, because real policies often end with "\n\n"; strict ABNF has no room
        // for it (nothing may follow the last terminator). An empty line anywhere else is an
        // error.
        std::size_t content_lines = lines.size();
        while (content_lines > 0 && lines[content_lines - 1].text.empty()) --content_lines;
        for (std::size_t i = 0; i < content_lines && !sink_.full(); ++i) parse_line(lines[i]);
        if (content_lines < lines.size()) {
            const std::size_t count = lines.size() - content_lines;
            sink_.note(lines[content_lines].number, 1, "STS-PARSE-11",
                       fmt::format("{} empty line{} at the end of the body tolerated; strict "
                                   "ABNF allows none",
                                   count, count == 1 ? "" : "s"),
                       {});
        }
        if (!sink_.full()) check_required_fields();
    }

    policy take_policy() { return std::move(policy_); }

private:
    void parse_line(const body_line& line) {
        std::string_view text = line.text;
        const std::size_t n = line.number;
        if (text.empty()) {
            sink_.error(n, 1, "STS-PARSE-11",
                        "an empty line between fields is not allowed", {});
            return;
        }
        // RFC 8461 §3.2 [STS-PARSE-09]: only LF or CRLF end a line. Everything after a bare
        // CR is left unparsed, since it was probably meant to be the next line.
        if (const std::size_t cr = text.find('\r'); cr != std::string_view::npos) {
            sink_.error(n, cr + 1, "STS-PARSE-09",
                        "a CR not followed by LF is not a line terminator; lines end with LF "
                        "or CRLF",
                        core::quote_peer_text(line.text));
            text = text.substr(0, cr);
            if (text.empty()) return;
        }
        // RFC 8461 §3.2 [STS-PARSE-11]: a line starts with its key. For the diagnostics that
        // follow, the key is read as if the whitespace were not there.
        std::size_t key_begin = 0;
        while (key_begin < text.size() && is_wsp(text[key_begin])) ++key_begin;
        if (key_begin == text.size()) {
            sink_.error(n, 1, "STS-PARSE-11",
                        "a line holding only whitespace is not allowed",
                        core::quote_peer_text(line.text));
            return;
        }
        if (key_begin > 0) {
            sink_.error(n, 1, "STS-PARSE-11", "a line must not start with whitespace",
                        core::quote_peer_text(line.text));
        }
        const std::size_t colon = text.find(':', key_begin);
        if (colon == std::string_view::npos) {
            sink_.error(n, key_begin + 1, "STS-PARSE-01",
                        "a line must be a key, a colon and a value", core::quote_peer_text(line.text));
            return;
        }
        // RFC 8461 §3.2 [STS-PARSE-10]: sts-policy-field-delim = ":" *WSP, so no whitespace
        // may come between the key and the colon.
        std::size_t key_end = colon;
        while (key_end > key_begin && is_wsp(text[key_end - 1])) --key_end;
        if (key_end < colon) {
            sink_.error(n, key_end + 1, "STS-PARSE-10",
                        "there must be no whitespace between a key and its colon",
                        core::quote_peer_text(line.text));
        }
        const std::string_view key = text.substr(key_begin, key_end - key_begin);
        if (!check_key(n, key, key_begin, line.text)) return;

        // The value is what follows the delimiter's *WSP, without the record's trailing *WSP
        // (RFC 8461 §3.2 [STS-PARSE-11]: trailing whitespace after a field is allowed).
        std::size_t value_begin = colon + 1;
        while (value_begin < text.size() && is_wsp(text[value_begin])) ++value_begin;
        std::size_t value_end = text.size();
        while (value_end > value_begin && is_wsp(text[value_end - 1])) --value_end;
        const std::string_view value = text.substr(value_begin, value_end - value_begin);
        const field_value field{n, value, value_begin + 1, line.text};

        if (key == "version") {
            parse_version(field);
        } else if (key == "mode") {
            parse_mode(field);
        } else if (key == "max_age") {
            parse_max_age(field);
        } else if (key == "mx") {
            parse_mx(field);
        } else {
            // RFC 8461 §3.2 [STS-PARSE-13]: unknown fields are accepted and ignored, as long
            // as they are well-formed extension lines.
            check_extension(field);
        }
        policy_.policy_strings.emplace_back(line.text);
    }

    // RFC 8461 §3.2 [STS-PARSE-02, STS-PARSE-12, STS-PARSE-17]: keys are case-sensitive
    // ASCII names; a key that is not one of the four defined ones is an extension name.
    bool check_key(std::size_t n, std::string_view key, std::size_t key_begin,
                   std::string_view whole_line) {
        if (n == 1 && key_begin == 0 && key.starts_with(utf8_bom)) {
            sink_.error(n, 1, "STS-PARSE-17",
                        "the body must not start with a UTF-8 byte order mark",
                        core::quote_peer_text(whole_line));
            return false;
        }
        if (const std::size_t at = first_non_ascii(key); at != std::string_view::npos) {
            sink_.error(n, key_begin + at + 1, "STS-PARSE-17",
                        "a key must be ASCII; non-ASCII text is allowed only in extension "
                        "values",
                        core::quote_peer_text(whole_line));
            return false;
        }
        if (!is_extension_name(key)) {
            sink_.error(n, key_begin + 1, "STS-PARSE-12",
                        "a key must be 1 to 32 letters, digits, '_', '-' or '.', starting with "
                        "a letter or digit",
                        core::quote_peer_text(whole_line));
            return false;
        }
        return true;
    }

    struct field_value {
        std::size_t line = 0;
        std::string_view value;
        std::size_t column = 0;  // 1-based column of the value's first byte
        std::string_view whole_line;
    };

    void error_at(const field_value& f, std::size_t offset, std::string_view requirement,
                  std::string_view rule) {
        sink_.error(f.line, f.column + offset, requirement, rule,
                    core::quote_peer_text(f.whole_line));
    }

    // Non-ASCII in the value of a defined single field is reported as such [STS-PARSE-17].
    bool reject_non_ascii(const field_value& f) {
        const std::size_t at = first_non_ascii(f.value);
        if (at == std::string_view::npos) return false;
        error_at(f, at, "STS-PARSE-17",
                 "non-ASCII text is allowed only in extension values");
        return true;
    }

    // RFC 8461 §3.2 [STS-PARSE-14]: when a non-repeatable field appears again, only the
    // first occurrence counts.
    // interpretation (A3): the field is identified by its key, so the first `mode` line is
    // the mode even when its value is invalid (the policy is then invalid), and a later
    // `mode` line is ignored whatever its value, provided it is still a well-formed line
    // (it then matches the extension production). So `mode: enforce` + `mode: bogus` is a
    // valid enforce policy, and `mode: bogus` + `mode: enforce` is invalid.
    bool is_duplicate(single_field& field, const field_value& f, std::string_view key) {
        if (field.line == 0) {
            field.line = f.line;
            return false;
        }
        const value_check ext = check_extension_value(f.value);
        if (!ext.rule.empty()) {
            error_at(f, ext.offset, ext.requirement, ext.rule);
            return true;
        }
        sink_.note(f.line, 1, "STS-PARSE-14",
                   fmt::format("only the first {} line (line {}) counts; this one is ignored",
                               key, field.line),
                   core::quote_peer_text(f.whole_line));
        return true;
    }

    // RFC 8461 §3.2 [STS-PARSE-02]: sts-policy-version-value = %s"STSv1".
    void parse_version(const field_value& f) {
        if (is_duplicate(version_, f, "version")) return;
        if (reject_non_ascii(f)) return;
        if (f.value != "STSv1") {
            error_at(f, 0, "STS-PARSE-02", "the version must be exactly STSv1 (case-sensitive)");
            return;
        }
        version_.valid = true;
    }

    // RFC 8461 §3.2 [STS-PARSE-03]: sts-policy-mode-value = %s"testing" / %s"enforce" /
    // %s"none".
    void parse_mode(const field_value& f) {
        if (is_duplicate(mode_, f, "mode")) return;
        if (reject_non_ascii(f)) return;
        if (f.value == "enforce") {
            policy_.policy_mode = mode::enforce;
        } else if (f.value == "testing") {
            policy_.policy_mode = mode::testing;
        } else if (f.value == "none") {
            policy_.policy_mode = mode::none;
        } else {
            error_at(f, 0, "STS-PARSE-03",
                     "the mode must be exactly enforce, testing or none (case-sensitive)");
            return;
        }
        mode_.valid = true;
    }

    // RFC 8461 §3.2 [STS-PARSE-04]: sts-policy-max-age-value = 1*10(DIGIT), leading zeros
    // included, with the prose maximum of 31557600 seconds.
    void parse_max_age(const field_value& f) {
        if (is_duplicate(max_age_, f, "max_age")) return;
        if (reject_non_ascii(f)) return;
        if (f.value.empty() || f.value.size() > 10) {
            error_at(f, 0, "STS-PARSE-04", "max_age must be 1 to 10 decimal digits");
            return;
        }
        std::uint64_t seconds = 0;
        for (std::size_t i = 0; i < f.value.size(); ++i) {
            if (!is_digit(f.value[i])) {
                error_at(f, i, "STS-PARSE-04", "max_age must be 1 to 10 decimal digits");
                return;
            }
            seconds = seconds * 10 + static_cast<std::uint64_t>(f.value[i] - '0');
        }
        const auto max = static_cast<std::uint64_t>(core::limits::policy_max_age_max.count());
        if (seconds > max) {
            // interpretation (A7): the ABNF allows ten digits, the prose caps max_age at
            // 31557600. A sender may always cache for less than max_age ("up to"), so the
            // policy stays valid and its lifetime is clamped to the cap.
            sink_.note(f.line, f.column, "STS-PARSE-04",
                       "max_age above 31557600 seconds is clamped to 31557600",
                       core::quote_peer_text(f.whole_line));
            seconds = max;
        } else if (seconds == 0) {
            // interpretation (A7): 0 is valid syntax; the policy is accepted and the cache
            // decides what a zero lifetime means.
            sink_.note(f.line, f.column, "STS-PARSE-04",
                       "max_age 0 is valid but gives the policy no lifetime beyond this fetch",
                       core::quote_peer_text(f.whole_line));
        }
        policy_.max_age = std::chrono::seconds{static_cast<std::chrono::seconds::rep>(seconds)};
        max_age_.valid = true;
    }

    // RFC 8461 §3.2 [STS-PARSE-15]: mx repeats; every valid line adds one pattern.
    void parse_mx(const field_value& f) {
        ++mx_lines_;
        const value_check check = check_mx_value(f.value);
        if (!check.rule.empty()) {
            error_at(f, check.offset, check.requirement, check.rule);
            return;
        }
        if (policy_.mx_patterns.size() == core::limits::policy_mx_patterns_max) {
            if (!mx_limit_reported_) {
                error_at(f, 0, "STS-PARSE-15",
                         fmt::format("a policy may list at most {} mx patterns",
                                     core::limits::policy_mx_patterns_max));
                mx_limit_reported_ = true;
            }
            return;
        }
        policy_.mx_patterns.push_back(core::to_ascii_lower(f.value));
    }

    void check_extension(const field_value& f) {
        const value_check check = check_extension_value(f.value);
        if (!check.rule.empty()) error_at(f, check.offset, check.requirement, check.rule);
    }

    // RFC 8461 §3.2 [STS-PARSE-08]: version, mode and max_age are required; mx is required
    // unless the mode is none. A key that appeared with an invalid value has already been
    // reported on its line, so only keys that never appeared are reported here.
    void check_required_fields() {
        const auto require = [&](const single_field& field, std::string_view key) {
            if (field.line == 0) {
                sink_.error(0, 0, "STS-PARSE-08",
                            fmt::format("the policy has no {} line", key), {});
            }
        };
        require(version_, "version");
        require(mode_, "mode");
        require(max_age_, "max_age");
        if (mode_.valid && policy_.policy_mode != mode::none && mx_lines_ == 0) {
            sink_.error(0, 0, "STS-PARSE-08",
                        fmt::format("a policy in mode {} needs at least one mx line",
                                    to_string(policy_.policy_mode)),
                        {});
        }
    }

    finding_sink& sink_;
    policy policy_;
    single_field version_;
    single_field mode_;
    single_field max_age_;
    std::size_t mx_lines_ = 0;
    bool mx_limit_reported_ = false;
};

}  // namespace

policy_parse_result parse_policy(std::string_view body) {
    policy_parse_result result;
    // RFC 8461 §3.3 [STS-FETCH-14]: a body over the cap is refused before any other work.
    if (body.size() > core::limits::policy_body_bytes_max) {
        result.errors.push_back({"STS-FETCH-14",
                                 fmt::format("the policy body is larger than {} bytes",
                                             core::limits::policy_body_bytes_max),
                                 0, 0, fmt::format("{} bytes", body.size())});
        return result;
    }
    finding_sink sink;
    policy_parser parser(sink);
    parser.parse(body);
    result.errors = sink.take_errors();
    result.notes = sink.take_notes();
    if (result.errors.empty()) result.parsed = parser.take_policy();
    return result;
}

}  // namespace sts::mtasts
