// engine/delivery/engine.hpp
//
// The sending engine: the facade a world (simulated or loopback) or `mtasts-sim send`
// drives. Messages go in with submit(); each recipient ends delivered, deferred (still
// queued, with a retry planned on the timer port) or bounced (with an RFC 3464 DSN to the
// sender, dsn.hpp), and the engine counts them so the conservation invariant
// (accepted = delivered + bounced + queued) can be checked at any time; it checks it
// itself after every transition and logs `Critical:` should it ever fail.
//
// Per (message, domain) job: the destination planner (destination_planner.hpp) gives the
// hosts and their TLS requirements, hosts are tried in order (RFC 8461 §5.1
// [STS-APPLY-10]; skip_mx hosts never get a connection), smtp::run_session runs each
// session, and the mail log gets the delivery lines of engine/log/delivery_lines.hpp.
// Transient failures follow the retry schedule (retry_schedule.hpp); at the end of the
// queue lifetime an enforce failure is re-checked against a fresh, uncached `_mta-sts` TXT
// lookup before it bounces (RFC 8461 §5.1 [STS-APPLY-14]). Every session and every
// failure known before connecting leaves a TLS-RPT record (tlsrpt_record.hpp); TCP
// connection failures do not (RFC 8460 §4.3.4).
//
// It reaches the world only through the ports in engine_ports (network, timers, clock,
// the Asio executor its handlers run on) and writes the gateway-style mail log through
// the sink it is given. The ports must outlive the engine. After stop(), handlers still
// queued on the io_context change nothing and every lookup and session runs to its
// timeout, so the io_context drains; destroy the engine only once it has drained, or when
// the io_context will not run again (the planner's and resolver's handlers point into the
// engine). Not here: sharing one session among several messages to a domain, proactive
// policy refresh, persistence.
#pragma once

#include "engine/core/clock.hpp"
#include "engine/core/planted_bug.hpp"
#include "engine/core/result.hpp"
#include "engine/core/time.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/smtp/client.hpp"
#include "engine/tls/profile.hpp"
#include "engine/tls/requirement.hpp"
#include "engine/delivery/destination_plan.hpp"
#include "engine/delivery/message.hpp"
#include "engine/delivery/smtp_route.hpp"
#include "engine/delivery/tlsrpt_record.hpp"
#include "engine/delivery/tlsrpt_reporter.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}
namespace sts::net {
class network;
class timer_service;
}  // namespace sts::net

namespace sts::delivery {

struct engine_config {
    tls::profile_table profiles;
    route_table routes;  // key: recipient domain, lower case
    tls::route_semantics route_mode = tls::route_semantics::gateway_bypass;
    net::endpoint nameserver;
    std::string trust_store_pem;
    std::optional<net::endpoint> policy_proxy;                               // global
    std::map<std::string, net::endpoint, std::less<>> profile_policy_proxy;  // per profile entry
    std::string interface_address = "10.0.0.1";
    std::string ehlo_name = "gateway.sim.test";
    std::uint16_t smtp_port = 25;  // the port MX hosts are contacted on
    std::uint16_t policy_port = 443;  // the port policy hosts are contacted on (RFC 8461 §3.3)
    log::level log_level = log::level::info;
    // Retries after a transient failure: the delay before each retry in turn, the last one
    // repeating; the message bounces once it has been queued for queue_lifetime.
    std::vector<std::chrono::seconds> retry_delays{std::chrono::minutes(1), std::chrono::minutes(5),
                                                   std::chrono::minutes(15), std::chrono::hours(1)};
    std::chrono::seconds queue_lifetime{std::chrono::hours(72)};
    std::size_t concurrent_deliveries_max = 10;
    smtp::session_timeouts smtp_timeouts;
    std::chrono::milliseconds dns_timeout{std::chrono::seconds(5)};
    unsigned dns_attempts = 2;
    mtasts::cache_config cache;
    std::uint64_t seed = 1;  // MX tie-breaks
    // TLS-RPT aggregate reports (RFC 8460), off unless enabled (tlsrpt_reporter.hpp).
    tlsrpt_reporting_config tlsrpt_reporting;
    // Test-only: a bug planted on purpose to prove the suite catches it (planted_bug.hpp).
    core::planted_bug planted_bug = core::planted_bug::none;
    // Sees every destination plan as the queue receives it (`mtasts-sim explain` tells the
    // decisions from it); nothing in the engine depends on it.
    std::function<void(const destination_plan&)> plan_observer;
    // The first MID and DCID (log-format.md: ids come from counters seeded per scenario).
    std::uint64_t mid_first = 1;
    std::uint64_t dcid_first = 1;
};

struct engine_ports {
    boost::asio::io_context& io;
    net::network& network;
    net::timer_service& timers;
    const core::clock& clock;
    log::sink& log;
};

enum class recipient_state { queued, delivered, bounced };

struct recipient_outcome {
    std::uint64_t mid = 0;
    unsigned rid = 0;
    std::string recipient;
    recipient_state state = recipient_state::queued;
    unsigned attempts = 0;
    std::string delivered_via;      // MX host name
    std::string delivered_address;  // ip:port
    std::string tls_protocol;       // empty: clear text
    std::string last_reply;         // the decisive SMTP reply or our reason
};

struct engine_counts {
    std::uint64_t accepted = 0;   // recipients accepted by submit()
    std::uint64_t delivered = 0;
    std::uint64_t bounced = 0;
    std::uint64_t queued = 0;     // deferred or in flight
    std::uint64_t in_flight = 0;  // of queued: being planned or on a session now
    std::uint64_t dsns = 0;       // DSNs generated for bounced recipients
    bool conserved() const { return accepted == delivered + bounced + queued; }
};

class engine {
public:
    // The error names what was wrong with the configuration (the trust store, say).
    static core::result<std::unique_ptr<engine>, std::string> create(engine_config config, engine_ports ports);
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // Accepts a message and starts delivering it; returns its MID.
    std::uint64_t submit(message m);

    engine_counts counts() const;
    std::vector<recipient_outcome> outcomes() const;  // in MID, RID order
    const std::vector<tlsrpt_record>& tlsrpt_records() const;
    // What became of each TLS-RPT report so far (empty when reporting is off).
    const std::vector<report_delivery>& report_deliveries() const;
    // DSNs generated, as RFC 3464 multipart/report messages, in order.
    const std::vector<message>& dsns() const;

    mtasts::policy_cache& cache();
    // Puts back entries of a persisted cache (a restart) and plans their proactive
    // refreshes; returns one message per entry the cache refused.
    std::vector<std::string> restore_cache(const std::vector<mtasts::cache_entry>& entries);
    const engine_config& config() const;

    // Stops the retry timer and makes every later event of a running lookup or session a
    // no-op (they end on their own timeouts); queued messages stay counted as queued.
    void stop();

private:
    struct impl;
    explicit engine(std::shared_ptr<impl> p);
    // Shared so that handlers still queued on the io_context can tell, through a weak
    // reference, that the engine is gone.
    std::shared_ptr<impl> impl_;
};

}  // namespace sts::delivery
