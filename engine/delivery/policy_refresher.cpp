// engine/delivery/policy_refresher.cpp
#include "engine/delivery/policy_refresher.hpp"

#include "engine/log/policy_lines.hpp"

namespace sts::delivery {

struct policy_refresher::state {
    mtasts::policy_cache* cache;
    mtasts::policy_fetcher* fetcher;
    net::timer_service* timers;
    const core::clock* clock;
    log::mail_log* log;
    refresh_hooks hooks;
    std::optional<net::timer_id> timer;
    core::time_point armed_at{};
    bool stopped = false;
    std::uint64_t started = 0;
};

policy_refresher::policy_refresher(mtasts::policy_cache& cache, mtasts::policy_fetcher& fetcher,
                                   net::timer_service& timers, const core::clock& clock, log::mail_log& log,
                                   refresh_hooks hooks)
    : state_(std::make_shared<state>(state{&cache, &fetcher, &timers, &clock, &log, std::move(hooks), {}, {}, false, 0})) {}

policy_refresher::~policy_refresher() { stop(); }

std::uint64_t policy_refresher::refreshes_started() const { return state_->started; }

void policy_refresher::stop() {
    state_->stopped = true;
    if (state_->timer) state_->timers->cancel(*state_->timer);
    state_->timer.reset();
}

void policy_refresher::kick() {
    auto& s = *state_;
    if (s.stopped) return;
    const auto due = s.cache->next_wakeup(s.clock->now());
    if (s.timer && due && *due == s.armed_at) return;
    if (s.timer) {
        s.timers->cancel(*s.timer);
        s.timer.reset();
    }
    if (!due) return;
    s.armed_at = *due;
    s.timer = s.timers->schedule(*due, [this, w = std::weak_ptr<state>(state_)](boost::system::error_code ec) {
        if (ec) return;
        auto alive = w.lock();
        if (!alive || alive->stopped) return;
        alive->timer.reset();
        wake();
    });
}

void policy_refresher::wake() {
    auto& s = *state_;
    const auto now = s.clock->now();
    for (const auto& domain : s.cache->due_refreshes(now)) {
        const auto step = s.cache->begin_refresh(domain, now);
        if (!step.fetch()) continue;
        ++s.started;
        s.log->debug(log::refreshing_policy(domain));
        mtasts::fetch_request request;
        request.domain = domain;
        if (s.hooks.proxy_for) request.proxy = s.hooks.proxy_for(domain);
        if (request.proxy) s.log->debug(log::fetching_policy_via_proxy());
        s.fetcher->fetch(request, [w = std::weak_ptr<state>(state_), domain, id = step.policy_id,
                                   self = this](mtasts::fetch_report report) {
            auto alive = w.lock();
            if (!alive || alive->stopped) return;
            const auto result = alive->cache->complete_refresh(domain, id, report.outcome, alive->clock->now());
            if (report.outcome.has_value()) {
                const auto& p = report.outcome.value();
                alive->log->debug(log::refreshed_policy(domain, mtasts::to_string(p.policy_mode),
                                                        static_cast<std::uint64_t>(p.max_age.count())));
            } else {
                alive->log->info(log::refresh_failed(domain, report.outcome.error().detail));
                if (result.alert()) alive->log->warning(log::refresh_alert(domain, result.consecutive_failures));
                if (result.report_failure && alive->hooks.on_reported_failure)
                    alive->hooks.on_reported_failure(domain, report);
            }
            self->kick();
        });
    }
    kick();
}

}  // namespace sts::delivery
