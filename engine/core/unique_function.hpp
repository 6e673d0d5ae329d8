// engine/core/unique_function.hpp
//
// A move-only std::function: completion handlers own sockets, buffers and coroutine
// frames, so they cannot be copied, and C++20 has no std::move_only_function. Calling an
// empty unique_function is a programmer error.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace sts::core {

template <class Signature>
class unique_function;

template <class R, class... Args>
class unique_function<R(Args...)> {
public:
    unique_function() = default;
    unique_function(std::nullptr_t) {}

    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, unique_function> &&
                                                 std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
    unique_function(F&& f) : impl_(std::make_unique<model<std::decay_t<F>>>(std::forward<F>(f))) {}

    unique_function(unique_function&&) noexcept = default;
    unique_function& operator=(unique_function&&) noexcept = default;

    R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }
    explicit operator bool() const noexcept { return impl_ != nullptr; }

private:
    struct concept_base {
        virtual ~concept_base() = default;
        virtual R call(Args... args) = 0;
    };
    template <class F>
    struct model final : concept_base {
        explicit model(F f) : fn(std::move(f)) {}
        R call(Args... args) override { return std::invoke(fn, std::forward<Args>(args)...); }
        F fn;
    };
    std::unique_ptr<concept_base> impl_;
};

}  // namespace sts::core
