// engine/net/asio_connect.hpp
//
// The network port's connect as an Asio asynchronous operation, so protocol coroutines
// can `co_await` a connection on either network:
//   auto stream = co_await net::async_connect(network, source, remote, id, asio::use_awaitable);
// The connect's id is stored in *id as soon as the connect starts, so a deadline (see
// asio_timer.hpp) can cancel it. Include only from protocol .cpp files.
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/net/network.hpp"

#include <boost/asio/async_result.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sts::net {

// Source and remote are copied: callers may pass temporaries even from a coroutine.
template <class Token>
auto async_connect(network& net, std::string source, endpoint remote, std::shared_ptr<std::optional<connect_id>> id,
                   Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::unique_ptr<byte_stream>)>(
        [&net, source = std::move(source), remote = std::move(remote), id](auto handler) {
            *id = net.async_connect(source, remote,
                                    [h = std::move(handler)](error_code ec, std::unique_ptr<byte_stream> s) mutable {
                                        std::move(h)(ec, std::move(s));
                                    });
        },
        token);
}

}  // namespace sts::net
