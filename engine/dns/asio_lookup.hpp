// engine/dns/asio_lookup.hpp
//
// A resolver lookup raced against a deadline on the timer port, as an Asio asynchronous
// operation: it completes with the resolver's answer, or with nothing once the deadline
// passed first (the resolver's late answer is then dropped). Protocol coroutines whose
// whole exchange runs under one deadline (a policy fetch, a report upload) resolve their
// host with it. Include only from protocol .cpp files.
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/dns/resolver.hpp"
#include "engine/net/timer_service.hpp"

#include <boost/asio/async_result.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sts::dns {

// The name is copied: callers may pass temporaries even from a coroutine.
template <class Token>
auto async_lookup_until(resolver& r, net::timer_service& timers, std::string name, rr_type type,
                        core::time_point deadline, Token&& token) {
    return boost::asio::async_initiate<Token, void(std::optional<lookup_result>)>(
        [&r, &timers, name = std::move(name), type, deadline](auto handler) {
            using handler_type = decltype(handler);
            auto pending = std::make_shared<std::optional<handler_type>>(std::move(handler));
            const auto timer = timers.schedule(deadline, [pending](boost::system::error_code ec) {
                if (ec || !pending->has_value()) return;
                auto h = std::move(**pending);
                pending->reset();
                std::move(h)(std::optional<lookup_result>{});
            });
            r.lookup(name, type, [pending, &timers, timer](lookup_result answer) {
                if (!pending->has_value()) return;
                timers.cancel(timer);
                auto h = std::move(**pending);
                pending->reset();
                std::move(h)(std::optional<lookup_result>{std::move(answer)});
            });
        },
        token);
}

}  // namespace sts::dns
