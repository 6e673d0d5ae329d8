#include "engine/log/report_lines.hpp"

#include "engine/core/peer_text.hpp"
#include "engine/log/mail_log.hpp"

#include <fmt/format.h>

namespace sts::log {

std::string utc_date_text(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()));
}

std::string report_without_policy(std::string_view domain, std::chrono::sys_days day, std::string_view why) {
    return fmt::format("TLS-RPT: no reporting policy for domain({}) ({}): the report for {} is not sent", domain, why,
                       utc_date_text(day));
}

std::string report_sent(std::string_view file, std::string_view domain, std::string_view uri, unsigned status) {
    return fmt::format("TLS-RPT: report {} for domain({}) sent to {} (HTTP {})", file, domain,
                       core::quote_peer_text(uri), status);
}

std::string report_endpoint_failed(std::string_view file, std::string_view domain, std::string_view uri,
                                   std::string_view detail) {
    return fmt::format("TLS-RPT: report {} for domain({}) to {} failed: {}", file, domain, core::quote_peer_text(uri),
                       detail);
}

std::string report_handed_to_queue(std::string_view file, std::string_view domain, std::string_view uri,
                                   std::uint64_t mid) {
    return fmt::format("TLS-RPT: report {} for domain({}) queued as MID {} for {}", file, domain, mid,
                       core::quote_peer_text(uri));
}

std::string report_retry(std::string_view file, std::string_view domain, core::time_point at) {
    return fmt::format("TLS-RPT: report {} for domain({}) will be retried at {}", file, domain, format_timestamp(at));
}

std::string report_given_up(std::string_view file, std::string_view domain, unsigned rounds) {
    return fmt::format("TLS-RPT: report {} for domain({}) given up after {} round(s) over its endpoints", file, domain,
                       rounds);
}

}  // namespace sts::log
