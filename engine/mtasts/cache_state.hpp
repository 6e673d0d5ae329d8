// engine/mtasts/cache_state.hpp
//
// The closed vocabulary of the MTA-STS policy cache (engine/mtasts/policy_cache.hpp): one
// name for every situation in which the cache makes a decision, and what the engine must
// do next in each. The mail log, `explain` and the conformance reports print these names,
// so they are stable snake_case strings: add new ones, never rename old ones.
//
// A delivery-path name reads "<what the TXT lookup or fetch said>_<what the cache
// holds>", with the action last when the pair alone does not fix it. "cache_valid" always
// means an unexpired cached policy (RFC 8461 §3.2, counted from its fetch), whatever its
// id. The refresh names describe the proactive refresh of RFC 8461 §3.3 and §10.2, which
// runs apart from deliveries.
#pragma once

#include <string_view>

namespace sts::mtasts {

// What the engine does after a delivery-path decision.
enum class cache_action {
    apply,        // use decision.effective (possibly "no policy") for this delivery
    fetch,        // fetch the policy for decision.fetch_policy_id now, then complete_fetch()
    await_fetch,  // a fetch of that id is already running: wait for its complete_fetch()
    defer,        // keep the message queued and try again later (A14 "defer" only)
};

enum class cache_state {
    // begin(): the TXT record names an id.
    cache_valid_id_match,       // the cached policy is current (STS-CACHE-02): apply it
    no_cache_fetch,             // nothing cached for the domain: fetch
    cache_expired_fetch,        // the cached policy expired (STS-CACHE-01): fetch
    id_changed_fetch,           // a new id (STS-CACHE-03, STS-DISC-04): fetch
    fetch_in_flight,            // that id is being fetched already: await it
    fetch_backoff_cache_valid,  // that id failed < 5 min ago (STS-FETCH-15): cached policy
    fetch_backoff_no_cache,     // ... and nothing valid cached: no policy
    // begin(): no usable live record. None of these purges the cache (STS-CACHE-05).
    txt_gone_cache_valid,        // no record: the cached policy applies (STS-CACHE-04)
    txt_gone_no_cache,           // no record, nothing valid cached: no policy (STS-DISC-13)
    txt_unusable_cache_valid,    // several or invalid records: cached policy applies
    txt_unusable_no_cache,       // ... nothing valid cached: no policy (STS-DISC-11/12)
    txt_error_cache_valid,       // SERVFAIL or timeout: the cached policy applies
    txt_error_no_cache_proceed,  // ... nothing cached: no policy (A14, knob "proceed")
    txt_error_no_cache_defer,    // ... nothing cached: defer (A14, knob "defer")
    // complete_fetch().
    fetch_ok,                  // the fetched policy replaces the entry and applies
    fetch_ok_not_cached,       // it applies to this delivery only (max_age 0, cache full)
    fetch_failed_cache_valid,  // the cached policy applies (STS-FETCH-17, STS-CACHE-04)
    fetch_failed_no_cache,     // no policy, deliver as non-MTA-STS (STS-FETCH-16)
};

enum class refresh_state {
    // begin_refresh().
    refresh_fetch,       // fetch the cached id's policy now, then complete_refresh()
    refresh_in_flight,   // a refresh of this domain is already running
    refresh_backoff,     // a fetch for the domain failed < 5 min ago or is running; postponed (STS-FETCH-15)
    refresh_not_cached,  // nothing unexpired cached for the domain: nothing to refresh
    // complete_refresh().
    refresh_ok,            // the lifetime restarts at this fetch (STS-CACHE-08)
    refresh_failed,        // kept until expiry; retried (STS-CACHE-09: logged)
    refresh_failed_alert,  // repeated failure well before expiry: alert (STS-CACHE-09)
    refresh_discarded,     // the entry was replaced or removed meanwhile; nothing changed
};

std::string_view to_string(cache_action a);
std::string_view to_string(cache_state s);
std::string_view to_string(refresh_state s);

// The one place that says which action each delivery-path state asks for.
cache_action action_of(cache_state s);

// Whether the state's decision applies the cached policy (the entry's last use moves).
bool uses_cached_policy(cache_state s);

}  // namespace sts::mtasts
