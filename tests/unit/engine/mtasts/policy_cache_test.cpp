// Tests engine/mtasts/policy_cache.hpp: every transition of the policy cache, driven with
// hand-made TXT and fetch outcomes on a hand-moved clock. Each case is one requirement test
// idea from requirements.md §2 and §4 expressed at the level of the cache: "FETCH×n" is the
// number of fetch decisions, "DEFERRED under enforce" is an applied enforce policy.
#include "engine/mtasts/policy_cache.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace sts::mtasts {
// Lets BOOST_TEST print the names when a comparison fails.
inline std::ostream& boost_test_print_type(std::ostream& os, cache_state s) {
    return os << to_string(s);
}
inline std::ostream& boost_test_print_type(std::ostream& os, cache_action a) {
    return os << to_string(a);
}
inline std::ostream& boost_test_print_type(std::ostream& os, refresh_state s) {
    return os << to_string(s);
}
inline std::ostream& boost_test_print_type(std::ostream& os, policy_origin o) {
    return os << to_string(o);
}
inline std::ostream& boost_test_print_type(std::ostream& os, bounce_verdict v) {
    return os << to_string(v);
}
inline std::ostream& boost_test_print_type(std::ostream& os, restore_error e) {
    return os << to_string(e);
}
inline std::ostream& boost_test_print_type(std::ostream& os, mode m) {
    return os << to_string(m);
}
inline std::ostream& boost_test_print_type(std::ostream& os, fetch_failure_kind k) {
    return os << to_string(k);
}
}  // namespace sts::mtasts

// Values without a stream operator; a failing comparison names the expression instead.
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::core::time_point)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::core::time_point>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::policy)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::mtasts::policy>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::mtasts::mode>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::mtasts::restore_error>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::effective_policy)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::cache_entry)

namespace {

using namespace sts::mtasts;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using sts::core::time_point;
using sts::test::covers;

constexpr std::string_view domain = "example.com";

// The virtual epoch of every case; tests say `at(seconds{86399})` for T0+86399 s.
const time_point t0 = std::chrono::sys_days{std::chrono::year{2024} / 1 / 1};
time_point at(sts::core::duration d) {
    return t0 + d;
}

policy make_policy(mode m, seconds max_age, std::vector<std::string> mx = {"mx1.example.com"}) {
    policy p;
    p.policy_mode = m;
    p.max_age = max_age;
    if (m == mode::none) mx.clear();
    p.policy_strings.push_back("version: STSv1");
    p.policy_strings.push_back("mode: " + std::string(to_string(m)));
    for (const auto& pattern : mx) p.policy_strings.push_back("mx: " + pattern);
    p.policy_strings.push_back("max_age: " + std::to_string(max_age.count()));
    p.mx_patterns = std::move(mx);
    return p;
}

fetch_outcome served(policy p) {
    return fetch_outcome{std::move(p)};
}
fetch_outcome failed(fetch_failure_kind kind = fetch_failure_kind::http_status) {
    return sts::core::failure(fetch_failure{kind, "test failure"});
}

// First contact: the TXT record names `id`, the fetch succeeds at `when`.
void prime(policy_cache& cache, std::string_view d, const std::string& id, policy p, time_point when) {
    const auto first = cache.begin(d, txt_outcome::found(id), when);
    BOOST_REQUIRE_EQUAL(first.action(), cache_action::fetch);
    const auto done = cache.complete_fetch(d, id, served(std::move(p)), when);
    BOOST_REQUIRE_EQUAL(done.state, cache_state::fetch_ok);
}

// A delivery as the engine runs it: begin(), and when asked, one fetch answered by
// `fetch`. Counts the fetches made.
struct delivery_driver {
    policy_cache& cache;
    int fetches = 0;

    template <class Fetch>
    cache_decision deliver(std::string_view d, const txt_outcome& txt, time_point now, Fetch fetch) {
        auto decision = cache.begin(d, txt, now);
        if (decision.action() != cache_action::fetch) return decision;
        ++fetches;
        return cache.complete_fetch(d, decision.fetch_policy_id, fetch(), now);
    }
};

// The proactive refresh loop as the engine runs it: sleep until next_wakeup(), refresh
// every due domain, until `until`. Returns each completed refresh in order.
template <class Fetch>
std::vector<refresh_result> run_refreshes(policy_cache& cache, time_point from, time_point until,
                                          Fetch fetch) {
    std::vector<refresh_result> results;
    time_point now = from;
    for (int guard = 0; guard < 100000; ++guard) {
        const auto wake = cache.next_wakeup(now);
        if (!wake || *wake > until) break;
        now = *wake;
        for (const auto& d : cache.due_refreshes(now)) {
            const auto step = cache.begin_refresh(d, now);
            if (step.fetch()) results.push_back(cache.complete_refresh(d, step.policy_id, fetch(now), now));
        }
    }
    return results;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_policy_cache)

// --- First contact and the id comparison ---

BOOST_AUTO_TEST_CASE(first_contact_fetches_and_then_applies_the_cached_policy,
                     *covers("STS-CACHE-12", "STS-CACHE-02")) {
    policy_cache cache;
    const auto first = cache.begin(domain, txt_outcome::found("a1"), t0);
    BOOST_TEST(first.state == cache_state::no_cache_fetch);
    BOOST_TEST(first.action() == cache_action::fetch);
    BOOST_TEST(first.fetch_policy_id == "a1");
    BOOST_TEST(!first.effective.has_policy());

    const auto enforce = make_policy(mode::enforce, seconds{86400});
    const auto done = cache.complete_fetch(domain, "a1", served(enforce), t0);
    BOOST_TEST(done.state == cache_state::fetch_ok);
    BOOST_TEST(done.effective.origin == policy_origin::fetch);
    BOOST_TEST(done.effective.value == enforce);
    BOOST_TEST(done.effective.policy_id == "a1");
    BOOST_TEST(!done.report_failure);

    const auto second = cache.begin(domain, txt_outcome::found("a1"), at(minutes{1}));
    BOOST_TEST(second.state == cache_state::cache_valid_id_match);
    BOOST_TEST(second.action() == cache_action::apply);
    BOOST_TEST(second.effective.origin == policy_origin::cache);
    BOOST_TEST(second.effective.value == enforce);
}

BOOST_AUTO_TEST_CASE(hundred_deliveries_with_an_unchanged_id_fetch_nothing, *covers("STS-CACHE-02")) {
    policy_cache cache;
    delivery_driver driver{cache};
    const auto enforce = make_policy(mode::enforce, seconds{604800});
    for (int i = 0; i < 100; ++i) {
        const auto d = driver.deliver(domain, txt_outcome::found("id1"), at(minutes{i}),
                                      [&] { return served(enforce); });
        BOOST_TEST(d.effective.enforces());
    }
    BOOST_TEST(driver.fetches == 1);  // the first contact only
}

BOOST_AUTO_TEST_CASE(id_change_fetches_and_replaces_policy_with_new_expiry, *covers("STS-CACHE-03")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}, {"old.example.com"}), t0);

    const auto changed = cache.begin(domain, txt_outcome::found("b"), at(hours{2}));
    BOOST_TEST(changed.state == cache_state::id_changed_fetch);
    BOOST_TEST(changed.fetch_policy_id == "b");
    // Until the fetch answers, the old unexpired policy is the fallback.
    BOOST_TEST(changed.effective.policy_id == "a");

    const auto fresh = make_policy(mode::enforce, seconds{3600}, {"new.example.com"});
    const auto done = cache.complete_fetch(domain, "b", served(fresh), at(hours{2}));
    BOOST_TEST(done.state == cache_state::fetch_ok);

    const auto next = cache.begin(domain, txt_outcome::found("b"), at(hours{2} + seconds{1}));
    BOOST_TEST(next.state == cache_state::cache_valid_id_match);
    BOOST_TEST(next.effective.value->mx_patterns == std::vector<std::string>{"new.example.com"});
    BOOST_TEST(cache.find(domain)->expires_at() == at(hours{2}) + seconds{3600});
}

BOOST_AUTO_TEST_CASE(ids_have_no_order_so_a_smaller_looking_id_is_an_update, *covers("STS-DISC-04")) {
    policy_cache cache;
    prime(cache, domain, "B2", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_TEST(cache.begin(domain, txt_outcome::found("A1"), at(hours{1})).state ==
               cache_state::id_changed_fetch);
}

BOOST_AUTO_TEST_CASE(id_longer_than_32_bytes_is_treated_as_an_unusable_record, *covers("STS-DISC-12")) {
    policy_cache cache;
    const auto d = cache.begin(domain, txt_outcome::found(std::string(33, 'a')), t0);
    BOOST_TEST(d.state == cache_state::txt_unusable_no_cache);
    BOOST_TEST(d.action() == cache_action::apply);
}

// --- Lifetime ---

BOOST_AUTO_TEST_CASE(cached_policy_applies_until_max_age_after_fetch_and_not_after,
                     *covers("STS-CACHE-01", "STS-APPLY-17")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);

    const auto before = cache.begin(domain, txt_outcome::no_record(), at(seconds{86399}));
    BOOST_TEST(before.state == cache_state::txt_gone_cache_valid);
    BOOST_TEST(before.effective.enforces());

    // interpretation: the lifetime is [fetched_at, fetched_at + max_age).
    const auto boundary = cache.begin(domain, txt_outcome::no_record(), at(seconds{86400}));
    BOOST_TEST(boundary.state == cache_state::txt_gone_no_cache);

    const auto after = cache.begin(domain, txt_outcome::no_record(), at(seconds{86401}));
    BOOST_TEST(after.state == cache_state::txt_gone_no_cache);
    BOOST_TEST(after.effective.origin == policy_origin::none);
    BOOST_TEST(!after.effective.validates());
}

BOOST_AUTO_TEST_CASE(expired_entry_with_a_live_record_is_fetched_again, *covers("STS-CACHE-01")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{3600}), t0);
    const auto d = cache.begin(domain, txt_outcome::found("a"), at(seconds{3600}));
    BOOST_TEST(d.state == cache_state::cache_expired_fetch);
    BOOST_TEST(!d.effective.has_policy());  // nothing valid to fall back on
}

BOOST_AUTO_TEST_CASE(hourly_txt_checks_do_not_extend_the_lifetime, *covers("STS-CACHE-13")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::testing, seconds{86400}), t0);
    const auto expiry = cache.find(domain)->expires_at();
    for (int h = 1; h < 24; ++h) {
        BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(hours{h})).state ==
                   cache_state::cache_valid_id_match);
    }
    BOOST_TEST(cache.find(domain)->expires_at() == expiry);
    BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(hours{24})).state ==
               cache_state::cache_expired_fetch);
}

BOOST_AUTO_TEST_CASE(zero_max_age_applies_to_the_fetching_delivery_only, *covers("STS-CACHE-01")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    // The new policy supersedes the cached one but may not be cached itself.
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(hours{1})).action() == cache_action::fetch);
    const auto done =
        cache.complete_fetch(domain, "b", served(make_policy(mode::testing, seconds{0})), at(hours{1}));
    BOOST_TEST(done.state == cache_state::fetch_ok_not_cached);
    BOOST_TEST(done.effective.policy_mode() == mode::testing);
    BOOST_TEST(cache.size() == 0u);
    BOOST_TEST(cache.begin(domain, txt_outcome::no_record(), at(hours{1})).state ==
               cache_state::txt_gone_no_cache);
}

BOOST_AUTO_TEST_CASE(year_long_policy_is_enforced_after_300_days_with_txt_blocked,
                     *covers("STS-SEC-14", "STS-SEC-04")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{31557600}), t0);
    for (int day = 1; day <= 300; day += 33) {
        BOOST_TEST(cache.begin(domain, txt_outcome::temp_error(), at(days{day})).effective.enforces());
    }
    const auto d = cache.begin(domain, txt_outcome::temp_error(), at(days{300}));
    BOOST_TEST(d.state == cache_state::txt_error_cache_valid);
    BOOST_TEST(d.effective.enforces());
    BOOST_TEST(cache.find(domain)->expires_at() == t0 + seconds{31557600});  // not capped
}

// --- No usable live policy ---

BOOST_AUTO_TEST_CASE(every_failure_to_get_the_live_policy_keeps_a_cached_enforce_policy,
                     *covers("STS-CACHE-04", "STS-FETCH-17", "STS-FETCH-18", "STS-SEC-13", "STS-PARSE-18")) {
    // TXT side: NXDOMAIN, several records, an invalid record, an oversized RRset, SERVFAIL
    // or timeout (both reach the cache as temp_error).
    std::vector<txt_outcome> txt_failures;
    for (const auto status : {discovery_status::no_record, discovery_status::multiple_records,
                              discovery_status::invalid_record, discovery_status::oversized_rrset}) {
        discovery_result r;
        r.status = status;
        txt_failures.push_back(from_discovery(r));
    }
    txt_failures.push_back(txt_outcome::temp_error());
    for (const auto& txt : txt_failures) {
        policy_cache cache;
        prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
        const auto d = cache.begin(domain, txt, at(hours{1}));
        BOOST_TEST_INFO("txt " << to_string(txt.status));
        BOOST_TEST(d.action() == cache_action::apply);
        BOOST_TEST(d.effective.origin == policy_origin::cache);
        BOOST_TEST(d.effective.enforces());
    }

    // HTTPS side: a new id whose fetch fails in each way.
    for (const auto kind :
         {fetch_failure_kind::host_unresolved, fetch_failure_kind::connect_failed,
          fetch_failure_kind::tls_failed, fetch_failure_kind::webpki_invalid, fetch_failure_kind::timeout,
          fetch_failure_kind::http_status, fetch_failure_kind::body_too_large, fetch_failure_kind::media_type,
          fetch_failure_kind::policy_invalid}) {
        policy_cache cache;
        prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
        BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(hours{1})).action() ==
                      cache_action::fetch);
        const auto d = cache.complete_fetch(domain, "b", failed(kind), at(hours{1}));
        BOOST_TEST_INFO("fetch " << to_string(kind));
        BOOST_TEST(d.state == cache_state::fetch_failed_cache_valid);
        BOOST_TEST(d.effective.enforces());
        BOOST_TEST(d.effective.policy_id == "a");
        BOOST_TEST(d.failure->kind == kind);
    }
}

BOOST_AUTO_TEST_CASE(txt_removal_never_purges_the_cache,
                     *covers("STS-CACHE-05", "STS-DISC-16", "STS-SEC-04")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{7 * 86400}), t0);
    const auto before = cache.find(domain);
    for (int h = 1; h < 7 * 24; h += 5) {
        BOOST_TEST(cache.begin(domain, txt_outcome::no_record(), at(hours{h})).state ==
                   cache_state::txt_gone_cache_valid);
    }
    const auto after = cache.find(domain);
    BOOST_REQUIRE(after.has_value());
    BOOST_TEST(after->cached_policy == before->cached_policy);
    BOOST_TEST(after->expires_at() == before->expires_at());
}

BOOST_AUTO_TEST_CASE(unusable_or_missing_record_without_cache_means_no_policy_and_no_fetch,
                     *covers("STS-DISC-11", "STS-DISC-12", "STS-DISC-13")) {
    policy_cache cache;
    const auto gone = cache.begin(domain, txt_outcome::no_record(), t0);
    BOOST_TEST(gone.state == cache_state::txt_gone_no_cache);
    const auto unusable = cache.begin(domain, txt_outcome::unusable(), t0);
    BOOST_TEST(unusable.state == cache_state::txt_unusable_no_cache);
    for (const auto& d : {gone, unusable}) {
        BOOST_TEST(d.action() == cache_action::apply);
        BOOST_TEST(!d.effective.has_policy());
        BOOST_TEST(!d.report_failure);
    }
    BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(failed_fetch_with_empty_or_expired_cache_delivers_without_policy,
                     *covers("STS-FETCH-16", "STS-CACHE-06")) {
    // Empty cache.
    policy_cache empty;
    BOOST_REQUIRE(empty.begin(domain, txt_outcome::found("a"), t0).action() == cache_action::fetch);
    const auto no_cache = empty.complete_fetch(domain, "a", failed(fetch_failure_kind::http_status), t0);
    BOOST_TEST(no_cache.state == cache_state::fetch_failed_no_cache);
    BOOST_TEST(no_cache.action() == cache_action::apply);
    BOOST_TEST(no_cache.effective.origin == policy_origin::none);

    // Expired cache.
    policy_cache expired;
    prime(expired, domain, "a", make_policy(mode::enforce, seconds{3600}), t0);
    BOOST_REQUIRE(expired.begin(domain, txt_outcome::found("a"), at(hours{2})).state ==
                  cache_state::cache_expired_fetch);
    const auto stale = expired.complete_fetch(domain, "a", failed(fetch_failure_kind::timeout), at(hours{2}));
    BOOST_TEST(stale.state == cache_state::fetch_failed_no_cache);
    BOOST_TEST(!stale.effective.has_policy());
}

BOOST_AUTO_TEST_CASE(failed_first_fetch_leaves_no_pseudo_policy, *covers("STS-FETCH-16")) {
    // interpretation (A15): unlike mox, no mode-none policy is cached; only the back-off.
    policy_cache cache;
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("a"), t0).action() == cache_action::fetch);
    cache.complete_fetch(domain, "a", failed(), t0);
    BOOST_TEST(cache.size() == 0u);
    BOOST_TEST(cache.entries().empty());
    const auto d = cache.begin(domain, txt_outcome::found("a"), at(minutes{1}));
    BOOST_TEST(d.state == cache_state::fetch_backoff_no_cache);
    BOOST_TEST(d.effective.origin == policy_origin::none);
    // TXT gone during the back-off: still nothing cached.
    BOOST_TEST(cache.begin(domain, txt_outcome::no_record(), at(minutes{2})).state ==
               cache_state::txt_gone_no_cache);
}

BOOST_AUTO_TEST_CASE(txt_error_without_cache_proceeds_by_default, *covers("STS-SEC-06")) {
    policy_cache cache;
    const auto d = cache.begin(domain, txt_outcome::temp_error(), t0);
    BOOST_TEST(d.state == cache_state::txt_error_no_cache_proceed);
    BOOST_TEST(d.action() == cache_action::apply);
    BOOST_TEST(!d.effective.has_policy());
}

BOOST_AUTO_TEST_CASE(txt_error_without_cache_defers_when_configured, *covers("STS-SEC-06")) {
    policy_cache cache{cache_config{.txt_temp_error_without_cache = txt_error_handling::defer}};
    const auto d = cache.begin(domain, txt_outcome::temp_error(), t0);
    BOOST_TEST(d.state == cache_state::txt_error_no_cache_defer);
    BOOST_TEST(d.action() == cache_action::defer);
    // With a valid cache the knob does not matter: the cached policy applies.
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_TEST(cache.begin(domain, txt_outcome::temp_error(), at(hours{1})).state ==
               cache_state::txt_error_cache_valid);
}

// --- Mode none and malicious policies ---

BOOST_AUTO_TEST_CASE(mode_none_policy_is_cached_and_enforces_nothing, *covers("STS-CACHE-10")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(hours{1})).action() == cache_action::fetch);
    const auto done =
        cache.complete_fetch(domain, "b", served(make_policy(mode::none, seconds{86400})), at(hours{1}));
    BOOST_TEST(done.state == cache_state::fetch_ok);
    BOOST_TEST(done.effective.policy_mode() == mode::none);
    BOOST_TEST(!done.effective.validates());

    // Later the TXT record and the host go away: still the cached opt-out, nothing reported.
    const auto later = cache.begin(domain, txt_outcome::no_record(), at(hours{5}));
    BOOST_TEST(later.state == cache_state::txt_gone_cache_valid);
    BOOST_TEST(later.effective.policy_mode() == mode::none);
    BOOST_TEST(!later.effective.validates());
    BOOST_TEST(!later.report_failure);
}

BOOST_AUTO_TEST_CASE(new_id_replaces_a_year_long_malicious_policy, *covers("STS-CACHE-11", "STS-SEC-07")) {
    policy_cache cache;
    prime(cache, domain, "evil", make_policy(mode::enforce, seconds{31557600}, {"evil.example"}), t0);
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("good"), at(days{1})).state ==
                  cache_state::id_changed_fetch);
    cache.complete_fetch(domain, "good", served(make_policy(mode::enforce, seconds{86400}, {"good.example"})),
                         at(days{1}));
    const auto next = cache.begin(domain, txt_outcome::found("good"), at(days{1} + minutes{1}));
    BOOST_TEST(next.effective.value->mx_patterns == std::vector<std::string>{"good.example"});
    BOOST_TEST(cache.find(domain)->expires_at() == at(days{2}));  // the new lifetime, not the old
}

BOOST_AUTO_TEST_CASE(stale_body_cached_under_new_id_is_corrected_by_refresh, *covers("STS-CACHE-14")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{7 * 86400}, {"old.example"}), t0);
    // The TXT id moved to b before the host serves the new body.
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(hours{1})).action() == cache_action::fetch);
    cache.complete_fetch(domain, "b", served(make_policy(mode::enforce, seconds{7 * 86400}, {"old.example"})),
                         at(hours{1}));
    BOOST_TEST(cache.find(domain)->policy_id == "b");
    // The next refresh picks up the new body under id b.
    const auto results = run_refreshes(cache, at(hours{1}), at(days{2}), [](time_point) {
        return served(make_policy(mode::enforce, seconds{7 * 86400}, {"new.example"}));
    });
    BOOST_REQUIRE(!results.empty());
    BOOST_TEST(cache.find(domain)->cached_policy.mx_patterns == std::vector<std::string>{"new.example"});
    BOOST_TEST(cache.find(domain)->policy_id == "b");
}

// --- Back-off and fetch storms ---

BOOST_AUTO_TEST_CASE(failed_id_is_fetched_at_most_once_per_five_minutes, *covers("STS-FETCH-15")) {
    policy_cache cache;
    delivery_driver driver{cache};
    // 20 messages over 4 minutes while the host answers 500.
    for (int i = 0; i < 20; ++i) {
        const auto d = driver.deliver(domain, txt_outcome::found("a"), at(seconds{i * 12}),
                                      [] { return failed(fetch_failure_kind::http_status); });
        BOOST_TEST(!d.effective.has_policy());
    }
    BOOST_TEST(driver.fetches == 1);
    BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(minutes{5} - seconds{1})).state ==
               cache_state::fetch_backoff_no_cache);
    // At T+5m one more attempt is allowed.
    driver.deliver(domain, txt_outcome::found("a"), at(minutes{5}), [] { return failed(); });
    BOOST_TEST(driver.fetches == 2);
}

BOOST_AUTO_TEST_CASE(new_id_is_fetched_at_once_despite_the_backoff, *covers("STS-FETCH-15", "STS-DISC-04")) {
    policy_cache cache;
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("a"), t0).action() == cache_action::fetch);
    cache.complete_fetch(domain, "a", failed(), t0);
    const auto d = cache.begin(domain, txt_outcome::found("b"), at(minutes{1}));
    BOOST_TEST(d.state == cache_state::no_cache_fetch);
    BOOST_TEST(d.fetch_policy_id == "b");
}

BOOST_AUTO_TEST_CASE(backoff_with_a_valid_cache_keeps_the_cached_policy,
                     *covers("STS-FETCH-15", "STS-FETCH-17")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(hours{1})).action() == cache_action::fetch);
    cache.complete_fetch(domain, "b", failed(), at(hours{1}));
    const auto d = cache.begin(domain, txt_outcome::found("b"), at(hours{1} + minutes{2}));
    BOOST_TEST(d.state == cache_state::fetch_backoff_cache_valid);
    BOOST_TEST(d.effective.enforces());
    BOOST_TEST(d.effective.policy_id == "a");
    BOOST_TEST(!d.report_failure);  // no new failure happened
}

BOOST_AUTO_TEST_CASE(burst_while_a_fetch_runs_waits_for_that_fetch, *covers("STS-SEC-08", "STS-FETCH-15")) {
    policy_cache cache;
    int fetches = 0;
    // 1000 queued messages to one domain whose host is down, over 20 minutes.
    for (int i = 0; i < 1000; ++i) {
        const time_point now = at(std::chrono::milliseconds{i * 1200});
        const auto d = cache.begin(domain, txt_outcome::found("a"), now);
        if (d.action() == cache_action::fetch) {
            ++fetches;
            // The fetch takes 30 s; meanwhile the next messages must await it.
            BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), now + seconds{10}).state ==
                       cache_state::fetch_in_flight);
            cache.complete_fetch(domain, "a", failed(fetch_failure_kind::timeout), now + seconds{30});
        }
    }
    BOOST_TEST(fetches >= 4);
    BOOST_TEST(fetches <= 5);  // 20 minutes at one per 5 minutes
}

BOOST_AUTO_TEST_CASE(lost_fetch_outcome_times_out_and_allows_a_new_attempt, *covers("STS-SEC-08")) {
    policy_cache cache;
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("a"), t0).action() == cache_action::fetch);
    BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(seconds{119})).state ==
               cache_state::fetch_in_flight);
    BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(seconds{120})).state ==
               cache_state::no_cache_fetch);
}

// --- Proactive refresh ---

BOOST_AUTO_TEST_CASE(refresh_runs_daily_without_mail_and_before_expiry, *covers("STS-CACHE-07")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    BOOST_TEST(cache.next_wakeup(t0) == at(hours{24}));
    std::vector<time_point> fetch_times;
    const auto results = run_refreshes(cache, t0, at(days{5}), [&](time_point now) {
        fetch_times.push_back(now);
        return served(make_policy(mode::enforce, seconds{30 * 86400}));
    });
    BOOST_TEST(results.size() == 5u);
    for (std::size_t i = 0; i < fetch_times.size(); ++i) {
        BOOST_TEST(fetch_times[i] == at(days{static_cast<int>(i) + 1}));
        BOOST_TEST(results[i].state == refresh_state::refresh_ok);
    }

    // A one-day policy is refreshed after half its lifetime, well before it expires.
    policy_cache short_lived;
    prime(short_lived, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_TEST(short_lived.next_wakeup(t0) == at(hours{12}));
}

BOOST_AUTO_TEST_CASE(refreshes_extend_expiry_while_txt_is_blocked, *covers("STS-CACHE-08", "STS-SEC-05")) {
    const auto weekly = make_policy(mode::enforce, seconds{7 * 86400});
    const time_point check = at(days{7} + seconds{1});

    // Without refreshes the policy would be gone at T0+7d+1s.
    policy_cache idle;
    prime(idle, domain, "a", weekly, t0);
    BOOST_TEST(!idle.begin(domain, txt_outcome::temp_error(), check).effective.has_policy());

    // With refreshes (which ignore the blocked TXT record) it is still enforced.
    policy_cache cache;
    prime(cache, domain, "a", weekly, t0);
    BOOST_TEST(cache.begin(domain, txt_outcome::temp_error(), at(hours{1})).effective.enforces());
    const auto results =
        run_refreshes(cache, at(hours{1}), check, [&](time_point) { return served(weekly); });
    BOOST_TEST(results.size() >= 6u);
    const auto d = cache.begin(domain, txt_outcome::temp_error(), check);
    BOOST_TEST(d.state == cache_state::txt_error_cache_valid);
    BOOST_TEST(d.effective.enforces());
    BOOST_TEST(cache.find(domain)->expires_at() > check);
}

BOOST_AUTO_TEST_CASE(repeated_refresh_failures_alert_once_for_a_testing_policy,
                     *covers("STS-CACHE-09", "STS-RPT-02")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::testing, seconds{30 * 86400}), t0);
    // The policy host answers 500 for three days.
    const auto results = run_refreshes(cache, t0, at(days{3}), [](time_point) { return failed(); });
    BOOST_REQUIRE(results.size() >= 3u);
    int alerts = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        BOOST_TEST(results[i].consecutive_failures == i + 1);
        BOOST_TEST(results[i].report_failure);
        if (results[i].alert()) {
            ++alerts;
            BOOST_TEST(results[i].consecutive_failures ==
                       sts::core::limits::policy_refresh_failures_alert_min);
            BOOST_TEST(*results[i].expires_at - t0 > days{29});  // well before expiry
        }
    }
    BOOST_TEST(alerts == 1);
    // The policy itself is kept until expiry.
    BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(days{3})).effective.validates());
    // A successful refresh ends the run of failures.
    const auto step = cache.begin_refresh(domain, at(days{3} + hours{1}));
    BOOST_REQUIRE(step.fetch());
    const auto ok = cache.complete_refresh(domain, step.policy_id,
                                           served(make_policy(mode::testing, seconds{30 * 86400})),
                                           at(days{3} + hours{1}));
    BOOST_TEST(ok.state == refresh_state::refresh_ok);
    BOOST_TEST(cache.find(domain)->refresh_failures == 0u);
    BOOST_TEST(!cache.find(domain)->refresh_alert_raised);
}

BOOST_AUTO_TEST_CASE(refresh_failures_never_alert_for_a_mode_none_policy,
                     *covers("STS-CACHE-09", "STS-RPT-02")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::none, seconds{30 * 86400}), t0);
    const auto results = run_refreshes(cache, t0, at(days{3}), [](time_point) { return failed(); });
    BOOST_REQUIRE(results.size() >= 3u);
    for (const auto& r : results) {
        BOOST_TEST(!r.alert());
        BOOST_TEST(!r.report_failure);
    }
    BOOST_TEST(results.back().consecutive_failures == results.size());
}

BOOST_AUTO_TEST_CASE(failing_refreshes_retry_until_just_before_expiry, *covers("STS-CACHE-09")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    std::vector<time_point> tries;
    run_refreshes(cache, t0, at(days{2}), [&](time_point now) {
        tries.push_back(now);
        return failed();
    });
    BOOST_REQUIRE(tries.size() >= 3u);
    BOOST_TEST(tries.front() == at(hours{12}));
    for (std::size_t i = 1; i < tries.size(); ++i) {
        BOOST_TEST(tries[i] - tries[i - 1] >= sts::core::limits::policy_fetch_backoff);
        BOOST_TEST(tries[i] < at(days{1}));
    }
    BOOST_TEST(!cache.next_wakeup(at(days{1})).has_value());  // nothing left to refresh
}

BOOST_AUTO_TEST_CASE(refresh_respects_the_per_id_backoff, *covers("STS-FETCH-15")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    auto step = cache.begin_refresh(domain, at(days{1}));
    BOOST_REQUIRE(step.fetch());
    cache.complete_refresh(domain, "a", failed(), at(days{1}));
    // An operator forces a refresh a minute later: postponed to the end of the back-off.
    step = cache.begin_refresh(domain, at(days{1} + minutes{1}));
    BOOST_TEST(step.state == refresh_state::refresh_backoff);
    BOOST_TEST(cache.find(domain)->refresh_due_at == at(days{1} + minutes{5}));
}

// Found by the swarm (scenarios/swarm/refresh-waits-for-new-id-backoff.toml): the refresh
// GETs the same URL as the failed fetch of the newer id, so it waits for that back-off,
// and the newer id stays in back-off instead of being fetched again at once.
BOOST_AUTO_TEST_CASE(refresh_waits_for_the_backoff_and_fetch_of_a_newer_id, *covers("STS-FETCH-15")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(days{1})).action() == cache_action::fetch);
    // While the fetch of b runs, a refresh would only duplicate it.
    BOOST_TEST(cache.begin_refresh(domain, at(days{1} + seconds{1})).state == refresh_state::refresh_backoff);
    cache.complete_fetch(domain, "b", failed(), at(days{1} + seconds{2}));
    const auto step = cache.begin_refresh(domain, at(days{1} + seconds{3}));
    BOOST_TEST(step.state == refresh_state::refresh_backoff);
    BOOST_TEST(cache.find(domain)->refresh_due_at == at(days{1} + seconds{2} + minutes{5}));
    const auto d = cache.begin(domain, txt_outcome::found("b"), at(days{1} + seconds{30}));
    BOOST_TEST(d.state == cache_state::fetch_backoff_cache_valid);
    // After the back-off the refresh runs.
    BOOST_TEST(cache.begin_refresh(domain, at(days{1} + seconds{2} + minutes{5})).fetch());
}

BOOST_AUTO_TEST_CASE(refresh_in_flight_is_not_started_twice) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    BOOST_TEST(cache.due_refreshes(at(days{1})) == std::vector<std::string>{std::string(domain)});
    BOOST_REQUIRE(cache.begin_refresh(domain, at(days{1})).fetch());
    BOOST_TEST(cache.begin_refresh(domain, at(days{1} + seconds{5})).state ==
               refresh_state::refresh_in_flight);
    BOOST_TEST(cache.due_refreshes(at(days{1} + seconds{5})).empty());
    // A refresh whose outcome never comes is due again after the in-flight deadline.
    BOOST_TEST(cache.due_refreshes(at(days{1}) + sts::core::limits::policy_fetch_in_flight_max).size() == 1u);
}

BOOST_AUTO_TEST_CASE(refresh_outcome_for_a_replaced_entry_is_discarded) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}, {"a.example"}), t0);
    const auto step = cache.begin_refresh(domain, at(days{1}));
    BOOST_REQUIRE(step.fetch());
    prime(cache, domain, "b", make_policy(mode::enforce, seconds{30 * 86400}, {"b.example"}), at(days{1}));
    const auto r = cache.complete_refresh(
        domain, step.policy_id, served(make_policy(mode::enforce, seconds{60}, {"a.example"})), at(days{1}));
    BOOST_TEST(r.state == refresh_state::refresh_discarded);
    BOOST_TEST(cache.find(domain)->cached_policy.mx_patterns == std::vector<std::string>{"b.example"});
}

BOOST_AUTO_TEST_CASE(idle_entry_stops_refreshing_and_restarts_when_used) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{31557600}), t0);
    const auto results = run_refreshes(cache, t0, at(days{100}), [](time_point) {
        return served(make_policy(mode::enforce, seconds{31557600}));
    });
    // Daily refreshes stop once the last use is policy_refresh_idle_max ago.
    BOOST_TEST(results.size() == 45u);
    BOOST_TEST(!cache.next_wakeup(at(days{100})).has_value());
    // A delivery uses it again: a refresh is due at once (its last fetch is a day old or more).
    BOOST_TEST(cache.begin(domain, txt_outcome::found("a"), at(days{100})).state ==
               cache_state::cache_valid_id_match);
    BOOST_TEST(cache.next_wakeup(at(days{100})) == at(days{100}));
}

BOOST_AUTO_TEST_CASE(next_wakeup_is_empty_for_an_empty_cache_and_never_in_the_past) {
    policy_cache cache;
    BOOST_TEST(!cache.next_wakeup(t0).has_value());
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    BOOST_TEST(cache.next_wakeup(at(days{3})) == at(days{3}));
    BOOST_TEST(cache.due_refreshes(at(hours{23})).empty());
}

// --- Before a bounce ---

BOOST_AUTO_TEST_CASE(bounce_is_allowed_only_after_a_recheck_finds_no_new_policy, *covers("STS-APPLY-14")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}, {"old.example"}), t0);
    const auto failed_under = cache.begin(domain, txt_outcome::found("a"), at(days{1})).effective;

    // The record still names the same policy (or is gone: the cached policy still stands).
    BOOST_TEST(
        cache.recheck_before_bounce(domain, txt_outcome::found("a"), failed_under, at(days{5})).verdict ==
        bounce_verdict::bounce);
    BOOST_TEST(
        cache.recheck_before_bounce(domain, txt_outcome::no_record(), failed_under, at(days{5})).verdict ==
        bounce_verdict::bounce);
    // DNS could not be checked: not yet.
    BOOST_TEST(
        cache.recheck_before_bounce(domain, txt_outcome::temp_error(), failed_under, at(days{5})).verdict ==
        bounce_verdict::recheck_inconclusive);

    // A new id whose policy lists the MX now in use: fetched, and the delivery is retried.
    const auto recheck =
        cache.recheck_before_bounce(domain, txt_outcome::found("b"), failed_under, at(days{5}));
    BOOST_TEST(recheck.verdict == bounce_verdict::fetch_new_policy);
    BOOST_TEST(recheck.decision.fetch_policy_id == "b");
    const auto fresh = cache.complete_fetch(
        domain, "b", served(make_policy(mode::enforce, seconds{86400}, {"new.example"})), at(days{5}));
    BOOST_TEST(fresh.effective.value->mx_patterns == std::vector<std::string>{"new.example"});
    BOOST_TEST(
        cache.recheck_before_bounce(domain, txt_outcome::found("b"), failed_under, at(days{5})).verdict ==
        bounce_verdict::retry_under_current);
}

BOOST_AUTO_TEST_CASE(recheck_with_new_id_in_backoff_is_inconclusive,
                     *covers("STS-APPLY-14", "STS-FETCH-15")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    const auto failed_under = cache.begin(domain, txt_outcome::found("a"), at(days{1})).effective;
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), at(days{2})).action() == cache_action::fetch);
    cache.complete_fetch(domain, "b", failed(), at(days{2}));
    BOOST_TEST(
        cache.recheck_before_bounce(domain, txt_outcome::found("b"), failed_under, at(days{2} + minutes{1}))
            .verdict == bounce_verdict::recheck_inconclusive);
}

BOOST_AUTO_TEST_CASE(recheck_after_expiry_retries_without_policy, *covers("STS-APPLY-14", "STS-APPLY-17")) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    const auto failed_under = cache.begin(domain, txt_outcome::found("a"), at(hours{1})).effective;
    const auto r = cache.recheck_before_bounce(domain, txt_outcome::no_record(), failed_under, at(days{2}));
    BOOST_TEST(r.verdict == bounce_verdict::retry_under_current);
    BOOST_TEST(!r.decision.effective.has_policy());
}

// --- Reporting hooks ---

BOOST_AUTO_TEST_CASE(fetch_failure_with_a_valid_record_is_reported, *covers("STS-RPT-01")) {
    policy_cache cache;
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("a"), t0).action() == cache_action::fetch);
    const auto d = cache.complete_fetch(domain, "a", failed(fetch_failure_kind::http_status), t0);
    BOOST_TEST(d.report_failure);
    BOOST_TEST(d.failure->kind == fetch_failure_kind::http_status);
}

BOOST_AUTO_TEST_CASE(txt_failure_is_reported_for_a_cached_testing_policy_but_not_for_none,
                     *covers("STS-RPT-02")) {
    policy_cache testing;
    prime(testing, domain, "a", make_policy(mode::testing, seconds{86400}), t0);
    BOOST_TEST(testing.begin(domain, txt_outcome::temp_error(), at(hours{1})).report_failure);
    BOOST_TEST(!testing.begin(domain, txt_outcome::found("a"), at(hours{1})).report_failure);

    policy_cache none;
    prime(none, domain, "a", make_policy(mode::none, seconds{86400}), t0);
    BOOST_TEST(!none.begin(domain, txt_outcome::temp_error(), at(hours{1})).report_failure);
}

// --- Capacity, persistence and housekeeping ---

BOOST_AUTO_TEST_CASE(full_cache_applies_a_new_policy_without_storing_it) {
    policy_cache cache{cache_config{.entries_max = 1}};
    prime(cache, "a.example", "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_REQUIRE(cache.begin("b.example", txt_outcome::found("b"), t0).action() == cache_action::fetch);
    const auto d =
        cache.complete_fetch("b.example", "b", served(make_policy(mode::enforce, seconds{86400})), t0);
    BOOST_TEST(d.state == cache_state::fetch_ok_not_cached);
    BOOST_TEST(d.effective.enforces());
    BOOST_TEST(cache.size() == 1u);
    BOOST_TEST(cache.find("a.example").has_value());  // never evicted
}

BOOST_AUTO_TEST_CASE(entries_restore_round_trip_gives_the_same_decisions) {
    policy_cache original;
    prime(original, "b.example", "id2", make_policy(mode::testing, seconds{86400}, {"*.b.example"}), t0);
    prime(original, "a.example", "id1", make_policy(mode::enforce, seconds{30 * 86400}), t0);
    original.begin_refresh("b.example", at(hours{12}));
    original.complete_refresh("b.example", "id2", failed(), at(hours{12}));

    const auto listed = original.entries();
    BOOST_REQUIRE(listed.size() == 2u);
    BOOST_TEST(listed[0].domain == "a.example");  // deterministic domain order
    BOOST_TEST(listed[1].domain == "b.example");
    BOOST_TEST(listed[1].refresh_failures == 1u);

    policy_cache restored;
    for (const auto& e : listed) BOOST_TEST(!restored.restore(e).has_value());
    BOOST_TEST(restored.entries() == listed);
    BOOST_TEST(restored.next_wakeup(at(hours{12})) == original.next_wakeup(at(hours{12})));
    for (const auto& d : {"a.example", "b.example"}) {
        const auto want = original.begin(d, txt_outcome::no_record(), at(hours{13}));
        const auto got = restored.begin(d, txt_outcome::no_record(), at(hours{13}));
        BOOST_TEST(got.state == want.state);
        BOOST_TEST(got.effective == want.effective);
    }
}

BOOST_AUTO_TEST_CASE(restore_refuses_entries_that_cannot_be_valid) {
    cache_entry good;
    good.domain = "example.com";
    good.policy_id = "abc";
    good.cached_policy = make_policy(mode::enforce, seconds{86400});
    good.fetched_at = t0;

    policy_cache cache{cache_config{.entries_max = 1}};
    auto bad = good;
    bad.domain.clear();
    BOOST_TEST(cache.restore(bad) == restore_error::domain_invalid);
    bad = good;
    bad.domain = std::string(256, 'a');
    BOOST_TEST(cache.restore(bad) == restore_error::domain_invalid);
    bad = good;
    bad.policy_id = std::string(33, 'a');
    BOOST_TEST(cache.restore(bad) == restore_error::policy_id_invalid);
    bad = good;
    bad.cached_policy.max_age = seconds{0};
    BOOST_TEST(cache.restore(bad) == restore_error::max_age_invalid);
    bad = good;
    bad.cached_policy.max_age = seconds{10'000'000'000};
    BOOST_TEST(cache.restore(bad) == restore_error::max_age_invalid);
    BOOST_TEST(!cache.restore(good).has_value());
    bad = good;
    bad.domain = "other.example";
    BOOST_TEST(cache.restore(bad) == restore_error::cache_full);
    BOOST_TEST(cache.size() == 1u);
}

BOOST_AUTO_TEST_CASE(restored_entry_with_far_future_fetch_time_does_not_overflow) {
    cache_entry odd;
    odd.domain = "example.com";
    odd.policy_id = "abc";
    odd.cached_policy = make_policy(mode::enforce, seconds{31557600});
    odd.fetched_at = time_point::max() - std::chrono::milliseconds{1};
    odd.last_used_at = odd.fetched_at;
    policy_cache cache;
    BOOST_REQUIRE(!cache.restore(odd).has_value());
    BOOST_TEST(cache.find("example.com")->expires_at() == time_point::max());
    BOOST_TEST(cache.begin("example.com", txt_outcome::no_record(), t0).effective.enforces());
}

BOOST_AUTO_TEST_CASE(purge_removes_the_entry_and_its_backoff) {
    policy_cache cache;
    prime(cache, domain, "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_REQUIRE(cache.begin(domain, txt_outcome::found("b"), t0).action() == cache_action::fetch);
    cache.complete_fetch(domain, "b", failed(), t0);
    BOOST_TEST(cache.purge(domain));
    BOOST_TEST(cache.size() == 0u);
    BOOST_TEST(!cache.next_wakeup(t0).has_value());
    // The back-off went with it: the id may be fetched at once.
    BOOST_TEST(cache.begin(domain, txt_outcome::found("b"), at(minutes{1})).state ==
               cache_state::no_cache_fetch);
    BOOST_TEST(!cache.purge("unknown.example"));
}

BOOST_AUTO_TEST_CASE(purge_expired_removes_only_expired_entries) {
    policy_cache cache;
    prime(cache, "short.example", "a", make_policy(mode::enforce, seconds{3600}), t0);
    prime(cache, "long.example", "a", make_policy(mode::enforce, seconds{86400}), t0);
    BOOST_TEST(cache.purge_expired(at(minutes{59})) == 0u);
    BOOST_TEST(cache.purge_expired(at(hours{1})) == 1u);
    BOOST_TEST(!cache.find("short.example").has_value());
    BOOST_TEST(cache.find("long.example").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
