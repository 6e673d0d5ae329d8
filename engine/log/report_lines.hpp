// engine/log/report_lines.hpp
//
// The wording of the mail-log lines the TLS-RPT reporter writes
// (engine/delivery/tlsrpt_reporter.hpp). The gateway's documented logs show none: every
// line here is ours, in the style of the product's lines, listed in docs/mail-log.md. Each
// starts with `TLS-RPT:` so operators can grep the reporting story of a day apart from
// delivery. Text from a DNS record (rua URIs) or a peer (an HTTP reason phrase, already in
// `detail`) is quoted with core::quote_peer_text.
#pragma once

#include "engine/core/time.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sts::log {

// "2024-09-26"
std::string utc_date_text(std::chrono::sys_days day);

std::string report_without_policy(std::string_view domain, std::chrono::sys_days day, std::string_view why);
std::string report_sent(std::string_view file, std::string_view domain, std::string_view uri, unsigned status);
std::string report_endpoint_failed(std::string_view file, std::string_view domain, std::string_view uri,
                                   std::string_view detail);
std::string report_handed_to_queue(std::string_view file, std::string_view domain, std::string_view uri,
                                   std::uint64_t mid);
std::string report_retry(std::string_view file, std::string_view domain, core::time_point at);
std::string report_given_up(std::string_view file, std::string_view domain, unsigned rounds);

}  // namespace sts::log
