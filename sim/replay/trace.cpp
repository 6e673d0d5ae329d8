// sim/replay/trace.cpp
#include "sim/replay/trace.hpp"

#include "engine/core/ascii_case.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace sts::sim {

namespace {

// A domain name as the trace's keys hold it: lower case, no trailing dot.
std::string lower(std::string_view s) {
    std::string out = core::ascii_lower(s);
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

std::string domain_of_address(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos) return {};
    return lower(address.substr(at + 1));
}

// The recipient domain a DNS name stands for: the owner of `_mta-sts.<d>` and
// `_smtp._tls.<d>` is <d>; other names are taken as they are (an MX lookup's name is the
// domain; a host's name is mapped through the hosts seen in per-host lines).
std::string domain_of_name(std::string_view name, const std::map<std::string, std::string>& host_domain) {
    std::string n = lower(name);
    for (std::string_view prefix : {"_mta-sts.", "_smtp._tls."}) {
        if (n.starts_with(prefix)) return n.substr(prefix.size());
    }
    if (n.starts_with("_25._tcp.")) n = n.substr(9);
    if (const auto it = host_domain.find(n); it != host_domain.end()) return it->second;
    return n;
}

// Planning lines name a domain and no message: they are about the delivery being planned.
bool is_planning(line_family f) {
    switch (f) {
        case line_family::txt_found:
        case line_family::txt_absent:
        case line_family::txt_invalid:
        case line_family::txt_multiple:
        case line_family::txt_deferring:
        case line_family::policy_cache_expired:
        case line_family::policy_fetch_start:
        case line_family::policy_fetched:
        case line_family::policy_fetch_timeout:
        case line_family::policy_fetch_failed:
        case line_family::policy_invalid:
        case line_family::policy_fetch_failure:
        case line_family::policy_fetch_backoff:
        case line_family::policy_refresh_start:
        case line_family::policy_refreshed:
        case line_family::policy_refresh_failed:
        case line_family::policy_refresh_failing:
        case line_family::policy_cache_hit:
        case line_family::policy_applying:
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
        case line_family::policy_successful:
            return true;
        default:
            return false;
    }
}

bool names_dns(line_family f) {
    return f == line_family::dns_query || f == line_family::dns_query_recursive || f == line_family::dns_query_wire ||
           f == line_family::dns_encache || f == line_family::dns_temporary_failure || f == line_family::dns_hard_error;
}

}  // namespace

trace build_trace(std::vector<trace_line> lines) {
    trace t;
    t.lines = std::move(lines);
    const std::size_t n = t.lines.size();
    t.owner.assign(n, std::nullopt);
    t.line_domain.assign(n, std::string());

    std::map<std::uint64_t, std::size_t> message_of_mid;
    auto message = [&](std::uint64_t mid) -> trace_message& {
        auto [it, fresh] = message_of_mid.try_emplace(mid, t.messages.size());
        if (fresh) {
            t.messages.push_back({});
            t.messages.back().mid = mid;
        }
        return t.messages[it->second];
    };

    std::map<std::uint64_t, std::uint64_t> mid_of_dcid;
    std::map<std::uint64_t, std::string> dcid_domain;          // Connection Error's domain
    std::map<std::uint64_t, std::size_t> dcid_domain_line;     // and the line that named it
    std::map<std::uint64_t, std::string> dcid_planning_domain; // last planning domain before it opened
    std::map<std::uint64_t, std::size_t> dcid_planning_line;
    std::map<std::string, std::string> host_domain;
    std::map<std::uint64_t, std::pair<std::string, std::size_t>> mid_named_domain;  // To:, re-check
    std::string last_planning_domain;
    std::size_t last_planning_line = 0;

    // Pass 1: the links lines state outright.
    for (std::size_t i = 0; i < n; ++i) {
        const trace_line& l = t.lines[i];
        if (l.severity == log::severity::debug || l.severity == log::severity::trace) t.has_debug = true;
        if (l.family == line_family::unclassified) continue;
        if (!l.host.empty() && !l.domain.empty()) host_domain[lower(l.host)] = lower(l.domain);
        if (l.mid) {
            trace_message& m = message(*l.mid);
            for (auto r : l.rids) {
                if (std::find(m.rids.begin(), m.rids.end(), r) == m.rids.end()) m.rids.push_back(r);
            }
            if (l.dcid && *l.dcid != 0) {
                mid_of_dcid.try_emplace(*l.dcid, *l.mid);
                if (std::find(m.dcids.begin(), m.dcids.end(), *l.dcid) == m.dcids.end()) m.dcids.push_back(*l.dcid);
            }
            if ((l.family == line_family::delayed || l.family == line_family::bounced)) {
                if (!l.sender.empty() && m.sender.empty()) m.sender = l.sender;
                if (!l.recipient.empty()) {
                    const std::size_t rid = l.rids.empty() ? 0 : static_cast<std::size_t>(l.rids.front());
                    if (rid < 10'000) {
                        if (m.recipients.size() <= rid) m.recipients.resize(rid + 1);
                        if (m.recipients[rid].empty()) m.recipients[rid] = l.recipient;
                    }
                    const std::string d = domain_of_address(l.recipient);
                    if (!d.empty()) mid_named_domain.try_emplace(*l.mid, d, l.number);
                }
            }
            if (l.family == line_family::recheck_before_bounce && !l.domain.empty()) {
                mid_named_domain.try_emplace(*l.mid, lower(l.domain), l.number);
            }
        }
        if (l.family == line_family::connection_error && l.dcid && !l.domain.empty()) {
            dcid_domain.try_emplace(*l.dcid, lower(l.domain));
            dcid_domain_line.try_emplace(*l.dcid, l.number);
        }
        if (is_planning(l.family) && !l.domain.empty() && !l.mid && !l.dcid) {
            last_planning_domain = lower(l.domain);
            last_planning_line = l.number;
        } else if ((l.family == line_family::dns_temporary_failure || l.family == line_family::dns_hard_error) &&
                   !l.name.empty()) {
            last_planning_domain = domain_of_name(l.name, host_domain);
            last_planning_line = l.number;
        }
        if (l.family == line_family::connection_new && l.dcid && !last_planning_domain.empty()) {
            dcid_planning_domain.try_emplace(*l.dcid, last_planning_domain);
            dcid_planning_line.try_emplace(*l.dcid, last_planning_line);
        }
    }

    // The message each DCID belongs to, and each message's domain.
    for (trace_message& m : t.messages) {
        if (const auto it = mid_named_domain.find(m.mid); it != mid_named_domain.end()) {
            m.domain = it->second.first;
            m.domain_line = it->second.second;
            continue;
        }
        for (auto d : m.dcids) {
            if (const auto it = dcid_domain.find(d); it != dcid_domain.end()) {
                m.domain = it->second;
                m.domain_line = dcid_domain_line[d];
                break;
            }
            if (const auto it = dcid_planning_domain.find(d); it != dcid_planning_domain.end()) {
                m.domain = it->second;
                m.domain_line = dcid_planning_line[d];
                break;
            }
        }
    }

    // Pass 2: owners. A line with a MID or a DCID tied to one belongs to that message.
    for (std::size_t i = 0; i < n; ++i) {
        const trace_line& l = t.lines[i];
        if (l.family == line_family::unclassified) continue;
        std::optional<std::uint64_t> mid = l.mid;
        if (!mid && l.dcid) {
            if (const auto it = mid_of_dcid.find(*l.dcid); it != mid_of_dcid.end()) mid = it->second;
        }
        if (mid) {
            const std::size_t k = message_of_mid.at(*mid);
            t.owner[i] = k;
            t.line_domain[i] = t.messages[k].domain;
        } else if (!l.domain.empty()) {
            t.line_domain[i] = lower(l.domain);
        } else if (l.family == line_family::connection_error && l.dcid) {
            t.line_domain[i] = lower(l.domain);
        } else if (names_dns(l.family) && !l.name.empty()) {
            t.line_domain[i] = domain_of_name(l.name, host_domain);
        } else if (l.dcid) {
            if (const auto it = dcid_planning_domain.find(*l.dcid); it != dcid_planning_domain.end()) {
                t.line_domain[i] = it->second;
            }
        }
    }
    // Lines that name no domain (the proxy line, a wire query of an MX host) continue the
    // line before them.
    for (std::size_t i = 1; i < n; ++i) {
        if (t.lines[i].family != line_family::unclassified && t.line_domain[i].empty() && !t.owner[i]) {
            t.line_domain[i] = t.line_domain[i - 1];
        }
    }
    // Planning lines belong to the next message of their domain that follows them: the
    // delivery they plan.
    std::map<std::string, std::size_t> next_owner;
    for (std::size_t i = n; i-- > 0;) {
        if (t.owner[i]) {
            if (!t.line_domain[i].empty()) next_owner[t.line_domain[i]] = *t.owner[i];
            continue;
        }
        if (t.lines[i].family == line_family::unclassified || t.line_domain[i].empty()) continue;
        if (const auto it = next_owner.find(t.line_domain[i]); it != next_owner.end()) t.owner[i] = it->second;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (t.owner[i]) t.messages[*t.owner[i]].lines.push_back(i);
    }
    return t;
}

core::result<trace, log_read_error> read_trace(std::istream& in, int default_year) {
    log_reader reader(in, default_year);
    std::vector<trace_line> kept;
    bool cut = false;
    for (;;) {
        auto next = reader.next();
        if (!next) return core::failure(next.error());
        if (!next.value()) break;
        if (kept.size() < trace_lines_max) {
            kept.push_back(std::move(*next.value()));
        } else {
            cut = true;  // keep reading: the statistics cover the whole log
        }
    }
    trace t = build_trace(std::move(kept));
    t.stats = reader.stats();
    t.cut = cut;
    return t;
}

std::vector<std::string> trace_domains(const trace& t) {
    std::vector<std::string> out;
    auto add = [&](const std::string& d) {
        if (!d.empty() && std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    };
    for (std::size_t i = 0; i < t.lines.size(); ++i) {
        if (t.owner[i]) add(t.messages[*t.owner[i]].domain);
        else if (t.lines[i].family != line_family::unclassified && !t.line_domain[i].empty() &&
                 t.lines[i].family != line_family::dns_query_wire && t.lines[i].family != line_family::dns_query_recursive) {
            add(t.line_domain[i]);
        }
    }
    return out;
}

}  // namespace sts::sim
