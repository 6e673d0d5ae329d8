#include "sim/scenario/scenario_spec.hpp"

#include <fmt/format.h>

namespace sts::sim {

std::string_view to_string(expected_outcome o) {
    switch (o) {
        case expected_outcome::delivered: return "delivered";
        case expected_outcome::queued: return "queued";
        case expected_outcome::bounced: return "bounced";
    }
    return "?";
}

std::string describe(const scenario_expectation& e) {
    using k = scenario_expectation::kind;
    switch (e.what) {
        case k::recipient: {
            auto text = fmt::format("recipient {} outcome {}", e.subject, to_string(e.outcome));
            if (e.via) text += fmt::format(" via {}", *e.via);
            if (e.tls) text += fmt::format(" tls {}", *e.tls);
            return text;
        }
        case k::log_present: return fmt::format("log \"{}\"", e.subject);
        case k::log_absent: return fmt::format("log_absent \"{}\"", e.subject);
        case k::contacted: return fmt::format("contacted {}", e.subject);
        case k::not_contacted: return fmt::format("not_contacted {}", e.subject);
        case k::policy_fetches: return fmt::format("policy_fetches {}", e.count);
    }
    return "?";
}

}  // namespace sts::sim
