// engine/delivery/destination_planner.hpp
//
// Turns a recipient domain into a destination_plan (destination_plan.hpp): everything the
// queue needs before it connects anywhere. The steps, in order:
//
//   1. the destination-control profile of the domain (engine/tls/profile.hpp);
//   2. the next hops: an SMTP route's hosts (smtp_route.hpp), or the MX lookup with the
//      RFC 7505 null MX, the RFC 5321 §5.1 implicit MX, and the MX order of mx_order.hpp;
//   3. MTA-STS, when the profile turns it on and TLS is not "No": the `_mta-sts` TXT
//      lookup (RFC 8461 §3.1), the policy cache's decision (engine/mtasts/policy_cache.hpp)
//      and, when it asks, one policy fetch through the fetcher port (RFC 8461 §3.3);
//   4. per host, in order: its A lookup, its DANE outcome (dane_reduction.hpp, TLSA looked
//      up only when the profile's DANE setting is not None), its MTA-STS outcome (the
//      policy's mx patterns, RFC 8461 §4.1) and tls::decide()'s requirement.
//
// It writes the policy phase of the mail log (engine/log/policy_lines.hpp) in the order of
// log-format.md's "successful first delivery"; the queue writes the rest.
//
// Deliberately not here: connecting, retrying, TLS-RPT bookkeeping (the plan carries the
// reasons), the bounce-time policy recheck (the queue asks the cache itself), AAAA lookups
// (the simulated and loopback worlds are IPv4; an AAAA step would go next to the A step),
// and CNAME-expanded TLSA base domains (DANE-21..24: the MX host name is the base).
// The planner is driven from the engine's one event loop and is not thread-safe; it must
// outlive every plan it started (its handlers capture it).
#pragma once

#include "engine/core/clock.hpp"
#include "engine/core/planted_bug.hpp"
#include "engine/core/unique_function.hpp"
#include "engine/delivery/dane_reduction.hpp"
#include "engine/delivery/destination_plan.hpp"
#include "engine/delivery/smtp_route.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "engine/mtasts/policy_fetcher.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/tls/profile.hpp"
#include "engine/tls/requirement.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::delivery {

struct planner_config {
    planner_config(const tls::profile_table& profile_entries, const route_table& route_entries)
        : profiles(profile_entries), routes(route_entries) {}

    const tls::profile_table& profiles;
    const route_table& routes;
    tls::route_semantics route_mode = tls::route_semantics::gateway_bypass;
    // The HTTP CONNECT proxy for policy fetches: the profile entry's own ("example.com",
    // ".example.com", "default"), else the global one, else none.
    std::optional<net::endpoint> policy_proxy;
    std::map<std::string, net::endpoint, std::less<>> profile_policy_proxy;
    std::uint16_t smtp_port = 25;  // the port MX hosts are contacted on
    std::uint64_t seed = 1;        // MX tie-breaks (mx_order.hpp)
    // Runs a function later, never from inside the call (the engine posts to its
    // io_context). Used only for plans that need no lookup at all, so that the plan
    // handler is never called from inside plan().
    std::function<void(core::unique_function<void()>)> post;
    // Debug `DNS query: Q(...)` / `DNS encache (...)` lines for every lookup, not only the
    // `_mta-sts` TXT lookup the product's documented traces show.
    bool log_every_dns_lookup = false;
    // Test-only (engine/core/planted_bug.hpp): set from engine_config::planted_bug.
    core::planted_bug planted_bug = core::planted_bug::none;
};

class destination_planner {
public:
    using plan_handler = core::unique_function<void(destination_plan)>;

    // Writes the default-profile warning at once when the profile table asks for it.
    // Throws std::invalid_argument when config.post is empty (a wiring mistake).
    destination_planner(dns::resolver& resolver, mtasts::policy_fetcher& fetcher, mtasts::policy_cache& cache,
                        log::mail_log& log, const core::clock& clock, planner_config config);
    ~destination_planner();
    destination_planner(const destination_planner&) = delete;
    destination_planner& operator=(const destination_planner&) = delete;

    // Plans the delivery to `domain` (the part after '@', any case, or an address
    // literal "[192.0.2.1]"). The handler runs exactly once, never from inside the call.
    // What a plan is for. A TLS-RPT report mail (RFC 8460 §3, §5.3 [TLSRPT-09,
    // TLSRPT-10]) must be delivered whatever MTA-STS and DANE say: it is planned with the
    // report profile (TLS Preferred, no DANE, no MTA-STS) instead of the domain's.
    enum class purpose { mail, tlsrpt_report };

    void plan(std::string_view domain, plan_handler handler, purpose why = purpose::mail);

    // The Policy Domain of an RFC 8461 §3.4 smart host (ambiguity A13): the relay host name
    // without its left-most label when it has three labels or more ("smtp.relay.example"
    // → "relay.example"), else the name itself; empty for an address literal.
    static std::string relay_policy_domain(std::string_view relay_host);

private:
    struct job;
    using job_ptr = std::shared_ptr<job>;

    void lookup(std::string name, dns::rr_type type, bool always_log,
                core::unique_function<void(dns::lookup_result)> next);
    void start_route(const job_ptr& j, const smtp_route& route);
    void on_mx(const job_ptr& j, dns::lookup_result r);
    void start_mta_sts(const job_ptr& j);
    void on_txt(const job_ptr& j, dns::lookup_result r);
    void handle_decision(const job_ptr& j, mtasts::cache_decision d);
    void start_fetch(const job_ptr& j, const std::string& policy_id);
    void on_fetch(const std::string& policy_domain, const std::string& policy_id, mtasts::fetch_report report);
    void finish_policy(const job_ptr& j, mtasts::cache_decision d,
                       std::optional<tlsrpt::failure_reason> fetch_reason);
    void next_host(const job_ptr& j);
    void on_address(const job_ptr& j, dns::lookup_result r);
    void on_tlsa(const job_ptr& j, dns::lookup_result r);
    void finish_host(const job_ptr& j, dane_result dane);
    void fail(const job_ptr& j, plan_status status, std::optional<tlsrpt::failure_reason> failure,
              std::string detail);
    void complete(const job_ptr& j);

    dns::resolver* resolver_;
    mtasts::policy_fetcher* fetcher_;
    mtasts::policy_cache* cache_;
    log::mail_log* log_;
    const core::clock* clock_;
    planner_config config_;
    // Plans waiting for a fetch another plan started (cache_action::await_fetch), by
    // (policy domain, policy id). The entry exists while that fetch runs.
    std::map<std::pair<std::string, std::string>, std::vector<job_ptr>, std::less<>> fetch_waiters_;
};

}  // namespace sts::delivery
