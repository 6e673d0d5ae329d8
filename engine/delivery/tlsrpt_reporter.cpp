#include "engine/delivery/tlsrpt_reporter.hpp"

#include "engine/core/clock.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/log/report_lines.hpp"
#include "engine/net/timer_service.hpp"
#include "engine/tlsrpt/https_report_poster.hpp"
#include "engine/tlsrpt/report_message.hpp"
#include "engine/tlsrpt/reporting_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sts::delivery {

std::string_view to_string(report_fate fate) {
    switch (fate) {
        case report_fate::sent: return "sent";
        case report_fate::handed_to_queue: return "handed to the queue";
        case report_fate::no_reporting_policy: return "no reporting policy";
        case report_fate::given_up: return "given up";
    }
    return "?";
}

// One report on its way: the endpoints of its domain and where the current round is.
struct pending_report {
    tlsrpt::report_file report;
    std::vector<tlsrpt::rua_endpoint> endpoints;
    std::size_t next = 0;    // the endpoint this round tries next
    unsigned rounds = 0;     // rounds started
    core::time_point first_attempt{};
};

struct tlsrpt_reporter::state : std::enable_shared_from_this<tlsrpt_reporter::state> {
    state(tlsrpt_reporting_config c, tlsrpt_reporter_ports p) : config(std::move(c)), ports(std::move(p)) {}

    tlsrpt_reporting_config config;
    tlsrpt_reporter_ports ports;
    std::vector<report_delivery> deliveries;
    std::set<net::timer_id> timers;
    bool stopped = false;

    core::time_point now() const { return ports.clock.now(); }
    std::weak_ptr<state> weak() { return weak_from_this(); }

    void at(core::time_point when, core::unique_function<void(state&)> f) {
        auto holder = std::make_shared<std::optional<net::timer_id>>();
        auto shared = std::make_shared<core::unique_function<void(state&)>>(std::move(f));
        const auto id = ports.timers.schedule(when, [w = weak(), holder, shared](boost::system::error_code ec) {
            auto self = w.lock();
            if (!self || ec || self->stopped) return;
            if (*holder) self->timers.erase(**holder);
            (*shared)(*self);
        });
        *holder = id;
        timers.insert(id);
    }

    // RFC 8460 §4.1 [TLSRPT-19]: a report covers one UTC day and goes out after it ends.
    void arm_next_day() {
        const auto today = std::chrono::floor<std::chrono::days>(now());
        const auto day = std::chrono::sys_days{today};
        at(core::time_point{day + std::chrono::days{1}} + config.send_delay,
           [day](state& s) { s.report_day(day); });
    }

    void report_day(std::chrono::sys_days day) {
        arm_next_day();
        std::vector<tlsrpt_record> of_day;
        for (const auto& r : ports.records())
            if (tlsrpt::utc_day_of(r.at) == day) of_day.push_back(r);
        for (auto& report : tlsrpt::build_daily_reports(of_day, config.identity)) discover(std::move(report));
    }

    // RFC 8460 §3 [TLSRPT-01, TLSRPT-04]: where the report goes is the `_smtp._tls` TXT
    // record of the policy domain; without exactly one valid record, nowhere.
    void discover(tlsrpt::report_file report) {
        const auto owner = tlsrpt::reporting_policy_owner(report.policy_domain);
        auto shared = std::make_shared<tlsrpt::report_file>(std::move(report));
        ports.resolver.lookup(owner, dns::rr_type::txt, [w = weak(), shared](dns::lookup_result answer) {
            auto self = w.lock();
            if (!self || self->stopped) return;
            self->on_reporting_policy(std::move(*shared), answer);
        });
    }

    void on_reporting_policy(tlsrpt::report_file report, const dns::lookup_result& answer) {
        std::vector<std::vector<std::string>> rrset;
        if (answer.ok())
            for (const auto& r : answer.records)
                if (const auto* txt = std::get_if<dns::txt_rdata>(&r.data)) rrset.push_back(txt->strings);
        const auto found = tlsrpt::discover_reporting_policy(rrset);
        if (!found.policy) {
            const std::string why = answer.ok() || answer.does_not_exist()
                                        ? std::string(tlsrpt::to_string(found.status))
                                        : fmt::format("TXT lookup: {}", dns::to_string(answer.status));
            ports.log.info(log::report_without_policy(report.policy_domain, report.day, why));
            deliveries.push_back({report.policy_domain, report.file_name, report_fate::no_reporting_policy, "", 0,
                                  now()});
            return;
        }
        auto p = std::make_shared<pending_report>();
        p->report = std::move(report);
        p->endpoints = found.policy->rua;
        p->first_attempt = now();
        start_round(p);
    }

    void start_round(const std::shared_ptr<pending_report>& p) {
        ++p->rounds;
        p->next = 0;
        try_next(p);
    }

    // RFC 8460 §3 [TLSRPT-07]: the endpoints in record order until one takes the report.
    void try_next(const std::shared_ptr<pending_report>& p) {
        if (p->next >= p->endpoints.size()) {
            round_failed(p);
            return;
        }
        const auto& endpoint = p->endpoints[p->next];
        if (endpoint.scheme == tlsrpt::rua_scheme::mailto) {
            hand_to_queue(p, endpoint);
            return;
        }
        std::string why;
        auto uri = tlsrpt::parse_https_uri(endpoint.uri, &why);
        if (!uri) {
            ports.log.warning(log::report_endpoint_failed(p->report.file_name, p->report.policy_domain, endpoint.uri, why));
            ++p->next;
            try_next(p);
            return;
        }
        // RFC 8460 §5.2, §5.4 [TLSRPT-16, TLSRPT-17]: the gzipped report, labelled so.
        tlsrpt::report_upload upload;
        upload.endpoint = std::move(*uri);
        upload.content_type = std::string(tlsrpt::gzip_media_type);
        upload.body.assign(p->report.gzip_bytes.begin(), p->report.gzip_bytes.end());
        ports.poster.post(std::move(upload), [w = weak(), p](tlsrpt::upload_result result) {
            auto self = w.lock();
            if (!self || self->stopped) return;
            self->on_upload(p, result);
        });
    }

    void on_upload(const std::shared_ptr<pending_report>& p, const tlsrpt::upload_result& result) {
        const auto& endpoint = p->endpoints[p->next];
        if (result.accepted) {
            ports.log.info(
                log::report_sent(p->report.file_name, p->report.policy_domain, endpoint.uri, result.http_status));
            deliveries.push_back({p->report.policy_domain, p->report.file_name, report_fate::sent, endpoint.uri,
                                  p->rounds, now()});
            return;
        }
        ports.log.warning(
            log::report_endpoint_failed(p->report.file_name, p->report.policy_domain, endpoint.uri, result.detail));
        ++p->next;
        try_next(p);
    }

    // RFC 8460 §3, §5.3 [TLSRPT-09, TLSRPT-10, TLSRPT-11]: the report mail goes through
    // the queue as a report message: its delivery ignores MTA-STS and DANE, falls back to
    // clear text, and is not counted in later reports.
    void hand_to_queue(const std::shared_ptr<pending_report>& p, const tlsrpt::rua_endpoint& endpoint) {
        tlsrpt::report_message_fields fields;
        fields.from_address = config.identity.contact_info;
        fields.to_address = endpoint.mailbox;
        fields.date = now();
        const tlsrpt::dkim_key* key = config.dkim ? &*config.dkim : nullptr;
        auto composed = tlsrpt::compose_report_message(p->report, config.identity, fields, key);
        if (!composed) {
            ports.log.warning(
                log::report_endpoint_failed(p->report.file_name, p->report.policy_domain, endpoint.uri, composed.error()));
            ++p->next;
            try_next(p);
            return;
        }
        message m;
        m.mail_from = config.identity.contact_info;
        m.rcpt_to = {endpoint.mailbox};
        m.data = std::move(composed).value();
        m.tlsrpt_report = true;
        const auto mid = ports.submit_report_mail(std::move(m));
        ports.log.info(log::report_handed_to_queue(p->report.file_name, p->report.policy_domain, endpoint.uri, mid));
        deliveries.push_back({p->report.policy_domain, p->report.file_name, report_fate::handed_to_queue, endpoint.uri,
                              p->rounds, now()});
    }

    // RFC 8460 §5.5 [TLSRPT-18]: another round after a growing delay, within 24 hours.
    void round_failed(const std::shared_ptr<pending_report>& p) {
        const auto index = static_cast<std::size_t>(p->rounds - 1);
        const bool delays_left = index < config.retry_delays.size();
        const auto when = delays_left ? now() + config.retry_delays[index] : now();
        if (!delays_left || when - p->first_attempt > config.retry_window) {
            ports.log.warning(log::report_given_up(p->report.file_name, p->report.policy_domain, p->rounds));
            deliveries.push_back({p->report.policy_domain, p->report.file_name, report_fate::given_up, "", p->rounds,
                                  now()});
            return;
        }
        ports.log.info(log::report_retry(p->report.file_name, p->report.policy_domain, when));
        at(when, [p](state& s) { s.start_round(p); });
    }
};

tlsrpt_reporter::tlsrpt_reporter(tlsrpt_reporting_config config, tlsrpt_reporter_ports ports)
    : state_(std::make_shared<state>(std::move(config), std::move(ports))) {}

tlsrpt_reporter::~tlsrpt_reporter() { stop(); }

void tlsrpt_reporter::start() {
    if (state_->config.enabled && !state_->stopped) state_->arm_next_day();
}

void tlsrpt_reporter::stop() {
    state_->stopped = true;
    for (const auto id : state_->timers) state_->ports.timers.cancel(id);
    state_->timers.clear();
}

const std::vector<report_delivery>& tlsrpt_reporter::deliveries() const { return state_->deliveries; }

}  // namespace sts::delivery
