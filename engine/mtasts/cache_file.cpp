// engine/mtasts/cache_file.cpp
#include "engine/mtasts/cache_file.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/mtasts/mx_pattern.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>

namespace sts::mtasts {
namespace {

namespace limits = core::limits;

// Findings about the file's structure (header, blocks, lost entries) cite the
// requirement the file exists for: the cache must survive to resist TXT suppression.
constexpr std::string_view structure_requirement = "STS-SEC-04";

constexpr std::string_view key_domain = "domain";
constexpr std::string_view key_policy_id = "policy_id";
constexpr std::string_view key_fetched_at = "fetched_at";
constexpr std::string_view key_last_used_at = "last_used_at";
constexpr std::string_view key_refresh_due_at = "refresh_due_at";
constexpr std::string_view key_refresh_failures = "refresh_failures";
constexpr std::string_view key_refresh_alert = "refresh_alert";
constexpr std::string_view key_mode = "mode";
constexpr std::string_view key_max_age = "max_age";
constexpr std::string_view key_mx = "mx";
constexpr std::string_view key_policy_line = "policy_line";
constexpr std::string_view key_end = "end";
constexpr std::string_view key_end_of_file = "end-of-file";
constexpr std::string_view no_time = "none";

// The single-valued keys of a block, each required exactly once.
constexpr std::array<std::string_view, 8> scalar_keys = {
    key_policy_id,        key_fetched_at,    key_last_used_at, key_refresh_due_at,
    key_refresh_failures, key_refresh_alert, key_mode,         key_max_age};

// RFC 8461 §3.1 [STS-DISC-06]: sts-id = 1*32(ALPHA / DIGIT).
constexpr std::size_t policy_id_bytes_max = 32;
// RFC 8461 §3.2 [STS-PARSE-04]: sts-policy-max-age-value = 1*10(DIGIT).
constexpr std::size_t max_age_digits_max = 10;

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// --- times -------------------------------------------------------------------------------

using namespace std::chrono_literals;

constexpr core::time_point earliest_time{std::chrono::sys_days{std::chrono::year{0} / 1 / 1}};
constexpr core::time_point latest_time{std::chrono::sys_days{std::chrono::year{9999} / 12 / 31} + 24h - 1ms};

// Digits only, at most what fits: the value, or nothing.
std::optional<std::uint64_t> read_decimal(std::string_view text, std::size_t digits_max) {
    if (text.empty() || text.size() > digits_max) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

// --- escaping ----------------------------------------------------------------------------

std::string escape_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto byte = static_cast<unsigned char>(value[i]);
        const bool edge_space = byte == ' ' && (i == 0 || i + 1 == value.size());
        if (byte == '\\') {
            out += "\\\\";
        } else if (byte < 0x20 || byte >= 0x7F || edge_space) {
            out += fmt::format("\\x{:02X}", byte);
        } else {
            out += static_cast<char>(byte);
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct unescaped {
    std::string value;
    std::optional<std::size_t> error_offset;  // where a malformed escape starts
};

unescaped unescape_value(std::string_view text) {
    unescaped out;
    out.value.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out.value += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\\') {
            out.value += '\\';
            ++i;
            continue;
        }
        if (i + 3 < text.size() && text[i + 1] == 'x' && hex_value(text[i + 2]) >= 0 &&
            hex_value(text[i + 3]) >= 0) {
            out.value += static_cast<char>(hex_value(text[i + 2]) * 16 + hex_value(text[i + 3]));
            i += 3;
            continue;
        }
        out.error_offset = i;
        return out;
    }
    return out;
}

// --- decoding ----------------------------------------------------------------------------

// One entry being read, with what is known about where it came from.
struct block {
    std::size_t first_line = 0;
    cache_entry entry;
    std::map<std::string_view, std::size_t> seen;  // scalar key -> its line
    std::size_t policy_line_bytes = 0;
    bool bad = false;
};

class decoder {
public:
    decoder(std::string_view text, std::string_view source_name, std::size_t entries_max)
        : text_(text), source_name_(source_name), entries_max_(entries_max) {}

    cache_file_contents run();

private:
    enum class state { outside, in_entry, after_end_of_file };

    bool next_line(std::string_view& line);
    bool read_header();
    void outside_line(std::string_view key, std::string_view raw_value, bool has_value);
    void entry_line(std::string_view key, std::string_view raw_value, bool has_value);
    void start_entry(std::string_view raw_value, bool has_value);
    void finish_entry();
    void drop_unfinished(std::string_view why);
    void read_end_of_file(std::string_view raw_value, bool has_value);
    void set_field(std::string_view key, std::string_view raw_value, bool has_value);
    bool entries_full();

    void report(std::string_view requirement, std::string rule, std::size_t line, std::size_t column,
                std::string_view excerpt);
    void report_here(std::string_view requirement, std::string rule, std::size_t column, std::string_view excerpt) {
        report(requirement, std::move(rule), line_number_, column, excerpt);
    }
    void entry_error(std::string_view requirement, std::string rule, std::size_t column, std::string_view excerpt) {
        report_here(requirement, std::move(rule), column, excerpt);
        block_.bad = true;
    }

    std::string_view text_;
    std::string_view source_name_;
    std::size_t entries_max_;
    std::size_t position_ = 0;
    std::size_t line_number_ = 0;
    std::string_view current_line_;
    state state_ = state::outside;
    block block_;
    std::map<std::string, std::size_t, std::less<>> domain_lines_;  // domain -> first line
    std::size_t blocks_started_ = 0;
    bool saw_end_of_file_ = false;
    bool stopped_ = false;
    std::size_t findings_omitted_ = 0;
    cache_file_contents out_;
};

void decoder::report(std::string_view requirement, std::string rule, std::size_t line, std::size_t column,
                     std::string_view excerpt) {
    if (out_.findings.size() >= limits::cache_file_findings_max) {
        ++findings_omitted_;
        return;
    }
    out_.findings.push_back(core::finding{std::string(requirement), std::move(rule), line, column,
                                          excerpt.empty() ? std::string() : core::quote_peer_text(excerpt)});
}

// The next line without its LF or CRLF; false at the end of the text. An over-long line
// is still consumed (linear time, no copy) but given back empty and reported.
bool decoder::next_line(std::string_view& line) {
    if (position_ >= text_.size()) return false;
    const std::size_t end = text_.find('\n', position_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    line = text_.substr(position_, stop - position_);
    position_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    current_line_ = line;
    return true;
}

bool decoder::read_header() {
    std::string_view line;
    if (!next_line(line)) {
        report(structure_requirement,
               fmt::format("the cache file {} is empty; it must start with \"{} {}\"", source_name_,
                           cache_file_magic, cache_file_version),
               0, 0, {});
        return false;
    }
    const std::string expected = fmt::format("{} {}", cache_file_magic, cache_file_version);
    if (line == expected) return true;
    if (line.starts_with(cache_file_magic) && line.size() > cache_file_magic.size() &&
        line[cache_file_magic.size()] == ' ') {
        report(structure_requirement,
               fmt::format("the cache file {} has a format version this program does not read (it reads "
                           "version {}); nothing was restored from it",
                           source_name_, cache_file_version),
               1, cache_file_magic.size() + 2, line.substr(cache_file_magic.size() + 1));
    } else {
        report(structure_requirement,
               fmt::format("{} is not a policy cache file: the first line must be \"{}\"", source_name_, expected),
               1, 1, line);
    }
    return false;
}

bool decoder::entries_full() {
    if (out_.entries.size() < entries_max_) return false;
    report(structure_requirement,
           fmt::format("the cache file {} lists more than {} entries, the most the cache holds; the rest are "
                       "ignored",
                       source_name_, entries_max_),
           line_number_, 1, {});
    stopped_ = true;
    return true;
}

cache_file_contents decoder::run() {
    if (!read_header()) return std::move(out_);
    out_.recognised = true;
    std::string_view line;
    bool noted_trailing_text = false;
    while (!stopped_ && next_line(line)) {
        if (line.size() > limits::cache_file_line_bytes_max) {
            // Too long to be any line this codec writes; the entry around it is damaged.
            report_here(structure_requirement,
                        fmt::format("a cache file line is at most {} bytes", limits::cache_file_line_bytes_max),
                        limits::cache_file_line_bytes_max + 1, line.substr(0, 64));
            block_.bad = true;
            continue;
        }
        if (line.empty() || line.front() == '#') continue;
        const std::size_t space = line.find(' ');
        const bool has_value = space != std::string_view::npos;
        const std::string_view key = line.substr(0, space);
        const std::string_view raw_value = has_value ? line.substr(space + 1) : std::string_view{};
        switch (state_) {
            case state::outside:
                outside_line(key, raw_value, has_value);
                break;
            case state::in_entry:
                entry_line(key, raw_value, has_value);
                break;
            case state::after_end_of_file:
                if (!noted_trailing_text) {
                    report_here(structure_requirement,
                                "text after the end-of-file line is not part of the cache and is ignored", 1, line);
                    noted_trailing_text = true;
                }
                break;
        }
    }
    if (!stopped_) {
        if (state_ == state::in_entry) {
            drop_unfinished("the file ends inside it (truncated?)");
        }
        if (!saw_end_of_file_) {
            report(structure_requirement,
                   fmt::format("the cache file {} has no end-of-file line, so it may be truncated: entries "
                               "after the last complete one may be missing",
                               source_name_),
                   0, 0, {});
        }
    }
    if (findings_omitted_ > 0) {
        out_.findings.push_back(core::finding{std::string(structure_requirement),
                                              fmt::format("{} more findings are not listed", findings_omitted_), 0,
                                              0, {}});
    }
    return std::move(out_);
}

void decoder::outside_line(std::string_view key, std::string_view raw_value, bool has_value) {
    if (key == key_domain) {
        start_entry(raw_value, has_value);
    } else if (key == key_end_of_file) {
        read_end_of_file(raw_value, has_value);
    } else {
        report_here(structure_requirement, "expected \"domain\" to start an entry, or \"end-of-file\"", 1,
                    current_line_);
    }
}

void decoder::entry_line(std::string_view key, std::string_view raw_value, bool has_value) {
    if (key == key_end && !has_value) {
        finish_entry();
    } else if (key == key_domain) {
        drop_unfinished(fmt::format("a new entry starts at line {} before its \"end\" line", line_number_));
        start_entry(raw_value, has_value);
    } else if (key == key_end_of_file) {
        drop_unfinished(fmt::format("the end-of-file line {} comes before its \"end\" line", line_number_));
        read_end_of_file(raw_value, has_value);
    } else {
        set_field(key, raw_value, has_value);
    }
}

void decoder::drop_unfinished(std::string_view why) {
    report(structure_requirement,
           fmt::format("the entry for {} is incomplete and was dropped: {}", core::quote_peer_text(block_.entry.domain),
                       why),
           block_.first_line, 1, {});
    state_ = state::outside;
}

void decoder::start_entry(std::string_view raw_value, bool has_value) {
    ++blocks_started_;
    block_ = block{};
    block_.first_line = line_number_;
    state_ = state::in_entry;
    const std::size_t column = key_domain.size() + 2;
    const auto value = unescape_value(raw_value);
    // The cache is keyed by the lower-case Policy Domain (RFC 4343 §3: names compare
    // case-insensitively), so an operator's capitals are folded rather than refused.
    block_.entry.domain = core::to_ascii_lower(value.value);
    if (!has_value || value.error_offset || !core::is_ldh_domain(block_.entry.domain)) {
        entry_error(structure_requirement, "a domain line names the Policy Domain: letters, digits, hyphens, dots",
                    column, raw_value);
    }
}

void decoder::read_end_of_file(std::string_view raw_value, bool has_value) {
    saw_end_of_file_ = true;
    state_ = state::after_end_of_file;
    const auto count = has_value ? read_decimal(raw_value, 20) : std::nullopt;
    if (!count) {
        report_here(structure_requirement, "the end-of-file line gives the number of entries in the file",
                    key_end_of_file.size() + 2, raw_value);
    } else if (*count != blocks_started_) {
        // Blocks were lost or added by hand; the ones present are still good.
        report_here(structure_requirement,
                    fmt::format("the file says it holds {} entries but has {}", *count, blocks_started_),
                    key_end_of_file.size() + 2, raw_value);
    }
}

// Reads one field of the current block. The first problem in a block makes it unusable:
// an entry restored with a field guessed could weaken the cached policy.
void decoder::set_field(std::string_view key, std::string_view raw_value, bool has_value) {
    const std::size_t column = key.size() + 2;
    const bool scalar = std::find(scalar_keys.begin(), scalar_keys.end(), key) != scalar_keys.end();
    if (!scalar && key != key_mx && key != key_policy_line) {
        entry_error(structure_requirement, "unknown key in a cache entry", 1, key);
        return;
    }
    if (scalar) {
        const auto [seen, inserted] = block_.seen.emplace(key, line_number_);
        if (!inserted) {
            entry_error(structure_requirement,
                        fmt::format("\"{}\" appears twice in one entry (first at line {})", key, seen->second), 1,
                        key);
            return;
        }
    }
    // An empty policy line is written "policy_line " and an editor may drop the space.
    if (!has_value && key != key_policy_line) {
        entry_error(structure_requirement, fmt::format("\"{}\" needs a value after one space", key), key.size() + 1,
                    key);
        return;
    }
    const auto unescaped_value = unescape_value(raw_value);
    if (unescaped_value.error_offset) {
        entry_error(structure_requirement, "a backslash starts \\\\ or \\xNN (two hex digits)",
                    column + *unescaped_value.error_offset, raw_value.substr(*unescaped_value.error_offset));
        return;
    }
    const std::string& value = unescaped_value.value;
    cache_entry& e = block_.entry;

    const auto read_time = [&](std::string_view requirement, core::time_point& into) {
        if (const auto t = parse_cache_time(value)) {
            into = *t;
        } else {
            entry_error(requirement, "a time is written 2024-05-01T10:00:00.000Z (ISO 8601, UTC)", column,
                        raw_value);
        }
    };

    if (key == key_policy_id) {
        // RFC 8461 §3.1 [STS-DISC-06]: the id the policy was fetched under.
        const bool valid = !value.empty() && value.size() <= policy_id_bytes_max &&
                           std::all_of(value.begin(), value.end(), [](char c) { return is_alpha(c) || is_digit(c); });
        if (!valid) {
            entry_error("STS-DISC-06", "a policy id is 1 to 32 letters and digits", column, raw_value);
            return;
        }
        e.policy_id = value;
    } else if (key == key_fetched_at) {
        // RFC 8461 §3.2 [STS-CACHE-01]: the lifetime counts from this instant.
        read_time("STS-CACHE-01", e.fetched_at);
    } else if (key == key_last_used_at) {
        read_time("STS-CACHE-07", e.last_used_at);
    } else if (key == key_refresh_due_at) {
        if (value == no_time) {
            e.refresh_due_at.reset();
        } else {
            core::time_point due{};
            read_time("STS-CACHE-07", due);
            e.refresh_due_at = due;
        }
    } else if (key == key_refresh_failures) {
        const auto n = read_decimal(value, 10);
        if (!n || *n > std::numeric_limits<unsigned>::max()) {
            entry_error("STS-CACHE-09", "refresh_failures is a count of consecutive failed refreshes", column,
                        raw_value);
            return;
        }
        e.refresh_failures = static_cast<unsigned>(*n);
    } else if (key == key_refresh_alert) {
        if (value != "yes" && value != "no") {
            entry_error("STS-CACHE-09", "refresh_alert is \"yes\" or \"no\"", column, raw_value);
            return;
        }
        e.refresh_alert_raised = value == "yes";
    } else if (key == key_mode) {
        // RFC 8461 §3.2 [STS-PARSE-03]: exactly one of the three, case-sensitive.
        if (value == to_string(mode::enforce)) {
            e.cached_policy.policy_mode = mode::enforce;
        } else if (value == to_string(mode::testing)) {
            e.cached_policy.policy_mode = mode::testing;
        } else if (value == to_string(mode::none)) {
            e.cached_policy.policy_mode = mode::none;
        } else {
            entry_error("STS-PARSE-03", "mode is enforce, testing or none", column, raw_value);
        }
    } else if (key == key_max_age) {
        // RFC 8461 §3.2 [STS-PARSE-04]: 1*10(DIGIT). Values above the prose maximum are
        // kept as they are, never shortened (STS-SEC-14); zero is never cached.
        const auto seconds = read_decimal(value, max_age_digits_max);
        if (!seconds || *seconds == 0) {
            entry_error("STS-PARSE-04", "max_age is 1 to 10 digits of seconds, and not 0", column, raw_value);
            return;
        }
        e.cached_policy.max_age = std::chrono::seconds{static_cast<std::int64_t>(*seconds)};
    } else if (key == key_mx) {
        // RFC 8461 §3.2 [STS-PARSE-05]: the one definition the matcher uses too.
        if (e.cached_policy.mx_patterns.size() >= limits::policy_mx_patterns_max) {
            entry_error("STS-PARSE-05",
                        fmt::format("an entry has at most {} mx patterns", limits::policy_mx_patterns_max), 1, key);
        } else if (!is_valid_mx_pattern(value)) {
            entry_error("STS-PARSE-05", "an mx pattern is a domain, optionally after \"*.\"", column, raw_value);
        } else {
            e.cached_policy.mx_patterns.push_back(value);
        }
    } else if (key == key_policy_line) {
        // The lines came from one body under the fetcher's cap, terminators included.
        block_.policy_line_bytes += value.size() + 1;
        if (block_.policy_line_bytes > limits::policy_body_bytes_max) {
            entry_error("STS-FETCH-14",
                        fmt::format("an entry's policy lines hold at most {} bytes, the policy body cap",
                                    limits::policy_body_bytes_max),
                        1, key);
            return;
        }
        e.cached_policy.policy_strings.push_back(value);
    }
}

void decoder::finish_entry() {
    state_ = state::outside;
    if (block_.bad) return;  // already reported where it went wrong
    std::string missing;
    for (const auto key : scalar_keys) {
        if (!block_.seen.contains(key)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", key);
    }
    if (!missing.empty()) {
        report_here(structure_requirement,
                    fmt::format("the entry for {} (line {}) lacks {} and was dropped", block_.entry.domain,
                                block_.first_line, missing),
                    1, {});
        return;
    }
    const policy& p = block_.entry.cached_policy;
    // RFC 8461 §3.2 [STS-PARSE-08]: mx is required unless the mode is none.
    if (p.policy_mode != mode::none && p.mx_patterns.empty()) {
        report_here("STS-PARSE-08",
                    fmt::format("the entry for {} (line {}) has mode {} but no mx line and was dropped",
                                block_.entry.domain, block_.first_line, to_string(p.policy_mode)),
                    1, {});
        return;
    }
    const auto [first, inserted] = domain_lines_.emplace(block_.entry.domain, block_.first_line);
    if (!inserted) {
        report(structure_requirement,
               fmt::format("a second entry for {} was dropped: the first, at line {}, is kept",
                           block_.entry.domain, first->second),
               block_.first_line, 1, {});
        return;
    }
    if (entries_full()) return;
    out_.entries.push_back(std::move(block_.entry));
}

}  // namespace

// --- public functions ----------------------------------------------------------------------

std::string format_cache_time(core::time_point t) {
    using namespace std::chrono;
    t = std::clamp(t, earliest_time, latest_time);
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                       hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

std::optional<core::time_point> parse_cache_time(std::string_view text) {
    using namespace std::chrono;
    // YYYY-MM-DDTHH:MM:SS[.mmm]Z
    constexpr std::size_t seconds_end = 19;
    if (text.size() != seconds_end + 1 && text.size() != seconds_end + 5) return std::nullopt;
    if (text.back() != 'Z') return std::nullopt;
    constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const bool ok = shape[i] == 'd' ? is_digit(text[i]) : text[i] == shape[i];
        if (!ok) return std::nullopt;
    }
    const auto number = [&](std::size_t at, std::size_t digits) {
        return static_cast<unsigned>(*read_decimal(text.substr(at, digits), digits));
    };
    const year_month_day ymd{year{static_cast<int>(number(0, 4))}, month{number(5, 2)}, day{number(8, 2)}};
    const unsigned h = number(11, 2);
    const unsigned m = number(14, 2);
    const unsigned s = number(17, 2);
    // No leap seconds: the engine's time is sys_time, which has none.
    if (!ymd.ok() || h > 23 || m > 59 || s > 59) return std::nullopt;
    const unsigned ms = text.size() == seconds_end + 5 ? number(20, 3) : 0;
    return core::time_point{sys_days{ymd}} + hours{h} + minutes{m} + seconds{s} + milliseconds{ms};
}

std::string encode_cache(const std::vector<cache_entry>& entries) {
    std::vector<const cache_entry*> sorted;
    sorted.reserve(entries.size());
    for (const auto& e : entries) sorted.push_back(&e);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const cache_entry* a, const cache_entry* b) { return a->domain < b->domain; });

    std::string out = fmt::format("{} {}\n", cache_file_magic, cache_file_version);
    out += "# MTA-STS policy cache (RFC 8461 section 3.3), one block per Policy Domain. Times are UTC.\n";
    const auto field = [&out](std::string_view key, std::string_view value) {
        out += key;
        out += ' ';
        out += escape_value(value);
        out += '\n';
    };
    for (const cache_entry* e : sorted) {
        const policy& p = e->cached_policy;
        out += '\n';
        field(key_domain, e->domain);
        field(key_policy_id, e->policy_id);
        field(key_fetched_at, format_cache_time(e->fetched_at));
        field(key_last_used_at, format_cache_time(e->last_used_at));
        field(key_refresh_due_at, e->refresh_due_at ? format_cache_time(*e->refresh_due_at) : std::string(no_time));
        field(key_refresh_failures, std::to_string(e->refresh_failures));
        field(key_refresh_alert, e->refresh_alert_raised ? "yes" : "no");
        field(key_mode, to_string(p.policy_mode));
        field(key_max_age, std::to_string(p.max_age.count()));
        for (const auto& mx : p.mx_patterns) field(key_mx, mx);
        for (const auto& line : p.policy_strings) field(key_policy_line, line);
        out += key_end;
        out += '\n';
    }
    out += fmt::format("\n{} {}\n", key_end_of_file, sorted.size());
    return out;
}

cache_file_contents decode_cache(std::string_view text, std::string_view source_name, std::size_t entries_max) {
    return decoder(text, source_name, entries_max).run();
}

}  // namespace sts::mtasts
