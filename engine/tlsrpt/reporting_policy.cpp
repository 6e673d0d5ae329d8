#include "engine/tlsrpt/reporting_policy.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/limits.hpp"
#include "engine/dns/txt_rrset.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/mtasts/extension_name.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sts::tlsrpt {

namespace {

// RFC 8460 §3 [TLSRPT-02]: tlsrpt-version = %s"v=TLSRPTv1", case-sensitive, first field.
constexpr std::string_view version_field = "v=TLSRPTv1";
// RFC 8460 §3 [TLSRPT-04]: records "not beginning with" this are discarded.
constexpr std::string_view discovery_prefix = "v=TLSRPTv1;";
constexpr std::string_view rua_name = "rua";
// A finding quotes the offending field; a short excerpt is enough to find it.
constexpr std::size_t detail_bytes_max = 64;

constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex_digit(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// RFC 8460 §3 [TLSRPT-06]: tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E), as in MTA-STS.
constexpr bool is_ext_value_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7e && c != ';' && c != '=';
}
// RFC 3986 §2: the characters a URI may hold outside a percent-encoding (unreserved,
// gen-delims, sub-delims). RFC 8460 §3 [TLSRPT-03] takes ',', '!' and ';' out: inside a
// tlsrpt-uri they MUST be percent-encoded. ',' and ';' are separators here; '!' is
// refused on its own (it separates the parts of a report file name, §5.1).
constexpr bool is_uri_char(char c) noexcept {
    if (is_alpha(c) || is_digit(c)) return true;
    constexpr std::string_view others = "-._~:/?#[]@$&'()*+=";
    return others.find(c) != std::string_view::npos;
}
// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
constexpr bool is_scheme_char(char c) noexcept {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

core::finding make_finding(std::string_view requirement, std::string rule, std::size_t column,
                           std::string_view excerpt) {
    return core::finding{std::string(requirement), std::move(rule), 0, column,
                         excerpt.empty() ? std::string() : core::quote_peer_text(excerpt, detail_bytes_max)};
}

// Why `text` does not open with the version field, or nothing when it does (followed by
// the end, WSP or ';').
std::optional<core::finding> version_problem(std::string_view text) {
    const auto first_field = text.substr(0, text.find(';'));
    if (text.starts_with(version_field)) {
        if (text.size() == version_field.size()) return std::nullopt;
        const char next = text[version_field.size()];
        if (next == ';' || is_wsp(next)) return std::nullopt;
        return make_finding("TLSRPT-02", "only version TLSRPTv1 is defined", 1, first_field);
    }
    if (text.size() >= version_field.size() &&
        core::equal_ignoring_case(text.substr(0, version_field.size()), version_field)) {
        return make_finding("TLSRPT-02", "the version field is the case-sensitive literal \"v=TLSRPTv1\"", 1,
                            first_field);
    }
    return make_finding("TLSRPT-02", "the record must begin with the version field \"v=TLSRPTv1\"", 1,
                        first_field);
}

// What parse_field() has seen of rua so far.
struct rua_state {
    bool seen = false;
    std::size_t ignored_uris = 0;  // valid URIs of other schemes
};

// Checks one URI of a rua list, starting at 1-based `column`, and appends it to `policy`
// when it is a usable endpoint.
void parse_uri(std::string_view uri, std::size_t column, reporting_policy& policy, rua_state& rua,
               core::bounded_findings& errors) {
    if (uri.empty()) {
        errors.add(make_finding("TLSRPT-03", "a rua list must not have an empty entry", column, {}));
        return;
    }
    if (uri.size() > core::limits::tlsrpt_rua_uri_bytes_max) {
        errors.add(make_finding("TLSRPT-03",
                                fmt::format("a rua URI is longer than {} bytes", core::limits::tlsrpt_rua_uri_bytes_max),
                                column, uri));
        return;
    }
    const auto colon = uri.find(':');
    const bool scheme_ok = colon != std::string_view::npos && colon > 0 && is_alpha(uri.front()) &&
                           std::all_of(uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(colon), is_scheme_char);
    if (!scheme_ok) {
        errors.add(make_finding("TLSRPT-03", "a rua entry must be a URI that begins with a scheme such as \"mailto:\"",
                                column, uri));
        return;
    }
    for (std::size_t i = colon + 1; i < uri.size(); ++i) {
        const char c = uri[i];
        if (c == '%') {
            if (i + 2 >= uri.size() || !is_hex_digit(uri[i + 1]) || !is_hex_digit(uri[i + 2])) {
                errors.add(make_finding("TLSRPT-03", "'%' in a rua URI must be followed by two hex digits",
                                        column + i, uri));
                return;
            }
            i += 2;
            continue;
        }
        if (c == '!') {
            errors.add(make_finding("TLSRPT-03", "'!' in a rua URI must be percent-encoded (%21)", column + i, uri));
            return;
        }
        if (!is_uri_char(c)) {
            errors.add(make_finding("TLSRPT-03",
                                    "a rua URI may contain only URI characters (no spaces, no non-ASCII bytes)",
                                    column + i, uri));
            return;
        }
    }

    // interpretation: RFC 3986 §3.1 makes schemes case-insensitive, so "MAILTO:" is the
    // mailto scheme; the URI itself is kept as published.
    const auto scheme = uri.substr(0, colon);
    const auto rest = uri.substr(colon + 1);
    rua_endpoint endpoint;
    endpoint.uri = std::string(uri);
    if (core::equal_ignoring_case(scheme, "mailto")) {
        const auto mailbox = rest.substr(0, rest.find('?'));
        const auto at = mailbox.rfind('@');
        if (at == std::string_view::npos || at == 0 || at + 1 == mailbox.size()) {
            errors.add(make_finding("TLSRPT-03", "a mailto: rua URI must name a mailbox local@domain", column, uri));
            return;
        }
        endpoint.scheme = rua_scheme::mailto;
        endpoint.mailbox = std::string(mailbox);
    } else if (core::equal_ignoring_case(scheme, "https")) {
        const auto host = rest.starts_with("//") ? rest.substr(2, rest.find_first_of("/?#", 2) - 2)
                                                 : std::string_view();
        if (host.empty()) {
            errors.add(make_finding("TLSRPT-03", "an https: rua URI must name a host (\"https://host/...\")", column,
                                    uri));
            return;
        }
        endpoint.scheme = rua_scheme::https;
    } else {
        // RFC 8460 §3 [TLSRPT-03]: only mailto: and https: are defined; a URI of another
        // scheme is valid syntax the reporter cannot use, so it is skipped, not fatal.
        ++rua.ignored_uris;
        policy.notes.push_back(make_finding(
            "TLSRPT-03", "only mailto: and https: report URIs are supported; this one is ignored", column, uri));
        return;
    }
    if (policy.rua.size() >= core::limits::tlsrpt_rua_uris_max) {
        policy.notes.push_back(make_finding(
            "TLSRPT-07",
            fmt::format("more than {} usable rua URIs; the rest are ignored", core::limits::tlsrpt_rua_uris_max),
            column, uri));
        return;
    }
    policy.rua.push_back(std::move(endpoint));
}

// RFC 8460 §3 [TLSRPT-03]: tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri).
void parse_rua(std::string_view value, std::size_t value_column, reporting_policy& policy, rua_state& rua,
               core::bounded_findings& errors) {
    std::size_t pos = 0;
    while (!errors.full()) {
        const auto comma = value.find(',', pos);
        const bool last = comma == std::string_view::npos;
        const std::size_t end = last ? value.size() : comma;
        std::size_t first = pos;
        std::size_t stop = end;
        while (first < stop && is_wsp(value[first])) ++first;
        while (stop > first && is_wsp(value[stop - 1])) --stop;
        parse_uri(value.substr(first, stop - first), value_column + first, policy, rua, errors);
        if (last) break;
        pos = comma + 1;
    }
}

// Checks one field (delimiters and surrounding WSP already removed) that starts at byte
// offset `offset` of the record, and records it in `policy` when it is valid.
void parse_field(std::string_view field, std::size_t offset, reporting_policy& policy, rua_state& rua,
                 core::bounded_findings& errors) {
    const auto equals = field.find('=');
    if (equals == std::string_view::npos) {
        errors.add(make_finding("TLSRPT-06", "a field must have the form name=value", offset + 1, field));
        return;
    }
    const auto name = field.substr(0, equals);
    const auto value = field.substr(equals + 1);
    const std::size_t value_column = offset + equals + 2;

    if (name == rua_name) {
        if (rua.seen) {
            // interpretation: RFC 8460 §3 does not say what a second rua field means. As for
            // a repeated MTA-STS id (ambiguity A1), the first one is used; the later one must
            // still be a valid URI list, since the key "rua" is reserved for it.
            reporting_policy scratch;
            rua_state scratch_state;
            parse_rua(value, value_column, scratch, scratch_state, errors);
            policy.notes.push_back(make_finding(
                "TLSRPT-03", "the rua field appears more than once; the first one is used", offset + 1, field));
            return;
        }
        rua.seen = true;
        parse_rua(value, value_column, policy, rua, errors);
        return;
    }

    // RFC 8460 §3 [TLSRPT-06]: unknown fields follow the MTA-STS extension grammar and are
    // ignored. Keys are case-sensitive, so "RUA" is such an unknown field.
    if (!mtasts::is_extension_name(name)) {
        errors.add(make_finding("TLSRPT-06",
                                fmt::format("a field name must be 1-{} letters, digits, '_', '-' and '.', "
                                            "starting with a letter or digit",
                                            mtasts::extension_name_chars_max),
                                offset + 1, field));
        return;
    }
    if (value.empty()) {
        errors.add(make_finding("TLSRPT-06", "a field value must not be empty", value_column, field));
        return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!is_ext_value_char(value[i])) {
            errors.add(make_finding("TLSRPT-06",
                                    "a field value may contain only visible ASCII other than '=' and ';' (no spaces)",
                                    value_column + i, field));
            return;
        }
    }
    policy.extensions.emplace_back(std::string(name), std::string(value));
}

}  // namespace

std::string reporting_policy_owner(std::string_view policy_domain) {
    // RFC 8460 §3 [TLSRPT-01]: the policy lives at _smtp._tls.<Policy Domain>.
    return "_smtp._tls." + std::string(core::strip_root_dot(policy_domain));
}

std::string_view to_string(rua_scheme scheme) noexcept {
    switch (scheme) {
        case rua_scheme::mailto: return "mailto";
        case rua_scheme::https: return "https";
    }
    return "mailto";
}

core::result<reporting_policy, core::findings> parse_reporting_policy(std::string_view text) {
    if (text.size() > core::limits::txt_record_bytes_max) {
        return core::failure(core::findings{make_finding(
            "TLSRPT-04", fmt::format("the record is longer than {} bytes", core::limits::txt_record_bytes_max), 0,
            {})});
    }
    if (auto problem = version_problem(text)) return core::failure(core::findings{std::move(*problem)});

    // RFC 8460 §3: tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
    // with field-delim = *WSP ";" *WSP. A tlsrpt-uri cannot contain ';' (it must be
    // percent-encoded), so the record splits on ';' into fields with their delimiters' WSP
    // on either side; the segment after the last ';' may be empty or WSP only.
    reporting_policy policy;
    core::bounded_findings errors(core::limits::tlsrpt_record_findings_max, "TLSRPT-04");
    rua_state rua;
    std::size_t pos = version_field.size();
    while (!errors.full()) {
        const auto semicolon = text.find(';', pos);
        const bool last = semicolon == std::string_view::npos;
        const std::size_t end = last ? text.size() : semicolon;
        const auto segment = text.substr(pos, end - pos);
        std::size_t lead = 0;
        while (lead < segment.size() && is_wsp(segment[lead])) ++lead;
        std::size_t core_end = segment.size();
        while (core_end > lead && is_wsp(segment[core_end - 1])) --core_end;
        const auto field = segment.substr(lead, core_end - lead);

        if (pos == version_field.size()) {
            // Between "v=TLSRPTv1" and its delimiter's ';' there may be only WSP.
            if (!field.empty()) {
                errors.add(make_finding("TLSRPT-02", "fields must be separated by ';'", pos + lead + 1, field));
            } else if (last && !segment.empty()) {
                errors.add(make_finding("TLSRPT-03",
                                        "whitespace at the end of the record is allowed only around a final ';'",
                                        pos + 1, segment));
            }
        } else if (field.empty()) {
            if (last) break;  // the optional trailing delimiter, with its WSP
            errors.add(make_finding("TLSRPT-03", "empty field: two ';' with nothing but whitespace between them",
                                    end + 1, text.substr(pos, end + 1 - pos)));
        } else {
            parse_field(field, pos + lead, policy, rua, errors);
            if (last && core_end < segment.size()) {
                // interpretation: as for the _mta-sts record (ambiguity A8), WSP at the very
                // end belongs to no production unless a ';' follows it.
                errors.add(make_finding("TLSRPT-03",
                                        "whitespace at the end of the record is allowed only around a final ';'",
                                        pos + core_end + 1, segment));
            }
        }
        if (last) break;
        pos = semicolon + 1;
    }
    if (!errors.full()) {
        // RFC 8460 §3 [TLSRPT-03]: rua is required, and only its mailto: and https: URIs
        // can carry a report.
        if (!rua.seen) {
            errors.add(make_finding("TLSRPT-03", "the required field \"rua=\" is missing (keys are case-sensitive)",
                                    text.size() + 1, {}));
        } else if (errors.empty() && policy.rua.empty()) {
            errors.add(make_finding("TLSRPT-03", "the rua field has no mailto: or https: URI", text.size() + 1, {}));
        }
    }
    if (!errors.empty()) return core::failure(errors.take());
    return policy;
}

std::string_view to_string(reporting_discovery_status status) noexcept {
    switch (status) {
        case reporting_discovery_status::found: return "found";
        case reporting_discovery_status::no_record: return "no_record";
        case reporting_discovery_status::multiple_records: return "multiple_records";
        case reporting_discovery_status::invalid_record: return "invalid_record";
        case reporting_discovery_status::oversized_rrset: return "oversized_rrset";
    }
    return "invalid_record";
}

reporting_discovery discover_reporting_policy(std::span<const std::vector<std::string>> rrset) {
    reporting_discovery out;
    // RFC 8460 §3 [TLSRPT-05]: the strings of one RR are concatenated with no separator.
    auto joined_set = dns::join_txt_rrset(rrset);
    if (joined_set.refused) {
        out.status = reporting_discovery_status::oversized_rrset;
        auto f = make_finding("TLSRPT-04", std::move(*joined_set.refused), 0, {});
        f.line = joined_set.refused_record;
        out.findings.push_back(std::move(f));
        return out;
    }
    const std::vector<std::string>& joined = joined_set.records;

    // RFC 8460 §3 [TLSRPT-04]: records not beginning with "v=TLSRPTv1;" are discarded;
    // exactly one must remain.
    std::size_t count = 0;
    std::size_t index = 0;
    for (std::size_t i = 0; i < joined.size(); ++i) {
        if (joined[i].starts_with(discovery_prefix)) {
            ++count;
            index = i;
            continue;
        }
        const std::string_view record = joined[i];
        const auto head = record.substr(0, record.find(';'));
        // A near miss ("v=tlsrptv1;") is worth naming precisely; SPF and friends are not.
        const bool wrong_case = !record.starts_with(version_field) && record.size() >= version_field.size() &&
                                core::equal_ignoring_case(record.substr(0, version_field.size()), version_field);
        auto f = wrong_case
                     ? make_finding("TLSRPT-02", "the version field is the case-sensitive literal \"v=TLSRPTv1\"", 1,
                                    head)
                     : make_finding("TLSRPT-04",
                                    "the record does not begin with \"v=TLSRPTv1;\" and is not a TLSRPT record", 1,
                                    head);
        f.line = i + 1;
        out.findings.push_back(std::move(f));
    }
    if (count == 0) {
        out.status = reporting_discovery_status::no_record;
        return out;
    }
    if (count > 1) {
        out.status = reporting_discovery_status::multiple_records;
        out.findings.push_back(make_finding(
            "TLSRPT-04", fmt::format("{} records begin with \"v=TLSRPTv1;\"; exactly one is required", count), 0, {}));
        return out;
    }
    auto parsed = parse_reporting_policy(joined[index]);
    if (!parsed) {
        out.status = reporting_discovery_status::invalid_record;
        for (auto f : parsed.error()) {
            f.line = index + 1;
            out.findings.push_back(std::move(f));
        }
        return out;
    }
    out.status = reporting_discovery_status::found;
    out.policy = std::move(parsed).value();
    for (auto& note : out.policy->notes) note.line = index + 1;
    return out;
}

}  // namespace sts::tlsrpt
