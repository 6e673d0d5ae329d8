// sim/world/engine_setup.cpp
#include "sim/world/engine_setup.hpp"

#include "mocks/certs/deterministic_key.hpp"

#include "sim/world/world.hpp"

#include <fmt/format.h>

#include <chrono>

namespace sts::sim {

std::string gateway_address(const std::string& address_prefix) { return address_prefix + ".0.0.1"; }

namespace {

core::result<net::endpoint, std::string> proxy_endpoint(const world& w, const std::string& host) {
    auto at = w.endpoint_of(host, "proxy");
    if (!at) return core::failure(fmt::format("no running proxy \"{}\"", host));
    return *at;
}

}  // namespace

core::result<delivery::engine_config, std::string> engine_settings_of(const world_spec& spec) {
    delivery::engine_config config;
    for (const auto& [key, p] : spec.profiles)
        if (auto finding = config.profiles.add(key, p))
            return core::failure(fmt::format("profile \"{}\": {}", key, finding->rule));
    for (const auto& route : spec.engine.routes) {
        delivery::smtp_route r;
        for (const auto& hop : route.hops) r.hops.push_back({hop.host, hop.port});
        config.routes.emplace(route.domain, std::move(r));
    }
    config.route_mode = spec.engine.route_mode;
    config.log_level = spec.engine.log_level;
    if (spec.engine.queue_lifetime)
        config.queue_lifetime = std::chrono::duration_cast<std::chrono::seconds>(*spec.engine.queue_lifetime);
    if (!spec.engine.retry_delays.empty()) {
        config.retry_delays.clear();
        for (auto d : spec.engine.retry_delays)
            config.retry_delays.push_back(std::chrono::duration_cast<std::chrono::seconds>(d));
    }
    if (spec.engine.concurrency) config.concurrent_deliveries_max = *spec.engine.concurrency;
    config.cache.txt_temp_error_without_cache = spec.engine.txt_temp_error;
    config.seed = spec.settings.seed;
    config.planted_bug = spec.engine.planted_bug;
    config.plan_observer = spec.engine.plan_observer;
    if (const auto& t = spec.engine.tlsrpt) {
        auto& r = config.tlsrpt_reporting;
        r.enabled = true;
        r.identity.organization_name = t->organization;
        r.identity.contact_info = t->contact;
        r.identity.submitter_domain = t->contact.substr(t->contact.rfind('@') + 1);
        r.identity.report_id_seed = spec.settings.seed;
        r.send_delay = t->send_delay;
        if (t->dkim) {
            // A test key derived from the seed, so signatures are the same on every run;
            // derived when the first report mail is signed (most worlds never sign one), and
            // then kept by shared_key's process-wide cache.
            r.dkim = tlsrpt::dkim_key{r.identity.submitter_domain, t->dkim_selector, {},
                                      [seed = spec.settings.seed, label = "dkim:" + r.identity.submitter_domain] {
                                          return mocks::shared_key_pem(seed, label, mocks::key_type::rsa_2048);
                                      }};
        }
    }
    return config;
}

core::result<delivery::engine_config, std::string> engine_config_for(const world& w,
                                                                     const std::string& address_prefix) {
    const auto& spec = w.spec();
    auto settings = engine_settings_of(spec);
    if (!settings.has_value()) return settings;
    delivery::engine_config config = std::move(settings).value();
    config.nameserver = w.dns_endpoint();
    config.trust_store_pem = w.trust_store_pem();
    if (!spec.engine.proxy.empty()) {
        auto at = proxy_endpoint(w, spec.engine.proxy);
        if (!at.has_value()) return core::failure(at.error());
        config.policy_proxy = at.value();
    }
    for (const auto& [profile_key, host] : spec.engine.profile_proxies) {
        auto at = proxy_endpoint(w, host);
        if (!at.has_value()) return core::failure(at.error());
        config.profile_policy_proxy.emplace(profile_key, at.value());
    }
    // Every SMTP host of one world listens on the same port (25, or base + 25 on loopback).
    if (!spec.smtp_hosts.empty())
        if (auto at = w.endpoint_of(spec.smtp_hosts.front().host_name, "smtp")) config.smtp_port = at->port;
    // ... and every policy host on the same HTTPS port (443, or base + 443).
    if (!spec.policy_hosts.empty())
        if (auto at = w.endpoint_of(spec.policy_hosts.front().host_name, "https")) config.policy_port = at->port;
    config.interface_address = gateway_address(address_prefix);
    return config;
}

}  // namespace sts::sim
