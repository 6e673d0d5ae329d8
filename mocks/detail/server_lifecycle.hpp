// mocks/detail/server_lifecycle.hpp
//
// The listen / accept / stop life of a mock server, shared by the SMTP receiver, the HTTPS
// policy host and the CONNECT proxy: each accepted connection becomes one Session running
// as a coroutine on the world's io_context; stop() closes the listener and every open
// stream, and the sessions end when their aborted operations complete. Include it only from
// a mock's .cpp (it pulls in Asio).
//
// State provides: ctx (mock_context&), config.listen, listener, local, stopped, accepted,
// open (a map of id → byte_stream*), record(kind, text). Session is constructed from
// (std::shared_ptr<State>, std::unique_ptr<net::byte_stream>, connection number) and has
// an awaitable run().
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/core/result.hpp"
#include "engine/net/byte_stream.hpp"
#include "mocks/transcript.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include <exception>
#include <memory>
#include <string>
#include <variant>

namespace sts::mocks::detail {

// A free function, so the session pointer lives in the coroutine frame (a capturing
// coroutine lambda would leave it dangling).
template <class Session>
boost::asio::awaitable<void> run_session(std::shared_ptr<Session> s) {
    co_await s->run();
}

template <class Session, class State>
core::result<std::monostate, std::string> start_listening(const std::shared_ptr<State>& state) {
    std::weak_ptr<State> weak = state;
    auto listening =
        state->ctx.network.listen(state->config.listen, [weak](std::unique_ptr<net::byte_stream> stream) {
            const auto st = weak.lock();
            if (!st || st->stopped) return;
            auto s = std::make_shared<Session>(st, std::move(stream), ++st->accepted);
            // An exception here is a bug of the mock, never the peer's doing: let it surface
            // from the world's run instead of vanishing with the coroutine.
            boost::asio::co_spawn(st->ctx.io, run_session(std::move(s)), [](std::exception_ptr e) {
                if (e) std::rethrow_exception(e);
            });
        });
    if (!listening) {
        return core::failure(
            fmt::format("listen on {}: {}", net::to_string(state->config.listen), listening.error().message()));
    }
    state->listener = std::move(listening).value();
    state->local = state->listener->local_endpoint();
    state->stopped = false;
    state->record(transcript_kind::event, fmt::format("listening on {}", net::to_string(state->local)));
    return std::monostate{};
}

template <class State>
void stop_listening(State& state) {
    if (state.listener) state.listener->close();
    state.listener.reset();
    state.stopped = true;
    // The sessions end when their aborted operations complete; they unregister themselves.
    const auto open = state.open;
    for (const auto& [id, stream] : open) stream->close();
}

}  // namespace sts::mocks::detail
