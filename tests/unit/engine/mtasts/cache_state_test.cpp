// Tests engine/mtasts/cache_state.hpp: the names the mail log and the reports print are
// distinct snake_case words, and each state asks for the action its name promises.
#include "engine/mtasts/cache_state.hpp"

#include "tests/support/covers.hpp"

#include <ostream>
#include <set>
#include <string>
#include <string_view>

namespace sts::mtasts {
inline std::ostream& boost_test_print_type(std::ostream& os, cache_action a) {
    return os << to_string(a);
}
}  // namespace sts::mtasts

namespace {

using namespace sts::mtasts;

constexpr cache_state all_cache_states[] = {
    cache_state::cache_valid_id_match,
    cache_state::no_cache_fetch,
    cache_state::cache_expired_fetch,
    cache_state::id_changed_fetch,
    cache_state::fetch_in_flight,
    cache_state::fetch_backoff_cache_valid,
    cache_state::fetch_backoff_no_cache,
    cache_state::txt_gone_cache_valid,
    cache_state::txt_gone_no_cache,
    cache_state::txt_unusable_cache_valid,
    cache_state::txt_unusable_no_cache,
    cache_state::txt_error_cache_valid,
    cache_state::txt_error_no_cache_proceed,
    cache_state::txt_error_no_cache_defer,
    cache_state::fetch_ok,
    cache_state::fetch_ok_not_cached,
    cache_state::fetch_failed_cache_valid,
    cache_state::fetch_failed_no_cache,
};

constexpr refresh_state all_refresh_states[] = {
    refresh_state::refresh_fetch,        refresh_state::refresh_in_flight, refresh_state::refresh_backoff,
    refresh_state::refresh_not_cached,   refresh_state::refresh_ok,        refresh_state::refresh_failed,
    refresh_state::refresh_failed_alert, refresh_state::refresh_discarded,
};

bool is_snake_case(std::string_view name) {
    if (name.empty() || name.front() == '_' || name.back() == '_') return false;
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
    }
    return name.find("__") == std::string_view::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_cache_state)

BOOST_AUTO_TEST_CASE(every_state_has_its_own_snake_case_name) {
    std::set<std::string_view> names;
    for (const auto s : all_cache_states) {
        BOOST_TEST(is_snake_case(to_string(s)), to_string(s));
        names.insert(to_string(s));
    }
    for (const auto s : all_refresh_states) {
        BOOST_TEST(is_snake_case(to_string(s)), to_string(s));
        names.insert(to_string(s));
    }
    BOOST_TEST(names.size() == std::size(all_cache_states) + std::size(all_refresh_states));
}

BOOST_AUTO_TEST_CASE(fetch_states_ask_for_a_fetch_and_the_rest_do_not, *sts::test::covers("STS-CACHE-02")) {
    for (const auto s : all_cache_states) {
        const std::string name{to_string(s)};
        const bool fetch_named = name.ends_with("_fetch");
        BOOST_TEST((action_of(s) == cache_action::fetch) == fetch_named, name);
    }
    BOOST_TEST(action_of(cache_state::fetch_in_flight) == cache_action::await_fetch);
    BOOST_TEST(action_of(cache_state::txt_error_no_cache_defer) == cache_action::defer);
    BOOST_TEST(action_of(cache_state::cache_valid_id_match) == cache_action::apply);
}

BOOST_AUTO_TEST_CASE(cache_valid_states_are_exactly_the_ones_that_use_the_cache) {
    for (const auto s : all_cache_states) {
        const std::string name{to_string(s)};
        const bool named_valid = name.find("cache_valid") != std::string::npos;
        BOOST_TEST(uses_cached_policy(s) == named_valid, name);
    }
}

BOOST_AUTO_TEST_SUITE_END()
