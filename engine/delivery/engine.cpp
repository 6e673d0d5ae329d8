// engine/delivery/engine.cpp
//
// The facade's machinery: the queue (queue.hpp) says what is due, the destination planner
// says where to go and under which TLS requirement, smtp::run_session goes there, and
// this file turns what came back into queue transitions, mail-log lines, TLS-RPT records,
// retries on the timer port and, at the end of the lifetime, bounces with a DSN.
//
// Everything runs on the world's io_context through callbacks; no handler is ever called
// from inside the call that started it, so the queue is never re-entered. Handlers hold a
// weak reference to the engine's state and do nothing once the engine is gone or stopped.
#include "engine/delivery/engine.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/delivery/destination_planner.hpp"
#include "engine/delivery/dsn.hpp"
#include "engine/delivery/policy_proxy.hpp"
#include "engine/delivery/policy_refresher.hpp"
#include "engine/delivery/queue.hpp"
#include "engine/delivery/retry_schedule.hpp"
#include "engine/dns/stub_resolver.hpp"
#include "engine/log/delivery_lines.hpp"
#include "engine/mtasts/https_policy_fetcher.hpp"
#include "engine/mtasts/record.hpp"
#include "engine/mtasts/txt_outcome.hpp"
#include "engine/net/timer_service.hpp"
#include "engine/tls/client_tls.hpp"
#include "engine/tlsrpt/failure_reason.hpp"
#include "engine/tlsrpt/https_report_poster.hpp"

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <variant>

namespace sts::delivery {
namespace {

// The product's status texts for the recipient lines (Delayed:, Bounced:) and the DSN.
constexpr std::string_view address_error_text = "Unknown address error";
constexpr std::string_view expired_text = "Delivery expired (message too old)";

std::string reply_status(const smtp::reply& r) {
    if (r.enhanced) return smtp::to_string(*r.enhanced);
    return fmt::format("{}.0.0", r.code / 100);
}

// What an SMTP reply means for the Delayed:/Bounced: line and the DSN.
failure_note note_from_reply(const smtp::reply& r, std::string_view host, std::uint64_t dcid) {
    failure_note n;
    n.status = reply_status(r);
    n.text = std::string(address_error_text);
    n.reply_code = fmt::format("{:03d}", r.code);
    n.reply_tuple = smtp::log_reply_tuple(r);
    n.diagnostic = fmt::format("{} {}", r.code, smtp::log_response_text(r));
    n.remote_mta = std::string(host);
    n.dcid = dcid;
    return n;
}

// A failure of ours, with no reply behind it.
failure_note note_ours(std::string status, std::string text, std::string_view host, std::uint64_t dcid) {
    failure_note n;
    n.status = std::move(status);
    n.reply_code = "000";
    n.reply_tuple = log::no_reply_tuple(text);
    n.text = std::move(text);
    n.remote_mta = std::string(host);
    n.dcid = dcid;
    return n;
}

std::string reason_words(std::optional<tlsrpt::failure_reason> reason, std::string_view fallback) {
    return reason ? std::string(tls::log_wording(*reason)) : std::string(fallback);
}

bool refused_by_sts_enforce(const destination_plan& plan, const tls::connection_requirement& req) {
    return plan.policy.enforces() && req.report_policy == tlsrpt::policy_type::sts;
}

}  // namespace

// One delivery job on its way: the queue's job, the plan once known, and how far the
// walk along the plan's hosts has come.
struct job_run {
    delivery_job job;
    destination_plan plan;
    std::size_t next_host = 0;
    std::vector<unsigned> pending;  // RIDs not decided on this attempt yet
    std::optional<failure_note> last_failure;
    bool enforce_failure = false;  // some host was refused because of an enforce policy
    std::vector<dsn_recipient> bounced;  // for the DSN sent when the job ends
};

struct engine::impl : std::enable_shared_from_this<engine::impl> {
    impl(engine_config c, engine_ports p, retry_schedule s)
        : config(std::move(c)),
          ports(p),
          log(p.log, p.clock, config.log_level),
          schedule(std::move(s)),
          jobs(queue_config{config.mid_first, config.dcid_first, config.concurrent_deliveries_max}),
          cache(config.cache) {}

    engine_config config;
    engine_ports ports;
    log::mail_log log;
    retry_schedule schedule;
    queue jobs;
    mtasts::policy_cache cache;
    std::shared_ptr<tls::client_tls> tls;
    std::unique_ptr<dns::resolver> resolver;
    // RFC 8461 §5.1 [STS-APPLY-14] asks for a check of DNS itself before a bounce; an answer
    // from the resolver's cache, possibly fetched by the very attempt that failed, is not
    // one. The re-check therefore goes through a resolver without a cache.
    std::unique_ptr<dns::resolver> recheck_resolver;
    std::unique_ptr<mtasts::policy_fetcher> fetcher;
    std::unique_ptr<destination_planner> planner;
    std::unique_ptr<policy_refresher> refresher;
    std::unique_ptr<tlsrpt::https_report_poster> poster;
    std::unique_ptr<tlsrpt_reporter> reporter;
    std::vector<tlsrpt_record> tlsrpt;
    std::vector<message> dsns;
    std::optional<net::timer_id> wake_timer;
    core::time_point wake_at{};
    std::set<std::uint64_t> finished_logged;  // MIDs whose `Message finished` line is written
    // Recipients already retried at once after a bounce re-check found a newer policy: a
    // second failure bounces them. Without this, a policy that is stale as soon as it is
    // fetched (max_age 0) would be fetched and retried forever at one instant.
    std::set<std::pair<std::uint64_t, unsigned>> retried_after_recheck;
    bool stopped = false;

    class session_log;

    core::time_point now() const { return ports.clock.now(); }
    std::weak_ptr<impl> weak() { return weak_from_this(); }

    std::uint64_t accept(message m);
    void pump();
    void arm_wake();
    void start_job(const std::shared_ptr<job_run>& run);
    void on_plan(const std::shared_ptr<job_run>& run, destination_plan plan);
    void try_next_host(const std::shared_ptr<job_run>& run);
    void start_session(const std::shared_ptr<job_run>& run, const planned_host& host);
    void on_session(const std::shared_ptr<job_run>& run, session_log& observer, smtp::session_result result);
    void apply_results(const std::shared_ptr<job_run>& run, session_log& observer,
                       const std::vector<smtp::recipient_result>& results);
    void defer_remaining(const std::shared_ptr<job_run>& run);
    void recheck_before_bounce(const std::shared_ptr<job_run>& run, std::vector<unsigned> rids);
    void on_recheck_txt(const std::shared_ptr<job_run>& run, std::vector<unsigned> rids, dns::lookup_result r);
    void retry_at(const std::shared_ptr<job_run>& run, const std::vector<unsigned>& rids, core::time_point at);
    void bounce(const std::shared_ptr<job_run>& run, unsigned rid, const failure_note& why, std::string_view status,
                std::string_view text);
    void finish_job(const std::shared_ptr<job_run>& run);
    void message_maybe_finished(std::uint64_t mid);
    void check_conservation(bool recount);
    void record(const destination_plan& plan, std::string mx_host, std::string receiving_ip, bool success,
                std::optional<tlsrpt::failure_reason> reason, std::optional<tlsrpt::result_type> result,
                tlsrpt::policy_type policy, std::string detail);
    std::string policy_domain(const destination_plan& plan) const {
        return plan.policy_domain.empty() ? plan.domain : plan.policy_domain;
    }
    std::optional<net::endpoint> proxy_for(const destination_plan& plan) const {
        return policy_proxy_for(plan.profile_entry, config.profile_policy_proxy, config.policy_proxy);
    }
    const queued_message& message_of(const std::shared_ptr<job_run>& run) const {
        return *jobs.find(run->job.mid);
    }
};

// Writes the delivery lines of one session between its events (log-format.md order) and
// passes the recipient results to the queue as they arrive.
class engine::impl::session_log final : public smtp::session_observer {
public:
    session_log(std::weak_ptr<engine::impl> owner, std::shared_ptr<job_run> run, std::uint64_t dcid,
                planned_host host)
        : owner_(std::move(owner)), run_(std::move(run)), dcid_(dcid), host_(std::move(host)) {}

    std::uint64_t dcid() const { return dcid_; }
    const planned_host& host() const { return host_; }
    const std::string& tls_protocol() const { return tls_protocol_; }
    bool connected() const { return connected_; }

    void on_connected(const net::endpoint& local, const net::endpoint& remote) override {
        const auto self = live();
        if (self == nullptr) return;
        connected_ = true;
        const std::string& interface_address =
            local.address.empty() ? self->config.interface_address : local.address;
        self->log.info(log::new_smtp_connection(dcid_, interface_address, remote.address, remote.port));
    }

    void on_starttls_missing() override {
        const auto self = live();
        if (self == nullptr) return;
        starttls_missing_logged_ = true;
        self->log.info(log::starttls_not_supported(dcid_));
    }

    void on_tls(const smtp::tls_report& report) override {
        const auto self = live();
        if (self == nullptr) return;
        if (report.plaintext_discarded) self->log.warning(log::starttls_plaintext_discarded(dcid_));
        const auto& verdict = report.verdict;
        switch (report.facts.starttls) {
            case tls::starttls_result::not_offered:
                if (!starttls_missing_logged_) self->log.info(log::starttls_not_supported(dcid_));
                starttls_missing_logged_ = true;
                return;
            case tls::starttls_result::refused_transient:
            case tls::starttls_result::refused_permanent:
                self->log.info(log::tls_failed(dcid_, reason_words(verdict.failure, "STARTTLS command rejected")));
                return;
            case tls::starttls_result::handshake_failed:
                self->log.info(log::tls_failed(
                    dcid_, report.failure_detail.empty() ? reason_words(verdict.failure, "TLS handshake failed")
                                                         : report.failure_detail));
                return;
            case tls::starttls_result::established:
                break;
        }
        if (verdict.what == tls::next_step::refuse) {
            // seg-behaviour.md: a verification failure under a Required-Verify profile or an
            // enforce policy is logged as the product does, then the session ends.
            self->log.info(log::tls_deferring_verify_error(dcid_, reason_words(verdict.failure, "verify failed")));
            return;
        }
        tls_protocol_ = report.protocol;
        self->log.info(log::tls_success(dcid_, report.protocol, report.cipher));
        if (verdict.what == tls::next_step::deliver_and_report && verdict.failure)
            self->log.info(log::tls_verify_error_not_enforced(dcid_, tls::log_wording(*verdict.failure)));
        // The policy line follows TLS success when an enforce or testing policy governed the
        // host and the session met it (log-format.md, successful first delivery); not when
        // usable TLSA took precedence and MTA-STS was skipped for the host (seg-behaviour).
        const bool policy_met = (host_.sts == tls::sts_outcome::enforce_mx_match ||
                                 host_.sts == tls::sts_outcome::testing_mx_match) &&
                                host_.requirement.report_policy == tlsrpt::policy_type::sts && !verdict.reported;
        if (policy_met) self->log.info(log::policy_successful(self->policy_domain(run_->plan)));
    }

    void on_message_start(const smtp::outgoing_message& m) override {
        const auto self = live();
        if (self == nullptr) return;
        self->log.info(log::delivery_start(dcid_, m.mid, m.rids));
    }

    void on_message_done(const smtp::outgoing_message&, const std::vector<smtp::recipient_result>& results) override {
        const auto self = live();
        if (self == nullptr) return;
        self->apply_results(run_, *this, results);
    }

private:
    std::shared_ptr<engine::impl> live() const {
        auto p = owner_.lock();
        if (!p || p->stopped) return nullptr;
        return p;
    }

    std::weak_ptr<engine::impl> owner_;
    std::shared_ptr<job_run> run_;
    std::uint64_t dcid_;
    planned_host host_;
    std::string tls_protocol_;
    bool connected_ = false;
    bool starttls_missing_logged_ = false;
};

void engine::impl::pump() {
    if (stopped) return;
    for (auto& job : jobs.take_due(now())) {
        auto run = std::make_shared<job_run>();
        run->job = std::move(job);
        start_job(run);
    }
    check_conservation(false);
    arm_wake();
    if (refresher) refresher->kick();
}

void engine::impl::arm_wake() {
    if (stopped) return;
    const auto due = jobs.has_free_slot() ? jobs.next_due() : std::nullopt;
    if (wake_timer && due && *due == wake_at) return;
    if (wake_timer) {
        ports.timers.cancel(*wake_timer);
        wake_timer.reset();
    }
    if (!due) return;
    wake_at = std::max(*due, now());
    wake_timer = ports.timers.schedule(wake_at, [w = weak()](boost::system::error_code ec) {
        if (ec) return;  // cancelled: a newer wake-up replaced this one
        auto self = w.lock();
        if (!self) return;
        self->wake_timer.reset();
        self->pump();
    });
}

void engine::impl::start_job(const std::shared_ptr<job_run>& run) {
    run->pending = run->job.rids;
    if (run->job.domain.empty()) {
        // RFC 5321 §4.1.2: a forward-path needs a domain; nothing to look up, bounce now.
        const auto why = note_ours("5.1.3", "Bad destination mailbox address syntax", "", 0);
        for (const unsigned rid : run->pending) bounce(run, rid, why, why.status, why.text);
        run->pending.clear();
        finish_job(run);
        return;
    }
    const auto* queued = jobs.find(run->job.mid);
    const auto purpose = queued != nullptr && queued->content.tlsrpt_report ? destination_planner::purpose::tlsrpt_report
                                                                             : destination_planner::purpose::mail;
    planner->plan(
        run->job.domain,
        [w = weak(), run](destination_plan plan) {
            auto self = w.lock();
            if (!self || self->stopped) return;
            self->on_plan(run, std::move(plan));
        },
        purpose);
}

void engine::impl::on_plan(const std::shared_ptr<job_run>& run, destination_plan plan) {
    run->plan = std::move(plan);
    const destination_plan& p = run->plan;
    if (config.plan_observer) config.plan_observer(p);
    // The plan may have stored a freshly fetched policy: its proactive refresh is due later.
    if (refresher) refresher->kick();
    // RFC 8461 §6 [STS-RPT-01]: the policy could not be obtained; one record per attempt.
    if (p.policy_failure) {
        const auto c = tlsrpt::classify(*p.policy_failure);
        if (c.result)
            record(p, "", "", false, p.policy_failure, c.result, c.policy.value_or(tlsrpt::policy_type::sts),
                   std::string(tls::log_wording(*p.policy_failure)));
    }
    if (p.status != plan_status::ready && p.failure) {
        const auto c = tlsrpt::classify(*p.failure);
        if (c.result)
            record(p, "", "", false, p.failure, c.result, c.policy.value_or(tlsrpt::policy_type::no_policy_found),
                   p.detail);
    }
    switch (p.status) {
        case plan_status::permanent: {
            const bool null_mx = p.failure == tlsrpt::failure_reason::mx_null;
            // RFC 7505 §4.2: mail to a null MX domain is refused with 5.1.10.
            const auto why = note_ours(null_mx ? "5.1.10" : "5.1.2",
                                       null_mx ? "Recipient address has null MX" : "Bad destination host", "", 0);
            auto detailed = why;
            if (!p.detail.empty()) detailed.reply_tuple = log::no_reply_tuple(p.detail);
            for (const unsigned rid : run->pending) bounce(run, rid, detailed, why.status, why.text);
            run->pending.clear();
            finish_job(run);
            return;
        }
        case plan_status::transient:
            run->last_failure = note_ours("4.4.3", p.detail.empty() ? "DNS Temporary Failure" : p.detail, "", 0);
            defer_remaining(run);
            return;
        case plan_status::ready:
            try_next_host(run);
            return;
    }
}

void engine::impl::try_next_host(const std::shared_ptr<job_run>& run) {
    const destination_plan& p = run->plan;
    const std::size_t hosts_max = std::min(p.hosts.size(), core::limits::mx_hosts_tried_max);
    while (run->next_host < hosts_max) {
        const planned_host& h = p.hosts[run->next_host++];
        const auto& req = h.requirement;
        if (req.what == tls::action::skip_mx || req.what == tls::action::defer) {
            // RFC 8461 §5 [STS-APPLY-09], RFC 7672 §2.2: never connect for delivery here.
            if (const auto result = req.report_result())
                record(p, h.mx_host, "", false, req.report_reason, result, req.report_policy,
                       reason_words(req.report_reason, ""));
            const bool enforce = refused_by_sts_enforce(p, req);
            run->enforce_failure = run->enforce_failure || enforce;
            const std::string words = reason_words(req.report_reason, "not usable");
            run->last_failure = note_ours(
                "4.7.5",
                enforce ? fmt::format("MTA-STS policy enforce: MX host {} refused: {}", h.mx_host, words)
                        : fmt::format("MX host {} not usable: {}", h.mx_host, words),
                h.mx_host, 0);
            // decide()'s defer: no host of this domain may be used now.
            if (req.what == tls::action::defer) break;
            continue;
        }
        if (h.address.empty()) {
            if (h.address_failure) {
                const auto c = tlsrpt::classify(*h.address_failure);
                if (c.result)
                    record(p, h.mx_host, "", false, h.address_failure, c.result, c.policy.value_or(req.report_policy),
                           reason_words(h.address_failure, ""));
            }
            run->last_failure =
                note_ours("4.4.3", fmt::format("No usable address for MX host {}", h.mx_host), h.mx_host, 0);
            continue;
        }
        start_session(run, h);
        return;
    }
    defer_remaining(run);
}

void engine::impl::start_session(const std::shared_ptr<job_run>& run, const planned_host& host) {
    const std::uint64_t dcid = jobs.next_dcid();
    const queued_message& m = message_of(run);

    smtp::outgoing_message out;
    out.mid = m.mid;
    out.mail_from = m.content.mail_from;
    out.data = m.content.data;
    for (const unsigned rid : run->pending) {
        out.rcpt_to.push_back(m.recipients[rid].address);
        out.rids.push_back(rid);
    }

    smtp::session_request request;
    request.source_address = config.interface_address;
    request.server = net::endpoint{host.address, host.port};
    request.server_name = host.mx_host;
    request.ehlo_name = config.ehlo_name;
    request.requirement = host.requirement;
    request.tlsa = host.tlsa;
    request.messages.push_back(std::move(out));
    request.timeouts = config.smtp_timeouts;

    auto observer = std::make_shared<session_log>(weak(), run, dcid, host);
    smtp::session_ports sp{ports.io, ports.network, ports.timers, ports.clock, *tls};
    // The handler keeps the observer and the TLS context alive for as long as the session.
    smtp::run_session(sp, std::move(request), *observer,
                      [w = weak(), run, observer, tls_keep = tls](smtp::session_result result) {
                          auto self = w.lock();
                          if (!self || self->stopped) return;
                          self->on_session(run, *observer, std::move(result));
                      });
}

void engine::impl::apply_results(const std::shared_ptr<job_run>& run, session_log& observer,
                                 const std::vector<smtp::recipient_result>& results) {
    const queued_message& m = message_of(run);
    std::vector<unsigned> delivered;
    const smtp::reply* final_reply = nullptr;
    bool changed = false;
    for (const auto& r : results) {
        if (r.mid != m.mid) continue;
        const auto pending = std::find(run->pending.begin(), run->pending.end(), r.rid);
        if (pending == run->pending.end()) continue;  // already applied
        switch (r.status) {
            case smtp::recipient_status::delivered:
                delivered.push_back(r.rid);
                if (r.decisive_reply && final_reply == nullptr) final_reply = &*r.decisive_reply;
                break;
            case smtp::recipient_status::permanent: {
                const auto why = r.decisive_reply
                                     ? note_from_reply(*r.decisive_reply, observer.host().mx_host, observer.dcid())
                                     : note_ours("5.0.0", "Permanent failure", observer.host().mx_host, observer.dcid());
                bounce(run, r.rid, why, why.status, why.text);
                run->pending.erase(pending);
                changed = true;
                break;
            }
            case smtp::recipient_status::transient: {
                if (!r.decisive_reply) break;  // the session failed: try the next host
                // A 4xx to RCPT or DATA: this host answered for the recipient, retry later.
                const auto why = note_from_reply(*r.decisive_reply, observer.host().mx_host, observer.dcid());
                const auto& q = *jobs.find(m.mid, r.rid);
                const auto next = schedule.next_attempt(m.accepted_at, q.attempts, now());
                if (next) {
                    log.info(log::delayed({why.dcid, m.mid, m.content.mail_from, q.address, r.rid, why.status,
                                           why.text, why.reply_tuple}));
                    jobs.mark_deferred(m.mid, r.rid, *next, why);
                    const std::vector<unsigned> one{r.rid};
                    log.debug(log::next_attempt(m.mid, one, *next));
                } else {
                    bounce(run, r.rid, why, "5.4.7", expired_text);
                }
                run->pending.erase(pending);
                changed = true;
                break;
            }
            case smtp::recipient_status::not_attempted:
                break;
        }
    }
    if (!delivered.empty()) {
        std::sort(delivered.begin(), delivered.end());
        log.info(log::message_done(observer.dcid(), m.mid, delivered));
        std::string reply_text;
        if (final_reply != nullptr) {
            log.info(log::response(m.mid, delivered, *final_reply));
            reply_text = fmt::format("{} {}", final_reply->code, smtp::log_response_text(*final_reply));
        }
        for (const unsigned rid : delivered) {
            jobs.mark_delivered(m.mid, rid,
                                delivery_note{observer.host().mx_host,
                                              net::to_string(net::endpoint{observer.host().address, observer.host().port}),
                                              observer.tls_protocol(), reply_text});
            run->pending.erase(std::find(run->pending.begin(), run->pending.end(), rid));
        }
        changed = true;
    }
    if (changed) {
        message_maybe_finished(m.mid);
        check_conservation(false);
    }
}

void engine::impl::on_session(const std::shared_ptr<job_run>& run, session_log& observer,
                              smtp::session_result result) {
    const destination_plan& p = run->plan;
    const planned_host& h = observer.host();
    const std::uint64_t dcid = observer.dcid();
    const auto& verdict = result.tls.verdict;

    // RFC 8460 §4.3 [TLSRPT-30]: a failed TCP connection is no TLS session and is not
    // reported; every other session is a success when TLS was negotiated and accepted, a
    // failure when the governing policy saw one.
    if (result.connected()) {
        if (verdict.reported) {
            record(p, h.mx_host, h.address, false, verdict.reported, verdict.tlsrpt_result(),
                   h.requirement.report_policy,
                   result.tls.failure_detail.empty() ? std::string(tls::log_wording(*verdict.reported))
                                                     : core::quote_peer_text(result.tls.failure_detail));
            // RFC 8460 §4 [TLSRPT-28]: a session whose certificate failed in another way
            // too (expired and for another host) is reported under both result types.
            const auto& facts = result.tls.facts;
            const bool names_checked = !h.requirement.reference_names.empty() || !h.requirement.audit_names.empty();
            const bool name_failed = (!h.requirement.reference_names.empty() && !facts.reference_name_match) ||
                                     (!h.requirement.audit_names.empty() && !facts.audit_name_match);
            if (!p.tlsrpt_report && !tlsrpt.empty() && names_checked && name_failed &&
                *verdict.reported != tlsrpt::failure_reason::mx_certificate_host_mismatch &&
                tlsrpt::classify(*verdict.reported).result != tlsrpt::result_type::starttls_not_supported)
                tlsrpt.back().further_reasons.push_back(tlsrpt::failure_reason::mx_certificate_host_mismatch);
        } else if (const auto known = h.requirement.report_result()) {
            // A host used although its failure was known before connecting: an MX a testing
            // policy does not list (RFC 8461 §5(2) [STS-APPLY-12]). That failure is the
            // session's, reported once (docs/tls-decision.md row 10, A17), never a success.
            record(p, h.mx_host, h.address, false, h.requirement.report_reason, known, h.requirement.report_policy,
                   reason_words(h.requirement.report_reason, ""));
        } else if (result.tls.attempted && result.tls.facts.starttls == tls::starttls_result::established &&
                   verdict.what != tls::next_step::refuse) {
            record(p, h.mx_host, h.address, true, std::nullopt, std::nullopt, h.requirement.report_policy, "");
        }
    }

    // Results the observer did not hear about (a session that broke mid-message).
    apply_results(run, observer, result.recipients);

    std::optional<failure_note> why;
    switch (result.end) {
        case smtp::session_end::connect_failed: {
            const bool timeout = result.failure == tlsrpt::failure_reason::mx_connect_timeout;
            const std::string details =
                timeout ? "timeout" : (result.detail.empty() ? reason_words(result.failure, "connect failed") : result.detail);
            log.info(log::connection_error(dcid, p.domain, h.address, h.port, details, config.interface_address,
                                           "network error"));
            why = note_ours("4.4.1", fmt::format("No answer from host {}: {}", h.mx_host, details), h.mx_host, dcid);
            break;
        }
        case smtp::session_end::tls_refused: {
            log.info(log::tls_required_not_negotiated(dcid));
            const bool enforce = refused_by_sts_enforce(p, h.requirement);
            run->enforce_failure = run->enforce_failure || enforce;
            const std::string words = reason_words(verdict.failure, "TLS negotiation failed");
            why = note_ours("4.7.5",
                            enforce ? fmt::format("MTA-STS policy enforce: TLS was required but could not be "
                                                  "successfully negotiated ({})",
                                                  words)
                                    : fmt::format("TLS was required but could not be successfully negotiated ({})",
                                                  words),
                            h.mx_host, dcid);
            break;
        }
        case smtp::session_end::greeting_refused:
            why = note_ours("4.4.2",
                            fmt::format("Connection refused by {}: {}", h.mx_host,
                                        result.detail.empty() ? "greeting refused" : core::quote_peer_text(result.detail)),
                            h.mx_host, dcid);
            break;
        case smtp::session_end::protocol_failed:
            why = note_ours("4.4.2",
                            fmt::format("Connection with {} lost: {}", h.mx_host,
                                        result.detail.empty() ? reason_words(result.failure, "protocol failure")
                                                              : core::quote_peer_text(result.detail)),
                            h.mx_host, dcid);
            break;
        case smtp::session_end::completed:
            if (!run->pending.empty())
                why = note_ours("4.0.0", fmt::format("Delivery not attempted by {}", h.mx_host), h.mx_host, dcid);
            break;
    }
    if (observer.connected()) log.info(log::connection_close(dcid));
    if (why) run->last_failure = std::move(why);

    if (run->pending.empty()) {
        finish_job(run);
        return;
    }
    // RFC 8461 §5.1 [STS-APPLY-10]: a host that failed is like an unreachable one; the
    // next MX in preference order gets the remaining recipients.
    try_next_host(run);
}

void engine::impl::defer_remaining(const std::shared_ptr<job_run>& run) {
    const queued_message& m = message_of(run);
    failure_note why = run->last_failure.value_or(note_ours("4.4.0", "No usable MX host", "", 0));
    if (run->enforce_failure) why.enforce_failed_under = run->plan.policy;

    std::vector<unsigned> deferred;
    std::vector<unsigned> give_up;
    core::time_point next_at{};
    for (const unsigned rid : run->pending) {
        const auto& q = *jobs.find(m.mid, rid);
        const auto next = schedule.next_attempt(m.accepted_at, q.attempts, now());
        if (!next) {
            give_up.push_back(rid);
            continue;
        }
        log.info(log::delayed({why.dcid, m.mid, m.content.mail_from, q.address, rid, why.status, why.text,
                               why.reply_tuple}));
        jobs.mark_deferred(m.mid, rid, *next, why);
        deferred.push_back(rid);
        next_at = *next;
    }
    if (!deferred.empty()) log.debug(log::next_attempt(m.mid, deferred, next_at));
    run->pending = give_up;
    for (const unsigned rid : give_up) jobs.note_failure(m.mid, rid, why);
    check_conservation(false);

    if (give_up.empty()) {
        finish_job(run);
        return;
    }
    // RFC 8461 §5.1 [STS-APPLY-14]: an enforce failure only becomes permanent after a
    // fresh look at DNS has found no newer policy.
    const bool past_extension =
        now() >= schedule.bounce_deadline(m.accepted_at) + core::limits::bounce_recheck_extension_max;
    const bool retried_once = std::all_of(give_up.begin(), give_up.end(), [&](unsigned rid) {
        return retried_after_recheck.contains({m.mid, rid});
    });
    if (why.enforce_failed_under && !past_extension && !retried_once) {
        recheck_before_bounce(run, std::move(give_up));
        return;
    }
    for (const unsigned rid : give_up) bounce(run, rid, why, "5.4.7", expired_text);
    run->pending.clear();
    finish_job(run);
}

void engine::impl::recheck_before_bounce(const std::shared_ptr<job_run>& run, std::vector<unsigned> rids) {
    const std::string name = "_mta-sts." + policy_domain(run->plan);
    recheck_resolver->lookup(name, dns::rr_type::txt, [w = weak(), run, rids = std::move(rids)](dns::lookup_result r) mutable {
        auto self = w.lock();
        if (!self || self->stopped) return;
        self->on_recheck_txt(run, std::move(rids), std::move(r));
    });
}

void engine::impl::on_recheck_txt(const std::shared_ptr<job_run>& run, std::vector<unsigned> rids,
                                  dns::lookup_result r) {
    const queued_message& m = message_of(run);
    const std::string domain = policy_domain(run->plan);
    mtasts::txt_outcome txt = mtasts::txt_outcome::temp_error();
    if (r.ok() || r.does_not_exist()) {
        std::vector<std::vector<std::string>> rrset;
        for (const auto& rec : r.records) {
            if (const auto* t = std::get_if<dns::txt_rdata>(&rec.data)) rrset.push_back(t->strings);
        }
        txt = mtasts::from_discovery(mtasts::discover_record(rrset));
    }
    const auto* q = jobs.find(m.mid, rids.front());
    const failure_note why = q && q->last_failure ? *q->last_failure : note_ours("4.7.5", "MTA-STS policy enforce", "", 0);
    const mtasts::effective_policy failed_under = why.enforce_failed_under.value_or(run->plan.policy);
    auto check = cache.recheck_before_bounce(domain, txt, failed_under, now());
    log.info(log::bounce_recheck(m.mid, domain, mtasts::to_string(check.verdict)));

    switch (check.verdict) {
        case mtasts::bounce_verdict::bounce:
            for (const unsigned rid : rids) bounce(run, rid, why, "5.4.7", expired_text);
            run->pending.clear();
            finish_job(run);
            return;
        case mtasts::bounce_verdict::fetch_new_policy: {
            // The new policy is fetched now and the delivery retried at once under it.
            mtasts::fetch_request request{domain, proxy_for(run->plan)};
            const std::string policy_id = check.decision.fetch_policy_id;
            for (const unsigned rid : rids) retried_after_recheck.insert({m.mid, rid});
            fetcher->fetch(request, [w = weak(), run, rids = std::move(rids), domain, policy_id](
                                        mtasts::fetch_report report) mutable {
                auto self = w.lock();
                if (!self || self->stopped) return;
                self->cache.complete_fetch(domain, policy_id, std::move(report.outcome), self->now());
                self->retry_at(run, rids, self->now());
            });
            return;
        }
        case mtasts::bounce_verdict::retry_under_current:
            for (const unsigned rid : rids) retried_after_recheck.insert({m.mid, rid});
            retry_at(run, rids, now());
            return;
        case mtasts::bounce_verdict::recheck_inconclusive: {
            // interpretation: DNS could not tell; the failure stays temporary and the check is
            // repeated at the schedule's pace, for at most bounce_recheck_extension_max.
            const unsigned attempts = q ? q->attempts : 1;
            retry_at(run, rids, now() + schedule.delay_after(attempts));
            return;
        }
    }
}

void engine::impl::retry_at(const std::shared_ptr<job_run>& run, const std::vector<unsigned>& rids,
                            core::time_point at) {
    const queued_message& m = message_of(run);
    for (const unsigned rid : rids) {
        const auto* q = jobs.find(m.mid, rid);
        if (q == nullptr || q->state != queue_state::in_flight) continue;
        const failure_note why = q->last_failure.value_or(note_ours("4.7.5", "MTA-STS policy enforce", "", 0));
        jobs.mark_deferred(m.mid, rid, at, why);
    }
    log.debug(log::next_attempt(m.mid, rids, at));
    run->pending.clear();
    finish_job(run);
}

void engine::impl::bounce(const std::shared_ptr<job_run>& run, unsigned rid, const failure_note& why,
                          std::string_view status, std::string_view text) {
    const queued_message& m = message_of(run);
    const auto* q = jobs.find(m.mid, rid);
    if (q == nullptr) return;
    const std::string address = q->address;
    log.info(log::bounced({why.dcid, m.mid, m.content.mail_from, address, rid, status, text, why.reply_tuple}));
    if (!jobs.mark_bounced(m.mid, rid, fmt::format("{} {}", why.status, why.text))) return;
    run->bounced.push_back(dsn_recipient{address, why.status, why.remote_mta, why.diagnostic, why.text, now()});
    message_maybe_finished(m.mid);
    check_conservation(false);
}

void engine::impl::finish_job(const std::shared_ptr<job_run>& run) {
    const queued_message& m = message_of(run);
    if (!run->bounced.empty()) {
        dsn_request request;
        request.reporting_mta = config.ehlo_name;
        request.mid = m.mid;
        request.arrival = m.accepted_at;
        request.generated_at = now();
        request.original = m.content;
        request.recipients = std::move(run->bounced);
        run->bounced.clear();
        std::vector<unsigned> rids;
        for (const auto& r : m.recipients) {
            for (const auto& b : request.recipients) {
                if (b.address == r.address && r.state == queue_state::bounced &&
                    std::find(rids.begin(), rids.end(), r.rid) == rids.end()) {
                    rids.push_back(r.rid);
                    break;
                }
            }
        }
        if (auto dsn = make_dsn(request)) {
            log.info(log::dsn_generated(m.mid, rids, m.content.mail_from));
            dsns.push_back(std::move(*dsn));
        }
    }
    const std::size_t stranded = jobs.finish_job(run->job, now());
    if (stranded != 0)
        log.critical(fmt::format("MID {} delivery job for domain({}) ended with {} recipients undecided; requeued",
                                 m.mid, core::quote_peer_text(run->job.domain), stranded));
    check_conservation(true);
    pump();
}

void engine::impl::message_maybe_finished(std::uint64_t mid) {
    // Both a bounce and a session's results can complete a message; the line is its
    // end, written once.
    if (jobs.finished(mid) && finished_logged.insert(mid).second) {
        log.info(log::message_finished(mid));
        // A finished message is never re-checked again: its recipients leave the set.
        retried_after_recheck.erase(retried_after_recheck.lower_bound({mid, 0u}),
                                    retried_after_recheck.lower_bound({mid + 1, 0u}));
    }
}

void engine::impl::check_conservation(bool recount) {
    const auto c = jobs.counts();
    bool ok = c.conserved();
    if (ok && recount) ok = c == jobs.recount();
    if (!ok)
        log.critical(log::conservation_violated(c.accepted, c.delivered, c.bounced, c.waiting + c.in_flight));
}

void engine::impl::record(const destination_plan& plan, std::string mx_host, std::string receiving_ip, bool success,
                          std::optional<tlsrpt::failure_reason> reason, std::optional<tlsrpt::result_type> result,
                          tlsrpt::policy_type policy, std::string detail) {
    // RFC 8460 §3 [TLSRPT-09]: the sessions that carry reports are not reported on.
    if (plan.tlsrpt_report) return;
    tlsrpt_record r;
    r.at = now();
    r.policy_domain = policy_domain(plan);
    r.policy = policy;
    if (policy == tlsrpt::policy_type::sts) r.policy_id = plan.policy.policy_id;
    if (policy == tlsrpt::policy_type::sts && plan.policy.value) {
        r.policy_strings = plan.policy.value->policy_strings;
        r.mx_patterns = plan.policy.value->mx_patterns;
    }
    r.sending_ip = config.interface_address;
    r.mx_host = std::move(mx_host);
    r.receiving_ip = std::move(receiving_ip);
    r.success = success;
    if (!success) {
        r.result = result;
        r.reason = reason;
    }
    r.detail = std::move(detail);
    tlsrpt.push_back(std::move(r));
}

// --- the facade ---

core::result<std::unique_ptr<engine>, std::string> engine::create(engine_config config, engine_ports ports) {
    auto schedule = retry_schedule::create(retry_config{config.retry_delays, config.queue_lifetime});
    if (!schedule) return core::failure(std::string(schedule.error()));
    if (config.concurrent_deliveries_max == 0)
        return core::failure(std::string("concurrent deliveries: at least one is needed"));
    auto tls = tls::client_tls::create(config.trust_store_pem, ports.clock);
    if (!tls) return core::failure("trust store: " + tls.error());

    config.cache.planted_bug = config.planted_bug;  // test-only (planted_bug.hpp)
    auto state = std::make_shared<impl>(std::move(config), ports, std::move(schedule).value());
    state->tls = std::shared_ptr<tls::client_tls>(std::move(tls).value());

    dns::stub_resolver_config rc;
    rc.nameserver = state->config.nameserver;
    rc.source_address = state->config.interface_address;
    rc.timeout = state->config.dns_timeout;
    rc.attempts = state->config.dns_attempts;
    rc.seed = state->config.seed;
    state->resolver = std::make_unique<dns::stub_resolver>(ports.io, ports.network, ports.timers, ports.clock, rc);
    rc.cache_enabled = false;
    rc.seed = state->config.seed + 1;  // query ids apart from the main resolver's
    state->recheck_resolver =
        std::make_unique<dns::stub_resolver>(ports.io, ports.network, ports.timers, ports.clock, rc);

    mtasts::https_policy_fetcher_config fc;
    fc.source_address = state->config.interface_address;
    fc.port = state->config.policy_port;
    state->fetcher = std::make_unique<mtasts::https_policy_fetcher>(ports.io, ports.network, ports.timers, ports.clock,
                                                                    *state->resolver, *state->tls, fc);

    const auto& c = state->config;
    planner_config pc(c.profiles, c.routes);
    pc.route_mode = c.route_mode;
    pc.policy_proxy = c.policy_proxy;
    pc.profile_policy_proxy = c.profile_policy_proxy;
    pc.smtp_port = c.smtp_port;
    pc.seed = c.seed;
    pc.planted_bug = c.planted_bug;  // test-only (planted_bug.hpp)
    pc.post = [&io = ports.io](core::unique_function<void()> f) {
        // Asio wants copyable handlers here; the function itself runs once.
        auto shared = std::make_shared<core::unique_function<void()>>(std::move(f));
        boost::asio::post(io, [shared] { (*shared)(); });
    };
    state->planner = std::make_unique<destination_planner>(*state->resolver, *state->fetcher, state->cache, state->log,
                                                            ports.clock, std::move(pc));
    refresh_hooks hooks;
    hooks.proxy_for = [raw = state.get()](std::string_view domain) -> std::optional<net::endpoint> {
        const auto& settings = raw->config;
        return policy_proxy_for(settings.profiles.find(domain).entry, settings.profile_policy_proxy,
                                settings.policy_proxy);
    };
    // RFC 8461 §6 [STS-RPT-02]: a failed refresh of a cached policy is reported like a
    // failed fetch at delivery time, with no MX host (nothing was connected to).
    hooks.on_reported_failure = [raw = state.get()](const std::string& domain, const mtasts::fetch_report& report) {
        if (!report.reason) return;
        const auto kind = tlsrpt::classify(*report.reason);
        if (!kind.result) return;
        tlsrpt_record r;
        r.at = raw->now();
        r.policy_domain = domain;
        r.policy = kind.policy.value_or(tlsrpt::policy_type::sts);
        if (const auto cached = raw->cache.find(domain)) {
            r.policy_id = cached->policy_id;
            r.policy_strings = cached->cached_policy.policy_strings;
            r.mx_patterns = cached->cached_policy.mx_patterns;
        }
        r.sending_ip = raw->config.interface_address;
        r.success = false;
        r.result = kind.result;
        r.reason = report.reason;
        r.detail = std::string(tls::log_wording(*report.reason));
        raw->tlsrpt.push_back(std::move(r));
    };
    state->refresher = std::make_unique<policy_refresher>(state->cache, *state->fetcher, ports.timers, ports.clock,
                                                          state->log, std::move(hooks));

    tlsrpt::https_report_poster_config poster_config;
    poster_config.source_address = state->config.interface_address;
    poster_config.port = state->config.policy_port;
    state->poster = std::make_unique<tlsrpt::https_report_poster>(ports.io, ports.network, ports.timers, ports.clock,
                                                                  *state->resolver, *state->tls, poster_config);
    tlsrpt_reporter_ports reporter_ports{
        ports.timers,
        ports.clock,
        *state->resolver,
        *state->poster,
        state->log,
        [raw = state.get()]() -> const std::vector<tlsrpt_record>& { return raw->tlsrpt; },
        [raw = state.get()](message m) { return raw->accept(std::move(m)); }};
    auto reporting = state->config.tlsrpt_reporting;
    if (reporting.identity.sending_ip.empty()) reporting.identity.sending_ip = state->config.interface_address;
    state->reporter = std::make_unique<tlsrpt_reporter>(std::move(reporting), std::move(reporter_ports));
    state->reporter->start();
    return std::unique_ptr<engine>(new engine(std::move(state)));
}

engine::engine(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

engine::~engine() {
    if (impl_) impl_->stopped = true;
    if (impl_ && impl_->wake_timer) impl_->ports.timers.cancel(*impl_->wake_timer);
}

std::uint64_t engine::impl::accept(message m) {
    const std::uint64_t mid = jobs.accept(std::move(m), now());
    log.info(log::queued_for_delivery(mid));
    check_conservation(false);
    pump();
    return mid;
}

std::uint64_t engine::submit(message m) { return impl_->accept(std::move(m)); }

engine_counts engine::counts() const {
    const auto c = impl_->jobs.counts();
    engine_counts out;
    out.accepted = c.accepted;
    out.delivered = c.delivered;
    out.bounced = c.bounced;
    out.queued = c.waiting + c.in_flight;
    out.in_flight = c.in_flight;
    out.dsns = impl_->dsns.size();
    return out;
}

std::vector<recipient_outcome> engine::outcomes() const {
    std::vector<recipient_outcome> out;
    for (const auto& [mid, m] : impl_->jobs.messages()) {
        for (const auto& r : m.recipients) {
            recipient_outcome o;
            o.mid = mid;
            o.rid = r.rid;
            o.recipient = r.address;
            o.attempts = r.attempts;
            switch (r.state) {
                case queue_state::waiting:
                case queue_state::in_flight:
                    o.state = recipient_state::queued;
                    if (r.last_failure) o.last_reply = r.last_failure->status + " " + r.last_failure->text;
                    break;
                case queue_state::delivered:
                    o.state = recipient_state::delivered;
                    if (r.delivered) {
                        o.delivered_via = r.delivered->via;
                        o.delivered_address = r.delivered->address;
                        o.tls_protocol = r.delivered->tls_protocol;
                        o.last_reply = r.delivered->reply;
                    }
                    break;
                case queue_state::bounced:
                    o.state = recipient_state::bounced;
                    o.last_reply = r.bounce_reason;
                    break;
            }
            out.push_back(std::move(o));
        }
    }
    return out;
}

const std::vector<tlsrpt_record>& engine::tlsrpt_records() const { return impl_->tlsrpt; }

const std::vector<report_delivery>& engine::report_deliveries() const { return impl_->reporter->deliveries(); }

const std::vector<message>& engine::dsns() const { return impl_->dsns; }

mtasts::policy_cache& engine::cache() { return impl_->cache; }

std::vector<std::string> engine::restore_cache(const std::vector<mtasts::cache_entry>& entries) {
    std::vector<std::string> refused;
    for (const auto& entry : entries)
        if (auto why = impl_->cache.restore(entry))
            refused.push_back(fmt::format("{}: {}", entry.domain, mtasts::to_string(*why)));
    if (impl_->refresher) impl_->refresher->kick();
    return refused;
}

const engine_config& engine::config() const { return impl_->config; }

void engine::stop() {
    impl_->stopped = true;
    if (impl_->refresher) impl_->refresher->stop();
    if (impl_->reporter) impl_->reporter->stop();
    if (impl_->wake_timer) {
        impl_->ports.timers.cancel(*impl_->wake_timer);
        impl_->wake_timer.reset();
    }
}

}  // namespace sts::delivery
