// engine/mtasts/cache_state.cpp
//
// Names and actions of the policy cache states. The switches have no default so that a
// new enumerator without a name or an action is a compile error (-Wswitch, -Werror).
#include "engine/mtasts/cache_state.hpp"

namespace sts::mtasts {

std::string_view to_string(cache_action a) {
    switch (a) {
        case cache_action::apply:
            return "apply";
        case cache_action::fetch:
            return "fetch";
        case cache_action::await_fetch:
            return "await_fetch";
        case cache_action::defer:
            return "defer";
    }
    return "apply";
}

std::string_view to_string(cache_state s) {
    switch (s) {
        case cache_state::cache_valid_id_match:
            return "cache_valid_id_match";
        case cache_state::no_cache_fetch:
            return "no_cache_fetch";
        case cache_state::cache_expired_fetch:
            return "cache_expired_fetch";
        case cache_state::id_changed_fetch:
            return "id_changed_fetch";
        case cache_state::fetch_in_flight:
            return "fetch_in_flight";
        case cache_state::fetch_backoff_cache_valid:
            return "fetch_backoff_cache_valid";
        case cache_state::fetch_backoff_no_cache:
            return "fetch_backoff_no_cache";
        case cache_state::txt_gone_cache_valid:
            return "txt_gone_cache_valid";
        case cache_state::txt_gone_no_cache:
            return "txt_gone_no_cache";
        case cache_state::txt_unusable_cache_valid:
            return "txt_unusable_cache_valid";
        case cache_state::txt_unusable_no_cache:
            return "txt_unusable_no_cache";
        case cache_state::txt_error_cache_valid:
            return "txt_error_cache_valid";
        case cache_state::txt_error_no_cache_proceed:
            return "txt_error_no_cache_proceed";
        case cache_state::txt_error_no_cache_defer:
            return "txt_error_no_cache_defer";
        case cache_state::fetch_ok:
            return "fetch_ok";
        case cache_state::fetch_ok_not_cached:
            return "fetch_ok_not_cached";
        case cache_state::fetch_failed_cache_valid:
            return "fetch_failed_cache_valid";
        case cache_state::fetch_failed_no_cache:
            return "fetch_failed_no_cache";
    }
    return "fetch_failed_no_cache";
}

std::string_view to_string(refresh_state s) {
    switch (s) {
        case refresh_state::refresh_fetch:
            return "refresh_fetch";
        case refresh_state::refresh_in_flight:
            return "refresh_in_flight";
        case refresh_state::refresh_backoff:
            return "refresh_backoff";
        case refresh_state::refresh_not_cached:
            return "refresh_not_cached";
        case refresh_state::refresh_ok:
            return "refresh_ok";
        case refresh_state::refresh_failed:
            return "refresh_failed";
        case refresh_state::refresh_failed_alert:
            return "refresh_failed_alert";
        case refresh_state::refresh_discarded:
            return "refresh_discarded";
    }
    return "refresh_discarded";
}

cache_action action_of(cache_state s) {
    switch (s) {
        case cache_state::no_cache_fetch:
        case cache_state::cache_expired_fetch:
        case cache_state::id_changed_fetch:
            return cache_action::fetch;
        case cache_state::fetch_in_flight:
            return cache_action::await_fetch;
        case cache_state::txt_error_no_cache_defer:
            return cache_action::defer;
        case cache_state::cache_valid_id_match:
        case cache_state::fetch_backoff_cache_valid:
        case cache_state::fetch_backoff_no_cache:
        case cache_state::txt_gone_cache_valid:
        case cache_state::txt_gone_no_cache:
        case cache_state::txt_unusable_cache_valid:
        case cache_state::txt_unusable_no_cache:
        case cache_state::txt_error_cache_valid:
        case cache_state::txt_error_no_cache_proceed:
        case cache_state::fetch_ok:
        case cache_state::fetch_ok_not_cached:
        case cache_state::fetch_failed_cache_valid:
        case cache_state::fetch_failed_no_cache:
            return cache_action::apply;
    }
    return cache_action::apply;
}

bool uses_cached_policy(cache_state s) {
    switch (s) {
        case cache_state::cache_valid_id_match:
        case cache_state::fetch_backoff_cache_valid:
        case cache_state::txt_gone_cache_valid:
        case cache_state::txt_unusable_cache_valid:
        case cache_state::txt_error_cache_valid:
        case cache_state::fetch_failed_cache_valid:
            return true;
        case cache_state::no_cache_fetch:
        case cache_state::cache_expired_fetch:
        case cache_state::id_changed_fetch:
        case cache_state::fetch_in_flight:
        case cache_state::fetch_backoff_no_cache:
        case cache_state::txt_gone_no_cache:
        case cache_state::txt_unusable_no_cache:
        case cache_state::txt_error_no_cache_proceed:
        case cache_state::txt_error_no_cache_defer:
        case cache_state::fetch_ok:
        case cache_state::fetch_ok_not_cached:
        case cache_state::fetch_failed_no_cache:
            return false;
    }
    return false;
}

}  // namespace sts::mtasts
