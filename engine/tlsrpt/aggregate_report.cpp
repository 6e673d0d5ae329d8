#include "engine/tlsrpt/aggregate_report.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/dns/address.hpp"
#include "engine/tlsrpt/a_label.hpp"
#include "engine/tlsrpt/gzip.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace sts::tlsrpt {

namespace {

// RFC 8460 §4.3.1, §4.3.3 [TLSRPT-29]: certificate-not-trusted and validation-failure
// SHOULD carry a failure-reason-code. Every entry carries one; a failure the engine
// recorded without a reason gets this one.
constexpr std::string_view unspecified_reason_code = "unspecified";
// RFC 6761 §6.4: a name that can never be real, for a submitter domain with no A-label
// form, so that a misconfiguration shows in the report instead of breaking it.
constexpr std::string_view invalid_submitter = "invalid";

// RFC 8460 §4.4 [TLSRPT-27]: IPv4 dotted decimal without leading zeros, IPv6 in RFC 5952
// form. interpretation: a dotted quad written with leading zeros ("192.0.002.1") is read
// as decimal and written without them; text that is no IP address gives nothing.
std::optional<std::string> canonical_ip(std::string_view text) {
    if (text.find(':') != std::string_view::npos) {
        if (auto v6 = dns::parse_ipv6(text)) return dns::format_ipv6(*v6);
        return std::nullopt;
    }
    dns::ipv4_bytes bytes{};
    std::size_t part = 0;
    std::size_t pos = 0;
    while (true) {
        const auto dot = text.find('.', pos);
        const auto digits = text.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
        if (part == bytes.size() || digits.empty() || digits.size() > 3) return std::nullopt;
        unsigned value = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value > 255) return std::nullopt;
        bytes[part++] = static_cast<std::uint8_t>(value);
        if (dot == std::string_view::npos) break;
        pos = dot + 1;
    }
    if (part != bytes.size()) return std::nullopt;
    return dns::format_ipv4(bytes);
}

// A host name for receiving-mx-hostname: A-label form when it has one, else as recorded
// (the JSON writer replaces bytes that are not UTF-8, so hostile bytes stay valid I-JSON).
std::string host_text(std::string_view host) {
    if (host.empty()) return {};
    if (auto a_label = to_a_label_domain(host)) return *a_label;
    return std::string(host);
}

// FNV-1a, 64 bit: a stable, platform-independent hash for the report-id. It need not be
// cryptographic; it only has to differ between domains, days and seeds.
class fnv1a {
public:
    void add(std::string_view bytes) noexcept {
        for (const char c : bytes) {
            state_ ^= static_cast<unsigned char>(c);
            state_ *= prime;
        }
    }
    void add_number(std::uint64_t value) noexcept {
        for (int i = 0; i < 8; ++i) {
            state_ ^= (value >> (8 * i)) & 0xFFu;
            state_ *= prime;
        }
    }
    std::uint64_t value() const noexcept { return state_; }

private:
    static constexpr std::uint64_t prime = 0x100000001b3ULL;
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

std::string rfc3339_midnight(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    return fmt::format("{:04}-{:02}-{:02}T00:00:00Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::int64_t unix_seconds(std::chrono::sys_days day) {
    return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count();
}

// What makes two sessions belong to the same element of `policies`.
struct policy_key {
    policy_type type = policy_type::no_policy_found;
    std::vector<std::string> strings;
    std::vector<std::string> mx_patterns;

    auto operator<=>(const policy_key&) const = default;
};

// RFC 8460 §4.4: the members that make two failure-details entries the same entry.
struct detail_key {
    std::string result;
    std::string sending_ip;
    std::string mx_host;
    std::string helo;
    std::string receiving_ip;
    std::string reason_code;

    auto operator<=>(const detail_key&) const = default;
};

struct policy_tally {
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    std::map<detail_key, std::uint64_t> details;
};

using day_key = std::pair<std::string, std::chrono::sys_days>;

struct failure_entry {
    result_type result;
    std::string_view code;
    friend bool operator==(const failure_entry&, const failure_entry&) = default;
};

// The reportable failures of one session, each once (TLSRPT-28); empty for a success or
// for failures RFC 8460 §4.3.4 leaves unreported [TLSRPT-30].
std::vector<failure_entry> failures_of(const delivery::tlsrpt_record& r) {
    std::vector<failure_entry> out;
    const auto add = [&out](std::optional<result_type> result, std::optional<failure_reason> reason) {
        if (!result && reason) result = classify(*reason).result;
        if (!result) return;
        std::string_view code = reason ? to_string(*reason) : std::string_view();
        if (code.empty()) code = unspecified_reason_code;
        const failure_entry entry{*result, code};
        if (std::find(out.begin(), out.end(), entry) == out.end()) out.push_back(entry);
    };
    if (r.success) return out;
    add(r.result, r.reason);
    for (const auto further : r.further_reasons) add(std::nullopt, further);
    return out;
}

nlohmann::json policy_json(const std::string& domain, const policy_key& key, const policy_tally& tally) {
    nlohmann::json policy = nlohmann::json::object();
    policy["policy-type"] = std::string(to_string(key.type));
    // RFC 8460 §4.4 [TLSRPT-21, TLSRPT-24]: policy-string is an array even when empty.
    policy["policy-string"] = key.strings;
    policy["policy-domain"] = domain;
    // interpretation (ambiguity A18): mx-host is an array of strings, as the text of §4.4
    // and erratum 6241 say (the Appendix B example shows a single string). Only an sts
    // policy has mx patterns, so other policy types leave the member out.
    if (key.type == policy_type::sts) policy["mx-host"] = key.mx_patterns;

    nlohmann::json summary = nlohmann::json::object();
    summary["total-successful-session-count"] = tally.successes;
    summary["total-failure-session-count"] = tally.failures;

    nlohmann::json details = nlohmann::json::array();
    for (const auto& [d, count] : tally.details) {
        nlohmann::json entry = nlohmann::json::object();
        entry["result-type"] = d.result;
        if (!d.sending_ip.empty()) entry["sending-mta-ip"] = d.sending_ip;
        // interpretation: a policy fetch failure happens before any MX is contacted. An
        // empty string would be neither a host name nor an ip-address (TLSRPT-27), so the
        // members are left out instead.
        if (!d.mx_host.empty()) entry["receiving-mx-hostname"] = d.mx_host;
        if (!d.helo.empty()) entry["receiving-mx-helo"] = d.helo;
        if (!d.receiving_ip.empty()) entry["receiving-ip"] = d.receiving_ip;
        entry["failed-session-count"] = count;
        entry["failure-reason-code"] = d.reason_code;
        // interpretation: additional-information is a URI (RFC 8460 §4.4). The engine's
        // detail is prose, not a URI, so it stays in the mail log and out of the report.
        details.push_back(std::move(entry));
    }

    nlohmann::json element = nlohmann::json::object();
    element["policy"] = std::move(policy);
    element["summary"] = std::move(summary);
    element["failure-details"] = std::move(details);
    return element;
}

}  // namespace

std::chrono::sys_days utc_day_of(core::time_point at) { return std::chrono::floor<std::chrono::days>(at); }

std::string report_file_name(std::string_view submitter_domain, std::string_view policy_domain,
                             std::chrono::sys_days day, std::string_view unique_id, bool gzipped) {
    // RFC 8460 §5.1 [TLSRPT-15]: filename = sender "!" policy-domain "!" begin-timestamp
    // "!" end-timestamp [ "!" unique-id ] "." extension, extension "json" / "json.gz".
    const auto next = day + std::chrono::days{1};
    return fmt::format("{}!{}!{}!{}{}{}.{}", submitter_domain, policy_domain, unix_seconds(day), unix_seconds(next),
                       unique_id.empty() ? "" : "!", unique_id, gzipped ? "json.gz" : "json");
}

std::vector<report_file> build_daily_reports(std::span<const delivery::tlsrpt_record> records,
                                             const reporter_identity& reporter) {
    const std::string submitter = to_a_label_domain(reporter.submitter_domain).value_or(std::string(invalid_submitter));
    const std::string default_sending_ip = canonical_ip(reporter.sending_ip).value_or(std::string());

    std::map<day_key, std::map<policy_key, policy_tally>> groups;
    for (const auto& r : records) {
        auto domain = to_a_label_domain(r.policy_domain);
        if (!domain) continue;
        const auto failures = failures_of(r);
        if (!r.success && failures.empty()) continue;  // RFC 8460 §4.3.4: not reported

        policy_key key{r.policy, r.policy_strings, r.mx_patterns};
        auto& tally = groups[day_key{std::move(*domain), utc_day_of(r.at)}][std::move(key)];
        if (r.success) {
            ++tally.successes;
            continue;
        }
        // RFC 8460 §4.2: a session is counted once in the summary, and once under each
        // of its result types in failure-details [TLSRPT-28].
        ++tally.failures;
        const std::string sending_ip =
            r.sending_ip.empty() ? default_sending_ip : canonical_ip(r.sending_ip).value_or(default_sending_ip);
        for (const auto& f : failures) {
            detail_key d{std::string(to_string(f.result)), sending_ip,          host_text(r.mx_host),
                         host_text(r.receiving_helo),      canonical_ip(r.receiving_ip).value_or(std::string()),
                         std::string(f.code)};
            ++tally.details[std::move(d)];
        }
    }

    std::vector<report_file> out;
    out.reserve(groups.size());
    for (const auto& [key, policies] : groups) {
        const auto& [domain, day] = key;
        fnv1a hash;
        hash.add_number(reporter.report_id_seed);
        hash.add(domain);
        hash.add(std::string_view("\0", 1));
        hash.add_number(static_cast<std::uint64_t>(day.time_since_epoch().count()));
        const std::string unique_id = fmt::format("{:016x}", hash.value());

        report_file file;
        file.policy_domain = domain;
        file.day = day;
        file.report_id = unique_id + "@" + submitter;
        file.file_name = report_file_name(submitter, domain, day, unique_id, true);

        nlohmann::json elements = nlohmann::json::array();
        for (const auto& [policy, tally] : policies) elements.push_back(policy_json(domain, policy, tally));

        // RFC 8460 §4.4 [TLSRPT-22]: the top-level members. [TLSRPT-19]: the report
        // covers one full UTC day; RFC 3339 has no "24:00", so the range ends at the next
        // day's midnight (the file name's end-timestamp says the same).
        nlohmann::json range = nlohmann::json::object();
        range["start-datetime"] = rfc3339_midnight(day);
        range["end-datetime"] = rfc3339_midnight(day + std::chrono::days{1});
        nlohmann::json report = nlohmann::json::object();
        report["organization-name"] = reporter.organization_name;
        report["date-range"] = std::move(range);
        report["contact-info"] = reporter.contact_info;
        report["report-id"] = file.report_id;
        report["policies"] = std::move(elements);
        // RFC 8460 §4 [TLSRPT-20]: I-JSON. nlohmann::json keeps members unique and sorted
        // by name (so the bytes do not depend on insertion order), writes compact text,
        // and replaces bytes that are not UTF-8 by U+FFFD, so peer text in the records
        // cannot make the report invalid.
        file.json_text = report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        // RFC 8460 §5.2 [TLSRPT-16]: the report travels gzipped.
        file.gzip_bytes = gzip_compress(file.json_text);
        out.push_back(std::move(file));
    }
    return out;
}

}  // namespace sts::tlsrpt
