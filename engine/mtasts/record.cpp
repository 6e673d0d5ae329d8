#include "engine/mtasts/record.hpp"

#include "engine/mtasts/extension_name.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/limits.hpp"
#include "engine/dns/txt_rrset.hpp"
#include "engine/core/peer_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sts::mtasts {

namespace {

// RFC 8461 §3.1 [STS-DISC-05]: sts-version = %s"v=STSv1", case-sensitive, first field.
constexpr std::string_view version_field = "v=STSv1";
// RFC 8461 §3.1 [STS-DISC-10]: records "not beginning with" this are discarded.
constexpr std::string_view discovery_prefix = "v=STSv1;";
// RFC 8461 §3.1 [STS-DISC-06]: sts-id = %s"id=" 1*32(ALPHA / DIGIT).
constexpr std::string_view id_name = "id";
constexpr std::size_t id_chars_max = 32;
// A finding quotes the offending field; a short excerpt is enough to find it.
constexpr std::size_t detail_bytes_max = 64;

constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_ascii(char c) noexcept { return static_cast<unsigned char>(c) < 0x80; }
constexpr bool is_alpha_digit(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
// RFC 8461 §3.1 [STS-DISC-08]: sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E).
constexpr bool is_ext_value_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7e && c != ';' && c != '=';
}

core::finding make_finding(std::string_view requirement, std::string rule, std::size_t column,
                           std::string_view excerpt) {
    return core::finding{std::string(requirement), std::move(rule), 0, column,
                         excerpt.empty() ? std::string() : core::quote_peer_text(excerpt, detail_bytes_max)};
}

// Who asks version_problem(): the parser, or discovery explaining a record it set aside.
enum class version_context { parsing, discovery };

// Why `text` does not open with a usable version field, or nothing when it does (the
// version is followed by the end, WSP or ';').
std::optional<core::finding> version_problem(std::string_view text, version_context context) {
    if (text.starts_with(version_field)) {
        if (text.size() == version_field.size()) return std::nullopt;
        const char next = text[version_field.size()];
        if (next == ';' || is_wsp(next)) return std::nullopt;
        const std::size_t column = version_field.size() + 1;
        if (!is_ascii(next)) {
            return make_finding("STS-DISC-02", "the record must be US-ASCII; it has a non-ASCII byte", column,
                                text.substr(0, column));
        }
        // RFC 8461 §3.1 [STS-DISC-21]: "v=STSv10" is another version, not STSv1 plus noise.
        return make_finding("STS-DISC-21", "only version STSv1 is defined", 1,
                            text.substr(0, text.find(';')));
    }
    const auto first_field = text.substr(0, text.find(';'));
    if (text.size() >= version_field.size() &&
        core::equal_ignoring_case(text.substr(0, version_field.size()), version_field)) {
        return make_finding("STS-DISC-05", "the version field is the case-sensitive literal \"v=STSv1\"", 1,
                            first_field);
    }
    if (text.starts_with("v=STSv")) {
        return make_finding("STS-DISC-21", "only version STSv1 is defined", 1, first_field);
    }
    // A version field further on is a misplaced version rather than a foreign record.
    for (auto at = text.find(version_field); at != std::string_view::npos; at = text.find(version_field, at + 1)) {
        if (text[at - 1] == ';' || is_wsp(text[at - 1])) {
            return make_finding("STS-DISC-05", "the version field \"v=STSv1\" must be the first field", at + 1,
                                text.substr(at, version_field.size()));
        }
    }
    // A record that merely is not MTA-STS (SPF, site verification) is the ordinary case of
    // discovery's filter [STS-DISC-10]; to the parser it is a record without its version.
    if (context == version_context::discovery) {
        return make_finding("STS-DISC-10", "the record does not begin with \"v=STSv1;\" and is not an MTA-STS record",
                            1, first_field);
    }
    return make_finding("STS-DISC-05", "the record must begin with the version field \"v=STSv1\"", 1, first_field);
}

// What parse_field() has seen of the id so far.
struct id_state {
    bool valid_seen = false;  // record.id holds the first valid id
    bool any_seen = false;    // a field named "id" was seen, valid or not
};

// Checks one field (delimiters and surrounding WSP already removed) that starts at byte
// offset `offset` of the record, and records it in `record` when it is valid.
void parse_field(std::string_view field, std::size_t offset, sts_record& record, id_state& ids,
                 core::bounded_findings& errors) {
    // RFC 8461 §3.1 [STS-DISC-02]: the record is US-ASCII. A non-ASCII byte is reported as
    // such, rather than as whichever grammar rule it happens to break.
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (!is_ascii(field[i])) {
            errors.add(make_finding("STS-DISC-02", "the record must be US-ASCII; it has a non-ASCII byte",
                                    offset + i + 1, field));
            return;
        }
    }
    const auto equals = field.find('=');
    if (equals == std::string_view::npos) {
        errors.add(make_finding("STS-DISC-08", "a field must have the form name=value", offset + 1, field));
        return;
    }
    const auto name = field.substr(0, equals);
    const auto value = field.substr(equals + 1);
    const std::size_t value_column = offset + equals + 2;

    if (name == id_name) {
        ids.any_seen = true;
        // RFC 8461 §3.1 [STS-DISC-06]: sts-id = %s"id=" 1*32(ALPHA / DIGIT).
        if (value.empty()) {
            errors.add(make_finding("STS-DISC-06", "the id value must not be empty", value_column, field));
            return;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!is_alpha_digit(value[i])) {
                errors.add(make_finding("STS-DISC-06", "the id value may contain only letters and digits",
                                        value_column + i, field));
                return;
            }
        }
        if (value.size() > id_chars_max) {
            errors.add(make_finding("STS-DISC-06",
                                    fmt::format("the id value is longer than {} characters", id_chars_max),
                                    value_column + id_chars_max, field));
            return;
        }
        // interpretation: §3.1 says nothing about a repeated id. The paragraph of §3.2 that
        // speaks of both records and policies ends with "only the first [occurrence] is
        // used", so the first valid id wins, as in mox (ambiguity A1, docs/interpretations.md).
        // A later id must still be a valid sts-id: the key "id" is reserved for it.
        if (ids.valid_seen) {
            record.notes.push_back(make_finding(
                "STS-DISC-04",
                fmt::format("the id field appears more than once; the first one (\"{}\") is used", record.id),
                offset + 1, field));
            return;
        }
        record.id = std::string(value);
        ids.valid_seen = true;
        return;
    }

    // RFC 8461 §3.1 [STS-DISC-08]: sts-ext-name. Keys are case-sensitive, so "ID" and "V"
    // land here as extensions (STS-DISC-06, ambiguity A9).
    if (name.empty() || !is_extension_name_first_char(name.front())) {
        errors.add(make_finding("STS-DISC-08", "a field name must begin with a letter or digit", offset + 1, field));
        return;
    }
    for (std::size_t i = 1; i < name.size(); ++i) {
        if (!is_extension_name_char(name[i])) {
            errors.add(make_finding("STS-DISC-08",
                                    "a field name may contain only letters, digits, '_', '-' and '.'",
                                    offset + i + 1, field));
            return;
        }
    }
    if (name.size() > extension_name_chars_max) {
        errors.add(make_finding("STS-DISC-08",
                                fmt::format("a field name is at most {} characters", extension_name_chars_max),
                                offset + extension_name_chars_max + 1, field));
        return;
    }
    if (value.empty()) {
        errors.add(make_finding("STS-DISC-08", "a field value must not be empty", value_column, field));
        return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!is_ext_value_char(value[i])) {
            errors.add(make_finding("STS-DISC-08",
                                    "a field value may contain only visible ASCII other than '=' and ';' "
                                    "(no spaces)",
                                    value_column + i, field));
            return;
        }
    }
    // RFC 8461 §3.2 (last paragraph) [STS-DISC-09]: unknown fields are accepted and ignored.
    record.extensions.emplace_back(std::string(name), std::string(value));
}

// The position of the first of the WSP bytes that end `text`, or text.size() if none do.
std::size_t trailing_wsp_start(std::string_view text) noexcept {
    std::size_t end = text.size();
    while (end > 0 && is_wsp(text[end - 1])) --end;
    return end;
}

// Why discovery sets `text` aside (it does not begin with "v=STSv1;"), for the log and
// for `check`. Position `index` is 1-based in the RRset.
core::finding set_aside_finding(std::string_view text, std::size_t index) {
    core::finding f;
    if (auto problem = version_problem(text, version_context::discovery)) {
        f = std::move(*problem);
    } else {
        // Only "v=STSv1" followed by WSP or by nothing gets here.
        // interpretation: "v=STSv1 ;id=x" matches the ABNF, but §3.1 discards records "not
        // beginning with v=STSv1;" before counting. We follow that sentence literally, as
        // the filter is what decides which record is *the* record (ambiguity A8, erratum
        // 6285). mox counts such a record instead.
        f = make_finding("STS-DISC-10",
                         "\"v=STSv1\" is not followed directly by ';', so the record does not begin with "
                         "\"v=STSv1;\" and is not counted as an MTA-STS record",
                         version_field.size() + 1, text.substr(0, version_field.size() + 8));
    }
    f.line = index;
    return f;
}

}  // namespace

core::result<sts_record, core::findings> parse_record(std::string_view text) {
    if (text.size() > core::limits::txt_record_bytes_max) {
        return core::failure(core::findings{make_finding(
            "STS-DISC-12", fmt::format("the record is longer than {} bytes", core::limits::txt_record_bytes_max), 0,
            {})});
    }
    if (auto problem = version_problem(text, version_context::parsing)) {
        return core::failure(core::findings{std::move(*problem)});
    }

    // RFC 8461 §3.1 [STS-DISC-07]:
    //   sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
    //   sts-field-delim = *WSP ";" *WSP
    // No field contains WSP or ';', so the record splits on ';' into segments, each a field
    // with the WSP of its delimiters on either side. The segment after the last ';' may be
    // empty or WSP only: that is the optional trailing delimiter.
    sts_record record;
    core::bounded_findings errors(core::limits::txt_record_findings_max, "STS-DISC-12");
    id_state ids;
    std::size_t fields = 0;
    std::size_t pos = version_field.size();
    while (!errors.full()) {
        const auto semicolon = text.find(';', pos);
        const bool last = semicolon == std::string_view::npos;
        const std::size_t end = last ? text.size() : semicolon;
        const auto segment = text.substr(pos, end - pos);

        if (pos == version_field.size()) {
            // Between "v=STSv1" and its delimiter's ';' there may be only WSP.
            const auto stray = segment.find_first_not_of(" \t");
            if (stray != std::string_view::npos) {
                errors.add(make_finding("STS-DISC-07", "fields must be separated by ';'", pos + stray + 1,
                                        segment.substr(stray)));
            } else if (last && !segment.empty()) {
                errors.add(make_finding("STS-DISC-07",
                                        "whitespace at the end of the record is allowed only around a final ';'",
                                        pos + 1, segment));
            }
        } else {
            std::size_t lead = 0;
            while (lead < segment.size() && is_wsp(segment[lead])) ++lead;
            const std::size_t core_end = std::max(lead, trailing_wsp_start(segment));
            const auto field = segment.substr(lead, core_end - lead);
            if (field.empty()) {
                if (last) break;  // the optional trailing delimiter, with its trailing WSP
                errors.add(make_finding("STS-DISC-07",
                                        "empty field: two ';' with nothing but whitespace between them", end + 1,
                                        text.substr(pos, end + 1 - pos)));
            } else {
                ++fields;
                parse_field(field, pos + lead, record, ids, errors);
                if (last && core_end < segment.size()) {
                    // interpretation: WSP at the very end belongs to no production unless a
                    // ';' follows it, so "v=STSv1; id=a  " is invalid, as the strict ABNF
                    // says (ambiguity A8, docs/interpretations.md).
                    errors.add(make_finding("STS-DISC-07",
                                            "whitespace at the end of the record is allowed only around a final ';'",
                                            pos + core_end + 1, segment));
                }
            }
        }
        if (last) break;
        pos = semicolon + 1;
    }
    // RFC 8461 §3.1 [STS-DISC-03]: v and id are required. A malformed id has its own finding.
    if (!ids.any_seen && !errors.full()) {
        errors.add(make_finding("STS-DISC-03",
                                fields == 0 ? "the required field \"id=\" is missing (no field follows the version)"
                                            : "the required field \"id=\" is missing (keys are case-sensitive)",
                                text.size() + 1, {}));
    }
    if (!errors.empty()) return core::failure(errors.take());
    return record;
}

std::string_view to_string(discovery_status s) {
    switch (s) {
        case discovery_status::found: return "found";
        case discovery_status::no_record: return "no_record";
        case discovery_status::multiple_records: return "multiple_records";
        case discovery_status::invalid_record: return "invalid_record";
        case discovery_status::oversized_rrset: return "oversized_rrset";
    }
    return "invalid_record";
}

discovery_result discover_record(std::span<const std::vector<std::string>> rrset) {
    discovery_result out;
    // RFC 8461 §3.1 [STS-DISC-14]: an RR of several strings is their concatenation, with
    // no separator added.
    auto joined_set = dns::join_txt_rrset(rrset);
    if (joined_set.refused) {
        out.status = discovery_status::oversized_rrset;
        auto f = make_finding("STS-DISC-11", std::move(*joined_set.refused), 0, {});
        f.line = joined_set.refused_record;
        out.findings.push_back(std::move(f));
        return out;
    }
    const std::vector<std::string>& joined = joined_set.records;

    // RFC 8461 §3.1 [STS-DISC-10]: records not beginning with "v=STSv1;" are discarded
    // before counting. [STS-DISC-21]: "v=STSv10;" does not begin with it either.
    std::size_t sts_count = 0;
    std::size_t sts_index = 0;
    for (std::size_t i = 0; i < joined.size(); ++i) {
        if (joined[i].starts_with(discovery_prefix)) {
            ++sts_count;
            sts_index = i;
        } else {
            out.findings.push_back(set_aside_finding(joined[i], i + 1));
        }
    }
    if (sts_count == 0) {
        // RFC 8461 §3.1 [STS-DISC-13]: no record, no available policy.
        out.status = discovery_status::no_record;
        return out;
    }
    if (sts_count > 1) {
        // RFC 8461 §3.1 [STS-DISC-11]: "If the number of resulting records is not one ...
        // senders MUST assume the recipient domain does not have an available MTA-STS policy".
        out.status = discovery_status::multiple_records;
        out.findings.push_back(make_finding(
            "STS-DISC-11",
            fmt::format("{} records begin with \"v=STSv1;\"; exactly one is required", sts_count), 0, {}));
        return out;
    }
    auto parsed = parse_record(joined[sts_index]);
    if (!parsed) {
        // RFC 8461 §3.1 [STS-DISC-12]: a single invalid record counts as no record.
        out.status = discovery_status::invalid_record;
        for (auto f : parsed.error()) {
            f.line = sts_index + 1;
            out.findings.push_back(std::move(f));
        }
        return out;
    }
    out.status = discovery_status::found;
    out.record = std::move(parsed).value();
    for (auto& note : out.record->notes) note.line = sts_index + 1;
    return out;
}

}  // namespace sts::mtasts
