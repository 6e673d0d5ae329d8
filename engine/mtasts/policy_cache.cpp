// engine/mtasts/policy_cache.cpp
#include "engine/mtasts/policy_cache.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

namespace sts::mtasts {
namespace {

namespace limits = core::limits;

constexpr core::time_point never = core::time_point::max();

// RFC 8461 §3.2: sts-policy-max-age-value = 1*10(DIGIT). No valid policy lives longer, so
// clamping here never shortens one (STS-SEC-14); it only keeps time arithmetic in range.
constexpr std::chrono::seconds max_age_digits_max{9'999'999'999};

// RFC 8461 §3.1: sts-id = %s"id=" 1*32(ALPHA / DIGIT). The grammar itself is checked by
// engine/mtasts/record.cpp; the cache refuses only what cannot be an id at all.
constexpr std::size_t policy_id_bytes_max = 32;

core::time_point saturating_add(core::time_point t, core::duration d) {
    if (d.count() > 0 && t > core::time_point::max() - d) return core::time_point::max();
    if (d.count() < 0 && t < core::time_point::min() - d) return core::time_point::min();
    return t + d;
}

core::duration lifetime_of(std::chrono::seconds max_age) {
    return std::chrono::duration_cast<core::duration>(
        std::clamp(max_age, std::chrono::seconds{0}, max_age_digits_max));
}

core::time_point expiry_of(core::time_point fetched_at, std::chrono::seconds max_age) {
    return saturating_add(fetched_at, lifetime_of(max_age));
}

// RFC 8461 §3.2 [STS-CACHE-01, STS-CACHE-13]: "up to max_age" from the fetch. The
// interval is half-open (see the header), so at fetched_at + max_age the policy is gone.
bool usable_at(core::time_point fetched_at, std::chrono::seconds max_age, core::time_point now) {
    return now < expiry_of(fetched_at, max_age);
}

// RFC 8461 §3.3 [STS-CACHE-07]: refresh "on a regular basis", about daily, and in any case
// before expiry: after min(one day, half the lifetime). Not at all when that is shorter
// than limits::policy_refresh_delay_min, nor for an entry idle past
// limits::policy_refresh_idle_max by then.
core::time_point first_refresh_due(core::time_point fetched_at, std::chrono::seconds max_age,
                                   core::time_point last_used_at) {
    const core::duration delay =
        std::min<core::duration>(limits::policy_refresh_interval, lifetime_of(max_age) / 2);
    if (delay < limits::policy_refresh_delay_min) return never;
    const core::time_point due = saturating_add(fetched_at, delay);
    if (due > saturating_add(last_used_at, limits::policy_refresh_idle_max)) return never;
    return due;
}

// After a failed refresh: retry after half the remaining lifetime, between the fetch
// back-off and the retry interval, and give up once the retry would fall after expiry
// (the next delivery then fetches with a TXT check anyway). [STS-CACHE-09]
core::time_point refresh_retry_due(core::time_point expires_at, core::time_point now) {
    if (now >= expires_at) return never;
    const core::duration delay = std::clamp<core::duration>(
        (expires_at - now) / 2, limits::policy_fetch_backoff, limits::policy_refresh_retry_interval);
    const core::time_point due = saturating_add(now, delay);
    return due < expires_at ? due : never;
}

bool plausible_policy_id(std::string_view id) {
    return !id.empty() && id.size() <= policy_id_bytes_max;
}

}  // namespace

std::string_view to_string(txt_error_handling h) {
    switch (h) {
        case txt_error_handling::proceed:
            return "proceed";
        case txt_error_handling::defer:
            return "defer";
    }
    return "proceed";
}

std::string_view to_string(bounce_verdict v) {
    switch (v) {
        case bounce_verdict::bounce:
            return "bounce";
        case bounce_verdict::fetch_new_policy:
            return "fetch_new_policy";
        case bounce_verdict::retry_under_current:
            return "retry_under_current";
        case bounce_verdict::recheck_inconclusive:
            return "recheck_inconclusive";
    }
    return "recheck_inconclusive";
}

std::string_view to_string(restore_error e) {
    switch (e) {
        case restore_error::domain_invalid:
            return "domain_invalid";
        case restore_error::policy_id_invalid:
            return "policy_id_invalid";
        case restore_error::max_age_invalid:
            return "max_age_invalid";
        case restore_error::cache_full:
            return "cache_full";
    }
    return "cache_full";
}

core::time_point cache_entry::expires_at() const {
    return expiry_of(fetched_at, cached_policy.max_age);
}

policy_cache::policy_cache(cache_config config) : config_(config) {}

cache_decision policy_cache::begin(std::string_view domain, const txt_outcome& txt, core::time_point now) {
    const auto it = entries_.find(domain);
    const bool valid =
        it != entries_.end() && usable_at(it->second.fetched_at, it->second.packed.max_age(), now);
    txt_status status = txt.status;
    // An id the record parser cannot have produced is treated like an invalid record.
    if (status == txt_status::found && !plausible_policy_id(txt.policy_id)) {
        status = txt_status::unusable;
    }

    cache_decision d;
    switch (status) {
        case txt_status::found:
            return begin_with_id(domain, it, valid, txt.policy_id, now);
        // RFC 8461 §3.1, §3.3 [STS-CACHE-04, STS-CACHE-05, STS-DISC-16]: no live record
        // leaves the cached policy in force until it expires; only without one is the
        // domain treated as having no policy (STS-DISC-11..13).
        case txt_status::no_record:
            d.state = valid ? cache_state::txt_gone_cache_valid : cache_state::txt_gone_no_cache;
            break;
        case txt_status::unusable:
            d.state = valid ? cache_state::txt_unusable_cache_valid : cache_state::txt_unusable_no_cache;
            break;
        case txt_status::temp_error:
            if (valid) {
                d.state = cache_state::txt_error_cache_valid;
            } else if (config_.txt_temp_error_without_cache == txt_error_handling::defer) {
                d.state = cache_state::txt_error_no_cache_defer;  // interpretation: A14
            } else {
                d.state = cache_state::txt_error_no_cache_proceed;
            }
            break;
    }
    if (valid) {
        d.effective = use_cached(it, now);
        // RFC 8461 §6 [STS-RPT-02]: failures of any kind while a policy other than mode
        // none is cached are reported.
        d.report_failure = it->second.packed.policy_mode() != mode::none;
    }
    return d;
}

cache_decision policy_cache::begin_with_id(std::string_view domain, entry_map::iterator it, bool valid,
                                           const std::string& policy_id, core::time_point now) {
    cache_decision d;
    // RFC 8461 §3, §5.1 [STS-CACHE-02]: the cached policy is current while the record's
    // id equals the cached id; ids are compared for equality only (STS-DISC-04).
    // planted bug (tests only): refetch_on_same_id fetches a current policy again.
    const bool refetch = config_.planted_bug == core::planted_bug::refetch_on_same_id;
    if (valid && it->second.packed.policy_id() == policy_id && !refetch) {
        d.state = cache_state::cache_valid_id_match;
        d.effective = use_cached(it, now);
        return d;
    }

    const auto attempt = attempts_.find(domain);
    if (attempt != attempts_.end() && attempt->second.policy_id == policy_id) {
        const fetch_attempt& a = attempt->second;
        if (a.in_flight && now < saturating_add(a.started_at, limits::policy_fetch_in_flight_max)) {
            // One fetch per id at a time: a burst of messages must not become a burst of
            // fetches (STS-SEC-08).
            d.state = cache_state::fetch_in_flight;
            d.fetch_policy_id = policy_id;
            if (valid) d.effective = use_cached(it, now);
            return d;
        }
        // RFC 8461 §3.3 [STS-FETCH-15]: after a failure, at most one attempt per five
        // minutes for the same id. A different id is not held back.
        if (!a.in_flight && now < a.retry_not_before) {
            if (valid) {
                d.state = cache_state::fetch_backoff_cache_valid;
                d.effective = use_cached(it, now);
            } else {
                d.state = cache_state::fetch_backoff_no_cache;
            }
            return d;
        }
    }

    // RFC 8461 §5.1 [STS-CACHE-03, STS-CACHE-11]: no valid policy, or a new id: fetch.
    // An expired entry counts as expired whatever its id.
    if (it == entries_.end()) {
        d.state = cache_state::no_cache_fetch;
    } else if (!valid) {
        d.state = cache_state::cache_expired_fetch;
    } else {
        d.state = cache_state::id_changed_fetch;
        d.effective = use_cached(it, now);  // the fallback while the fetch runs
    }
    d.fetch_policy_id = policy_id;
    start_attempt(domain, policy_id, now);
    return d;
}

cache_decision policy_cache::complete_fetch(std::string_view domain, std::string_view policy_id,
                                            fetch_outcome outcome, core::time_point now) {
    cache_decision d;
    if (outcome.has_value()) {
        const auto attempt = attempts_.find(domain);
        if (attempt != attempts_.end() && attempt->second.policy_id == policy_id) {
            attempts_.erase(attempt);
        }
        policy fetched = std::move(outcome).value();
        // RFC 8461 §3.3, §10.3 [STS-CACHE-03, STS-CACHE-11]: a successful fetch replaces
        // the entry, however long the old policy had left, with a lifetime counted from
        // now. Mode none is cached like any other mode [STS-CACHE-10].
        d.state = store(domain, policy_id, fetched, now, fetch_purpose::delivery)
                      ? cache_state::fetch_ok
                      : cache_state::fetch_ok_not_cached;
        d.effective = {policy_origin::fetch, std::move(fetched), std::string(policy_id)};
        return d;
    }

    record_failure(domain, policy_id, now);
    d.failure = std::move(outcome).error();
    // RFC 8461 §6 [STS-RPT-01]: an HTTPS fetch failure with a valid TXT record is reported.
    d.report_failure = true;
    const auto it = entries_.find(domain);
    if (it != entries_.end() && usable_at(it->second.fetched_at, it->second.packed.max_age(), now)) {
        // RFC 8461 §3.3 [STS-FETCH-17, STS-CACHE-04]: the unexpired cached policy applies.
        d.state = cache_state::fetch_failed_cache_valid;
        d.effective = use_cached(it, now);
    } else {
        // RFC 8461 §3.3 [STS-FETCH-16, STS-CACHE-06]: deliver as if the domain had no
        // MTA-STS.
        d.state = cache_state::fetch_failed_no_cache;
    }
    return d;
}

bounce_recheck policy_cache::recheck_before_bounce(std::string_view domain, const txt_outcome& txt,
                                                   const effective_policy& failed_under,
                                                   core::time_point now) {
    bounce_recheck r;
    // planted bug (tests only): refetch_on_same_id breaks deliveries, not this check; a
    // check that always fetches would retry the delivery at once, forever.
    const auto planted = std::exchange(config_.planted_bug, core::planted_bug::none);
    r.decision = begin(domain, txt, now);
    config_.planted_bug = planted;
    switch (r.decision.action()) {
        case cache_action::fetch:
            r.verdict = bounce_verdict::fetch_new_policy;
            return r;
        case cache_action::await_fetch:
        case cache_action::defer:
            r.verdict = bounce_verdict::recheck_inconclusive;
            return r;
        case cache_action::apply:
            break;
    }
    // interpretation: a check that could not see the record, or that saw a new id it may
    // not fetch yet, has not "checked for the presence of a new policy"; the failure stays
    // temporary and the engine checks again later.
    if (txt.status == txt_status::temp_error || r.decision.state == cache_state::fetch_backoff_cache_valid) {
        r.verdict = bounce_verdict::recheck_inconclusive;
        return r;
    }
    const bool unchanged = r.decision.effective.enforces() &&
                           r.decision.effective.policy_id == failed_under.policy_id &&
                           r.decision.effective.value == failed_under.value;
    r.verdict = unchanged ? bounce_verdict::bounce : bounce_verdict::retry_under_current;
    return r;
}

std::vector<std::string> policy_cache::due_refreshes(core::time_point now, std::size_t count_max) const {
    std::vector<std::string> due;
    for (const auto& [when, domain] : refresh_queue_) {
        if (when > now || due.size() >= count_max) break;
        due.emplace_back(domain);
    }
    return due;
}

std::optional<core::time_point> policy_cache::next_wakeup(core::time_point now) const {
    if (refresh_queue_.empty()) return std::nullopt;
    return std::max(refresh_queue_.begin()->first, now);
}

refresh_step policy_cache::begin_refresh(std::string_view domain, core::time_point now) {
    refresh_step step;
    const auto it = entries_.find(domain);
    if (it == entries_.end()) {
        step.state = refresh_state::refresh_not_cached;
        return step;
    }
    if (!usable_at(it->second.fetched_at, it->second.packed.max_age(), now)) {
        // An expired policy is not refreshed: the next delivery must consult the TXT
        // record before fetching (RFC 8461 §5.1). Unscheduling it keeps a lost refresh
        // whose deadline fell after expiry from staying due forever.
        set_refresh_due(it, never);
        it->second.refresh_in_flight = false;
        step.state = refresh_state::refresh_not_cached;
        return step;
    }
    stored_entry& e = it->second;
    step.policy_id = std::string(e.packed.policy_id());
    if (e.refresh_in_flight && now < e.refresh_due_at) {
        step.state = refresh_state::refresh_in_flight;
        return step;
    }
    const auto attempt = attempts_.find(domain);
    if (attempt != attempts_.end()) {
        const fetch_attempt& a = attempt->second;
        // RFC 8461 §3.3 [STS-FETCH-15]: refreshes obey the back-off too. A refresh GETs the
        // same URL as the fetch of any id, so the back-off of a newer id (the TXT record
        // moved on and that fetch failed) holds it back as well, and so does a fetch still
        // in flight, whose success replaces the entry anyway. Otherwise a refresh falls
        // due seconds after a failed fetch, fails the same way, and its failure takes the
        // back-off slot from the newer id, whose next delivery fetches at once: three
        // requests in a minute (found by the swarm, seeds 5711 and 6567).
        const auto in_flight_until = saturating_add(a.started_at, limits::policy_fetch_in_flight_max);
        if (a.in_flight ? now < in_flight_until : now < a.retry_not_before) {
            set_refresh_due(it, a.in_flight ? in_flight_until : a.retry_not_before);
            step.state = refresh_state::refresh_backoff;
            return step;
        }
    }
    // RFC 8461 §10.2 [STS-CACHE-08]: the refresh fetches the policy whatever the TXT record
    // says, so blocking the record cannot stop it.
    e.refresh_in_flight = true;
    set_refresh_due(it, saturating_add(now, limits::policy_fetch_in_flight_max));
    step.state = refresh_state::refresh_fetch;
    return step;
}

refresh_result policy_cache::complete_refresh(std::string_view domain, std::string_view policy_id,
                                              fetch_outcome outcome, core::time_point now) {
    refresh_result r;
    const auto it = entries_.find(domain);
    if (it == entries_.end() || it->second.packed.policy_id() != policy_id) {
        // A delivery fetched a new id, or the entry was purged, while the refresh ran.
        r.state = refresh_state::refresh_discarded;
        return r;
    }
    stored_entry& e = it->second;
    e.refresh_in_flight = false;

    if (outcome.has_value()) {
        const auto attempt = attempts_.find(domain);
        if (attempt != attempts_.end() && !attempt->second.in_flight &&
            attempt->second.policy_id == policy_id) {
            attempts_.erase(attempt);
        }
        // RFC 8461 §3.3, §10.2 [STS-CACHE-08]: the refreshed policy, stored under the id it
        // was cached with, gets a lifetime counted from this fetch. A body that changed
        // without a new id is taken as is (STS-CACHE-14).
        const policy fetched = std::move(outcome).value();
        const std::string id(policy_id);
        r.state = refresh_state::refresh_ok;
        // With max_age 0 nothing stays cached, and the result says so.
        if (!store(domain, id, fetched, now, fetch_purpose::refresh)) return r;
        r.cached_mode = fetched.policy_mode;
        r.expires_at = expiry_of(now, fetched.max_age);
        return r;
    }

    record_failure(domain, policy_id, now);
    r.failure = std::move(outcome).error();
    if (e.refresh_failures < std::numeric_limits<std::uint16_t>::max()) ++e.refresh_failures;
    const mode cached_mode = e.packed.policy_mode();
    const core::time_point expires_at = expiry_of(e.fetched_at, e.packed.max_age());
    r.consecutive_failures = e.refresh_failures;
    r.cached_mode = cached_mode;
    r.expires_at = expires_at;
    // RFC 8461 §3.3, §10.2 [STS-CACHE-09]: every failure is logged (refresh_failed);
    // repeated failures raise one alert per run of failures, never for mode none, whose
    // loss changes nothing.
    r.state = refresh_state::refresh_failed;
    if (cached_mode != mode::none && !e.refresh_alert_raised &&
        e.refresh_failures >= limits::policy_refresh_failures_alert_min) {
        e.refresh_alert_raised = true;
        r.state = refresh_state::refresh_failed_alert;
    }
    // RFC 8461 §6 [STS-RPT-02]: reported while the cached policy is valid and not none.
    r.report_failure = cached_mode != mode::none && now < expires_at;
    set_refresh_due(it, refresh_retry_due(expires_at, now));
    return r;
}

std::vector<cache_entry> policy_cache::entries() const {
    std::vector<cache_entry> out;
    out.reserve(entries_.size());
    for (const auto& [domain, e] : entries_) {
        if (auto entry = find(domain)) out.push_back(std::move(*entry));
    }
    return out;
}

std::optional<cache_entry> policy_cache::find(std::string_view domain) const {
    const auto it = entries_.find(domain);
    if (it == entries_.end()) return std::nullopt;
    const stored_entry& e = it->second;
    cache_entry out;
    out.domain = it->first;
    out.policy_id = std::string(e.packed.policy_id());
    out.cached_policy = e.packed.unpack();
    out.fetched_at = e.fetched_at;
    out.last_used_at = e.last_used_at;
    // A running refresh is not persisted as such: restored, it is simply due.
    if (e.refresh_in_flight) {
        out.refresh_due_at = e.fetched_at;
    } else if (e.refresh_due_at != never) {
        out.refresh_due_at = e.refresh_due_at;
    }
    out.refresh_failures = e.refresh_failures;
    out.refresh_alert_raised = e.refresh_alert_raised;
    return out;
}

std::optional<restore_error> policy_cache::restore(const cache_entry& entry) {
    if (entry.domain.empty() || entry.domain.size() > limits::dns_name_bytes_max) {
        return restore_error::domain_invalid;
    }
    if (!plausible_policy_id(entry.policy_id)) return restore_error::policy_id_invalid;
    const auto max_age = entry.cached_policy.max_age;
    if (max_age <= std::chrono::seconds{0} || max_age > max_age_digits_max) {
        return restore_error::max_age_invalid;
    }
    auto it = entries_.find(entry.domain);
    if (it == entries_.end()) {
        if (entries_.size() >= config_.entries_max) return restore_error::cache_full;
        it = entries_.emplace_hint(it, entry.domain, stored_entry{});
    }
    stored_entry& e = it->second;
    e.packed = packed_policy(entry.policy_id, entry.cached_policy);
    e.fetched_at = entry.fetched_at;
    e.last_used_at = entry.last_used_at;
    e.refresh_failures = static_cast<std::uint16_t>(
        std::min<unsigned>(entry.refresh_failures, std::numeric_limits<std::uint16_t>::max()));
    e.refresh_alert_raised = entry.refresh_alert_raised;
    e.refresh_in_flight = false;
    set_refresh_due(it, entry.refresh_due_at.value_or(never));
    return std::nullopt;
}

bool policy_cache::purge(std::string_view domain) {
    bool removed = false;
    if (const auto it = entries_.find(domain); it != entries_.end()) {
        erase_entry(it);
        removed = true;
    }
    if (const auto a = attempts_.find(domain); a != attempts_.end()) {
        attempts_.erase(a);
        removed = true;
    }
    return removed;
}

std::size_t policy_cache::purge_expired(core::time_point now) {
    std::size_t removed = 0;
    for (auto it = entries_.begin(); it != entries_.end();) {
        const auto next = std::next(it);
        if (!usable_at(it->second.fetched_at, it->second.packed.max_age(), now)) {
            erase_entry(it);
            ++removed;
        }
        it = next;
    }
    purge_ended_attempts(now);
    return removed;
}

bool policy_cache::store(std::string_view domain, std::string_view policy_id, const policy& p,
                         core::time_point now, fetch_purpose purpose) {
    auto it = entries_.find(domain);
    // interpretation (A7): max_age 0 is a policy for this delivery only. It still
    // supersedes whatever was cached for the domain.
    if (p.max_age <= std::chrono::seconds{0}) {
        if (it != entries_.end()) erase_entry(it);
        return false;
    }
    if (it == entries_.end()) {
        // A full cache keeps the policies it has: evicting one would be a downgrade.
        if (entries_.size() >= config_.entries_max) return false;
        it = entries_.emplace_hint(it, std::string(domain), stored_entry{});
    }
    stored_entry& e = it->second;
    e.packed = packed_policy(policy_id, p);
    e.fetched_at = now;
    // A refresh is not a use: an entry only refreshes itself for so long (idle limit).
    if (purpose == fetch_purpose::delivery) e.last_used_at = std::max(e.last_used_at, now);
    e.refresh_failures = 0;
    e.refresh_alert_raised = false;
    e.refresh_in_flight = false;
    set_refresh_due(it, first_refresh_due(now, p.max_age, e.last_used_at));
    return true;
}

effective_policy policy_cache::use_cached(entry_map::iterator it, core::time_point now) {
    stored_entry& e = it->second;
    e.last_used_at = std::max(e.last_used_at, now);
    // An entry that stopped refreshing because it sat idle starts again when used; one
    // that gave up after failed refreshes does not, it runs to its expiry.
    if (e.refresh_due_at == never && !e.refresh_in_flight && e.refresh_failures == 0) {
        set_refresh_due(it, first_refresh_due(e.fetched_at, e.packed.max_age(), e.last_used_at));
    }
    return {policy_origin::cache, e.packed.unpack(), std::string(e.packed.policy_id())};
}

void policy_cache::start_attempt(std::string_view domain, const std::string& policy_id,
                                 core::time_point now) {
    auto a = attempts_.find(domain);
    if (a == attempts_.end()) {
        // Past the bound the attempt is not tracked: at worst more fetches, never a
        // weaker policy.
        if (!attempt_capacity(now)) return;
        a = attempts_.emplace_hint(a, std::string(domain), fetch_attempt{});
    }
    a->second = {policy_id, now, now, true};
}

void policy_cache::record_failure(std::string_view domain, std::string_view policy_id, core::time_point now) {
    auto a = attempts_.find(domain);
    if (a == attempts_.end()) {
        if (!attempt_capacity(now)) return;
        a = attempts_.emplace_hint(a, std::string(domain), fetch_attempt{});
    } else if (a->second.in_flight && a->second.policy_id != policy_id) {
        // A fetch of a newer id is running; its outcome decides what happens next.
        return;
    }
    // RFC 8461 §3.3 [STS-FETCH-15]: the next attempt for this id after five minutes.
    a->second = {std::string(policy_id), now, saturating_add(now, limits::policy_fetch_backoff), false};
}

bool policy_cache::attempt_capacity(core::time_point now) {
    if (attempts_.size() < limits::policy_fetch_attempts_max) return true;
    purge_ended_attempts(now);
    return attempts_.size() < limits::policy_fetch_attempts_max;
}

void policy_cache::purge_ended_attempts(core::time_point now) {
    std::erase_if(attempts_, [now](const auto& item) {
        const fetch_attempt& a = item.second;
        return a.in_flight ? now >= saturating_add(a.started_at, limits::policy_fetch_in_flight_max)
                           : now >= a.retry_not_before;
    });
}

void policy_cache::set_refresh_due(entry_map::iterator it, core::time_point due) {
    stored_entry& e = it->second;
    if (e.refresh_due_at != never) refresh_queue_.erase({e.refresh_due_at, it->first});
    e.refresh_due_at = due;
    if (due != never) refresh_queue_.emplace(due, it->first);
}

void policy_cache::erase_entry(entry_map::iterator it) {
    set_refresh_due(it, never);
    entries_.erase(it);
}

}  // namespace sts::mtasts
