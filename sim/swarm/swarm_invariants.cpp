#include "sim/swarm/swarm_invariants.hpp"

#include "engine/core/limits.hpp"
#include "engine/log/mail_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace sts::sim {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

std::string domain_of(std::string_view address) {
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : lower(address.substr(at + 1));
}

// A receiver's delivery line: "from=<a> to=<b>,<c> size=N tls=TLSv1.3" (mocks/smtp).
struct received {
    std::vector<std::string> recipients;  // lower-case
    std::string tls;                      // "none" without TLS
};

received parse_delivery(std::string_view text) {
    received r;
    const auto to = text.find(" to=");
    const auto size = text.find(" size=", to == std::string_view::npos ? 0 : to);
    const auto tls = text.rfind(" tls=");
    if (tls != std::string_view::npos) r.tls = std::string(text.substr(tls + 5));
    if (to == std::string_view::npos || size == std::string_view::npos) return r;
    auto list = text.substr(to + 4, size - to - 4);
    while (!list.empty()) {
        const auto open = list.find('<');
        const auto close = list.find('>', open == std::string_view::npos ? 0 : open);
        if (open == std::string_view::npos || close == std::string_view::npos) break;
        r.recipients.push_back(lower(list.substr(open + 1, close - open - 1)));
        list.remove_prefix(close + 1);
    }
    return r;
}

std::string when(core::time_point at) { return log::format_timestamp(at); }

class checker {
public:
    checker(const swarm_facts& facts, const scenario_result& result) : facts_(facts), result_(result) {
        for (const auto& d : facts_.domains) {
            by_domain_[lower(d.name)] = &d;
            for (const auto& h : d.mx_hosts) by_host_[lower(h)] = &d;
            if (!d.policy_host.empty()) by_policy_host_[lower(d.policy_host)] = &d;
        }
    }

    std::vector<swarm_violation> run() {
        if (!result_.error.empty()) add("finished", result_.error);
        conservation();
        for (const auto& e : result_.timeline) {
            if (e.kind == mocks::transcript_kind::delivery) plaintext(e);
            if (e.kind == mocks::transcript_kind::event && e.text.starts_with("accept connection")) listing(e);
            if (e.kind == mocks::transcript_kind::http_request) fetch(e);
        }
        fetch_bound();
        return std::move(violations_);
    }

private:
    void add(std::string invariant, std::string detail) { violations_.push_back({std::move(invariant), std::move(detail)}); }

    void conservation() {
        for (const auto& e : result_.expectations)
            if (e.description == "conserved" && !e.passed) add("conservation", e.detail);
        std::map<std::string, std::size_t> sent, outcomes, received_copies;
        for (const auto& r : facts_.recipients) ++sent[lower(r)];
        for (const auto& o : result_.outcomes) ++outcomes[lower(o.recipient)];
        if (sent != outcomes)
            add("conservation", fmt::format("{} recipient(s) submitted, {} outcome(s), and they differ",
                                            facts_.recipients.size(), result_.outcomes.size()));
        // (host, recipient) → copies received there.
        std::map<std::pair<std::string, std::string>, std::size_t> at_host;
        for (const auto& e : result_.timeline) {
            if (e.kind != mocks::transcript_kind::delivery) continue;
            for (const auto& r : parse_delivery(e.text).recipients) {
                ++received_copies[r];
                ++at_host[{lower(e.host), r}];
            }
        }
        std::map<std::pair<std::string, std::string>, std::size_t> delivered;
        for (const auto& o : result_.outcomes)
            if (o.state == delivery::recipient_state::delivered) ++delivered[{lower(o.delivered_via), lower(o.recipient)}];
        for (const auto& [key, n] : delivered) {
            const auto it = at_host.find(key);
            const auto got = it == at_host.end() ? 0 : it->second;
            if (got < n)
                add("conservation", fmt::format("{} is delivered via {} {} time(s), but the host received it {} time(s)",
                                                key.second, key.first, n, got));
        }
        for (const auto& [r, n] : received_copies) {
            const auto it = sent.find(r);
            const auto want = it == sent.end() ? 0 : it->second;
            if (n > want) add("conservation", fmt::format("{} was received {} time(s) but sent {} time(s)", r, n, want));
        }
    }

    void plaintext(const mocks::transcript_entry& e) {
        const auto r = parse_delivery(e.text);
        if (r.tls != "none") return;
        const auto host = lower(e.host);
        for (const auto& rcpt : r.recipients) {
            const auto d = by_domain_.find(domain_of(rcpt));
            if (d == by_domain_.end()) continue;
            const auto& f = *d->second;
            const auto at = when(e.at);
            if (f.tls_required)
                add("plaintext", fmt::format("{} received {} without TLS at {}, but the profile of {} requires TLS",
                                             host, rcpt, at, f.name));
            if (f.enforce_until && e.at < *f.enforce_until)
                add("plaintext", fmt::format("{} received {} without TLS at {}, while an enforce policy governs {}",
                                             host, rcpt, at, f.name));
            if (const auto dane = f.dane_hosts.find(host); dane != f.dane_hosts.end() && e.at < dane->second)
                add("plaintext", fmt::format("{} received {} without TLS at {}, but it has secure TLSA records", host,
                                             rcpt, at));
        }
    }

    void listing(const mocks::transcript_entry& e) {
        const auto host = lower(e.host);
        const auto d = by_host_.find(host);
        if (d == by_host_.end()) return;
        const auto& f = *d->second;
        if (!f.enforce_until || e.at >= *f.enforce_until) return;
        for (const auto& p : f.enforce_mx_patterns)
            if (swarm_mx_pattern_matches(p, host)) return;
        const bool tlsa = std::any_of(f.tlsa_hosts.begin(), f.tlsa_hosts.end(),
                                      [&](const std::string& h) { return lower(h) == host; });
        if (f.dane_enabled && tlsa) return;
        std::string patterns;
        for (const auto& p : f.enforce_mx_patterns) patterns += fmt::format("{}{}", patterns.empty() ? "" : " ", p);
        add("unlisted_mx", fmt::format("{} was connected to at {} ({}), but the enforce policies of {} list only: {}",
                                       host, when(e.at), e.text, f.name, patterns.empty() ? "(nothing)" : patterns));
    }

    void fetch(const mocks::transcript_entry& e) {
        const auto d = by_policy_host_.find(lower(e.host));
        if (d == by_policy_host_.end()) return;
        const auto& changes = d->second->txt_changes;
        const auto version = static_cast<std::size_t>(
            std::count_if(changes.begin(), changes.end(), [&](core::time_point t) { return t <= e.at; }));
        fetches_[{d->second->name, version}].push_back(e.at);
    }

    void fetch_bound() {
        for (const auto& [key, times] : fetches_) {
            for (std::size_t i = 0; i < times.size(); ++i) {
                const auto end = times[i] + core::limits::policy_fetch_backoff;
                std::size_t in_window = 0;
                for (std::size_t j = i; j < times.size() && times[j] < end; ++j) ++in_window;
                if (in_window <= swarm_fetches_per_window_max) continue;
                add("fetch_bound", fmt::format("{} policy fetches for {} (TXT version {}) within {} min from {}",
                                               in_window, key.first, key.second,
                                               std::chrono::duration_cast<std::chrono::minutes>(
                                                   core::limits::policy_fetch_backoff).count(),
                                               when(times[i])));
                return;
            }
        }
    }

    const swarm_facts& facts_;
    const scenario_result& result_;
    std::map<std::string, const swarm_domain_facts*> by_domain_, by_host_, by_policy_host_;
    std::map<std::pair<std::string, std::size_t>, std::vector<core::time_point>> fetches_;
    std::vector<swarm_violation> violations_;
};

}  // namespace

bool swarm_mx_pattern_matches(std::string_view pattern, std::string_view host) {
    const auto p = lower(pattern);
    const auto h = lower(host);
    if (!p.starts_with("*.")) return p == h;
    // The wildcard stands for exactly one whole label, never for none or several.
    const auto dot = h.find('.');
    return dot != std::string::npos && dot != 0 && h.substr(dot) == p.substr(1);
}

std::vector<swarm_violation> check_swarm_invariants(const swarm_facts& facts, const scenario_result& result) {
    return checker(facts, result).run();
}

}  // namespace sts::sim
