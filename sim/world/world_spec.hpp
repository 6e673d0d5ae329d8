// sim/world/world_spec.hpp
//
// The world part of a scenario (design.md "Scenario files"; issue 3, item 8) as plain
// data: the virtual start time and seed, the destination-control profiles, the DNS records
// and faults, and the mock hosts (policy hosts, SMTP receivers, CONNECT proxies) with the
// certificates they present. world_loader.hpp fills it from TOML; world.hpp brings it up on
// a network. Every mock is described here by its own config struct (mocks/), minus what
// only assembly knows: addresses, ports, issued certificates and TLSA data, which the
// spec refers to by host name (`cert:mx1.example.test`) so DANE scenarios stay consistent
// with the certificates the servers really present.
//
// Certificate validity is already absolute here: the loader turns "-1d" into a time point
// relative to `start`. Addresses are not in the spec: assembly numbers the hosts in the
// order they are listed (see world.hpp), so a file never has to spell one out.
#pragma once

#include "engine/core/planted_bug.hpp"
#include "engine/core/time.hpp"
#include "engine/delivery/destination_plan.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "engine/tls/profile.hpp"
#include "engine/tls/requirement.hpp"
#include "mocks/certs/leaf_spec.hpp"
#include "mocks/certs/tlsa.hpp"
#include "mocks/dns/fault.hpp"
#include "mocks/dns/zone.hpp"
#include "mocks/policy_host/policy_site.hpp"
#include "mocks/proxy/proxy_config.hpp"
#include "mocks/smtp/receiver_config.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sts::sim {

// 2024-09-26T15:23:39Z, the start of the example in design.md: a world that does not say
// when it starts starts here, so its certificates and logs never depend on the real date.
inline constexpr core::time_point default_world_start{core::duration{1'727'364'219'000}};

struct world_settings {
    core::time_point start = default_world_start;
    std::uint64_t seed = 1;
    core::duration latency{0};  // one way, on the simulated network only
};

// A TLSA record whose association data is computed at assembly from the certificate a
// mock host presents (usage 3: its leaf; usage 2: the leaf's issuer, or with `top_ca` the
// topmost intermediate the host sends, the one the root signed).
struct tlsa_reference {
    std::string host;  // lower-case name of an SMTP host or policy host (mta-sts.<domain>)
    bool top_ca = false;
    mocks::tlsa_usage usage = mocks::tlsa_usage::dane_ee;
    mocks::tlsa_selector selector = mocks::tlsa_selector::subject_public_key_info;
    mocks::tlsa_matching matching = mocks::tlsa_matching::sha256;
};

struct dns_entry {
    // The record (its RDATA a placeholder when `tlsa_from` is set); absent for an entry
    // that only describes a fault.
    std::optional<mocks::zone_record> record;
    std::optional<tlsa_reference> tlsa_from;
    std::optional<mocks::dns_fault> fault;
    std::size_t line = 0;  // where the entry starts, for assembly errors
};

// A policy host, or a TLS-RPT report endpoint (`[report_endpoint."<host>"]`): the same
// HTTPS mock, which answers POSTs to its path when config.post_status is set.
struct policy_host_spec {
    std::string domain;     // the policy domain; the host is mta-sts.<domain>; empty for a report endpoint
    std::string host_name;  // mta-sts.<domain> (or the endpoint's name), lower-case
    mocks::policy_host_config config;  // listen and tls.identity are filled at assembly
    mocks::leaf_spec cert;
};

struct smtp_host_spec {
    std::string host_name;  // lower-case
    mocks::receiver_config config;  // listen and tls.identity are filled at assembly
    mocks::leaf_spec cert;
};

struct proxy_spec {
    std::string host_name;  // lower-case
    mocks::connect_proxy_config config;  // listen, targets and interception_ca at assembly
};

// An SMTP route (seg-behaviour.md): mail for `domain` goes to these hosts, in order.
struct route_spec {
    std::string domain;  // lower-case recipient domain
    struct hop {
        std::string host;  // a name the world's DNS resolves, or an address
        std::uint16_t port = 25;
    };
    std::vector<hop> hops;
};

// `[engine.tlsrpt]`: the engine sends TLS-RPT aggregate reports (RFC 8460).
struct tlsrpt_reporting_spec {
    std::string organization = "mtasts-sim gateway";
    std::string contact = "tlsrpt@gateway.sim.test";  // contact-info; its domain is the submitter
    core::duration send_delay = std::chrono::hours{1};  // after the end of the UTC day
    bool dkim = true;  // sign report mail with a key derived from the world's seed
    std::string dkim_selector = "tlsrpt";
};

// How the engine under test is configured for this world (`[engine]`, `proxy` keys of
// profiles, `[route]`): plain data; sim/world/engine_setup.hpp turns it into the engine's
// configuration once the world has addresses.
struct engine_spec {
    log::level log_level = log::level::info;
    tls::route_semantics route_mode = tls::route_semantics::gateway_bypass;
    std::string proxy;  // the [proxy] host every policy fetch goes through; empty: direct
    std::map<std::string, std::string> profile_proxies;  // profile key → [proxy] host
    std::vector<route_spec> routes;
    std::optional<core::duration> queue_lifetime;
    std::vector<core::duration> retry_delays;  // empty: the engine's defaults
    std::optional<std::size_t> concurrency;
    mtasts::txt_error_handling txt_temp_error = mtasts::txt_error_handling::proceed;
    std::optional<tlsrpt_reporting_spec> tlsrpt;  // absent: no reports are sent
    // Not a file key: set by `run --plant` to prove the suite catches a planted bug.
    core::planted_bug planted_bug = core::planted_bug::none;
    // Not a file key: `explain` watches the engine's destination plans through it.
    std::function<void(const delivery::destination_plan&)> plan_observer;
};

struct world_spec {
    std::string file;  // where it was read from, for messages
    world_settings settings;
    // Keys as written: "default", "example.test" or ".example.test".
    std::map<std::string, tls::profile> profiles;
    std::vector<dns_entry> dns;
    std::vector<policy_host_spec> policy_hosts;  // in file order (TOML tables are sorted by key)
    std::vector<smtp_host_spec> smtp_hosts;
    std::vector<proxy_spec> proxies;
    engine_spec engine;

    // The host presenting a certificate, by lower-case name: an SMTP host or a policy host.
    const mocks::leaf_spec* certificate_of(const std::string& host) const;
};

}  // namespace sts::sim
