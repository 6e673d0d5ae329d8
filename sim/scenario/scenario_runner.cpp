#include "sim/scenario/scenario_runner.hpp"

#include "engine/core/peer_text.hpp"
#include "engine/tlsrpt/policy_type.hpp"
#include "engine/tlsrpt/result_type.hpp"
#include "mocks/dns/server.hpp"
#include "sim/harness/simulation.hpp"
#include "mocks/smtp/smtp_receiver.hpp"
#include "sim/world/world.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

namespace sts::sim {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Host names compare case-insensitively and without a trailing dot, as DNS names do.
std::string host_key(std::string s) {
    if (!s.empty() && s.back() == '.') s.pop_back();
    return lower(std::move(s));
}

delivery::message make_message(const scenario_spec& spec, const scenario_step& step) {
    std::string to;
    for (const auto& r : step.to) to += fmt::format("{}<{}>", to.empty() ? "" : ", ", r);
    delivery::message m;
    m.mail_from = step.from;
    m.rcpt_to = step.to;
    m.data = fmt::format("From: <{}>\r\nTo: {}\r\nSubject: scenario {}\r\n\r\nSent by scenario {} (line {}).\r\n",
                         step.from, to, spec.name, spec.name, step.line);
    return m;
}

// What the engines of one run did: a restart replaces the engine, so the outcomes and
// counts of the stopped ones are kept here before it does.
struct run_record {
    std::vector<delivery::recipient_outcome> outcomes;  // stopped engines' first, in order
    std::vector<delivery::tlsrpt_record> tlsrpt;        // likewise
    std::vector<delivery::message> dsns;                // likewise
    std::vector<delivery::engine_counts> counts;        // one per engine
};

void take(run_record& rec, delivery::engine& e) {
    for (auto& o : e.outcomes()) rec.outcomes.push_back(std::move(o));
    for (const auto& t : e.tlsrpt_records()) rec.tlsrpt.push_back(t);
    for (const auto& d : e.dsns()) rec.dsns.push_back(d);
    rec.counts.push_back(e.counts());
}

// Applies a step that changes the world; the error says why it could not be applied.
core::result<std::monostate, std::string> apply_change(world& w, const scenario_step& step) {
    using k = scenario_step::kind;
    switch (step.what) {
        case k::dns_set: return w.set_dns_records(step.records);
        case k::dns_remove: return w.remove_dns_records(step.name, step.type);
        case k::dns_fault: return w.set_dns_fault(*step.fault);
        case k::policy: return w.set_policy_host(*step.policy, step.new_certificate);
        case k::smtp: return w.set_smtp_host(*step.smtp, step.new_certificate);
        case k::proxy: return w.set_proxy_fault(*step.proxy);
        default: return std::monostate{};
    }
}

std::string_view state_text(delivery::recipient_state s) {
    switch (s) {
        case delivery::recipient_state::delivered: return "delivered";
        case delivery::recipient_state::queued: return "queued";
        case delivery::recipient_state::bounced: return "bounced";
    }
    return "?";
}

// `deferred` is `queued` after at least one failed attempt: the engine tried and will
// try again, as opposed to a recipient nobody has tried yet.
bool same_state(expected_outcome want, const delivery::recipient_outcome& got) {
    switch (want) {
        case expected_outcome::delivered: return got.state == delivery::recipient_state::delivered;
        case expected_outcome::queued: return got.state == delivery::recipient_state::queued;
        case expected_outcome::deferred: return got.state == delivery::recipient_state::queued && got.attempts >= 1;
        case expected_outcome::bounced: return got.state == delivery::recipient_state::bounced;
    }
    return false;
}

// Whether a DSN names the recipient (RFC 3464 §2.3.2 Final-Recipient field).
bool dsn_names(const std::vector<delivery::message>& dsns, const std::string& recipient) {
    const auto want = lower(fmt::format("final-recipient: rfc822; {}\r\n", recipient));
    for (const auto& d : dsns)
        if (lower(d.data).find(want) != std::string::npos) return true;
    return false;
}

// interpretation: a recipient that was sent to more than once is judged by its latest
// message, the one a scenario that resends after a change is about.
std::string check_recipient(const scenario_expectation& e, const run_record& rec) {
    const delivery::recipient_outcome* last = nullptr;
    for (const auto& o : rec.outcomes)
        if (lower(o.recipient) == lower(e.subject)) last = &o;
    if (last == nullptr) return "no message was sent to this recipient";
    const auto found = [&] {
        auto text = fmt::format("found {} after {} attempt(s)", state_text(last->state), last->attempts);
        if (last->state == delivery::recipient_state::delivered)
            text += fmt::format(" via {} tls {}", last->delivered_via,
                                last->tls_protocol.empty() ? "none" : last->tls_protocol);
        if (!last->last_reply.empty()) text += fmt::format(", last reply: {}", core::quote_peer_text(last->last_reply));
        return text;
    };
    if (!same_state(e.outcome, *last)) return found();
    if (e.via && host_key(*e.via) != host_key(last->delivered_via)) return found();
    if (e.tls) {
        const std::string got = last->tls_protocol.empty() ? "none" : last->tls_protocol;
        if (*e.tls != got) return found();
    }
    if (e.attempts && *e.attempts != last->attempts) return found();
    if (e.dsn && *e.dsn != dsn_names(rec.dsns, e.subject))
        return fmt::format("{}; {}", found(), *e.dsn ? "no DSN names the recipient" : "a DSN names the recipient");
    return {};
}

std::string check_log_order(const scenario_expectation& e, const std::vector<log::entry>& entries) {
    std::size_t next = 0;
    for (const auto& en : entries)
        if (next < e.lines.size() && en.text == e.lines[next]) ++next;
    if (next == e.lines.size()) return {};
    const bool present = std::any_of(entries.begin(), entries.end(),
                                     [&](const log::entry& en) { return en.text == e.lines[next]; });
    return fmt::format("line {} of the list (\"{}\") {}", next + 1, e.lines[next],
                       present ? "appears only before the lines listed ahead of it" : "is not in the log");
}

bool tlsrpt_matches(const scenario_expectation& e, const delivery::tlsrpt_record& t) {
    if (!e.subject.empty() && host_key(e.subject) != host_key(t.policy_domain)) return false;
    if (e.policy && *e.policy != tlsrpt::to_string(t.policy)) return false;
    if (e.success && *e.success != t.success) return false;
    if (e.result && (!t.result || *e.result != tlsrpt::to_string(*t.result))) return false;
    return true;
}

std::string describe_tlsrpt(const delivery::tlsrpt_record& t) {
    return fmt::format("{} {} {} {}", t.policy_domain, tlsrpt::to_string(t.policy), t.mx_host,
                       t.success ? std::string("success") : std::string(t.result ? tlsrpt::to_string(*t.result) : "failure"));
}

std::string check_tlsrpt(const scenario_expectation& e, const run_record& rec) {
    std::uint64_t matched = 0;
    for (const auto& t : rec.tlsrpt)
        if (tlsrpt_matches(e, t)) ++matched;
    const bool ok = e.at_least ? matched >= e.count : matched == e.count;
    if (ok) return {};
    std::string seen;
    for (std::size_t i = 0; i < rec.tlsrpt.size() && i < 5; ++i)
        seen += fmt::format("{}{}", seen.empty() ? "" : "; ", describe_tlsrpt(rec.tlsrpt[i]));
    return fmt::format("found {} matching TLS-RPT records of {}{}", matched, rec.tlsrpt.size(),
                       seen.empty() ? std::string() : fmt::format(" ({}{})", seen, rec.tlsrpt.size() > 5 ? "; ..." : ""));
}

// The identity reports are written under: the engine's own when it reports, else a
// default one, so every run still shows the reports it would have sent.
tlsrpt::reporter_identity reporter_of(const delivery::engine& engine) {
    const auto& config = engine.config();
    auto identity = config.tlsrpt_reporting.identity;
    if (!config.tlsrpt_reporting.enabled) {
        identity.organization_name = "mtasts-sim gateway";
        identity.contact_info = "tlsrpt@" + config.ehlo_name;
        identity.submitter_domain = config.ehlo_name;
        identity.report_id_seed = config.seed;
    }
    if (identity.sending_ip.empty()) identity.sending_ip = config.interface_address;
    return identity;
}

std::string check_tlsrpt_report(const scenario_expectation& e, const std::vector<tlsrpt::report_file>& reports) {
    const auto domain = host_key(e.subject);
    const auto report = std::find_if(reports.begin(), reports.end(),
                                     [&](const tlsrpt::report_file& r) { return host_key(r.policy_domain) == domain; });
    if (report == reports.end()) return fmt::format("no report for {} ({} report(s) in all)", domain, reports.size());
    const auto json = nlohmann::json::parse(report->json_text, nullptr, false);
    if (json.is_discarded()) return "the report is not JSON";
    const nlohmann::json::json_pointer at(e.pointer);
    const bool there = json.contains(at);
    if (e.exists) {
        if (there == *e.exists) return {};
        return there ? fmt::format("found {}", json.at(at).dump()) : "nothing there";
    }
    if (!there) return "nothing there";
    const auto want = nlohmann::json::parse(e.equals_json.value_or("null"));
    return json.at(at) == want ? std::string() : fmt::format("found {}", json.at(at).dump());
}

std::string check_received(const scenario_expectation& e, simulation& s) {
    const auto* host = s.world().smtp_host(host_key(e.subject));
    if (host == nullptr) return "no such SMTP host in the world";
    std::size_t containing = 0;
    for (const auto& m : host->received())
        if (m.data.find(e.text) != std::string::npos) ++containing;
    const bool want = e.what == scenario_expectation::kind::received;
    if (want) return containing != 0 ? std::string() : fmt::format("none of its {} message(s) contains it", host->received().size());
    return containing == 0 ? std::string() : fmt::format("{} of its message(s) contain it", containing);
}

std::string check_cache(const scenario_expectation& e, delivery::engine& engine) {
    const auto entry = engine.cache().find(host_key(e.subject));
    if (!e.present) {
        return entry ? fmt::format("found an entry with id {} (mode {})", entry->policy_id,
                                   mtasts::to_string(entry->cached_policy.policy_mode))
                     : std::string();
    }
    if (!entry) return "the cache has no entry for the domain";
    const auto mode = std::string(mtasts::to_string(entry->cached_policy.policy_mode));
    if ((e.policy_id && *e.policy_id != entry->policy_id) || (e.mode && *e.mode != mode))
        return fmt::format("found id {} mode {}", entry->policy_id, mode);
    return {};
}

std::string check(const scenario_expectation& e, const scenario_spec& spec, simulation& s, const run_record& rec,
                  const std::vector<tlsrpt::report_file>& reports) {
    using k = scenario_expectation::kind;
    switch (e.what) {
        case k::recipient: return check_recipient(e, rec);
        case k::log_present:
        case k::log_absent: {
            const auto& entries = s.log().entries();
            const auto it = std::find_if(entries.begin(), entries.end(),
                                         [&](const log::entry& en) { return en.text == e.subject; });
            if (e.what == k::log_present)
                return it != entries.end() ? std::string() : "no log line has exactly this text";
            return it == entries.end() ? std::string() : fmt::format("found: {}", log::format_line(*it));
        }
        case k::log_contains:
        case k::log_contains_absent: {
            const auto& entries = s.log().entries();
            const auto it = std::find_if(entries.begin(), entries.end(), [&](const log::entry& en) {
                return en.text.find(e.subject) != std::string::npos;
            });
            if (e.what == k::log_contains)
                return it != entries.end() ? std::string() : "no log line contains this text";
            return it == entries.end() ? std::string() : fmt::format("found: {}", log::format_line(*it));
        }
        case k::log_order: return check_log_order(e, s.log().entries());
        case k::dns_queries: {
            const auto n = static_cast<std::uint64_t>(s.world().dns_server().queries().count(e.subject, e.type));
            const bool ok = e.at_least ? n >= e.count : n == e.count;
            return ok ? std::string() : fmt::format("found {} queries", n);
        }
        case k::tlsrpt: return check_tlsrpt(e, rec);
        case k::cache: return check_cache(e, s.engine());
        case k::tlsrpt_report: return check_tlsrpt_report(e, reports);
        case k::received:
        case k::received_absent: return check_received(e, s);
        case k::contacted:
        case k::not_contacted: {
            const auto host = host_key(e.subject);
            std::size_t seen = 0;
            const mocks::transcript_entry* first = nullptr;
            for (const auto& t : s.world().transcript().entries()) {
                // A mock records that it listens when the world starts; that is not contact.
                const bool own_start = t.kind == mocks::transcript_kind::event && t.text.starts_with("listening on ");
                if (host_key(t.host) != host || own_start) continue;
                if (seen++ == 0) first = &t;
            }
            if (e.what == k::contacted) return seen != 0 ? std::string() : "the host saw nothing";
            if (seen == 0) return {};
            return fmt::format("the host saw {} transcript entries, the first at {}: {} {}", seen,
                               log::format_timestamp(first->at), mocks::to_string(first->kind), first->text);
        }
        case k::policy_fetches: {
            std::set<std::string> policy_hosts;
            // Report endpoints are the same mock, but a report upload is no policy fetch.
            for (const auto& p : spec.world.policy_hosts)
                if (!p.config.post_status) policy_hosts.insert(host_key(p.host_name));
            std::uint64_t fetches = 0;
            for (const auto& t : s.world().transcript().entries())
                if (t.kind == mocks::transcript_kind::http_request && policy_hosts.count(host_key(t.host)) != 0)
                    ++fetches;
            return fetches == e.count ? std::string() : fmt::format("found {} policy fetches", fetches);
        }
    }
    return "unknown expectation";
}

std::string check_conserved(const run_record& rec) {
    for (std::size_t i = 0; i < rec.counts.size(); ++i) {
        const auto& c = rec.counts[i];
        if (!c.conserved())
            return fmt::format("engine {}: accepted {} != delivered {} + bounced {} + queued {}", i + 1, c.accepted,
                               c.delivered, c.bounced, c.queued);
    }
    return {};
}

// The words a failure is about, to pick the log lines that tell its story.
std::vector<std::string> keywords(const scenario_expectation& e) {
    using k = scenario_expectation::kind;
    switch (e.what) {
        case k::recipient: {
            std::vector<std::string> words{e.subject};
            if (const auto at = e.subject.rfind('@'); at != std::string::npos) words.push_back(e.subject.substr(at + 1));
            return words;
        }
        case k::contacted:
        case k::not_contacted: return {e.subject};
        case k::policy_fetches: return {"MTA-STS policy"};
        case k::log_contains:
        case k::log_contains_absent: return {e.subject};
        case k::log_order: return e.lines;
        case k::dns_queries: return {e.subject};
        case k::tlsrpt:
        case k::cache: return {e.subject};
        default: return {};
    }
}

std::vector<std::string> log_around(const std::vector<std::string>& lines, const std::vector<std::string>& words) {
    std::vector<bool> keep(lines.size(), false);
    bool any = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        for (const auto& w : words) {
            if (w.empty() || lines[i].find(w) == std::string::npos) continue;
            // One line either side: the line before often says why, the one after what followed.
            for (std::size_t j = i == 0 ? 0 : i - 1; j <= std::min(i + 1, lines.size() - 1); ++j) keep[j] = true;
            any = true;
        }
    }
    std::vector<std::string> out;
    if (!any) {
        const auto from = lines.size() > failure_log_lines_max ? lines.size() - failure_log_lines_max : 0;
        out.assign(lines.begin() + static_cast<std::ptrdiff_t>(from), lines.end());
        return out;
    }
    for (std::size_t i = 0; i < lines.size() && out.size() < failure_log_lines_max; ++i)
        if (keep[i]) out.push_back(lines[i]);
    return out;
}

}  // namespace

scenario_result run_scenario(const scenario_spec& spec, const scenario_run_options& options) {
    scenario_result result;
    result.file = spec.file;
    result.name = spec.name;
    result.summary = spec.summary;
    result.covers = spec.covers;
    result.semantics = std::string(to_string(spec.semantics));
    auto world = spec.world;
    if (options.seed) world.settings.seed = *options.seed;
    if (options.log_level) world.engine.log_level = *options.log_level;
    world.engine.planted_bug = options.planted_bug;
    auto started = simulation::start(std::move(world), {options.network, options.port_base});
    if (!started) {
        result.error = fmt::format("the world did not start: {}", started.error());
        return result;
    }
    auto& s = **started;
    run_record rec;
    for (const auto& step : spec.steps) {
        switch (step.what) {
            case scenario_step::kind::send: s.submit(make_message(spec, step)); break;
            case scenario_step::kind::advance: s.run_for(step.advance); break;
            case scenario_step::kind::restart: {
                take(rec, s.engine());
                if (auto r = s.restart_engine(); !r) {
                    result.error = fmt::format("line {}: the engine did not restart: {}", step.line, r.error());
                    result.log_lines = s.log_lines();
                    return result;
                }
                break;
            }
            default: {
                if (auto r = apply_change(s.world(), step); !r) {
                    result.error = fmt::format("line {}: the change did not apply: {}", step.line, r.error());
                    result.log_lines = s.log_lines();
                    return result;
                }
                s.world().note(step.description);
                break;
            }
        }
    }
    take(rec, s.engine());
    result.log_lines = s.log_lines();
    result.transcript = s.world().transcript().render();
    result.timeline = s.world().transcript().entries();
    result.tlsrpt_records = rec.tlsrpt;
    result.outcomes = rec.outcomes;
    result.tlsrpt_reports = tlsrpt::build_daily_reports(result.tlsrpt_records, reporter_of(s.engine()));

    for (const auto& e : spec.expectations) {
        auto detail = check(e, spec, s, rec, result.tlsrpt_reports);
        result.expectations.push_back({describe(e), e.line, detail.empty(), std::move(detail)});
    }
    auto detail = check_conserved(rec);
    result.expectations.push_back({"conserved", 0, detail.empty(), std::move(detail)});

    for (std::size_t i = 0; i < result.expectations.size(); ++i) {
        if (result.expectations[i].passed) continue;
        result.first_failure = i;
        const auto words = i < spec.expectations.size() ? keywords(spec.expectations[i]) : std::vector<std::string>{};
        result.failure_log = log_around(result.log_lines, words);
        break;
    }
    result.passed = !result.first_failure.has_value();
    return result;
}

std::optional<std::string> check_determinism(const scenario_spec& spec, const scenario_run_options& options) {
    const auto first = run_scenario(spec, options);
    const auto second = run_scenario(spec, options);
    if (first.error != second.error) return fmt::format("the runs ended differently: \"{}\" / \"{}\"", first.error, second.error);
    const auto n = std::min(first.log_lines.size(), second.log_lines.size());
    for (std::size_t i = 0; i < n; ++i)
        if (first.log_lines[i] != second.log_lines[i])
            return fmt::format("log line {} differs:\n  {}\n  {}", i + 1, first.log_lines[i], second.log_lines[i]);
    if (first.log_lines.size() != second.log_lines.size())
        return fmt::format("the logs have {} and {} lines", first.log_lines.size(), second.log_lines.size());
    if (first.transcript != second.transcript) return std::string("the world transcripts differ");
    if (first.passed != second.passed) return std::string("one run passed and the other failed");
    return std::nullopt;
}

}  // namespace sts::sim
