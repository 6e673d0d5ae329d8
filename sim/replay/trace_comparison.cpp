// sim/replay/trace_comparison.cpp
#include "sim/replay/trace_comparison.hpp"

#include "engine/core/ascii_case.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace sts::sim {

namespace {

std::string lower(std::string_view s) { return core::ascii_lower(s); }

bool compared(line_family f) {
    switch (f) {
        case line_family::unclassified:
        case line_family::dns_query:
        case line_family::dns_query_recursive:
        case line_family::dns_query_wire:
        case line_family::dns_encache:
        case line_family::next_attempt:
        case line_family::default_profile_warning:
        case line_family::tlsrpt_no_policy:
        case line_family::tlsrpt_sent:
        case line_family::tlsrpt_failed:
        case line_family::tlsrpt_queued:
        case line_family::tlsrpt_retry:
        case line_family::tlsrpt_given_up:
            return false;
        default:
            return true;
    }
}

// Lines of our own wording (docs/mail-log.md, "whose: ours"): a product version that does
// not write them cannot be faulted for their absence, so they are compared only when the
// customer's trace has at least one line of that family.
bool ours(line_family f) {
    switch (f) {
        case line_family::txt_absent:
        case line_family::txt_invalid:
        case line_family::txt_multiple:
        case line_family::txt_deferring:
        case line_family::policy_cache_expired:
        case line_family::policy_fetched:
        case line_family::policy_fetch_failed:
        case line_family::policy_invalid:
        case line_family::policy_fetch_backoff:
        case line_family::policy_refresh_start:
        case line_family::policy_refreshed:
        case line_family::policy_refresh_failed:
        case line_family::policy_refresh_failing:
        case line_family::policy_mode_none:
        case line_family::mx_not_listed_enforce:
        case line_family::mx_not_listed_testing:
        case line_family::dane_usable:
        case line_family::dane_all_unusable:
        case line_family::dane_not_secure:
        case line_family::dane_mx_insecure:
        case line_family::dane_mx_bogus:
        case line_family::dane_lookup_failed:
        case line_family::route_bypass:
        case line_family::route_smart_host:
        case line_family::null_mx:
        case line_family::dns_hard_error:
        case line_family::tls_verify_not_enforced:
        case line_family::starttls_plaintext_discarded:
        case line_family::recheck_before_bounce:
        case line_family::dsn_generated:
        case line_family::conservation_violated:
            return true;
        default:
            return false;
    }
}

// Renumbers ids and addresses in order of first appearance, per trace.
class renumbering {
public:
    std::string mid(std::optional<std::uint64_t> v) { return v ? "m" + number(mids_, *v) : "-"; }
    std::string dcid(std::optional<std::uint64_t> v) {
        if (!v) return "-";
        if (*v == 0) return "0";
        return "d" + number(dcids_, *v);
    }
    std::string address(const std::string& a) {
        if (a.empty()) return "-";
        auto [it, fresh] = addresses_.try_emplace(a, addresses_.size() + 1);
        return fmt::format("ip{}", it->second);
    }
    // A free text with every dotted-quad address renumbered.
    std::string text(std::string_view s) {
        std::string out;
        std::size_t i = 0;
        while (i < s.size()) {
            if (std::isdigit(static_cast<unsigned char>(s[i])) && (i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1])))) {
                std::size_t j = i, dots = 0;
                while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) {
                    if (s[j] == '.') ++dots;
                    ++j;
                }
                std::string token(s.substr(i, j - i));
                while (!token.empty() && token.back() == '.') {
                    token.pop_back();
                    --dots;
                }
                if (dots == 3) {
                    out += address(token);
                    i += token.size();
                    continue;
                }
            }
            out += s[i++];
        }
        return out;
    }

private:
    static std::string number(std::map<std::uint64_t, std::size_t>& m, std::uint64_t v) {
        auto [it, fresh] = m.try_emplace(v, m.size() + 1);
        return std::to_string(it->second);
    }
    std::map<std::uint64_t, std::size_t> mids_, dcids_;
    std::map<std::string, std::size_t> addresses_;
};

std::string rid_list(const std::vector<std::uint64_t>& rids) {
    std::string out = "[";
    for (std::size_t i = 0; i < rids.size(); ++i) out += fmt::format("{}{}", i ? "," : "", rids[i]);
    return out + "]";
}

// "certificate of H (SUBJECT) not valid: ..." and "certificate (SUBJECT) has no DNS-ID": the
// subject is the issuing CA's wording, not the story.
std::string without_subject(std::string s) {
    for (std::string_view marker : {"certificate of ", "certificate ("}) {
        const auto at = s.find(marker);
        if (at == std::string::npos) continue;
        const auto open = s.find('(', at);
        const auto close = open == std::string::npos ? std::string::npos : s.find(") ", open);
        if (open != std::string::npos && close != std::string::npos) s.erase(open, close + 2 - open);
    }
    return s;
}

// A verify error as the product words it, without what some versions append (the peer's
// ` CN=<name>`, ` for <domain>`), in lower case.
std::string verify_reason(std::string_view detail) {
    std::string d = lower(detail);
    for (std::string_view suffix : {" cn=", " for "}) {
        if (const auto at = d.find(suffix); at != std::string::npos) d.erase(at);
    }
    return d;
}

std::string key_of(const trace_line& l, renumbering& r) {
    const std::string f(to_string(l.family));
    const std::string d = lower(l.domain);
    switch (l.family) {
        case line_family::message_queued:
        case line_family::message_finished: return fmt::format("{} {}", f, r.mid(l.mid));
        case line_family::connection_new: return fmt::format("{} {} {} port {}", f, r.dcid(l.dcid), r.address(l.address), l.port.value_or(0));
        case line_family::tls_success: return fmt::format("{} {} {} {}", f, r.dcid(l.dcid), l.protocol, l.cipher);
        case line_family::starttls_unsupported:
        case line_family::tls_required_failed:
        case line_family::starttls_plaintext_discarded:
        case line_family::connection_close: return fmt::format("{} {}", f, r.dcid(l.dcid));
        case line_family::tls_failed:
        case line_family::tls_verify_deferring:
        case line_family::tls_verify_not_enforced: return fmt::format("{} {} {}", f, r.dcid(l.dcid), verify_reason(l.detail));
        case line_family::delivery_start:
        case line_family::message_done: return fmt::format("{} {} {} {}", f, r.dcid(l.dcid), r.mid(l.mid), rid_list(l.rids));
        case line_family::response: {
            // The receiver's reply carries its own queue id; its status code is the story.
            const std::string code = l.detail.substr(0, l.detail.find(' '));
            return fmt::format("{} {} {} {}", f, r.mid(l.mid), rid_list(l.rids), code);
        }
        case line_family::delayed:
        case line_family::bounced:
            // With '000' no receiver replied: the text in ['...'] is the gateway's own
            // wording, which versions phrase differently.
            return fmt::format("{} {} {} {} {} {} {}", f, r.dcid(l.dcid), r.mid(l.mid), rid_list(l.rids), l.status, l.reply_code,
                               l.reply_code == "000" ? std::string() : r.text(l.reply));
        case line_family::connection_error:
            return fmt::format("{} {} {} {} port {}", f, r.dcid(l.dcid), d, r.address(l.address), l.port.value_or(0));
        case line_family::recheck_before_bounce: return fmt::format("{} {} {} {}", f, r.mid(l.mid), d, l.detail);
        case line_family::dsn_generated: return fmt::format("{} {} {}", f, r.mid(l.mid), rid_list(l.rids));
        case line_family::dns_temporary_failure:
        case line_family::dns_hard_error: return fmt::format("{} {} {} {}", f, lower(l.name), l.record_type, l.detail);
        case line_family::policy_fetched:
        case line_family::policy_refreshed:
            return fmt::format("{} {} {} {}", f, d, l.mode, l.max_age ? std::to_string(*l.max_age) : "-");
        case line_family::policy_fetch_failed:
        case line_family::policy_invalid:
        case line_family::policy_refresh_failed:
        case line_family::txt_invalid: return fmt::format("{} {} {}", f, d, r.text(without_subject(l.detail)));
        case line_family::mx_not_listed_enforce:
        case line_family::mx_not_listed_testing:
        case line_family::dane_usable:
        case line_family::dane_all_unusable:
        case line_family::dane_not_secure:
        case line_family::dane_lookup_failed: return fmt::format("{} {} {}", f, d, lower(l.host));
        default: return fmt::format("{} {}", f, d);
    }
}

bool in_scope(const trace& t, std::size_t i, const comparison_scope& scope) {
    std::string domain = t.line_domain[i];
    if (t.owner[i]) {
        const trace_message& m = t.messages[*t.owner[i]];
        if (!m.domain.empty()) domain = m.domain;
        else if (scope.mids) return std::find(scope.mids->begin(), scope.mids->end(), m.mid) != scope.mids->end();
        else if (scope.domains.size() == 1) domain = scope.domains.front();
    }
    if (domain.empty()) return scope.domains.size() <= 1;
    return std::find(scope.domains.begin(), scope.domains.end(), domain) != scope.domains.end();
}

}  // namespace

std::set<line_family> families_of(const trace& t, const comparison_scope& scope) {
    std::set<line_family> out;
    for (std::size_t i = 0; i < t.lines.size(); ++i) {
        if (in_scope(t, i, scope)) out.insert(t.lines[i].family);
    }
    return out;
}

std::vector<compared_line> comparable_lines(const trace& t, const comparison_scope& scope, const std::set<line_family>& customer_families,
                                            std::size_t& left_out) {
    std::vector<compared_line> out;
    renumbering r;
    left_out = 0;
    // Message by message (in order of first appearance), then the lines of no message: a
    // gateway interleaves concurrent deliveries in its own order, which is not the story.
    std::vector<std::size_t> order;
    order.reserve(t.lines.size());
    for (const trace_message& m : t.messages) order.insert(order.end(), m.lines.begin(), m.lines.end());
    for (std::size_t i = 0; i < t.lines.size(); ++i) {
        if (!t.owner[i]) order.push_back(i);
    }
    for (const std::size_t i : order) {
        const trace_line& l = t.lines[i];
        if (!in_scope(t, i, scope)) continue;
        if (!compared(l.family) || (ours(l.family) && !customer_families.contains(l.family))) {
            ++left_out;
            continue;
        }
        out.push_back({key_of(l, r), l.number, l.text});
    }
    return out;
}

trace_alignment align_traces(const trace& customer, const trace& engine, const comparison_scope& customer_scope,
                             const comparison_scope& engine_scope) {
    trace_alignment a;
    const std::set<line_family> families = families_of(customer, customer_scope);
    a.customer = comparable_lines(customer, customer_scope, families, a.left_out_customer);
    a.engine = comparable_lines(engine, engine_scope, families, a.left_out_engine);
    const std::size_t common = std::min(a.customer.size(), a.engine.size());
    for (std::size_t i = 0; i < common; ++i) {
        if (a.customer[i].key != a.engine[i].key) {
            a.first_difference = i;
            return a;
        }
    }
    if (a.customer.size() != a.engine.size()) a.first_difference = common;
    return a;
}

}  // namespace sts::sim
