// sim/replay/trace_line.cpp
//
// A line is read in two steps. The prefix (syslog header, the product's timestamp, the level
// word) is taken off by hand-written readers, because its forms differ by collector rather
// than by family. The rest is matched against one pattern per family, written in a small
// notation that reads like docs/mail-log.md:
//
//   literal text     matched without regard to ASCII case
//   ' '              one or more blanks;  '~' zero or more blanks
//   {field}          a field (see field_names below); {field:q} also accepts '...' or "..."
//   (? ... ?)        an optional group (`IP <ip> ` before `TLS`, `From: <a> `)
//   |                the end of the family's distinctive prefix: a line cut before it is
//                    not claimed by the family, a line cut after it is (marked truncated).
//                    Without a mark, the first literal is the distinctive prefix.
//
// A field followed by a literal ends at the first place the literal matches (outside
// parentheses when the literal closes one, so `domain(a...(5 more bytes))` keeps its marker);
// a field at the end of a pattern is a word (up to a blank) or, for free text, the rest of
// the line. Whatever follows the last element is a suffix from another product version and
// is ignored (it stays in `raw`).
#include "sim/replay/trace_line.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstring>
#include <utility>

namespace sts::sim {
namespace {

// ---------------------------------------------------------------------------------------
// Characters

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

void skip_blanks(std::string_view& s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
}

// At least one blank, then all of them.
bool take_blanks(std::string_view& s) {
    if (s.empty() || !is_blank(s.front())) return false;
    skip_blanks(s);
    return true;
}

bool take_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// Between min and max decimal digits.
std::optional<unsigned> take_digits(std::string_view& s, std::size_t min, std::size_t max) {
    std::size_t n = 0;
    unsigned value = 0;
    while (n < s.size() && n < max && is_digit(s[n])) {
        value = value * 10 + static_cast<unsigned>(s[n] - '0');
        ++n;
    }
    if (n < min) return std::nullopt;
    s.remove_prefix(n);
    return value;
}

std::string_view take_word(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n])) ++n;
    const auto word = s.substr(0, n);
    s.remove_prefix(n);
    return word;
}

// Control bytes other than the tab; bytes >= 0x80 are left alone (a customer's log may carry
// UTF-8 or Latin-1 in an address, and the reader does not interpret peer text).
bool has_binary_bytes(std::string_view s) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------
// Timestamps

constexpr std::array<std::string_view, 12> month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> weekday_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<unsigned> take_month(std::string_view& s) {
    if (s.size() < 3) return std::nullopt;
    for (std::size_t i = 0; i < month_names.size(); ++i) {
        if (iequal(s.substr(0, 3), month_names[i])) {
            s.remove_prefix(3);
            return static_cast<unsigned>(i + 1);
        }
    }
    return std::nullopt;
}

bool take_weekday(std::string_view& s) {
    if (s.size() < 3) return false;
    for (const auto name : weekday_names) {
        if (iequal(s.substr(0, 3), name)) {
            s.remove_prefix(3);
            return true;
        }
    }
    return false;
}

struct clock_time {
    unsigned hour = 0, minute = 0, second = 0;
};

std::optional<clock_time> take_clock(std::string_view& s) {
    auto t = s;
    const auto h = take_digits(t, 2, 2);
    if (!h || !take_char(t, ':')) return std::nullopt;
    const auto m = take_digits(t, 2, 2);
    if (!m || !take_char(t, ':')) return std::nullopt;
    const auto sec = take_digits(t, 2, 2);
    if (!sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
    s = t;
    // A leap second is shown as the last second of its minute: sys_time has none.
    return clock_time{*h, *m, *sec == 60 ? 59u : *sec};
}

std::optional<core::time_point> make_time(int year, unsigned month, unsigned day, clock_time c,
                                          std::chrono::minutes offset = std::chrono::minutes{0}) {
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
    if (!ymd.ok()) return std::nullopt;
    const auto at = sys_days{ymd} + hours{c.hour} + minutes{c.minute} + seconds{c.second} - offset;
    return time_point_cast<core::duration>(at);
}

// `Wed Sep  6 13:13:16 2023` (%a %b %e %H:%M:%S %Y), day space- or zero-padded. The weekday
// is not checked against the date: it adds nothing the date does not say.
std::optional<core::time_point> take_product_timestamp(std::string_view& s) {
    auto t = s;
    if (!take_weekday(t) || !take_blanks(t)) return std::nullopt;
    const auto month = take_month(t);
    if (!month || !take_blanks(t)) return std::nullopt;
    const auto day = take_digits(t, 1, 2);
    if (!day || !take_blanks(t)) return std::nullopt;
    const auto clock = take_clock(t);
    if (!clock || !take_blanks(t)) return std::nullopt;
    const auto year = take_digits(t, 4, 4);
    if (!year) return std::nullopt;
    if (!t.empty() && !is_blank(t.front())) return std::nullopt;
    const auto at = make_time(static_cast<int>(*year), *month, *day, *clock);
    if (at) s = t;
    return at;
}

// RFC 3164 §4.1.2 `Mmm dd hh:mm:ss` (no year: the caller's default year completes it).
std::optional<core::time_point> take_bsd_timestamp(std::string_view& s, int default_year) {
    auto t = s;
    const auto month = take_month(t);
    if (!month || !take_blanks(t)) return std::nullopt;
    const auto day = take_digits(t, 1, 2);
    if (!day || !take_blanks(t)) return std::nullopt;
    const auto clock = take_clock(t);
    if (!clock) return std::nullopt;
    const auto at = make_time(default_year, *month, *day, *clock);
    if (at) s = t;
    return at;
}

// RFC 5424 §6.2.3 / RFC 3339 `2023-09-06T13:13:16.123+02:00` (fraction and offset optional).
std::optional<core::time_point> take_iso_timestamp(std::string_view& s) {
    auto t = s;
    const auto year = take_digits(t, 4, 4);
    if (!year || !take_char(t, '-')) return std::nullopt;
    const auto month = take_digits(t, 2, 2);
    if (!month || !take_char(t, '-')) return std::nullopt;
    const auto day = take_digits(t, 2, 2);
    if (!day || t.empty() || (t.front() != 'T' && t.front() != 't')) return std::nullopt;
    t.remove_prefix(1);
    const auto clock = take_clock(t);
    if (!clock) return std::nullopt;
    std::chrono::milliseconds fraction{0};
    if (take_char(t, '.')) {
        // RFC 5424 §6.2.3.1 TIME-SECFRAC: up to six digits; the milliseconds are kept.
        if (t.empty() || !is_digit(t.front())) return std::nullopt;
        int scale = 100;
        while (!t.empty() && is_digit(t.front())) {
            fraction += std::chrono::milliseconds{(t.front() - '0') * scale};
            scale /= 10;
            t.remove_prefix(1);
        }
    }
    std::chrono::minutes offset{0};
    if (!t.empty() && (t.front() == 'Z' || t.front() == 'z')) {
        t.remove_prefix(1);
    } else if (!t.empty() && (t.front() == '+' || t.front() == '-')) {
        const bool minus = t.front() == '-';
        t.remove_prefix(1);
        const auto oh = take_digits(t, 2, 2);
        take_char(t, ':');
        const auto om = take_digits(t, 2, 2);
        if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
        offset = std::chrono::minutes{static_cast<int>(*oh * 60 + *om)} * (minus ? -1 : 1);
    }
    auto at = make_time(static_cast<int>(*year), *month, *day, *clock, offset);
    if (!at) return std::nullopt;
    s = t;
    return *at + fraction;
}

std::optional<log::severity> take_level(std::string_view& s) {
    static constexpr std::array<std::pair<std::string_view, log::severity>, 5> levels{{
        {"critical", log::severity::critical},
        {"warning", log::severity::warning},
        {"info", log::severity::info},
        {"debug", log::severity::debug},
        {"trace", log::severity::trace},
    }};
    for (const auto& [word, sev] : levels) {
        if (s.size() > word.size() && s[word.size()] == ':' && iequal(s.substr(0, word.size()), word)) {
            s.remove_prefix(word.size() + 1);
            skip_blanks(s);
            return sev;
        }
    }
    return std::nullopt;
}

bool starts_with_level(std::string_view s) { return take_level(s).has_value(); }

// The `host tag: ` after a classic syslog timestamp; the host may be missing (local
// collectors). A tag that is a level word is the product's level, not a tag.
bool take_host_and_tag(std::string_view& s) {
    auto t = s;
    if (!take_blanks(t)) return false;
    if (!starts_with_level(t)) {
        const auto first = take_word(t);
        if (first.empty()) return false;
        if (first.back() != ':') {
            // `host tag:`, or `host` alone before the level word.
            if (!take_blanks(t)) return false;
            if (!starts_with_level(t)) {
                const auto tag = take_word(t);
                if (tag.empty() || tag.back() != ':') return false;
            }
        }
    }
    skip_blanks(t);
    s = t;
    return true;
}

// RFC 5424 §6: `1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]` after the
// PRI; the timestamp may be the NILVALUE `-`.
bool take_rfc5424_header(std::string_view& s, std::optional<core::time_point>& at) {
    auto t = s;
    if (!take_digits(t, 1, 2) || !take_blanks(t)) return false;
    if (!take_char(t, '-')) {
        at = take_iso_timestamp(t);
        if (!at) return false;
    }
    for (int field = 0; field < 4; ++field) {  // HOSTNAME APP-NAME PROCID MSGID
        if (!take_blanks(t) || take_word(t).empty()) return false;
    }
    if (!take_blanks(t)) return false;
    if (!take_char(t, '-')) {
        // RFC 5424 §6.3: SD-ELEMENTs in brackets; `]`, `"` and `\` are escaped inside.
        if (t.empty() || t.front() != '[') return false;
        while (!t.empty() && t.front() == '[') {
            std::size_t i = 1;
            while (i < t.size() && t[i] != ']') i += (t[i] == '\\') ? 2 : 1;
            if (i >= t.size()) return false;
            t.remove_prefix(i + 1);
        }
    }
    skip_blanks(t);
    if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);  // RFC 5424 §6.4 BOM
    s = t;
    return true;
}

struct line_prefix {
    std::optional<core::time_point> time;
    std::optional<log::severity> severity;
    bool syslog = false;
    std::string_view text;
};

line_prefix read_prefix(std::string_view line, int default_year) {
    line_prefix out;
    auto s = line;
    // RFC 5424 §6.2.1 / RFC 3164 §4.1.1 PRI.
    bool pri = false;
    if (!s.empty() && s.front() == '<') {
        auto t = s.substr(1);
        if (take_digits(t, 1, 3) && take_char(t, '>')) {
            s = t;
            pri = true;
        }
    }
    std::optional<core::time_point> syslog_time;
    {
        auto t = s;
        if (pri && take_rfc5424_header(t, syslog_time)) {
            s = t;
            out.syslog = true;
        } else if (auto iso = take_iso_timestamp(t); iso && take_host_and_tag(t)) {
            s = t;  // rsyslog's RFC 3339 variant of the classic header
            syslog_time = iso;
            out.syslog = true;
        } else {
            t = s;
            if (auto bsd = take_bsd_timestamp(t, default_year); bsd && take_host_and_tag(t)) {
                s = t;
                syslog_time = bsd;
                out.syslog = true;
            }
        }
    }
    skip_blanks(s);
    // The product's own timestamp carries the year, so it wins over the collector's.
    if (auto product = take_product_timestamp(s)) {
        out.time = product;
        skip_blanks(s);
    } else {
        out.time = syslog_time;
    }
    out.severity = take_level(s);
    out.text = s;
    return out;
}

// ---------------------------------------------------------------------------------------
// Patterns

enum class field : std::uint8_t {
    mid, dcid, port, max_age,                                               // numbers
    rids,                                                                   // [0, 1] or 0
    domain, host, name, record_type, address, interface_address, protocol,  // words
    cipher, status, reply_code, mode, dnssec, uri, file, day,
    detail, reason,                                                         // free text
    sender, recipient,                                                      // <a> or a
    next_attempt,                                                           // timestamp
    encache,                                                                // [(nL, 0, 's', ('r',))]
    tuple,                                                                  // ('250', ['ok'])
};

enum class kind : std::uint8_t { number, rids, word, text, angle, time, encache, tuple };

constexpr std::array<std::pair<std::string_view, field>, 27> field_names{{
    {"mid", field::mid},         {"dcid", field::dcid},
    {"port", field::port},       {"max_age", field::max_age},
    {"rids", field::rids},       {"domain", field::domain},
    {"host", field::host},       {"name", field::name},
    {"record_type", field::record_type}, {"address", field::address},
    {"interface_address", field::interface_address}, {"protocol", field::protocol},
    {"cipher", field::cipher},   {"status", field::status},
    {"reply_code", field::reply_code}, {"mode", field::mode},
    {"dnssec", field::dnssec},   {"uri", field::uri},
    {"file", field::file},       {"day", field::day},
    {"detail", field::detail},   {"reason", field::reason},
    {"sender", field::sender},   {"recipient", field::recipient},
    {"next_attempt", field::next_attempt}, {"encache", field::encache},
    {"tuple", field::tuple},
}};

kind kind_of(field f) {
    switch (f) {
        case field::mid:
        case field::dcid:
        case field::port:
        case field::max_age:
            return kind::number;
        case field::rids:
            return kind::rids;
        case field::detail:
        case field::reason:
            return kind::text;
        case field::sender:
        case field::recipient:
            return kind::angle;
        case field::next_attempt:
            return kind::time;
        case field::encache:
            return kind::encache;
        case field::tuple:
            return kind::tuple;
        default:
            return kind::word;
    }
}

std::string* string_field(trace_line& l, field f) {
    switch (f) {
        case field::domain: return &l.domain;
        case field::host: return &l.host;
        case field::name: return &l.name;
        case field::record_type: return &l.record_type;
        case field::address: return &l.address;
        case field::interface_address: return &l.interface_address;
        case field::protocol: return &l.protocol;
        case field::cipher: return &l.cipher;
        case field::status: return &l.status;
        case field::reply_code: return &l.reply_code;
        case field::mode: return &l.mode;
        case field::dnssec: return &l.dnssec;
        case field::uri: return &l.uri;
        case field::file: return &l.file;
        case field::day: return &l.day;
        case field::detail: return &l.detail;
        case field::reason: return &l.reason;
        case field::sender: return &l.sender;
        case field::recipient: return &l.recipient;
        default: return nullptr;
    }
}

void clear_field(trace_line& l, field f) {
    if (auto* s = string_field(l, f)) {
        s->clear();
        return;
    }
    switch (f) {
        case field::mid: l.mid.reset(); break;
        case field::dcid: l.dcid.reset(); break;
        case field::port: l.port.reset(); break;
        case field::max_age: l.max_age.reset(); break;
        case field::rids: l.rids.clear(); break;
        case field::next_attempt: l.next_attempt.reset(); break;
        case field::encache:
            l.encache_counter.reset();
            l.dnssec.clear();
            l.rdata.clear();
            break;
        case field::tuple:
            l.reply_code.clear();
            l.reply.clear();
            break;
        default: break;
    }
}

struct element {
    enum class type : std::uint8_t { literal, field, mark, group_begin, group_end } what = type::literal;
    std::string text;           // literal
    sim::field id = field::detail;
    bool quoted = false;        // {field:q}
    std::size_t next = 0;       // field: index of the literal that ends it, or 0 for none
    bool before_tuple = false;  // field: a tuple follows directly (Delayed/Bounced)
    std::size_t group_end = 0;  // group_begin: index of its group_end
};

struct pattern {
    line_family family = line_family::unclassified;
    std::vector<element> elements;
    std::size_t mark = 0;     // index of the element after which the family is known
    std::vector<field> fields;  // what a failed attempt must clear
    char first = 0;           // the first character, lower case: most lines fail here
};

pattern compile(line_family family, std::string_view notation) {
    pattern p;
    p.family = family;
    auto& els = p.elements;
    std::size_t open_group = 0;
    bool has_mark = false;
    auto literal = [&]() -> std::string& {
        if (els.empty() || els.back().what != element::type::literal) els.push_back(element{});
        return els.back().text;
    };
    for (std::size_t i = 0; i < notation.size(); ++i) {
        const char c = notation[i];
        if (c == '{') {
            const auto close = notation.find('}', i);
            auto spec = notation.substr(i + 1, close - i - 1);
            element e;
            e.what = element::type::field;
            if (spec.size() > 2 && spec.substr(spec.size() - 2) == ":q") {
                e.quoted = true;
                spec.remove_suffix(2);
            }
            for (const auto& [name, f] : field_names)
                if (name == spec) e.id = f;
            els.push_back(std::move(e));
            i = close;
        } else if (c == '(' && i + 1 < notation.size() && notation[i + 1] == '?') {
            element e;
            e.what = element::type::group_begin;
            els.push_back(std::move(e));
            open_group = els.size() - 1;
            ++i;
        } else if (c == '?' && i + 1 < notation.size() && notation[i + 1] == ')') {
            element e;
            e.what = element::type::group_end;
            els.push_back(std::move(e));
            els[open_group].group_end = els.size() - 1;
            ++i;
        } else if (c == '|') {
            element e;
            e.what = element::type::mark;
            els.push_back(std::move(e));
            p.mark = els.size() - 1;
            has_mark = true;
        } else {
            literal() += c;
        }
    }
    if (!has_mark) p.mark = 0;  // the first literal
    p.first = lower(els.front().text.front());
    for (std::size_t i = 0; i < els.size(); ++i) {
        if (els[i].what != element::type::field) continue;
        p.fields.push_back(els[i].id);
        std::size_t j = i + 1;
        while (j < els.size() && els[j].what == element::type::mark) ++j;
        if (j < els.size() && els[j].what == element::type::literal) els[i].next = j;
        if (j < els.size() && els[j].what == element::type::field && els[j].id == field::tuple)
            els[i].before_tuple = true;
    }
    return p;
}

// The families, in the order they are tried: where one family's shape is a prefix of
// another's (the connection-timeout fetch failure and the general one), the longer first.
const std::vector<pattern>& patterns() {
    using f = line_family;
    static const std::vector<pattern> all = [] {
        const std::pair<line_family, std::string_view> table[] = {
            // Delivery. `IP <ip> ` before the TLS words is an older product's form.
            {f::message_queued, "MID {mid} queued| for delivery"},
            {f::connection_new, "New SMTP DCID {dcid} interface {interface_address} address {address} port {port}"},
            {f::tls_success, "DCID {dcid} (?IP {address} ?)TLS success| protocol {protocol} cipher {cipher}"},
            {f::starttls_unsupported, "DCID {dcid} (?IP {address} ?)STARTTLS command| not supported."},
            {f::tls_failed, "DCID {dcid} (?IP {address} ?)TLS failed:|~{detail}"},
            {f::tls_verify_deferring, "DCID {dcid} (?IP {address} ?)TLS deferring:| verify error:~{detail}"},
            {f::tls_verify_not_enforced, "DCID {dcid} (?IP {address} ?)TLS verify error:|~{detail} (not enforced)"},
            {f::tls_required_failed,
             "DCID {dcid} (?IP {address} ?)TLS was required| but could not be successfully negotiated"},
            {f::starttls_plaintext_discarded,
             "DCID {dcid} (?IP {address} ?)STARTTLS plaintext| after the 220 reply discarded"},
            {f::connection_close, "DCID {dcid} (?IP {address} ?)close|"},
            {f::policy_successful, "MTA-STS policy for the domain~({domain}) Successful|."},
            {f::policy_refresh_failing,
             "MTA-STS policy for the domain~({domain}) could not be refreshed| {detail} times in a row"},
            {f::policy_mode_none, "MTA-STS policy for the domain~({domain}) has mode none|, delivering without MTA-STS"},
            {f::delivery_start, "Delivery start DCID {dcid} MID {mid} to RID {rids}"},
            {f::message_done, "Message done DCID {dcid} MID {mid} to RID {rids}"},
            {f::response, "MID {mid} RID {rids} Response|~{detail:q}"},
            {f::next_attempt, "MID {mid} RID {rids} next attempt| at {next_attempt}"},
            {f::dsn_generated, "MID {mid} RID {rids} bounce DSN| generated to {sender}"},
            {f::recheck_before_bounce,
             "MID {mid} MTA-STS| policy for the domain~({domain}) re-checked before bounce:~{detail}"},
            {f::message_finished, "Message finished MID {mid} done"},
            {f::delayed, "Delayed: (?DCID {dcid} ?)MID {mid} (?From: {sender} ?)(?To: {recipient} ?)"
                         "RID {rids} - {status} - {detail}{tuple}"},
            {f::bounced, "Bounced: (?DCID {dcid} ?)MID {mid} (?From: {sender} ?)(?To: {recipient} ?)"
                         "RID {rids} - {status} - {detail}{tuple}"},
            {f::connection_error, "Connection Error: DCID {dcid} domain: {domain} IP: {address} port: {port} "
                                  "details: {detail} interface: {interface_address} reason: {reason}"},
            {f::conservation_violated, "Message conservation violated:~{detail}"},
            // DNS.
            {f::dns_query, "DNS query: Q~({name},~{record_type:q})"},
            {f::dns_query_recursive, "DNS query: QN~({name},~{record_type:q},~{detail:q})"},
            {f::dns_query_wire, "DNS query: QIP~({name},~{record_type:q},~{address:q},~{detail})"},
            {f::dns_encache, "DNS encache~({name},~{record_type:q},~{encache}~)"},
            {f::dns_temporary_failure, "DNS Temporary Failure {name} {record_type} -~{detail}"},
            {f::dns_hard_error, "DNS Hard Error looking up {name} ({record_type}):~{detail}"},
            {f::null_mx, "Null MX for the domain~({domain}): the domain accepts no mail"},
            // MTA-STS discovery, fetch, cache, application.
            {f::txt_found, "Successfully fetched MTA-STS TXT record for domain~({domain})"},
            {f::txt_absent, "No MTA-STS TXT record found for domain~({domain})"},
            {f::txt_invalid, "Invalid MTA-STS TXT record for domain~({domain}):~{detail}"},
            {f::txt_multiple, "Multiple MTA-STS TXT records for domain~({domain}), none is used"},
            {f::txt_deferring,
             "Deferring delivery for the domain~({domain}): MTA-STS TXT lookup failed and no policy is cached"},
            {f::policy_cache_expired, "Cached MTA-STS policy for the domain~({domain}) has expired."},
            {f::policy_fetch_start, "Fetching MTA-STS policy for domain~({domain})"},
            {f::policy_fetch_via_proxy, "Requesting MTA-STS policy fetch via proxy"},
            {f::policy_fetched, "Fetched MTA-STS policy for domain~({domain}) mode {mode} max_age {max_age}"},
            {f::policy_fetch_timeout,
             "Request to fetch STS policy failed due to connection timeout.| For domain {domain}"},
            {f::policy_fetch_failed, "Request to fetch STS policy failed due to {detail}. For domain {domain}"},
            {f::policy_invalid, "Invalid MTA-STS policy for domain~({domain}):~{detail}"},
            {f::policy_fetch_failure, "Encountered failure while fetching MTA-STS policy for domain~({domain})"},
            {f::policy_fetch_backoff, "Skipping MTA-STS policy fetch for domain~({domain}):~{detail}"},
            {f::policy_refresh_start, "Refreshing MTA-STS policy for domain~({domain})"},
            {f::policy_refreshed, "Refreshed MTA-STS policy for domain~({domain}) mode {mode} max_age {max_age}"},
            {f::policy_refresh_failed, "Refresh of MTA-STS policy for domain~({domain}) failed:~{detail}"},
            {f::policy_cache_hit, "Valid cache entry found for the domain~({domain})."},
            {f::policy_applying, "Applying MTA-STS policy for the domain~({domain})"},
            {f::mx_not_listed_enforce,
             "MX host {host} is not listed in the MTA-STS policy for the domain~({domain}), skipping| it"},
            {f::mx_not_listed_testing, "MX host {host} is not listed in the MTA-STS policy for the domain~({domain}), "
                                       "testing| mode, delivering anyway"},
            // DANE, routes, profiles.
            {f::dane_usable, "DANE: usable TLSA records for MX host {host} of the domain~({domain}), MTA-STS is skipped"},
            {f::dane_all_unusable,
             "DANE: TLSA records for MX host {host} of the domain~({domain}) are all unusable, TLS is mandatory"},
            {f::dane_not_secure, "DANE: no secure TLSA records for MX host {host} of the domain~({domain})"},
            {f::dane_mx_insecure, "DANE: MX records of the domain~({domain}) are not DNSSEC-secure, DANE not used"},
            {f::dane_mx_bogus, "DANE: MX lookup for the domain~({domain}) failed DNSSEC validation, deferring"},
            {f::dane_lookup_failed,
             "DANE: TLSA or address lookup failed for MX host {host} of the domain~({domain}), skipping it"},
            {f::route_bypass, "SMTP route configured for the domain~({domain}), MTA-STS| not applied"},
            {f::route_smart_host, "SMTP route configured for the domain~({domain}), applying| MTA-STS for the "
                                  "relay domain~({host})"},
            {f::default_profile_warning, "MTA-STS is enabled| on the default destination-control profile; every "
                                         "recipient domain is looked up"},
            // TLS-RPT.
            {f::tlsrpt_no_policy, "TLS-RPT: no reporting policy for domain~({domain}) ({detail}): "
                                  "the report for {day} is not sent"},
            {f::tlsrpt_sent, "TLS-RPT: report {file} for domain~({domain}) sent| to {uri} (HTTP {status})"},
            {f::tlsrpt_failed, "TLS-RPT: report {file} for domain~({domain}) to| {uri} failed:~{detail}"},
            {f::tlsrpt_queued, "TLS-RPT: report {file} for domain~({domain}) queued| as MID {mid} for {uri}"},
            {f::tlsrpt_retry, "TLS-RPT: report {file} for domain~({domain}) will| be retried at {next_attempt}"},
            {f::tlsrpt_given_up,
             "TLS-RPT: report {file} for domain~({domain}) given| up after {detail} round(s) over its endpoints"},
        };
        std::vector<pattern> out;
        for (const auto& [family, notation] : table) out.push_back(compile(family, notation));
        return out;
    }();
    return all;
}

// ---------------------------------------------------------------------------------------
// Matching

enum class outcome : std::uint8_t { matched, ended, mismatch };

struct step {
    outcome what = outcome::matched;
    std::size_t pos = 0;
};

step match_literal(std::string_view text, std::size_t pos, std::string_view lit) {
    std::size_t i = pos;
    for (const char c : lit) {
        if (c == ' ') {
            if (i == text.size()) return {outcome::ended, i};
            if (!is_blank(text[i])) return {outcome::mismatch, i};
            while (i < text.size() && is_blank(text[i])) ++i;
        } else if (c == '~') {
            while (i < text.size() && is_blank(text[i])) ++i;
        } else {
            if (i == text.size()) return {outcome::ended, i};
            if (lower(text[i]) != lower(c)) return {outcome::mismatch, i};
            ++i;
        }
    }
    return {outcome::matched, i};
}

// The end of a field that runs up to `lit`: the first place `lit` matches (outside nested
// parentheses when `lit` closes one). `matched` with the field's end, `ended` when the text
// ran out first (the field is what there was), `mismatch` for a word that met a blank.
step field_end_before(std::string_view text, std::size_t pos, std::string_view lit, bool word) {
    const bool closes = !lit.empty() && (lit.front() == ')' || (lit.front() == '~' && lit.size() > 1 && lit[1] == ')'));
    // A literal that opens with blanks takes a whole run of them, so inside a run it would
    // only repeat the attempt made at the run's first blank: skipping it keeps a line of
    // blanks linear instead of quadratic.
    const bool opens_with_blanks = !lit.empty() && (lit.front() == ' ' || lit.front() == '~');
    int depth = 0;
    std::size_t partial = std::string_view::npos;
    for (std::size_t i = pos; i <= text.size(); ++i) {
        const bool inside_run = opens_with_blanks && i > pos && i < text.size() && is_blank(text[i]) &&
                                is_blank(text[i - 1]);
        if ((!closes || depth == 0) && !inside_run) {
            const auto m = match_literal(text, i, lit);
            if (m.what == outcome::matched) return {outcome::matched, i};
            if (m.what == outcome::ended && partial == std::string_view::npos) partial = i;
        }
        if (i == text.size()) break;
        const char c = text[i];
        if (c == '(') ++depth;
        if (c == ')' && depth > 0) --depth;
        if (word && depth == 0 && is_blank(c)) {
            if (partial != std::string_view::npos) return {outcome::ended, partial};
            return {outcome::mismatch, i};
        }
    }
    return {outcome::ended, partial == std::string_view::npos ? text.size() : partial};
}

// `('...'`-style: the text inside the quotes as written, escapes kept. When `closers` is
// given, a quote only closes if the next non-blank character is one of them (an rdata
// with a bare `'` in it).
step read_quoted(std::string_view text, std::size_t pos, std::string_view closers, std::string& out) {
    const char q = text[pos];
    for (std::size_t i = pos + 1; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;
            continue;
        }
        if (text[i] != q) continue;
        if (!closers.empty()) {
            std::size_t j = i + 1;
            while (j < text.size() && is_blank(text[j])) ++j;
            if (j < text.size() && closers.find(text[j]) == std::string_view::npos) continue;
        }
        out.assign(text.substr(pos + 1, i - pos - 1));
        return {outcome::matched, i + 1};
    }
    out.assign(text.substr(pos + 1));
    return {outcome::ended, text.size()};
}

bool is_quote(char c) { return c == '\'' || c == '"'; }

step read_number(std::string_view text, std::size_t pos, std::uint64_t max, std::uint64_t& out) {
    std::size_t i = pos;
    std::uint64_t value = 0;
    while (i < text.size() && is_digit(text[i])) {
        const auto d = static_cast<std::uint64_t>(text[i] - '0');
        if (value > (max - d) / 10) return {outcome::mismatch, i};
        value = value * 10 + d;
        ++i;
    }
    if (i == pos) return {i == text.size() ? outcome::ended : outcome::mismatch, i};
    out = value;
    return {outcome::matched, i};
}

std::size_t skip_blanks_at(std::string_view text, std::size_t i) {
    while (i < text.size() && is_blank(text[i])) ++i;
    return i;
}

// `[0, 1]`, `[]` or a bare `0`.
step read_rids(std::string_view text, std::size_t pos, std::vector<std::uint64_t>& out) {
    if (pos == text.size()) return {outcome::ended, pos};
    if (text[pos] != '[') {
        std::uint64_t v = 0;
        const auto r = read_number(text, pos, UINT64_MAX, v);
        if (r.what == outcome::matched) out.push_back(v);
        return r;
    }
    std::size_t i = skip_blanks_at(text, pos + 1);
    while (true) {
        if (i == text.size()) return {outcome::ended, i};
        if (text[i] == ']') return {outcome::matched, i + 1};
        std::uint64_t v = 0;
        const auto r = read_number(text, i, UINT64_MAX, v);
        if (r.what != outcome::matched) return r;
        out.push_back(v);
        i = skip_blanks_at(text, r.pos);
        if (i < text.size() && text[i] == ',') i = skip_blanks_at(text, i + 1);
    }
}

// `[(1300L, 0, 'secure', ('v=STSv1; id=1',)), ...]`: the counter and security word of the
// first tuple, the records of all of them.
step read_encache(std::string_view text, std::size_t pos, trace_line& out) {
    std::size_t i = pos;
    auto at_end = [&] { return i >= text.size(); };
    if (at_end()) return {outcome::ended, i};
    if (text[i] != '[') return {outcome::mismatch, i};
    i = skip_blanks_at(text, i + 1);
    bool first = true;
    while (true) {
        if (at_end()) return {outcome::ended, i};
        if (text[i] == ']') return {outcome::matched, i + 1};
        if (text[i] != '(') return {outcome::mismatch, i};
        std::uint64_t counter = 0;
        auto r = read_number(text, skip_blanks_at(text, i + 1), UINT64_MAX, counter);
        if (r.what != outcome::matched) return r;
        if (first) out.encache_counter = counter;
        i = r.pos;
        if (i < text.size() && (text[i] == 'L' || text[i] == 'l')) ++i;
        // `, 0, `
        auto m = match_literal(text, i, "~,~");
        if (m.what != outcome::matched) return m;
        std::uint64_t zero = 0;
        r = read_number(text, m.pos, UINT64_MAX, zero);
        if (r.what != outcome::matched) return r;
        m = match_literal(text, r.pos, "~,~");
        if (m.what != outcome::matched) return m;
        i = m.pos;
        if (at_end()) return {outcome::ended, i};
        std::string security;
        if (is_quote(text[i])) {
            r = read_quoted(text, i, ",", security);
        } else {
            r = field_end_before(text, i, "~,", true);
            security.assign(text.substr(i, r.pos - i));
        }
        if (first) out.dnssec = security;
        if (r.what != outcome::matched) return r;
        m = match_literal(text, r.pos, "~,~(");
        if (m.what != outcome::matched) return m;
        i = skip_blanks_at(text, m.pos);
        while (true) {
            if (at_end()) return {outcome::ended, i};
            if (text[i] == ')') break;
            if (!is_quote(text[i])) return {outcome::mismatch, i};
            std::string item;
            r = read_quoted(text, i, ",)", item);
            out.rdata.push_back(std::move(item));
            if (r.what != outcome::matched) return r;
            i = skip_blanks_at(text, r.pos);
            if (i < text.size() && text[i] == ',') i = skip_blanks_at(text, i + 1);
        }
        m = match_literal(text, i + 1, "~)~");
        if (m.what != outcome::matched) return m;
        i = m.pos;
        if (i < text.size() && text[i] == ',') i = skip_blanks_at(text, i + 1);
        first = false;
    }
}

// `('451', ['4.7.1 later', 'try again'])`: the code and the reply lines joined by a space
// (as `Response '...'` shows them); bare items such as `...(3 more lines)` are kept too.
step read_tuple(std::string_view text, std::size_t pos, trace_line& out) {
    std::size_t i = skip_blanks_at(text, pos);
    if (i == text.size()) return {outcome::ended, i};
    if (text[i] != '(') return {outcome::mismatch, i};
    i = skip_blanks_at(text, i + 1);
    if (i == text.size()) return {outcome::ended, i};
    step r;
    if (is_quote(text[i])) {
        r = read_quoted(text, i, ",", out.reply_code);
    } else {
        r = field_end_before(text, i, "~,", true);
        out.reply_code.assign(text.substr(i, r.pos - i));
    }
    if (r.what != outcome::matched) return r;
    auto m = match_literal(text, r.pos, "~,~[~");
    if (m.what != outcome::matched) return m;
    i = m.pos;
    bool first = true;
    while (true) {
        if (i == text.size()) return {outcome::ended, i};
        if (text[i] == ']') break;
        std::string item;
        if (is_quote(text[i])) {
            r = read_quoted(text, i, ",]", item);
        } else {
            std::size_t j = i;
            while (j < text.size() && text[j] != ',' && text[j] != ']') ++j;
            item.assign(text.substr(i, j - i));
            r = {j == text.size() ? outcome::ended : outcome::matched, j};
        }
        if (!first) out.reply += ' ';
        out.reply += item;
        first = false;
        if (r.what != outcome::matched) return r;
        i = skip_blanks_at(text, r.pos);
        if (i < text.size() && text[i] == ',') i = skip_blanks_at(text, i + 1);
    }
    return match_literal(text, i + 1, "~)");
}

// Where the reply tuple of a Delayed/Bounced line begins: `('` or `("` and a digit, after a
// blank (or right where the text field starts, when the text is empty).
std::size_t find_tuple(std::string_view text, std::size_t pos) {
    for (std::size_t i = pos; i + 2 < text.size(); ++i) {
        if (text[i] == '(' && is_quote(text[i + 1]) && is_digit(text[i + 2]) && (i == pos || is_blank(text[i - 1])))
            return i;
    }
    return std::string_view::npos;
}

void trim_right(std::string_view& s) {
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
}

step read_field(const pattern& p, std::size_t index, std::string_view text, std::size_t pos, trace_line& out) {
    const element& e = p.elements[index];
    const kind k = kind_of(e.id);
    const std::string_view next = e.next != 0 ? std::string_view{p.elements[e.next].text} : std::string_view{};
    switch (k) {
        case kind::number: {
            std::uint64_t v = 0;
            const std::uint64_t max = e.id == field::port ? 65535 : UINT64_MAX;
            const auto r = read_number(text, pos, max, v);
            if (r.what != outcome::matched) return r;
            if (e.id == field::mid) out.mid = v;
            if (e.id == field::dcid) out.dcid = v;
            if (e.id == field::port) out.port = static_cast<std::uint16_t>(v);
            if (e.id == field::max_age) out.max_age = v;
            return r;
        }
        case kind::rids:
            return read_rids(text, pos, out.rids);
        case kind::time: {
            auto rest = text.substr(pos);
            const auto before = rest.size();
            if (auto at = take_product_timestamp(rest)) {
                out.next_attempt = at;
                return {outcome::matched, pos + (before - rest.size())};
            }
            // A timestamp is 24 characters; a shorter tail is one cut short.
            return {before < 24 ? outcome::ended : outcome::mismatch, pos};
        }
        case kind::encache:
            return read_encache(text, pos, out);
        case kind::tuple:
            return read_tuple(text, pos, out);
        case kind::word:
        case kind::text:
        case kind::angle:
            break;
    }
    std::string* target = string_field(out, e.id);
    if (pos < text.size() && e.quoted && is_quote(text[pos])) {
        std::string closers;
        if (!next.empty()) closers += (next.front() == '~' && next.size() > 1) ? next[1] : next.front();
        return read_quoted(text, pos, closers, *target);
    }
    if (k == kind::angle && pos < text.size() && text[pos] == '<') {
        const auto close = text.find('>', pos);
        if (close == std::string_view::npos) {
            target->assign(text.substr(pos + 1));
            return {outcome::ended, text.size()};
        }
        target->assign(text.substr(pos + 1, close - pos - 1));
        return {outcome::matched, close + 1};
    }
    const bool word = k != kind::text;
    if (e.before_tuple) {
        const auto at = find_tuple(text, pos);
        auto value = text.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos);
        trim_right(value);
        target->assign(value);
        return {at == std::string_view::npos ? outcome::ended : outcome::matched,
                at == std::string_view::npos ? text.size() : at};
    }
    if (!next.empty()) {
        const auto r = field_end_before(text, pos, next, word);
        target->assign(text.substr(pos, r.pos - pos));
        return r;
    }
    // The last element: a word ends at a blank (what follows is a suffix); text takes the rest.
    std::size_t end = pos;
    if (word) {
        int depth = 0;
        while (end < text.size() && !(depth == 0 && is_blank(text[end]))) {
            if (text[end] == '(') ++depth;
            if (text[end] == ')' && depth > 0) --depth;
            ++end;
        }
    } else {
        end = text.size();
    }
    auto value = text.substr(pos, end - pos);
    trim_right(value);
    target->assign(value);
    if (value.empty() && pos == text.size()) return {outcome::ended, pos};
    return {outcome::matched, end};
}

struct match_result {
    outcome what = outcome::mismatch;
    bool known = false;  // the distinctive prefix was passed
    std::size_t at = 0;
};

// Runs elements [begin, end) from `pos`; `known` is set when the mark is passed.
match_result run(const pattern& p, std::size_t begin, std::size_t end, std::string_view text, std::size_t& pos,
                 trace_line& out, bool& known) {
    for (std::size_t i = begin; i < end; ++i) {
        const element& e = p.elements[i];
        switch (e.what) {
            case element::type::mark:
                known = true;
                continue;
            case element::type::group_end:
                continue;
            case element::type::group_begin: {
                std::size_t inner = pos;
                bool inner_known = known;
                const auto r = run(p, i + 1, e.group_end, text, inner, out, inner_known);
                if (r.what == outcome::matched) {
                    pos = inner;
                    known = inner_known;
                } else if (r.what == outcome::ended) {
                    return r;
                } else {
                    for (std::size_t j = i + 1; j < e.group_end; ++j)
                        if (p.elements[j].what == element::type::field) clear_field(out, p.elements[j].id);
                }
                i = e.group_end;
                continue;
            }
            case element::type::literal: {
                const auto r = match_literal(text, pos, e.text);
                if (r.what != outcome::matched) return {r.what, known, r.pos};
                pos = r.pos;
                break;
            }
            case element::type::field: {
                const auto r = read_field(p, i, text, pos, out);
                if (r.what != outcome::matched) return {r.what, known, r.pos};
                pos = r.pos;
                break;
            }
        }
        if (i == p.mark && p.mark == 0) known = true;
    }
    return {outcome::matched, known, pos};
}

}  // namespace

std::string_view to_string(line_family family) {
    if (family == line_family::unclassified) return "unclassified";
    static constexpr std::pair<line_family, std::string_view> names[] = {
        {line_family::message_queued, "message_queued"},
        {line_family::connection_new, "connection_new"},
        {line_family::tls_success, "tls_success"},
        {line_family::starttls_unsupported, "starttls_unsupported"},
        {line_family::tls_failed, "tls_failed"},
        {line_family::tls_verify_deferring, "tls_verify_deferring"},
        {line_family::tls_verify_not_enforced, "tls_verify_not_enforced"},
        {line_family::tls_required_failed, "tls_required_failed"},
        {line_family::starttls_plaintext_discarded, "starttls_plaintext_discarded"},
        {line_family::policy_successful, "policy_successful"},
        {line_family::delivery_start, "delivery_start"},
        {line_family::message_done, "message_done"},
        {line_family::response, "response"},
        {line_family::message_finished, "message_finished"},
        {line_family::connection_close, "connection_close"},
        {line_family::delayed, "delayed"},
        {line_family::bounced, "bounced"},
        {line_family::connection_error, "connection_error"},
        {line_family::next_attempt, "next_attempt"},
        {line_family::recheck_before_bounce, "recheck_before_bounce"},
        {line_family::dsn_generated, "dsn_generated"},
        {line_family::conservation_violated, "conservation_violated"},
        {line_family::dns_query, "dns_query"},
        {line_family::dns_query_recursive, "dns_query_recursive"},
        {line_family::dns_query_wire, "dns_query_wire"},
        {line_family::dns_encache, "dns_encache"},
        {line_family::dns_temporary_failure, "dns_temporary_failure"},
        {line_family::dns_hard_error, "dns_hard_error"},
        {line_family::null_mx, "null_mx"},
        {line_family::txt_found, "txt_found"},
        {line_family::txt_absent, "txt_absent"},
        {line_family::txt_invalid, "txt_invalid"},
        {line_family::txt_multiple, "txt_multiple"},
        {line_family::txt_deferring, "txt_deferring"},
        {line_family::policy_cache_expired, "policy_cache_expired"},
        {line_family::policy_fetch_start, "policy_fetch_start"},
        {line_family::policy_fetch_via_proxy, "policy_fetch_via_proxy"},
        {line_family::policy_fetched, "policy_fetched"},
        {line_family::policy_fetch_timeout, "policy_fetch_timeout"},
        {line_family::policy_fetch_failed, "policy_fetch_failed"},
        {line_family::policy_invalid, "policy_invalid"},
        {line_family::policy_fetch_failure, "policy_fetch_failure"},
        {line_family::policy_fetch_backoff, "policy_fetch_backoff"},
        {line_family::policy_refresh_start, "policy_refresh_start"},
        {line_family::policy_refreshed, "policy_refreshed"},
        {line_family::policy_refresh_failed, "policy_refresh_failed"},
        {line_family::policy_refresh_failing, "policy_refresh_failing"},
        {line_family::policy_cache_hit, "policy_cache_hit"},
        {line_family::policy_applying, "policy_applying"},
        {line_family::policy_mode_none, "policy_mode_none"},
        {line_family::mx_not_listed_enforce, "mx_not_listed_enforce"},
        {line_family::mx_not_listed_testing, "mx_not_listed_testing"},
        {line_family::dane_usable, "dane_usable"},
        {line_family::dane_all_unusable, "dane_all_unusable"},
        {line_family::dane_not_secure, "dane_not_secure"},
        {line_family::dane_mx_insecure, "dane_mx_insecure"},
        {line_family::dane_mx_bogus, "dane_mx_bogus"},
        {line_family::dane_lookup_failed, "dane_lookup_failed"},
        {line_family::route_bypass, "route_bypass"},
        {line_family::route_smart_host, "route_smart_host"},
        {line_family::default_profile_warning, "default_profile_warning"},
        {line_family::tlsrpt_no_policy, "tlsrpt_no_policy"},
        {line_family::tlsrpt_sent, "tlsrpt_sent"},
        {line_family::tlsrpt_failed, "tlsrpt_failed"},
        {line_family::tlsrpt_queued, "tlsrpt_queued"},
        {line_family::tlsrpt_retry, "tlsrpt_retry"},
        {line_family::tlsrpt_given_up, "tlsrpt_given_up"},
    };
    for (const auto& [f, name] : names)
        if (f == family) return name;
    return "unclassified";
}

bool begins_log_line(std::string_view line) {
    if (line.size() > trace_line_bytes_max) line = line.substr(0, trace_line_bytes_max);
    // The year does not matter for the question.
    const auto prefix = read_prefix(line, 2000);
    return prefix.time.has_value() || prefix.severity.has_value() || prefix.syslog;
}

trace_line classify_line(std::string_view line, std::size_t number, int default_year) {
    trace_line out;
    out.number = number;
    // A longer line is cut: its tail costs memory and can only be a peer's text.
    const bool cut = line.size() > trace_line_bytes_max;
    if (cut) line = line.substr(0, trace_line_bytes_max);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    out.raw.assign(line);
    out.truncated = cut;
    if (has_binary_bytes(line)) {
        out.problem = "binary bytes";
        return out;
    }
    const auto prefix = read_prefix(line, default_year);
    out.time = prefix.time;
    out.severity = prefix.severity;
    auto text = prefix.text;
    trim_right(text);
    out.text.assign(text);
    if (text.empty()) {
        out.problem = prefix.time || prefix.severity ? "no text" : "empty line";
        return out;
    }

    bool cut_before_known = false;
    const char first_char = lower(text.front());
    for (const auto& p : patterns()) {
        if (p.first != first_char) continue;
        const auto first = match_literal(text, 0, p.elements.front().text);
        if (first.what == outcome::mismatch) continue;
        std::size_t pos = 0;
        bool known = false;
        const auto r = run(p, 0, p.elements.size(), text, pos, out, known);
        if (!known) {
            if (r.what == outcome::ended) cut_before_known = true;
            for (const auto f : p.fields) clear_field(out, f);
            continue;
        }
        out.family = p.family;
        if (r.what == outcome::ended) out.truncated = true;
        if (r.what == outcome::mismatch)
            out.problem = fmt::format("the text departs from the {} shape at byte {}", to_string(p.family), r.at);
        return out;
    }
    if (cut_before_known) {
        out.truncated = true;
        out.problem = "truncated before its family is known";
    } else {
        out.problem = prefix.time ? "unknown text" : "no timestamp";
    }
    return out;
}

}  // namespace sts::sim
