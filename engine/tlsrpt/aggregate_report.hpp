// engine/tlsrpt/aggregate_report.hpp
//
// The TLS-RPT aggregate report (RFC 8460 §4): what the engine observed about one policy
// domain during one UTC day, as the I-JSON document of §4.4 plus its gzip form and the
// file name of §5.1. build_daily_reports() turns the engine's delivery::tlsrpt_record
// list into one report per (policy domain, UTC day) present in it:
//
//   - date-range is the whole day, 00:00:00Z to the next day's 00:00:00Z (TLSRPT-19);
//   - policies is always an array (TLSRPT-21), one element per distinct policy seen that
//     day (type, policy-string, mx-host): a policy that changed mid-day gives two;
//   - summary counts sessions (TLSRPT-25); failure-details groups identical detail tuples
//     with their failed-session-count, and a session that failed in several ways is
//     counted under each result type (TLSRPT-28);
//   - every failure-details entry carries failure-reason-code (TLSRPT-29);
//   - domains are A-labels (TLSRPT-15, TLSRPT-23), IPs canonical text (TLSRPT-27);
//   - report-id and file name are derived from the domain, the day and a seed, never from
//     chance or the clock, so the same records give byte-identical reports.
//
// Deliberately not here: discovering where the report goes (reporting_policy.hpp), when it
// is sent (§4.1 suggests a random delay; the caller decides), the mail or HTTPS delivery
// (§5.3, §5.4) and retries (§5.5). Records of failures that RFC 8460 §4.3.4 leaves
// unreported (classify() gives no result type) are left out of the counts altogether.
#pragma once

#include "engine/delivery/tlsrpt_record.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sts::tlsrpt {

// RFC 8460 §5.3, §5.4 [TLSRPT-12, TLSRPT-17]: the media types of a report.
inline constexpr std::string_view json_media_type = "application/tlsrpt+json";
inline constexpr std::string_view gzip_media_type = "application/tlsrpt+gzip";

// Who writes the reports (RFC 8460 §4.4 top-level members, §5.1 file name).
struct reporter_identity {
    std::string organization_name;  // organization-name
    std::string contact_info;       // contact-info, an addr-spec: "tlsrpt@sender.example"
    // The sending domain: the first part of the file name, the TLS-Report-Submitter header
    // and the domain part of every report-id. Should be the domain of contact-info
    // (TLSRPT-13).
    std::string submitter_domain;
    // sending-mta-ip for records that do not name one.
    std::string sending_ip;
    // Distinguishes the report-ids of separate runs (or separate reporters) that report
    // the same domain and day; the same seed gives the same ids.
    std::uint64_t report_id_seed = 0;
};

// One report, ready to be attached or POSTed.
struct report_file {
    std::string policy_domain;  // A-label form
    std::chrono::sys_days day{};
    std::string report_id;  // "<unique-id>@<submitter>"; the Subject wraps it in <...>
    // RFC 8460 §5.1 [TLSRPT-15]: "<submitter>!<policy-domain>!<begin>!<end>!<unique-id>.json.gz".
    std::string file_name;
    std::string json_text;  // application/tlsrpt+json
    std::vector<std::uint8_t> gzip_bytes;  // application/tlsrpt+gzip, the gzip of json_text

    friend bool operator==(const report_file&, const report_file&) = default;
};

// The UTC day `at` falls on.
std::chrono::sys_days utc_day_of(core::time_point at);

// RFC 8460 §5.1 [TLSRPT-15]: sender!policy-domain!begin-timestamp!end-timestamp!unique-id
// with extension ".json.gz" (gzipped) or ".json". The domains are used as given (the
// caller passes A-labels); the timestamps are the Unix seconds of the day's two midnights.
std::string report_file_name(std::string_view submitter_domain, std::string_view policy_domain,
                             std::chrono::sys_days day, std::string_view unique_id, bool gzipped);

// One report per (policy domain, UTC day) found in `records`, ordered by domain (A-label)
// then day. Records whose policy domain has no A-label form are left out.
std::vector<report_file> build_daily_reports(std::span<const delivery::tlsrpt_record> records,
                                             const reporter_identity& reporter);

}  // namespace sts::tlsrpt
