// engine/delivery/tlsrpt_reporter.hpp
//
// Sends the engine's TLS-RPT aggregate reports (RFC 8460): once a UTC day has ended, and
// a configured delay later (§4.1 suggests spreading reports out [TLSRPT-19]), one report
// per policy domain with sessions that day (aggregate_report.hpp) goes to the endpoints
// of the domain's `_smtp._tls` record (reporting_policy.hpp; no valid record: no report
// [TLSRPT-01, TLSRPT-04]). The endpoints are tried in record order [TLSRPT-07]:
//
//   - https: an HTTPS POST of the gzipped report (https_report_poster.hpp); a 2xx ends
//     the delivery, anything else moves on to the next endpoint;
//   - mailto: the report mail (report_message.hpp, DKIM-signed when a key is configured
//     [TLSRPT-11]) is handed to the engine's own queue as a report message, which is
//     delivered whatever MTA-STS and DANE say, in clear if TLS fails [TLSRPT-09,
//     TLSRPT-10], and whose sessions are not counted in later reports. The queue's own
//     retries and DSNs then apply, so the hand-over ends the delivery.
//
// When every endpoint failed, the round is retried on the retry delays, for at most
// 24 hours after the first attempt [TLSRPT-18]; then the report is given up with a
// warning. Every step writes a `TLS-RPT:` line to the mail log (docs/mail-log.md).
//
// interpretation: the delay after midnight is fixed per engine (the configuration
// derives it from the seed), so reruns send at the same virtual time.
//
// Deliberately not here: what is recorded during delivery (the engine's tlsrpt_record
// list), the report's content and file name, and the mail's composition.
#pragma once

#include "engine/core/time.hpp"
#include "engine/core/unique_function.hpp"
#include "engine/delivery/message.hpp"
#include "engine/delivery/tlsrpt_record.hpp"
#include "engine/tlsrpt/aggregate_report.hpp"
#include "engine/tlsrpt/dkim_signature.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sts::core {
class clock;
}

namespace sts::net {
class timer_service;
}

namespace sts::dns {
class resolver;
}

namespace sts::log {
class mail_log;
}

namespace sts::tlsrpt {
class https_report_poster;
}

namespace sts::delivery {

struct tlsrpt_reporting_config {
    bool enabled = false;
    tlsrpt::reporter_identity identity;
    std::optional<tlsrpt::dkim_key> dkim;
    // After the end of the UTC day (RFC 8460 §4.1 [TLSRPT-19]).
    core::duration send_delay = std::chrono::hours{1};
    // RFC 8460 §5.5 [TLSRPT-18]: exponential back-off between rounds; the sum stays under
    // the 24 hours retries may last (21 h 15 min here).
    std::vector<core::duration> retry_delays = {std::chrono::minutes{5},   std::chrono::minutes{10},
                                                std::chrono::minutes{20},  std::chrono::minutes{40},
                                                std::chrono::minutes{80},  std::chrono::minutes{160},
                                                std::chrono::minutes{320}, std::chrono::minutes{640}};
    core::duration retry_window = std::chrono::hours{24};
};

// What became of one report.
enum class report_fate { sent, handed_to_queue, no_reporting_policy, given_up };

struct report_delivery {
    std::string policy_domain;
    std::string file_name;
    report_fate fate = report_fate::given_up;
    std::string endpoint;  // the URI that took it; empty otherwise
    unsigned attempts = 0;  // rounds over the endpoints
    core::time_point at{};  // when its fate was decided
};

std::string_view to_string(report_fate fate);

struct tlsrpt_reporter_ports {
    net::timer_service& timers;
    const core::clock& clock;
    dns::resolver& resolver;
    tlsrpt::https_report_poster& poster;
    log::mail_log& log;
    // The engine's records so far (the reporter picks one day's out of them).
    std::function<const std::vector<tlsrpt_record>&()> records;
    // Hands a report mail to the engine's queue; returns its MID.
    std::function<std::uint64_t(message)> submit_report_mail;
};

class tlsrpt_reporter {
public:
    tlsrpt_reporter(tlsrpt_reporting_config config, tlsrpt_reporter_ports ports);
    ~tlsrpt_reporter();
    tlsrpt_reporter(const tlsrpt_reporter&) = delete;
    tlsrpt_reporter& operator=(const tlsrpt_reporter&) = delete;

    // Arms the first day's timer (nothing happens when reporting is off).
    void start();
    // Cancels timers; uploads in flight end on their own deadline and are ignored.
    void stop();

    const std::vector<report_delivery>& deliveries() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::delivery
