// engine/core/result.hpp
//
// result<T, E>: a value or the reason there is none. C++20 has no std::expected and
// Boost 1.74 has no boost::system::result, so this is the smallest stand-in the engine
// needs: construct from a value or from sts::core::failure(e), test with has_value(),
// read with value() / error(). Accessing the wrong alternative is a programmer error and
// asserts (always on, not only in debug builds).
#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

namespace sts::core {

template <class E>
struct failure_value {
    E error;
};

// Wraps an error so result<T, E> can be built from it even when T and E convert to each
// other (both std::string, say).
template <class E>
failure_value<std::decay_t<E>> failure(E&& e) {
    return {std::forward<E>(e)};
}

template <class T, class E>
class result {
public:
    using value_type = T;
    using error_type = E;

    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    // Like std::expected: anything that converts to T makes a value (a variant
    // alternative, a derived handle, ...).
    template <class U, class = std::enable_if_t<!std::is_same_v<std::decay_t<U>, T> &&
                                                !std::is_same_v<std::decay_t<U>, result> &&
                                                std::is_convertible_v<U&&, T>>>
    result(U&& value) : v_(std::in_place_index<0>, T(std::forward<U>(value))) {}
    template <class G>
    result(failure_value<G> f) : v_(std::in_place_index<1>, std::move(f.error)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { check(true); return std::get<0>(v_); }
    const T& value() const& { check(true); return std::get<0>(v_); }
    T&& value() && { check(true); return std::get<0>(std::move(v_)); }
    const E& error() const& { check(false); return std::get<1>(v_); }
    E&& error() && { check(false); return std::get<1>(std::move(v_)); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    void check(bool want_value) const {
        if (has_value() != want_value) std::abort();  // programmer error, never peer input
    }
    std::variant<T, E> v_;
};

}  // namespace sts::core
