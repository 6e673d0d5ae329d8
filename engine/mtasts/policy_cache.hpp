// engine/mtasts/policy_cache.hpp
//
// The MTA-STS policy cache (RFC 8461 §3.3, §5.1, §10.2) as a pure state machine: outcomes
// in, decisions out. It never looks anything up, fetches anything or reads a clock; every
// call takes the current time, and the engine feeds it the outcome of each TXT lookup
// (engine/mtasts/txt_outcome.hpp) and each policy fetch (engine/mtasts/fetch_outcome.hpp).
// Each decision carries a name from engine/mtasts/cache_state.hpp, which the mail log and
// the conformance reports print.
//
// Per delivery:   begin(domain, txt, now)  →  apply | fetch | await_fetch | defer
//                 after a fetch: complete_fetch(domain, id, outcome, now) → apply
// Proactively:    next_wakeup(now), due_refreshes(now), begin_refresh(), complete_refresh()
// Before bounce:  recheck_before_bounce(domain, fresh txt, failed policy, now)
// Persistence:    entries(), find(), restore(), purge(), purge_expired()
//
// Rules, each implemented once in policy_cache.cpp:
//   - A policy is cached for max_age counted from its fetch (STS-CACHE-01, STS-CACHE-13);
//     only a fetch (on delivery or refresh) restarts the lifetime, a TXT check never does.
//   - interpretation (expiry boundary): the lifetime is the half-open interval
//     [fetched_at, fetched_at + max_age). At exactly max_age seconds the policy is expired,
//     so it is never used for longer than max_age. max_age 0 therefore applies to the
//     delivery that fetched it and is not cached.
//   - A TXT record that is gone, unusable or failing never purges or shortens a cached
//     policy (STS-CACHE-05, STS-DISC-16, STS-SEC-13); long lifetimes are never capped
//     (STS-SEC-14).
//   - A new id is fetched at once; after a failed fetch the same id is fetched at most once
//     per limits::policy_fetch_backoff (STS-FETCH-15). One back-off slot per domain: the id
//     that failed last. A refresh waits while the domain has any fetch in back-off or in
//     flight, whatever its id: it would GET the same URL.
//   - interpretation (ambiguity A15): a failed first fetch leaves no pseudo-policy (mox
//     caches mode none for five minutes); the back-off alone bounds the fetches, and the
//     domain is delivered as non-MTA-STS meanwhile, which is what STS-FETCH-16 asks.
//   - interpretation (ambiguity A14): a TXT temporary error with nothing valid cached
//     follows cache_config::txt_temp_error_without_cache, "proceed" by default, as the
//     gateway does for fetch failures; "defer" is the downgrade-resistant choice.
//   - Refresh (STS-CACHE-07/08, STS-SEC-05) ignores the TXT state, keeps the cached id, and
//     on success restarts the lifetime. Failures are counted; the
//     limits::policy_refresh_failures_alert_min-th in a row raises an alert unless the
//     cached mode is none (STS-CACHE-09).
//
// Deliberately not here: DNS, HTTPS, the mail log, TLS-RPT bookkeeping (decisions only say
// report_failure), MX matching, and the persistence file format. Entries are stored packed
// (engine/mtasts/packed_policy.hpp) in ordered maps, so iteration is deterministic.
// Not thread-safe: the engine drives it from its one event loop.
#pragma once

#include "engine/core/limits.hpp"
#include "engine/core/planted_bug.hpp"
#include "engine/core/time.hpp"
#include "engine/mtasts/cache_state.hpp"
#include "engine/mtasts/effective_policy.hpp"
#include "engine/mtasts/fetch_outcome.hpp"
#include "engine/mtasts/packed_policy.hpp"
#include "engine/mtasts/policy.hpp"
#include "engine/mtasts/txt_outcome.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::mtasts {

// Ambiguity A14: what a TXT SERVFAIL or timeout means when nothing valid is cached.
enum class txt_error_handling {
    proceed,  // deliver as non-MTA-STS, like a failed fetch (STS-SEC-06 residual risk)
    defer,    // keep the message queued until the lookup succeeds
};

std::string_view to_string(txt_error_handling h);

struct cache_config {
    txt_error_handling txt_temp_error_without_cache = txt_error_handling::proceed;
    std::size_t entries_max = core::limits::policy_cache_entries_max;
    // Test-only (engine/core/planted_bug.hpp): set from engine_config::planted_bug.
    core::planted_bug planted_bug = core::planted_bug::none;
};

struct cache_decision {
    cache_state state = cache_state::txt_gone_no_cache;
    // apply: the policy for this delivery (origin none means deliver as non-MTA-STS).
    // fetch, await_fetch: the unexpired cached policy the delivery falls back to should
    // the fetch fail, if any (an engine that delivers while fetching may use it).
    // defer: empty.
    effective_policy effective;
    // fetch, await_fetch: the id to fetch, to be passed back to complete_fetch().
    std::string fetch_policy_id;
    // complete_fetch() on failure: why.
    std::optional<fetch_failure> failure;
    // RFC 8461 §6 [STS-RPT-01, STS-RPT-02]: this decision follows a failure to obtain the
    // live policy that TLS-RPT should report: a failed HTTPS fetch while the TXT record is
    // valid, or any TXT or fetch failure while a cached policy other than mode none is
    // valid. A fetch skipped by the back-off is not a new failure.
    bool report_failure = false;

    cache_action action() const { return action_of(state); }
};

// RFC 8461 §5.1 [STS-APPLY-14]: what a fresh TXT check at give-up time allows.
enum class bounce_verdict {
    bounce,                // the failed enforce policy is still the current one
    fetch_new_policy,      // a new id: fetch it (decision says so), then retry delivery
    retry_under_current,   // the governing policy changed or expired: retry under it
    recheck_inconclusive,  // DNS failed, or the new id is in back-off or being fetched
};

std::string_view to_string(bounce_verdict v);

struct bounce_recheck {
    bounce_verdict verdict = bounce_verdict::recheck_inconclusive;
    cache_decision decision;  // begin()'s decision for the fresh TXT outcome
};

// One cached policy, unpacked: what entries() lists, find() returns and restore() takes.
struct cache_entry {
    std::string domain;
    std::string policy_id;
    policy cached_policy;
    core::time_point fetched_at{};
    core::time_point last_used_at{};
    // Empty when no proactive refresh is planned (idle entry, lifetime too short, retries
    // exhausted before expiry).
    std::optional<core::time_point> refresh_due_at;
    unsigned refresh_failures = 0;  // consecutive, since the last successful fetch
    bool refresh_alert_raised = false;

    // fetched_at + max_age; the policy is usable strictly before this instant.
    core::time_point expires_at() const;

    friend bool operator==(const cache_entry&, const cache_entry&) = default;
};

enum class restore_error {
    domain_invalid,     // empty or longer than a DNS name
    policy_id_invalid,  // empty or longer than 32 bytes (RFC 8461 §3.1: 1*32)
    max_age_invalid,    // not positive, or more than 10 digits (RFC 8461 §3.2)
    cache_full,         // cache_config::entries_max reached
};

std::string_view to_string(restore_error e);

struct refresh_step {
    refresh_state state = refresh_state::refresh_not_cached;
    std::string policy_id;  // refresh_fetch: pass it back to complete_refresh()

    bool fetch() const { return state == refresh_state::refresh_fetch; }
};

struct refresh_result {
    refresh_state state = refresh_state::refresh_discarded;
    unsigned consecutive_failures = 0;
    std::optional<mode> cached_mode;  // empty when nothing is cached any more
    std::optional<core::time_point> expires_at;
    std::optional<fetch_failure> failure;
    bool report_failure = false;  // RFC 8461 §6 (STS-RPT-02): not for mode none

    bool alert() const { return state == refresh_state::refresh_failed_alert; }
};

class policy_cache {
public:
    explicit policy_cache(cache_config config = {});

    // Refresh bookkeeping points into the entry map, so a copy would dangle.
    policy_cache(const policy_cache&) = delete;
    policy_cache& operator=(const policy_cache&) = delete;
    policy_cache(policy_cache&&) noexcept = default;
    policy_cache& operator=(policy_cache&&) noexcept = default;

    // The decision for one delivery to `domain` (a lower-case A-label Policy Domain) after
    // its `_mta-sts` TXT lookup. A fetch decision marks the id as being fetched, so the
    // engine must report the fetch to complete_fetch(); a lost report times out after
    // limits::policy_fetch_in_flight_max. Using the cached policy marks the entry used.
    cache_decision begin(std::string_view domain, const txt_outcome& txt, core::time_point now);

    // The outcome of the fetch begin() asked for (or of any fetch made for the TXT id
    // `policy_id`). Success stores the policy under that id with a fresh lifetime and
    // applies it; failure starts the id's back-off and applies the cached policy if it is
    // still unexpired, otherwise no policy.
    cache_decision complete_fetch(std::string_view domain, std::string_view policy_id, fetch_outcome outcome,
                                  core::time_point now);

    // RFC 8461 §5.1 [STS-APPLY-14]: before an enforce failure becomes permanent, look up
    // the TXT record again and pass the outcome here with the policy the failed attempts
    // ran under. Only `bounce` allows the DSN; `fetch_new_policy` goes on exactly like
    // begin()'s fetch decision (complete_fetch, then retry the delivery).
    bounce_recheck recheck_before_bounce(std::string_view domain, const txt_outcome& txt,
                                         const effective_policy& failed_under, core::time_point now);

    // Domains whose proactive refresh is due at `now`, earliest first, at most count_max.
    std::vector<std::string> due_refreshes(
        core::time_point now, std::size_t count_max = core::limits::policy_refresh_batch_max) const;

    // When the cache next wants begin_refresh() calls: the earliest refresh due time, never
    // before `now`. Empty when no refresh is planned.
    std::optional<core::time_point> next_wakeup(core::time_point now) const;

    // Starts the refresh of one domain, due or not (an operator may force one).
    refresh_step begin_refresh(std::string_view domain, core::time_point now);

    // The outcome of the fetch begin_refresh() asked for.
    refresh_result complete_refresh(std::string_view domain, std::string_view policy_id,
                                    fetch_outcome outcome, core::time_point now);

    // Every entry, expired ones included until purge_expired(), in domain order.
    std::vector<cache_entry> entries() const;
    std::optional<cache_entry> find(std::string_view domain) const;

    // Puts back an entry listed by entries() (for instance read from a file), replacing
    // any entry for its domain. The refusal reason, or nothing when it was stored.
    std::optional<restore_error> restore(const cache_entry& entry);

    // Removes the domain's entry and its fetch bookkeeping; false when there was none.
    bool purge(std::string_view domain);

    // Removes expired entries and ended back-offs; returns the number of entries removed.
    // Expired entries are never used, only listed, so the engine calls this as
    // housekeeping (daily, say) to give their memory back.
    std::size_t purge_expired(core::time_point now);

    std::size_t size() const { return entries_.size(); }
    const cache_config& config() const { return config_; }

private:
    struct stored_entry {
        packed_policy packed;
        core::time_point fetched_at{};
        core::time_point last_used_at{};
        // time_point::max() when none is planned; while a refresh runs, its deadline.
        core::time_point refresh_due_at = core::time_point::max();
        std::uint16_t refresh_failures = 0;
        bool refresh_alert_raised = false;
        bool refresh_in_flight = false;
    };

    // A fetch in flight for policy_id, or (not in flight) the back-off after its failure.
    struct fetch_attempt {
        std::string policy_id;
        core::time_point started_at{};
        core::time_point retry_not_before{};
        bool in_flight = false;
    };

    using entry_map = std::map<std::string, stored_entry, std::less<>>;
    using attempt_map = std::map<std::string, fetch_attempt, std::less<>>;
    // (due time, domain) ordered, so due_refreshes() and next_wakeup() never scan all
    // entries; the view points at the key of the entry's node in entries_.
    using refresh_queue = std::set<std::pair<core::time_point, std::string_view>>;

    cache_decision begin_with_id(std::string_view domain, entry_map::iterator it, bool valid,
                                 const std::string& policy_id, core::time_point now);
    enum class fetch_purpose { delivery, refresh };
    bool store(std::string_view domain, std::string_view policy_id, const policy& p, core::time_point now,
               fetch_purpose purpose);
    effective_policy use_cached(entry_map::iterator it, core::time_point now);
    void start_attempt(std::string_view domain, const std::string& policy_id, core::time_point now);
    void record_failure(std::string_view domain, std::string_view policy_id, core::time_point now);
    bool attempt_capacity(core::time_point now);
    void purge_ended_attempts(core::time_point now);
    void set_refresh_due(entry_map::iterator it, core::time_point due);
    void erase_entry(entry_map::iterator it);

    cache_config config_;
    entry_map entries_;
    attempt_map attempts_;
    refresh_queue refresh_queue_;
};

}  // namespace sts::mtasts
