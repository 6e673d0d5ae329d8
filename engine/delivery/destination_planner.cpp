// engine/delivery/destination_planner.cpp
//
// One plan is one `job`, shared by the callbacks of its lookups and fetch; each step
// stores what it learnt in the job and starts the next. Hosts are resolved one after the
// other, in the order they will be tried, so the log and the query sequence are the same on
// every run.
#include "engine/delivery/destination_planner.hpp"

#include "engine/delivery/policy_proxy.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/delivery/mx_order.hpp"
#include "engine/dns/address.hpp"
#include "engine/log/policy_lines.hpp"
#include "engine/mtasts/mx_pattern.hpp"
#include "engine/mtasts/record.hpp"

#include <fmt/format.h>

#include <span>
#include <stdexcept>
#include <string>
#include <variant>

namespace sts::delivery {

namespace {

struct hop_candidate {
    std::string host;
    std::uint16_t preference = 0;
    std::uint16_t port = 25;
    bool literal = false;  // an IP address, used as it is
};

// "192.0.2.1", "[192.0.2.1]", "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3) or "2001:db8::1" as
// address text, or nothing when `text` is not an address.
std::optional<std::string> address_literal(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
        if (text.size() > 5 && core::equal_ignoring_case(text.substr(0, 5), "ipv6:")) {
            const auto v6 = dns::parse_ipv6(text.substr(5));
            if (v6) return dns::format_ipv6(*v6);
            return std::nullopt;
        }
    }
    if (const auto v4 = dns::parse_ipv4(text)) return dns::format_ipv4(*v4);
    if (const auto v6 = dns::parse_ipv6(text)) return dns::format_ipv6(*v6);
    return std::nullopt;
}

// A recipient domain worth asking the DNS about: 1-253 bytes of letters, digits, '-', '_'
// and '.', without empty labels. Anything else would only produce a lookup of garbage.
bool plausible_domain(std::string_view d) {
    if (d.empty() || d.size() > core::limits::dns_name_bytes_max - 2) return false;
    if (d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos) return false;
    for (const char c : d) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

std::string normalise(std::string_view name) { return core::to_ascii_lower(core::strip_root_dot(name)); }

// The TLS-RPT reason of a fetch failure whose report did not name one.
tlsrpt::failure_reason reason_of(mtasts::fetch_failure_kind kind) {
    using k = mtasts::fetch_failure_kind;
    using r = tlsrpt::failure_reason;
    switch (kind) {
        case k::host_unresolved: return r::policy_host_not_found;
        case k::connect_failed: return r::policy_host_connect_refused;
        case k::tls_failed: return r::policy_tls_handshake_failed;
        case k::webpki_invalid: return r::policy_certificate_invalid;
        case k::timeout: return r::policy_fetch_timeout;
        case k::http_status: return r::policy_http_status_not_200;
        case k::body_too_large: return r::policy_body_too_large;
        case k::media_type: return r::policy_media_type_wrong;
        case k::policy_invalid: return r::policy_body_invalid;
    }
    return r::policy_fetch_backoff;
}

// The product's "failed due to connection timeout" line covers every way a fetch can run
// out of time before a policy arrives.
bool is_timeout(const std::optional<tlsrpt::failure_reason>& reason, mtasts::fetch_failure_kind kind) {
    using r = tlsrpt::failure_reason;
    if (!reason) return kind == mtasts::fetch_failure_kind::timeout;
    return *reason == r::policy_host_connect_timeout || *reason == r::proxy_connect_timeout ||
           *reason == r::proxy_stalled || *reason == r::policy_fetch_timeout;
}

// RFC 8461 §4.1 [STS-MX-01, STS-MX-02]: the policy's patterns against the MX RDATA name.
tls::sts_outcome sts_outcome_for(const mtasts::effective_policy& p, std::string_view mx_host,
                                 core::planted_bug bug) {
    if (!p.value) return tls::sts_outcome::no_policy;
    // planted bug (tests only): skip_mx_match takes every host to be listed.
    const bool listed = bug == core::planted_bug::skip_mx_match || mtasts::policy_allows_mx(*p.value, mx_host);
    auto applied_mode = p.value->policy_mode;
    // planted bug (tests only): enforce_treated_as_testing and testing_treated_as_enforce
    // swap the mode the policy states for the other one.
    if (bug == core::planted_bug::enforce_treated_as_testing && applied_mode == mtasts::mode::enforce) {
        applied_mode = mtasts::mode::testing;
    } else if (bug == core::planted_bug::testing_treated_as_enforce && applied_mode == mtasts::mode::testing) {
        applied_mode = mtasts::mode::enforce;
    }
    switch (applied_mode) {
        case mtasts::mode::none:
            // RFC 8461 §5 [STS-APPLY-13]: mode none never looks at the patterns.
            return tls::sts_outcome::mode_none;
        case mtasts::mode::testing:
            return listed ? tls::sts_outcome::testing_mx_match : tls::sts_outcome::testing_mx_mismatch;
        case mtasts::mode::enforce:
            return listed ? tls::sts_outcome::enforce_mx_match : tls::sts_outcome::enforce_mx_mismatch;
    }
    return tls::sts_outcome::no_policy;
}

}  // namespace

struct destination_planner::job {
    destination_plan plan;
    plan_handler handler;
    bool in_plan_call = true;  // still inside plan(): the handler must be posted
    bool decided = false;      // status, failure and detail are final (set by fail())
    bool sts_wanted = false;
    bool dane_wanted = false;
    std::optional<tls::route_semantics> route;
    std::string next_hop_domain;  // decide()'s next_hop_domain
    // The MX lookup as DANE sees it; a route's hosts are configured locally, which is as
    // good as a secure MX RRset (RFC 7672 §2.2.1 treats locally configured next hops so).
    lookup_facts mx{dns::lookup_status::answer, dns::dnssec_status::secure};
    std::vector<hop_candidate> candidates;
    // Why the TXT lookup gave no usable record, for policy_failure.
    std::optional<tlsrpt::failure_reason> txt_reason;
    // The host being resolved.
    std::size_t index = 0;
    planned_host current;
    lookup_facts current_address;
    bool any_address_transient = false;
    bool domain_dane_logged = false;
};

destination_planner::destination_planner(dns::resolver& resolver, mtasts::policy_fetcher& fetcher,
                                         mtasts::policy_cache& cache, log::mail_log& log, const core::clock& clock,
                                         planner_config config)
    : resolver_(&resolver),
      fetcher_(&fetcher),
      cache_(&cache),
      log_(&log),
      clock_(&clock),
      config_(std::move(config)) {
    if (!config_.post) throw std::invalid_argument("destination_planner: planner_config::post is empty");
    // seg-behaviour.md: the product advises against MTA-STS on the default profile; the
    // engine warns and goes on.
    if (config_.profiles.mta_sts_on_default_profile()) log_->warning(log::default_profile_mta_sts_warning());
}

destination_planner::~destination_planner() = default;

std::string destination_planner::relay_policy_domain(std::string_view relay_host) {
    if (address_literal(relay_host)) return {};
    std::string host = normalise(relay_host);
    const auto first_dot = host.find('.');
    if (first_dot == std::string::npos) return host;
    // interpretation (A13): the relay's parent domain when the host name has a parent
    // below a TLD ("smtp.relay.example" → "relay.example"); a two-label name is its own
    // domain.
    if (host.find('.', first_dot + 1) == std::string::npos) return host;
    return host.substr(first_dot + 1);
}

void destination_planner::plan(std::string_view domain, plan_handler handler, purpose why) {
    auto j = std::make_shared<job>();
    j->handler = std::move(handler);
    destination_plan& p = j->plan;
    const std::string_view trimmed = domain.size() > 1 && domain.back() == '.' ? core::strip_root_dot(domain) : domain;
    p.domain = core::to_ascii_lower(trimmed.substr(0, std::min(trimmed.size(), core::limits::dns_name_bytes_max)));

    const tls::profile_match m = config_.profiles.find(p.domain);
    p.profile = *m.settings;
    p.profile_entry = m.entry;
    // planted bug (tests only): report mail under the domain's own profile [TLSRPT-10].
    if (why == purpose::tlsrpt_report && config_.planted_bug != core::planted_bug::report_mail_under_policy) {
        // RFC 8460 §3 [TLSRPT-09], §5.3 [TLSRPT-10]: STARTTLS when offered, clear text
        // otherwise, no MTA-STS and no DANE, whatever the domain's profile says.
        p.profile = tls::profile{tls::tls_setting::preferred, tls::dane_setting::none, false};
        p.profile_entry = "tlsrpt-report";
        p.tlsrpt_report = true;
    }

    if (const auto literal = address_literal(trimmed); literal && trimmed.front() == '[') {
        // RFC 8461 §3.4 [STS-DISC-18], RFC 7672 §2.2 [DANE-15]: an address literal has no
        // Policy Domain and no TLSA base; the address is the only host.
        j->next_hop_domain = p.domain;
        j->candidates.push_back({*literal, 0, config_.smtp_port, true});
        next_host(j);
    } else if (!plausible_domain(p.domain)) {
        fail(j, plan_status::permanent, std::nullopt,
             fmt::format("recipient domain \"{}\" is not a domain name", core::quote_peer_text(domain)));
    } else if (const auto route = config_.routes.find(p.domain); route != config_.routes.end()) {
        start_route(j, route->second);
    } else {
        // Step 2: the MX lookup (RFC 5321 §5.1).
        lookup(p.domain, dns::rr_type::mx, false,
               [this, j](dns::lookup_result r) { on_mx(j, std::move(r)); });
    }
    j->in_plan_call = false;
}

void destination_planner::lookup(std::string name, dns::rr_type type, bool always_log,
                                 core::unique_function<void(dns::lookup_result)> next) {
    const bool log_it = always_log || config_.log_every_dns_lookup;
    if (log_it) log_->debug(log::dns_query(name, type));
    resolver_->lookup(name, type, [this, log_it, next = std::move(next)](dns::lookup_result r) mutable {
        if (log_it && r.ok() && !r.from_cache) log_->debug(log::dns_encache(r, clock_->now()));
        next(std::move(r));
    });
}

void destination_planner::start_route(const job_ptr& j, const smtp_route& route) {
    destination_plan& p = j->plan;
    p.via_route = true;
    j->route = config_.route_mode;
    const bool tls_on = p.profile.tls != tls::tls_setting::no;
    if (route.hops.empty()) {
        fail(j, plan_status::permanent, std::nullopt, "the SMTP route for the domain has no hosts");
        return;
    }
    for (std::size_t i = 0; i < route.hops.size() && i < core::limits::mx_hosts_tried_max; ++i) {
        const auto& hop = route.hops[i];
        hop_candidate c;
        c.preference = static_cast<std::uint16_t>(i);
        c.port = hop.port;
        if (const auto literal = address_literal(hop.host)) {
            c.host = *literal;
            c.literal = true;
        } else {
            c.host = normalise(hop.host);
        }
        j->candidates.push_back(std::move(c));
    }

    if (config_.route_mode == tls::route_semantics::gateway_bypass) {
        // seg-behaviour.md: on an SMTP route MTA-STS is not applied and only the profile's
        // TLS setting counts (tls::decide() ignores DANE there too, so no TLSA lookup).
        j->next_hop_domain = p.domain;
        if (p.profile.mta_sts && tls_on) log_->info(log::route_bypass(p.domain));
        next_host(j);
        return;
    }
    // RFC 8461 §3.4 [STS-DISC-17]: the smart host's domain is the Policy Domain, and its
    // policy is matched against the relay host names. Keep simple: the first hop names
    // the relay domain for all hops.
    const std::string relay_domain = relay_policy_domain(route.hops.front().host);
    j->next_hop_domain = relay_domain.empty() ? p.domain : relay_domain;
    j->dane_wanted = tls_on && p.profile.dane != tls::dane_setting::none;
    j->sts_wanted = tls_on && p.profile.mta_sts && !relay_domain.empty();
    if (j->sts_wanted) {
        log_->info(log::route_smart_host(p.domain, relay_domain));
        p.policy_domain = relay_domain;
        start_mta_sts(j);
    } else {
        next_host(j);
    }
}

void destination_planner::on_mx(const job_ptr& j, dns::lookup_result r) {
    destination_plan& p = j->plan;
    j->mx = facts_of(r);
    if (r.status == dns::lookup_status::nxdomain) {
        // RFC 5321 §5.1: a domain that does not exist cannot receive mail.
        log_->info(log::dns_hard_error(p.domain, dns::rr_type::mx, r.status));
        fail(j, plan_status::permanent, std::nullopt, "the recipient domain does not exist (NXDOMAIN)");
        return;
    }
    if (lookup_failed(j->mx)) {
        // A transient failure says nothing about the domain: try again later. A bogus MX
        // RRset is reported as such (RFC 7672 §2.1.2 [DANE-05]).
        log_->info(log::dns_temporary_failure(p.domain, dns::rr_type::mx, r.status));
        fail(j, plan_status::transient,
             r.security == dns::dnssec_status::bogus ? tlsrpt::failure_reason::mx_rrset_bogus
                                                     : tlsrpt::failure_reason::mx_lookup_failed,
             r.detail.empty() ? fmt::format("MX lookup failed ({})", dns::to_string(r.status)) : r.detail);
        return;
    }

    std::vector<mx_candidate> records;
    std::size_t null_records = 0;
    if (r.ok()) {
        for (const auto& rec : r.records) {
            const auto* mx = std::get_if<dns::mx_rdata>(&rec.data);
            if (!mx) continue;  // CNAME links of the chain
            std::string exchange = normalise(mx->exchange);
            if (exchange.empty() || exchange == ".") {
                ++null_records;
                continue;
            }
            records.push_back({std::move(exchange), mx->preference});
        }
    }
    if (null_records > 0 && records.empty()) {
        // RFC 7505 §3, §4.1: "MX 0 ." says the domain accepts no mail; do not try it.
        // interpretation: a root exchange mixed with real ones is not a null MX (§3 forbids
        // publishing that); the real hosts are tried and the root entry is ignored.
        log_->info(log::null_mx(p.domain));
        fail(j, plan_status::permanent, tlsrpt::failure_reason::mx_null,
             "the domain publishes a null MX (RFC 7505): it accepts no mail");
        return;
    }
    if (records.empty()) {
        // RFC 5321 §5.1 [STS-MX-10]: no MX RRset means the domain itself is the only host
        // (the implicit MX), and it is the name matched against a policy.
        records.push_back({p.domain, 0});
    }
    const std::vector<mx_candidate> ordered = order_mx(std::move(records), p.domain, config_.seed);
    for (const auto& c : ordered) {
        if (j->candidates.size() == core::limits::mx_hosts_tried_max) break;
        j->candidates.push_back({c.host, c.preference, config_.smtp_port, false});
    }

    const bool tls_on = p.profile.tls != tls::tls_setting::no;
    j->next_hop_domain = p.domain;
    j->dane_wanted = tls_on && p.profile.dane != tls::dane_setting::none;
    // seg-behaviour.md: MTA-STS is honoured only with TLS settings 2-6.
    j->sts_wanted = tls_on && p.profile.mta_sts;
    if (j->sts_wanted) {
        // RFC 8461 §1.1, §3.4 [STS-DISC-19, STS-DISC-20]: the recipient domain itself, never
        // a parent.
        p.policy_domain = p.domain;
        start_mta_sts(j);
    } else {
        next_host(j);
    }
}

void destination_planner::start_mta_sts(const job_ptr& j) {
    // RFC 8461 §3.1 [STS-DISC-01]: the TXT RRset at `_mta-sts.<Policy Domain>`; the
    // resolver follows CNAMEs [STS-DISC-15].
    lookup("_mta-sts." + j->plan.policy_domain, dns::rr_type::txt, true,
           [this, j](dns::lookup_result r) { on_txt(j, std::move(r)); });
}

void destination_planner::on_txt(const job_ptr& j, dns::lookup_result r) {
    const std::string& pd = j->plan.policy_domain;
    mtasts::txt_outcome txt;
    if (r.ok()) {
        std::vector<std::vector<std::string>> rrset;
        for (auto& rec : r.records) {
            if (auto* t = std::get_if<dns::txt_rdata>(&rec.data)) rrset.push_back(std::move(t->strings));
        }
        mtasts::discovery_result found = mtasts::discover_record(rrset);
        // planted bug (tests only): multiple_txt_records_accepted uses the first of several
        // `v=STSv1` records instead of none.
        if (config_.planted_bug == core::planted_bug::multiple_txt_records_accepted &&
            found.status == mtasts::discovery_status::multiple_records) {
            for (const auto& strings : rrset) {
                std::string joined;
                for (const auto& part : strings) joined += part;
                if (!joined.starts_with("v=STSv1")) continue;
                found = mtasts::discover_record(std::span<const std::vector<std::string>>(&strings, 1));
                break;
            }
        }
        txt = mtasts::from_discovery(found);
        const std::string why = found.findings.empty() ? std::string(mtasts::to_string(found.status))
                                                       : found.findings.front().rule;
        switch (found.status) {
            case mtasts::discovery_status::found:
                log_->info(log::txt_record_fetched(pd));
                break;
            case mtasts::discovery_status::no_record:
                log_->debug(log::txt_record_absent(pd));
                break;
            case mtasts::discovery_status::multiple_records:
                // RFC 8461 §3.1 [STS-DISC-11].
                log_->info(log::txt_records_multiple(pd));
                j->txt_reason = tlsrpt::failure_reason::txt_records_multiple;
                break;
            case mtasts::discovery_status::invalid_record:
            case mtasts::discovery_status::oversized_rrset:
                // RFC 8461 §3.1 [STS-DISC-12].
                log_->info(log::txt_record_invalid(pd, why));
                j->txt_reason = tlsrpt::failure_reason::txt_record_invalid;
                break;
        }
    } else if (r.does_not_exist() && r.security != dns::dnssec_status::bogus) {
        // RFC 8461 §3.1 [STS-DISC-13]: NXDOMAIN or NODATA, no available policy.
        txt = mtasts::txt_outcome::no_record();
        log_->debug(log::txt_record_absent(pd));
    } else {
        // Ambiguity A14: a temporary error says nothing about the record; the cache
        // decides what it means.
        txt = mtasts::txt_outcome::temp_error();
        log_->info(log::dns_temporary_failure("_mta-sts." + pd, dns::rr_type::txt, r.status));
        j->txt_reason = tlsrpt::failure_reason::txt_lookup_failed;
    }
    handle_decision(j, cache_->begin(pd, txt, clock_->now()));
}

void destination_planner::handle_decision(const job_ptr& j, mtasts::cache_decision d) {
    destination_plan& p = j->plan;
    p.cache_decision_state = d.state;
    if (d.state == mtasts::cache_state::cache_expired_fetch) {
        // RFC 8461 §3.2 [STS-CACHE-01]: the lifetime ran out; the policy is fetched again.
        log_->info(log::cache_entry_expired(p.policy_domain));
    }
    switch (d.action()) {
        case mtasts::cache_action::apply:
            finish_policy(j, std::move(d), std::nullopt);
            return;
        case mtasts::cache_action::fetch:
            start_fetch(j, d.fetch_policy_id);
            return;
        case mtasts::cache_action::await_fetch: {
            // One fetch per id at a time (STS-SEC-08): wait for the one this planner runs.
            // A fetch the planner does not know of (a lost report the cache still counts
            // as running) is not waited for: the delivery goes on under the fallback the
            // decision carries (the cached policy, or none), as the cache allows.
            const auto it = fetch_waiters_.find(std::make_pair(p.policy_domain, d.fetch_policy_id));
            if (it != fetch_waiters_.end()) {
                it->second.push_back(j);
                return;
            }
            finish_policy(j, std::move(d), std::nullopt);
            return;
        }
        case mtasts::cache_action::defer:
            // Ambiguity A14, knob "defer": no policy is known and the TXT lookup failed.
            log_->info(log::policy_lookup_deferred(p.policy_domain));
            fail(j, plan_status::transient, tlsrpt::failure_reason::txt_lookup_failed,
                 "MTA-STS TXT lookup failed and no policy is cached");
            return;
    }
}

void destination_planner::start_fetch(const job_ptr& j, const std::string& policy_id) {
    const destination_plan& p = j->plan;
    log_->debug(log::fetching_policy(p.policy_domain));
    mtasts::fetch_request request;
    // RFC 8461 §3.3 [STS-FETCH-02]: always the Policy Domain's own policy host, whatever
    // CNAME the TXT record followed.
    request.domain = p.policy_domain;
    request.proxy = policy_proxy_for(p.profile_entry, config_.profile_policy_proxy, config_.policy_proxy);
    if (request.proxy) log_->debug(log::fetching_policy_via_proxy());
    fetch_waiters_[std::make_pair(p.policy_domain, policy_id)].push_back(j);
    fetcher_->fetch(request, [this, pd = p.policy_domain, policy_id](mtasts::fetch_report report) {
        on_fetch(pd, policy_id, std::move(report));
    });
}

void destination_planner::on_fetch(const std::string& policy_domain, const std::string& policy_id,
                                   mtasts::fetch_report report) {
    std::vector<job_ptr> waiters;
    if (const auto it = fetch_waiters_.find(std::make_pair(policy_domain, policy_id)); it != fetch_waiters_.end()) {
        waiters = std::move(it->second);
        fetch_waiters_.erase(it);
    }
    std::optional<tlsrpt::failure_reason> reason;
    if (report.outcome.has_value()) {
        const mtasts::policy& fetched = report.outcome.value();
        log_->debug(log::policy_fetched(policy_domain, fetched.policy_mode, fetched.max_age));
    } else {
        const mtasts::fetch_failure& failure = report.outcome.error();
        reason = report.reason ? *report.reason : reason_of(failure.kind);
        if (is_timeout(report.reason, failure.kind)) {
            log_->debug(log::policy_fetch_connection_timeout(policy_domain));
        } else if (failure.kind == mtasts::fetch_failure_kind::policy_invalid) {
            // RFC 8461 §3.2, §3.3 [STS-PARSE-18]: an invalid body is no policy.
            log_->info(log::policy_invalid(policy_domain, failure.detail));
        } else {
            const std::string why = failure.detail.empty() ? std::string(mtasts::to_string(failure.kind)) : failure.detail;
            log_->debug(log::policy_fetch_failed_because(policy_domain, why));
        }
        // seg-behaviour.md: the failure is logged and the message goes on as if the domain
        // had no MTA-STS, unless a cached policy still applies (STS-FETCH-16, STS-FETCH-17).
        log_->info(log::policy_fetch_failed(policy_domain));
    }
    const mtasts::cache_decision d =
        cache_->complete_fetch(policy_domain, policy_id, std::move(report.outcome), clock_->now());
    for (const auto& w : waiters) finish_policy(w, d, reason);
}

void destination_planner::finish_policy(const job_ptr& j, mtasts::cache_decision d,
                                        std::optional<tlsrpt::failure_reason> fetch_reason) {
    destination_plan& p = j->plan;
    const std::string& pd = p.policy_domain;
    p.cache_decision_state = d.state;
    if (d.report_failure) {
        // RFC 8461 §6 [STS-RPT-01, STS-RPT-02]: the failure to obtain the live policy.
        // interpretation: a TXT record that vanished while a policy is cached has no
        // reason of its own; it is reported like a failed TXT lookup (both are
        // sts-policy-fetch-error).
        if (fetch_reason) {
            p.policy_failure = fetch_reason;
        } else if (d.failure) {
            p.policy_failure = reason_of(d.failure->kind);
        } else {
            p.policy_failure = j->txt_reason.value_or(tlsrpt::failure_reason::txt_lookup_failed);
        }
    }
    if (d.state == mtasts::cache_state::fetch_backoff_cache_valid ||
        d.state == mtasts::cache_state::fetch_backoff_no_cache) {
        // RFC 8461 §3.3 [STS-FETCH-15].
        log_->debug(log::policy_fetch_backoff(pd));
    }
    // RFC 8461 §3.3 [STS-CACHE-02, STS-CACHE-04]: the cached policy governs this delivery.
    if (mtasts::uses_cached_policy(d.state)) log_->debug(log::cache_entry_found(pd));
    p.policy = std::move(d.effective);
    if (p.policy.validates()) {
        log_->info(log::applying_policy(pd));
    } else if (p.policy.has_policy()) {
        // RFC 8461 §5 [STS-APPLY-13, STS-CACHE-10]: mode none, as if there were no policy.
        log_->info(log::policy_mode_none(pd));
    }
    next_host(j);
}

void destination_planner::next_host(const job_ptr& j) {
    if (j->index >= j->candidates.size()) {
        complete(j);
        return;
    }
    const hop_candidate& c = j->candidates[j->index];
    j->current = planned_host{};
    j->current.mx_host = c.host;
    j->current.preference = c.preference;
    j->current.port = c.port;
    if (c.literal) {
        // RFC 7672 §2.2 [DANE-15]: no DANE for an address.
        j->current.address = c.host;
        j->current_address = {dns::lookup_status::answer, dns::dnssec_status::insecure};
        finish_host(j, dane_result{});
        return;
    }
    // RFC 7672 §2.2.2 [DANE-20]: the address records first, TLSA only after them.
    lookup(c.host, dns::rr_type::a, false, [this, j](dns::lookup_result r) { on_address(j, std::move(r)); });
}

void destination_planner::on_address(const job_ptr& j, dns::lookup_result r) {
    planned_host& h = j->current;
    j->current_address = facts_of(r);
    if (r.ok() && !lookup_failed(j->current_address)) {
        for (const auto& rec : r.records) {
            if (const auto* a = std::get_if<dns::a_rdata>(&rec.data)) {
                h.address = a->address;
                break;
            }
        }
    }
    if (h.address.empty()) {
        if (lookup_failed(j->current_address)) {
            // RFC 7672 §2.1.2 [DANE-06]: this host cannot be used; the others still may.
            log_->info(log::dns_temporary_failure(h.mx_host, dns::rr_type::a, r.status));
            h.address_failure = r.security == dns::dnssec_status::bogus ? tlsrpt::failure_reason::mx_address_bogus
                                                                        : tlsrpt::failure_reason::mx_address_lookup_failed;
            j->any_address_transient = true;
        } else {
            const auto status = r.status == dns::lookup_status::answer ? dns::lookup_status::nodata : r.status;
            log_->info(log::dns_hard_error(h.mx_host, dns::rr_type::a, status));
            h.address_failure = tlsrpt::failure_reason::mx_address_lookup_failed;
        }
    }
    if (j->dane_wanted && !h.address.empty() && tlsa_lookup_wanted(j->mx, j->current_address)) {
        // RFC 7672 §2.2.3 [DANE-07, DANE-22]: `_<port>._tcp.<host>` with the real port.
        lookup(fmt::format("_{}._tcp.{}", h.port, h.mx_host), dns::rr_type::tlsa, false,
               [this, j](dns::lookup_result t) { on_tlsa(j, std::move(t)); });
        return;
    }
    finish_host(j, j->dane_wanted ? reduce_dane(j->mx, j->current_address, std::nullopt) : dane_result{});
}

void destination_planner::on_tlsa(const job_ptr& j, dns::lookup_result r) {
    tlsa_lookup t;
    t.facts = facts_of(r);
    for (auto& rec : r.records) {
        if (auto* tlsa = std::get_if<dns::tlsa_rdata>(&rec.data)) t.records.push_back(std::move(*tlsa));
    }
    finish_host(j, reduce_dane(j->mx, j->current_address, t));
}

void destination_planner::finish_host(const job_ptr& j, dane_result dane) {
    const destination_plan& p = j->plan;
    planned_host h = std::move(j->current);
    h.dane = dane.outcome;
    // planted bug (tests only): dane_ignored drops what secure TLSA records say.
    if (config_.planted_bug == core::planted_bug::dane_ignored &&
        (h.dane == tls::dane_outcome::tlsa_usable || h.dane == tls::dane_outcome::tlsa_unusable)) {
        h.dane = tls::dane_outcome::not_applicable;
        dane.usable.clear();
    }
    h.tlsa = std::move(dane.usable);
    const bool bypass = j->route == tls::route_semantics::gateway_bypass;
    h.sts = j->sts_wanted && !bypass ? sts_outcome_for(p.policy, h.mx_host, config_.planted_bug)
                                     : tls::sts_outcome::no_policy;

    tls::decision_input in;
    in.settings = p.profile;
    in.smtp_route = j->route;
    in.dane = h.dane;
    in.sts = h.sts;
    in.mx_host = h.mx_host;
    in.next_hop_domain = j->next_hop_domain;
    in.tlsa_base_domain = h.mx_host;
    h.requirement = tls::decide(in);

    if (j->dane_wanted) {
        const bool domain_wide =
            h.dane == tls::dane_outcome::mx_insecure || h.dane == tls::dane_outcome::mx_lookup_failed;
        if (!domain_wide || !j->domain_dane_logged) {
            std::string line = log::dane_outcome_line(p.domain, h.mx_host, h.dane);
            if (log::dane_outcome_is_debug(h.dane)) {
                log_->debug(std::move(line));
            } else if (log::dane_outcome_is_failure(h.dane)) {
                log_->warning(std::move(line));
            } else {
                log_->info(std::move(line));
            }
            j->domain_dane_logged = j->domain_dane_logged || domain_wide;
        }
    }
    switch (h.requirement.rule) {
        case tls::decision_rule::sts_enforce_mx_mismatch:
        case tls::decision_rule::dane_unusable_sts_enforce_mx_mismatch:
            // RFC 8461 §4.1, §5 [STS-MX-01, STS-APPLY-09]: the host is skipped.
            log_->warning(log::mx_not_in_policy_enforce(p.policy_domain, h.mx_host));
            break;
        case tls::decision_rule::sts_testing_mx_mismatch:
        case tls::decision_rule::dane_unusable_sts_testing_mx_mismatch:
            // RFC 8461 §5 [STS-APPLY-12]: reported, and delivered as if nothing failed.
            log_->info(log::mx_not_in_policy_testing(p.policy_domain, h.mx_host));
            break;
        default:
            break;
    }
    j->plan.hosts.push_back(std::move(h));
    ++j->index;
    next_host(j);
}

void destination_planner::complete(const job_ptr& j) {
    destination_plan& p = j->plan;
    if (!j->decided) {
        // All hosts are known: ready when one of them has an address.
        bool any_address = false;
        std::optional<tlsrpt::failure_reason> first_failure;
        for (const auto& h : p.hosts) {
            any_address = any_address || !h.address.empty();
            if (!first_failure && h.address_failure) first_failure = h.address_failure;
        }
        if (any_address) {
            p.status = plan_status::ready;
        } else if (j->any_address_transient) {
            p.status = plan_status::transient;
            p.failure = first_failure;
            p.detail = "no address of any MX host could be looked up";
        } else {
            // RFC 5321 §5.1: no host of the domain has an address (for an implicit MX: the
            // domain has neither MX nor address records).
            p.status = plan_status::permanent;
            p.failure = first_failure;
            p.detail = "no MX host of the domain has an address";
        }
    }
    if (j->in_plan_call) {
        config_.post([j] {
            auto handler = std::move(j->handler);
            handler(std::move(j->plan));
        });
        return;
    }
    auto handler = std::move(j->handler);
    handler(std::move(j->plan));
}

void destination_planner::fail(const job_ptr& j, plan_status status, std::optional<tlsrpt::failure_reason> failure,
                               std::string detail) {
    j->plan.status = status;
    j->plan.failure = failure;
    j->plan.detail = std::move(detail);
    j->decided = true;
    complete(j);
}

}  // namespace sts::delivery
