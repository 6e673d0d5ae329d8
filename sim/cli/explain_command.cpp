// `mtasts-sim explain SCENARIO [--recipient R]`: the decision trace of one scenario in
// words (issue 5, item 5). The scenario runs as `run` would run it, at debug log level,
// while the engine's plan observer (engine_config::plan_observer) keeps every destination
// plan: which destination-control profile applied, what the `_mta-sts` TXT lookup and the
// policy cache decided, the policy's mode and mx patterns, and per MX host its preference,
// DANE outcome, MTA-STS match and the TLS requirement tls::decide() gave with the rule that
// decided it (docs/tls-decision.md). What happened on the wire comes from the mail log
// (docs/mail-log.md): each connection by DCID with the host it went to, and each
// recipient's final line. The text is for people; tools read the reports instead.
//
// It explains; it does not judge: the scenario's expectations are not evaluated here
// (`run` does that), only listed as passed or failed at the end.
#include "sim/cli/cli.hpp"

#include "engine/core/ascii_case.hpp"
#include "engine/delivery/destination_plan.hpp"
#include "engine/tls/verdict.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace sts::sim::cli {

namespace {

constexpr std::string_view explain_usage =
    "usage: mtasts-sim explain SCENARIO.toml [--recipient ADDRESS]\n"
    "  runs the scenario and explains, per recipient domain, which profile and policy\n"
    "  applied, why each MX host was used or skipped, what DANE said and which TLS\n"
    "  requirement followed; --recipient keeps only that recipient's domain\n";

std::string lower(std::string_view s) { return core::ascii_lower(s); }

std::string yes_no(bool b) { return b ? "on" : "off"; }

// The TXT lookup and the cache's decision, in words (engine/mtasts/cache_state.hpp).
std::string policy_source(const delivery::destination_plan& p) {
    using s = mtasts::cache_state;
    const std::string id = p.policy.policy_id.empty() ? "" : fmt::format(" (id {})", p.policy.policy_id);
    const std::string why =
        p.policy_failure ? fmt::format(": {}", tls::log_wording(*p.policy_failure)) : std::string();
    if (!p.cache_decision_state) return "the policy cache was not consulted";
    switch (*p.cache_decision_state) {
        case s::cache_valid_id_match:
            return "TXT record found; its id equals the cached policy's" + id + ", so the cached policy applies without a fetch";
        case s::no_cache_fetch: return "TXT record found and nothing cached: a fetch was started";
        case s::cache_expired_fetch: return "TXT record found; the cached policy had expired: a fetch was started";
        case s::id_changed_fetch: return "TXT record found with a new id: a fetch was started";
        case s::fetch_in_flight: return "TXT record found; a fetch of that id was already running";
        case s::fetch_backoff_cache_valid:
            return "TXT record found; the last fetch of this id failed less than 5 minutes ago, so the cached policy" + id + " applies";
        case s::fetch_backoff_no_cache:
            return "TXT record found; the last fetch of this id failed less than 5 minutes ago and nothing is cached: no policy";
        case s::txt_gone_cache_valid: return "no TXT record; the unexpired cached policy" + id + " still applies";
        case s::txt_gone_no_cache: return "no TXT record and nothing cached: the domain has no MTA-STS policy";
        case s::txt_unusable_cache_valid:
            return "the TXT record is unusable (invalid or several records); the cached policy" + id + " applies";
        case s::txt_unusable_no_cache:
            return "the TXT record is unusable (invalid or several records) and nothing is cached: no policy" + why;
        case s::txt_error_cache_valid: return "the TXT lookup failed; the cached policy" + id + " applies";
        case s::txt_error_no_cache_proceed:
            return "the TXT lookup failed and nothing is cached: delivered as without MTA-STS";
        case s::txt_error_no_cache_defer: return "the TXT lookup failed and nothing is cached: the delivery is deferred";
        case s::fetch_ok: return "TXT record found" + id + "; the policy was fetched and cached";
        case s::fetch_ok_not_cached: return "TXT record found" + id + "; the policy was fetched and applies to this delivery only";
        case s::fetch_failed_cache_valid: return "TXT record found; the fetch failed" + why + "; the cached policy" + id + " applies";
        case s::fetch_failed_no_cache:
            return "TXT record found; the fetch failed" + why + " and nothing is cached: delivered as without MTA-STS";
    }
    return std::string(mtasts::to_string(*p.cache_decision_state));
}

std::string dane_words(tls::dane_outcome d) {
    using o = tls::dane_outcome;
    switch (d) {
        case o::not_applicable: return "DANE does not apply (no secure TLSA records)";
        case o::mx_insecure: return "DANE does not apply (the MX records are not DNSSEC-secure)";
        case o::mx_lookup_failed: return "DANE: the MX lookup failed DNSSEC validation";
        case o::tlsa_usable: return "DANE applies: secure, usable TLSA records";
        case o::tlsa_unusable: return "DANE: secure TLSA records, none usable, so TLS is mandatory";
        case o::lookup_failed: return "DANE: the TLSA or address lookup failed";
    }
    return std::string(tls::to_string(d));
}

std::string sts_words(tls::sts_outcome s) {
    using o = tls::sts_outcome;
    switch (s) {
        case o::no_policy: return "no MTA-STS policy applies";
        case o::mode_none: return "the policy's mode is none, its mx patterns are not consulted";
        case o::testing_mx_match: return "matches the testing policy's mx patterns";
        case o::testing_mx_mismatch: return "is not listed in the testing policy (reported, used anyway)";
        case o::enforce_mx_match: return "matches the enforce policy's mx patterns";
        case o::enforce_mx_mismatch: return "is not listed in the enforce policy";
    }
    return std::string(tls::to_string(s));
}

std::string action_words(const tls::connection_requirement& r) {
    using a = tls::action;
    std::string names;
    for (const auto& n : r.reference_names) names += (names.empty() ? "" : ", ") + n;
    switch (r.what) {
        case a::no_tls: return "connect without TLS";
        case a::try_tls: return "STARTTLS when offered, clear text otherwise";
        case a::require_tls: return "TLS required, certificate not checked";
        case a::require_pkix: return "TLS required with a trusted certificate for " + names;
        case a::require_dane: return "TLS required, certificate checked against the TLSA records";
        case a::skip_mx: return "skipped: never contacted";
        case a::defer: return "deferred: no host of this domain may be used now";
    }
    return std::string(tls::to_string(r.what));
}

// What a plan decided, without its number (the caller numbers it or names an equal one).
void explain_plan_body(const delivery::destination_plan& p, std::ostream& out) {
    out << fmt::format("  profile: {} (TLS {}, DANE {}, MTA-STS {})\n", p.profile_entry, tls::to_string(p.profile.tls),
                       tls::to_string(p.profile.dane), yes_no(p.profile.mta_sts));
    if (p.via_route) out << "  an SMTP route replaces the MX hosts\n";
    if (p.policy_domain.empty()) {
        out << "  MTA-STS: not consulted (profile off, TLS No, route bypass or address literal)\n";
    } else {
        out << fmt::format("  MTA-STS for {}: {}\n", p.policy_domain, policy_source(p));
        if (p.policy.value) {
            std::string patterns;
            for (const auto& m : p.policy.value->mx_patterns) patterns += (patterns.empty() ? "" : ", ") + m;
            out << fmt::format("  policy: mode {}, mx {}, max_age {} s, from {}\n",
                               mtasts::to_string(p.policy.value->policy_mode), patterns.empty() ? "-" : patterns,
                               p.policy.value->max_age.count(), mtasts::to_string(p.policy.origin));
        } else {
            out << "  policy: none applies\n";
        }
    }
    switch (p.status) {
        case delivery::plan_status::ready: break;
        case delivery::plan_status::transient:
            out << fmt::format("  plan: deferred before any connection: {}\n", p.detail.empty() ? "transient failure" : p.detail);
            break;
        case delivery::plan_status::permanent:
            out << fmt::format("  plan: bounced before any connection: {}\n", p.detail.empty() ? "permanent failure" : p.detail);
            break;
    }
    for (const auto& h : p.hosts) {
        out << fmt::format("  MX {} (preference {}{})\n", h.mx_host, h.preference,
                           h.address.empty() ? ", no address" : ", address " + h.address);
        if (p.profile.dane != tls::dane_setting::none) out << "    " << dane_words(h.dane) << '\n';
        out << "    MTA-STS: the host " << sts_words(h.sts) << '\n';
        out << fmt::format("    requirement: {} [level {}, rule {}]\n", action_words(h.requirement),
                           tls::to_string(h.requirement.security), tls::to_string(h.requirement.rule));
        if (h.requirement.report_reason)
            out << fmt::format("    reported as: {}\n", tlsrpt::to_string(*h.requirement.report_reason));
    }
}

// The text of a log line after its timestamp and level: "Thu Sep 26 15:23:39 2024 Info:
// MID 1 queued" → "MID 1 queued". The timestamp's colons are followed by digits, so the
// first ": " ends the level.
std::string text_of(const std::string& line) {
    const auto colon = line.find(": ");
    return colon == std::string::npos ? line : line.substr(colon + 2);
}

// The token after `key ` in `text`: "DCID 3 TLS ..." with key "DCID" → "3".
std::string word_after(const std::string& text, std::string_view key) {
    const auto at = text.find(std::string(key) + " ");
    if (at == std::string::npos) return {};
    const auto from = at + key.size() + 1;
    return text.substr(from, text.find(' ', from) - from);
}

struct connection {
    std::string host;
    std::vector<std::string> lines;
};

// Connections by DCID, in the order they opened, with the lines that name them.
std::vector<std::pair<std::string, connection>> connections_of(const std::vector<std::string>& log,
                                                               const std::map<std::string, std::string>& host_by_ip) {
    std::vector<std::pair<std::string, connection>> out;
    const auto find = [&](const std::string& dcid) -> connection* {
        for (auto& [d, c] : out)
            if (d == dcid) return &c;
        return nullptr;
    };
    for (const auto& line : log) {
        const auto text = text_of(line);
        const auto dcid = word_after(text, "DCID");
        if (dcid.empty()) continue;
        if (text.starts_with("New SMTP DCID ")) {
            const auto ip = word_after(text, "address");
            const auto it = host_by_ip.find(ip);
            out.emplace_back(dcid, connection{it != host_by_ip.end() ? it->second : ip, {}});
            continue;
        }
        if (auto* c = find(dcid)) c->lines.push_back(text);
    }
    return out;
}

bool about_domain(const std::string& text, const std::string& domain) {
    return lower(text).find(domain) != std::string::npos;
}

}  // namespace

int run_explain(arguments args, streams io) {
    std::optional<std::string> file;
    std::optional<std::string> recipient;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--help" || a == "-h") {
            io.out << explain_usage;
            return exit_status::ok;
        }
        if (a == "--recipient") {
            if (i + 1 == args.size()) {
                io.err << "mtasts-sim explain: --recipient needs an address\n" << explain_usage;
                return exit_status::usage;
            }
            recipient = lower(args[++i]);
        } else if (a.starts_with("-") || file) {
            io.err << "mtasts-sim explain: unexpected argument '" << a << "'\n" << explain_usage;
            return exit_status::usage;
        } else {
            file = a;
        }
    }
    if (!file) {
        io.err << "mtasts-sim explain: which scenario?\n" << explain_usage;
        return exit_status::usage;
    }
    auto loaded = load_scenario_file(*file);
    if (!loaded) {
        for (const auto& e : loaded.error()) io.err << e.to_string() << '\n';
        return exit_status::usage;
    }
    auto spec = std::move(loaded).value();
    std::optional<std::string> only_domain;
    if (recipient) {
        const auto at = recipient->rfind('@');
        only_domain = at == std::string::npos ? *recipient : recipient->substr(at + 1);
    }

    std::vector<delivery::destination_plan> plans;
    spec.world.engine.plan_observer = [&plans](const delivery::destination_plan& p) { plans.push_back(p); };
    scenario_run_options options;
    options.log_level = log::level::debug;
    const auto result = run_scenario(spec, options);

    io.out << fmt::format("Scenario {} ({})\n", result.name, result.file);
    if (!result.summary.empty()) io.out << "  " << result.summary << '\n';
    if (!result.error.empty()) io.out << "  the run stopped early: " << result.error << '\n';
    io.out << '\n';

    std::map<std::string, std::string> host_by_ip;
    // A retry usually plans exactly what the attempt before it did: said once, then named.
    std::map<std::string, std::pair<std::size_t, std::string>> previous;  // domain → (number, text)
    std::size_t shown = 0;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        for (const auto& h : plans[i].hosts)
            if (!h.address.empty()) host_by_ip.emplace(h.address, h.mx_host);
        if (only_domain && plans[i].domain != *only_domain) continue;
        std::ostringstream body;
        explain_plan_body(plans[i], body);
        auto& [number, text] = previous[plans[i].domain];
        if (number != 0 && text == body.str()) {
            io.out << fmt::format("Plan {} for the domain {}: the same as plan {}\n\n", i + 1, plans[i].domain, number);
        } else {
            io.out << fmt::format("Plan {} for the domain {}\n", i + 1, plans[i].domain) << body.str() << '\n';
            number = i + 1;
            text = body.str();
        }
        ++shown;
    }
    if (shown == 0)
        io.out << (only_domain ? fmt::format("No delivery to the domain {} was planned.\n\n", *only_domain)
                               : std::string("No delivery was planned.\n\n"));

    io.out << "Connections (from the mail log)\n";
    bool any = false;
    for (const auto& [dcid, c] : connections_of(result.log_lines, host_by_ip)) {
        if (only_domain) {
            const bool ours = std::any_of(plans.begin(), plans.end(), [&](const delivery::destination_plan& p) {
                return p.domain == *only_domain &&
                       std::any_of(p.hosts.begin(), p.hosts.end(), [&](const auto& h) { return h.mx_host == c.host; });
            });
            if (!ours) continue;
        }
        any = true;
        io.out << fmt::format("  DCID {} to {}\n", dcid, c.host);
        for (const auto& l : c.lines) io.out << "    " << l << '\n';
    }
    if (!any) io.out << "  none\n";

    io.out << "\nOutcome (the mail log's last word per recipient)\n";
    std::map<std::string, std::string> last;  // recipient → line
    std::vector<std::string> order;
    for (const auto& line : result.log_lines) {
        const auto text = text_of(line);
        if (!text.starts_with("Delayed: ") && !text.starts_with("Bounced: ")) continue;
        const auto to = word_after(text, "To:");
        auto rcpt = lower(to.size() > 2 ? to.substr(1, to.size() - 2) : to);
        if (last.emplace(rcpt, text).second) order.push_back(rcpt);
        else last[rcpt] = text;
    }
    for (const auto& step : spec.steps)
        for (const auto& r : step.to) {
            const auto rcpt = lower(r);
            if (recipient && rcpt != *recipient) continue;
            if (only_domain && !about_domain(rcpt, "@" + *only_domain)) continue;
            if (std::find(order.begin(), order.end(), rcpt) == order.end()) order.push_back(rcpt);
        }
    for (const auto& rcpt : order) {
        if (recipient && rcpt != *recipient) continue;
        if (only_domain && !about_domain(rcpt, "@" + *only_domain)) continue;
        const auto it = last.find(rcpt);
        io.out << fmt::format("  {}: {}\n", rcpt, it != last.end() ? it->second : "no Delayed or Bounced line (delivered when a connection above says Message done)");
    }

    io.out << "\nExpectations\n";
    for (const auto& e : result.expectations)
        io.out << fmt::format("  {} {}{}\n", e.passed ? "met  " : "UNMET", e.description,
                              e.passed ? "" : " — " + e.detail);
    return result.passed ? exit_status::ok : exit_status::failed;
}

}  // namespace sts::sim::cli
