#include "engine/smtp/ehlo.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"

#include <optional>

namespace sts::smtp {

namespace {

bool is_alpha_digit(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char to_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_upper(a[i]) != to_upper(b[i])) return false;
    }
    return true;
}

// RFC 5321 §4.1.1.1: ehlo-param = 1*(%d33-126), so a parameter byte is printable ASCII
// other than space.
bool is_param_byte(char c) noexcept { return c >= 33 && c <= 126; }

// RFC 5321 §4.1.1.1: ehlo-line = ehlo-keyword *( SP ehlo-param ),
// ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
// interpretation: runs of spaces and a trailing space are tolerated (empty parameters are
// dropped); anything else that breaks the grammar makes the line unusable.
std::optional<ehlo_keyword> parse_ehlo_line(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < line.size()) {
        const std::size_t space = line.find(' ', pos);
        const std::size_t end = space == std::string_view::npos ? line.size() : space;
        if (end > pos) words.push_back(line.substr(pos, end - pos));
        pos = end + 1;
    }
    if (words.empty()) return std::nullopt;

    const std::string_view name = words.front();
    if (!is_alpha_digit(name.front())) return std::nullopt;
    for (const char c : name) {
        if (!is_alpha_digit(c) && c != '-') return std::nullopt;
    }
    ehlo_keyword keyword;
    keyword.name.reserve(name.size());
    for (const char c : name) keyword.name += to_upper(c);
    for (std::size_t i = 1; i < words.size(); ++i) {
        for (const char c : words[i]) {
            if (!is_param_byte(c)) return std::nullopt;
        }
        keyword.params.emplace_back(words[i]);
    }
    return keyword;
}

// The first word of the greeting line, when it can be a Domain or address-literal.
std::string greeting_domain_of(std::string_view first_line) {
    const std::string_view word = first_line.substr(0, first_line.find(' '));
    if (word.empty() || word.size() > core::limits::dns_name_bytes_max) return {};
    for (const char c : word) {
        if (!is_param_byte(c)) return {};
    }
    return std::string(word);
}

}  // namespace

core::result<ehlo_response, core::finding> ehlo_response::parse(const reply& r) {
    if (r.code != 250 || r.lines.empty()) {
        const std::string_view first = r.lines.empty() ? std::string_view{} : std::string_view{r.lines.front()};
        return core::failure(core::finding{"", std::string(ehlo_rule::not_250), 1, 1,
                                           std::to_string(r.code) + " " + core::quote_peer_text(first)});
    }
    if (r.lines.size() > core::limits::smtp_reply_lines_max) {
        return core::failure(core::finding{"", std::string(ehlo_rule::too_many_lines),
                                           core::limits::smtp_reply_lines_max + 1, 1, ""});
    }

    ehlo_response out;
    out.greeting_domain_ = greeting_domain_of(r.lines.front());
    // RFC 5321 §4.1.1.1: the first line is the greeting; the keywords are on the others.
    for (std::size_t i = 1; i < r.lines.size(); ++i) {
        auto keyword = parse_ehlo_line(r.lines[i]);
        if (!keyword) {
            ++out.skipped_lines_;
            continue;
        }
        if (out.has(keyword->name)) continue;  // the first occurrence wins
        out.keywords_.push_back(std::move(*keyword));
    }
    return out;
}

const ehlo_keyword* ehlo_response::find(std::string_view keyword) const noexcept {
    for (const auto& k : keywords_) {
        if (equal_ignoring_case(k.name, keyword)) return &k;
    }
    return nullptr;
}

}  // namespace sts::smtp
