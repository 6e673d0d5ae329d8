#include "sim/scenario/scenario_spec.hpp"

#include <fmt/format.h>

namespace sts::sim {

std::string_view to_string(expected_outcome o) {
    switch (o) {
        case expected_outcome::delivered: return "delivered";
        case expected_outcome::queued: return "queued";
        case expected_outcome::deferred: return "deferred";
        case expected_outcome::bounced: return "bounced";
    }
    return "?";
}

std::string_view to_string(semantics_profile p) {
    switch (p) {
        case semantics_profile::gateway: return "gateway";
        case semantics_profile::rfc8461: return "rfc8461";
    }
    return "?";
}

namespace {

std::string quoted_list(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", l);
    return "[" + out + "]";
}

std::string count_text(const scenario_expectation& e) {
    return fmt::format("{}{}", e.at_least ? "at_least " : "count ", e.count);
}

}  // namespace

std::string describe(const scenario_expectation& e) {
    using k = scenario_expectation::kind;
    switch (e.what) {
        case k::recipient: {
            auto text = fmt::format("recipient {} outcome {}", e.subject, to_string(e.outcome));
            if (e.via) text += fmt::format(" via {}", *e.via);
            if (e.tls) text += fmt::format(" tls {}", *e.tls);
            if (e.attempts) text += fmt::format(" attempts {}", *e.attempts);
            if (e.dsn) text += fmt::format(" dsn {}", *e.dsn);
            return text;
        }
        case k::log_present: return fmt::format("log \"{}\"", e.subject);
        case k::log_absent: return fmt::format("log_absent \"{}\"", e.subject);
        case k::log_order: return fmt::format("log_order {}", quoted_list(e.lines));
        case k::log_contains: return fmt::format("log_contains \"{}\"", e.subject);
        case k::log_contains_absent: return fmt::format("log_contains_absent \"{}\"", e.subject);
        case k::contacted: return fmt::format("contacted {}", e.subject);
        case k::not_contacted: return fmt::format("not_contacted {}", e.subject);
        case k::policy_fetches: return fmt::format("policy_fetches {}", e.count);
        case k::dns_queries:
            return fmt::format("dns_queries {} {} {}", e.subject, dns::type_name(e.type), count_text(e));
        case k::tlsrpt: {
            auto text = std::string("tlsrpt");
            if (!e.subject.empty()) text += fmt::format(" domain {}", e.subject);
            if (e.policy) text += fmt::format(" policy {}", *e.policy);
            if (e.result) text += fmt::format(" result {}", *e.result);
            if (e.success) text += fmt::format(" success {}", *e.success);
            return text + " " + (e.at_least && e.count == 1 ? std::string("at least one") : count_text(e));
        }
        case k::tlsrpt_report: {
            auto text = fmt::format("tlsrpt_report {} {}", e.subject, e.pointer);
            if (e.equals_json) text += fmt::format(" equals {}", *e.equals_json);
            if (e.exists) text += *e.exists ? " exists" : " absent";
            return text;
        }
        case k::received: return fmt::format("received {} contains \"{}\"", e.subject, e.text);
        case k::received_absent: return fmt::format("received_absent {} contains \"{}\"", e.subject, e.text);
        case k::cache: {
            auto text = fmt::format("cache {} {}", e.subject, e.present ? "present" : "absent");
            if (e.policy_id) text += fmt::format(" id {}", *e.policy_id);
            if (e.mode) text += fmt::format(" mode {}", *e.mode);
            return text;
        }
    }
    return "?";
}

}  // namespace sts::sim
