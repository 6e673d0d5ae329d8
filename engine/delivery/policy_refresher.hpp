// engine/delivery/policy_refresher.hpp
//
// Proactive refresh of cached MTA-STS policies (RFC 8461 §5.1, §10.2; STS-CACHE-07,
// STS-CACHE-08, STS-CACHE-09, STS-SEC-05): a sender that refreshes a policy well before it
// expires keeps enforce protection even when an attacker later blocks the TXT record or
// the policy host, because the policy it holds never lapses while the domain is in use.
//
// The policy cache (engine/mtasts/policy_cache.hpp) decides when each refresh is due and
// what a refresh outcome means; this class only wakes at cache.next_wakeup() on the timer
// port, fetches through the policy fetcher port (with the proxy the domain's profile
// names) and reports back. It writes the refresh lines of docs/mail-log.md. Failures are
// also handed to a callback so the engine can record them for TLS-RPT (STS-RPT-02).
#pragma once

#include "engine/core/clock.hpp"
#include "engine/core/unique_function.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "engine/mtasts/policy_fetcher.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/net/timer_service.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sts::delivery {

struct refresh_hooks {
    // The proxy a fetch for `domain` goes through (the profile's, else the global one).
    std::function<std::optional<net::endpoint>(std::string_view domain)> proxy_for;
    // A refresh failure TLS-RPT should report (refresh_result::report_failure).
    std::function<void(const std::string& domain, const mtasts::fetch_report& report)> on_reported_failure;
};

class policy_refresher {
public:
    policy_refresher(mtasts::policy_cache& cache, mtasts::policy_fetcher& fetcher, net::timer_service& timers,
                     const core::clock& clock, log::mail_log& log, refresh_hooks hooks);
    ~policy_refresher();
    policy_refresher(const policy_refresher&) = delete;
    policy_refresher& operator=(const policy_refresher&) = delete;

    // Re-arms the wake-up at the cache's next due refresh; call after anything that may
    // have stored a policy. Cheap when nothing changed.
    void kick();
    // Cancels the wake-up; fetches in flight complete into nothing.
    void stop();

    std::uint64_t refreshes_started() const;

private:
    struct state;
    void wake();
    std::shared_ptr<state> state_;
};

}  // namespace sts::delivery
