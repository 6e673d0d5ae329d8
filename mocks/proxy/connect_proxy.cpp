#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "mocks/proxy/connect_proxy.hpp"

#include "mocks/detail/server_lifecycle.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"
#include "mocks/policy_host/http_wire.hpp"
#include "mocks/proxy/interception_ca.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <openssl/ssl.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string_view>

namespace sts::mocks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

using http_wire::make_header;
using http_wire::text_of;
using http_wire::wire_header;

namespace {

using tls_stream = asio::ssl::stream<net::asio_stream>;

constexpr std::size_t read_chunk_bytes = 4096;
constexpr std::size_t relay_chunk_bytes = 16 * 1024;

struct authority {
    std::string host;  // lower-case, without brackets
    std::uint16_t port = 0;
};

// RFC 9110 §9.3.6: the CONNECT target is authority-form, "host:port" (RFC 3986 §3.2), an
// IPv6 literal in brackets. The port is required.
std::optional<authority> parse_authority(std::string_view target) {
    std::string_view host, port;
    if (!target.empty() && target.front() == '[') {
        const auto close = target.find(']');
        if (close == std::string_view::npos || close + 1 >= target.size() || target[close + 1] != ':')
            return std::nullopt;
        host = target.substr(1, close - 1);
        port = target.substr(close + 2);
    } else {
        const auto colon = target.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = target.substr(0, colon);
        port = target.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (host.empty() || port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
        return std::nullopt;
    }
    authority a{std::string(host), static_cast<std::uint16_t>(value)};
    std::transform(a.host.begin(), a.host.end(), a.host.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return a;
}

// A connect on the network port as an Asio operation, so a coroutine can co_await it.
template <class Token>
auto async_open(net::network& network, const std::string& source, const net::endpoint& remote,
                net::connect_id& id, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::unique_ptr<net::byte_stream>)>(
        [&network, &source, &remote, &id](auto handler) {
            id = network.async_connect(
                source, remote,
                [h = std::move(handler)](net::error_code ec, std::unique_ptr<net::byte_stream> s) mutable {
                    std::move(h)(ec, std::move(s));
                });
        },
        token);
}

// A stream that first yields bytes already read past the CONNECT header (a client that
// sent its ClientHello without waiting for the 200), then the connection itself.
class prefixed_stream final : public net::byte_stream {
public:
    prefixed_stream(asio::io_context& io, net::byte_stream& inner, std::string prefix)
        : io_(io), inner_(inner), prefix_(std::move(prefix)) {}

    void async_read_some(std::span<std::byte> buffer, net::io_handler handler) override {
        if (prefix_.empty() || buffer.empty()) {
            inner_.async_read_some(buffer, std::move(handler));
            return;
        }
        const auto n = std::min(buffer.size(), prefix_.size());
        std::memcpy(buffer.data(), prefix_.data(), n);
        prefix_.erase(0, n);
        // The port forbids completing inside the initiating call.
        asio::post(io_, [h = std::move(handler), n]() mutable { h({}, n); });
    }
    void async_write_some(std::span<const std::byte> data, net::io_handler handler) override {
        inner_.async_write_some(data, std::move(handler));
    }
    void close() override { inner_.close(); }
    net::endpoint local_endpoint() const override { return inner_.local_endpoint(); }
    net::endpoint remote_endpoint() const override { return inner_.remote_endpoint(); }

private:
    asio::io_context& io_;
    net::byte_stream& inner_;
    std::string prefix_;
};

}  // namespace

struct connect_proxy::state {
    state(mock_context& c, connect_proxy_config cfg) : ctx(c), config(std::move(cfg)) {}

    mock_context& ctx;
    connect_proxy_config config;
    std::optional<interception_ca> forger;
    std::map<std::string, std::shared_ptr<asio::ssl::context>> forged;  // by host name
    std::unique_ptr<net::listener> listener;
    net::endpoint local;
    std::vector<recorded_connect> connects;
    std::vector<recorded_request> intercepted;
    std::uint64_t accepted = 0;
    std::map<std::uint64_t, net::byte_stream*> open;  // client and target streams, closed by stop()
    std::uint64_t next_stream_key = 0;
    bool stopped = false;

    void record(transcript_kind kind, std::string text) {
        if (stopped) return;
        ctx.record.add(ctx.clock.now(), config.host_name, kind, std::move(text));
    }

    // The server context presenting a forged certificate for `host`, or why there is none.
    core::result<std::shared_ptr<asio::ssl::context>, std::string> forged_context(const std::string& host) {
        if (const auto it = forged.find(host); it != forged.end()) return it->second;
        auto identity = forger->forge(host);
        if (!identity) return core::failure(std::move(identity).error());
        tls_server_config tls;
        tls.identity = std::move(identity).value();
        auto native = make_server_context(tls);
        if (!native) return core::failure("TLS: " + native.error());
        // asio's context takes over one reference; `native` drops its own.
        SSL_CTX_up_ref(native->get());
        auto context = std::make_shared<asio::ssl::context>(native->get());
        if (forged.size() >= config.forged_certificates_max) forged.clear();
        forged.emplace(host, context);
        return context;
    }
};

namespace {

using proxy_state = connect_proxy::state;

// One accepted connection: the request, then the answer, a tunnel or an interception.
class session : public std::enable_shared_from_this<session> {
public:
    session(std::shared_ptr<proxy_state> ps, std::unique_ptr<net::byte_stream> stream, std::uint64_t number)
        : ps_(std::move(ps)), client_(std::move(stream)), number_(number) {
        client_key_ = ++ps_->next_stream_key;
        ps_->open.emplace(client_key_, client_.get());
    }
    ~session() {
        ps_->open.erase(client_key_);
        if (target_) ps_->open.erase(target_key_);
    }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    asio::awaitable<void> run();
    asio::awaitable<void> pump_down();  // target → client

private:
    using connect_parser = http::request_parser<http::empty_body>;

    std::size_t record_connect(const http::request<http::empty_body>& request,
                               const std::optional<authority>& a);
    void set_status(unsigned status) {
        if (index_ < ps_->connects.size()) ps_->connects[index_].status = status;
    }
    asio::awaitable<void> reply(unsigned status, std::string_view body,
                                const std::vector<http_field>& extra = {});
    asio::awaitable<bool> send(net::asio_stream& s, std::string_view bytes);
    asio::awaitable<void> tunnel(const authority& a, beast::flat_buffer& buffer);
    asio::awaitable<void> pump(net::byte_stream& from, net::byte_stream& to, std::uint64_t& relayed);
    void pump_finished();
    asio::awaitable<void> intercept(const authority& a, beast::flat_buffer& buffer);
    asio::awaitable<void> stall();
    core::time_point deadline(core::duration d) const { return ps_->ctx.clock.now() + d; }

    std::shared_ptr<proxy_state> ps_;
    std::unique_ptr<net::byte_stream> client_;
    std::unique_ptr<net::byte_stream> target_;
    std::uint64_t number_;
    std::uint64_t client_key_ = 0, target_key_ = 0;
    std::size_t index_ = std::numeric_limits<std::size_t>::max();
    std::uint64_t up_bytes_ = 0, down_bytes_ = 0;
    int pumps_running_ = 0;
};

asio::awaitable<void> run_pump_down(std::shared_ptr<session> s);

asio::awaitable<void> session::run() {
    const auto& config = ps_->config;
    ps_->record(transcript_kind::event,
                fmt::format("accept connection {} from {}", number_, net::to_string(client_->remote_endpoint())));
    if (ps_->open.size() > 2 * config.concurrent_connections_max) {
        ps_->record(transcript_kind::event, "too many connections: closed");
        client_->close();
        co_return;
    }
    net::asio_stream plain(ps_->ctx.io.get_executor(), *client_);
    beast::flat_buffer buffer(config.header_bytes_max + read_chunk_bytes);
    connect_parser parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(config.header_bytes_max, std::numeric_limits<std::uint32_t>::max())));
    boost::system::error_code ec;
    {
        net::deadline_guard guard(ps_->ctx.timers, deadline(config.request_timeout),
                                  [this] { client_->close(); });
        co_await http::async_read_header(plain, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (guard.expired()) {
            ps_->record(transcript_kind::event, "request timeout: closing");
            co_return;
        }
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        ps_->record(transcript_kind::event,
                    fmt::format("a request header over {} bytes: refused", config.header_bytes_max));
        co_await reply(431, "request header too large\n");
        co_return;
    }
    if (ec && http_wire::is_parse_error(ec)) {
        ps_->record(transcript_kind::event, fmt::format("malformed request: {}", ec.message()));
        co_await reply(400, "bad request\n");
        co_return;
    }
    if (ec) {
        ps_->record(transcript_kind::event, ec == http::error::end_of_stream
                                                ? std::string("peer closed")
                                                : fmt::format("read failed: {}", ec.message()));
        client_->close();
        co_return;
    }
    const auto& request = parser.get();
    const bool is_connect = request.method() == http::verb::connect;
    const auto target = is_connect ? parse_authority(text_of(request.target())) : std::nullopt;
    index_ = record_connect(request, target);

    if (config.fault == proxy_fault::stall) {
        ps_->record(transcript_kind::event, "stall: the request is never answered");
        co_await stall();
        co_return;
    }
    if (!is_connect) {
        const std::vector<http_field> allow{{"Allow", "CONNECT"}};
        co_await reply(405, "only CONNECT is supported\n", allow);
        co_return;
    }
    if (!target) {
        co_await reply(400, "CONNECT needs host:port\n");
        co_return;
    }
    const auto credentials = http_wire::text_of(request[http::field::proxy_authorization]);
    if (config.fault == proxy_fault::auth_required ||
        (config.proxy_authorization && credentials != *config.proxy_authorization)) {
        // RFC 9110 §15.5.8: a 407 carries Proxy-Authenticate with a challenge.
        const std::vector<http_field> challenge{{"Proxy-Authenticate", "Basic realm=\"mtasts-sim\""}};
        co_await reply(407, "proxy authentication required\n", challenge);
        co_return;
    }
    if (config.fault == proxy_fault::bad_gateway) {
        co_await reply(502, "bad gateway\n");
        co_return;
    }
    if (config.fault == proxy_fault::intercept) {
        co_await intercept(*target, buffer);
        co_return;
    }
    co_await tunnel(*target, buffer);
}

std::size_t session::record_connect(const http::request<http::empty_body>& request,
                                    const std::optional<authority>& a) {
    recorded_connect r;
    r.connection = number_;
    r.at = ps_->ctx.clock.now();
    r.method = text_of(request.method_string());
    r.target = text_of(request.target());
    if (a) {
        r.host = a->host;
        r.port = a->port;
    }
    r.headers = http_wire::fields_of(request);
    ps_->record(transcript_kind::connect,
                fmt::format("{} {} HTTP/{}.{} headers: {}", core::quote_peer_text(r.method),
                            core::quote_peer_text(r.target), request.version() / 10, request.version() % 10,
                            http_wire::quoted_fields(r.headers)));
    if (ps_->connects.size() >= ps_->config.recorded_connects_max)
        return std::numeric_limits<std::size_t>::max();
    ps_->connects.push_back(std::move(r));
    return ps_->connects.size() - 1;
}

// An answer that ends the connection (every one but the 200 of a tunnel).
asio::awaitable<void> session::reply(unsigned status, std::string_view body,
                                     const std::vector<http_field>& extra) {
    set_status(status);
    auto h = make_header(status);
    h.set(http::field::content_type, "text/plain");
    for (const auto& f : extra) h.insert(f.name, f.value);
    h.content_length(body.size());
    h.keep_alive(false);
    ps_->record(transcript_kind::event, fmt::format("answer {} {}", status, text_of(h.reason())));
    net::asio_stream plain(ps_->ctx.io.get_executor(), *client_);
    co_await send(plain, wire_header(h) + std::string(body));
    client_->close();
}

asio::awaitable<bool> session::send(net::asio_stream& s, std::string_view bytes) {
    boost::system::error_code ec;
    co_await asio::async_write(s, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) ps_->record(transcript_kind::event, fmt::format("write failed: {}", ec.message()));
    co_return !ec;
}

asio::awaitable<void> session::tunnel(const authority& a, beast::flat_buffer& buffer) {
    const auto& config = ps_->config;
    const auto found = config.targets.find(a.host);
    if (found == config.targets.end()) {
        ps_->record(transcript_kind::event, fmt::format("unknown target {}", core::quote_peer_text(a.host)));
        co_await reply(502, "unknown host\n");
        co_return;
    }
    const net::endpoint remote{found->second, a.port};
    const auto& source = config.source_address.empty() ? ps_->local.address : config.source_address;
    boost::system::error_code ec;
    net::connect_id id = 0;
    std::unique_ptr<net::byte_stream> stream;
    bool timed_out = false;
    {
        auto& network = ps_->ctx.network;
        net::deadline_guard guard(ps_->ctx.timers, deadline(config.connect_timeout),
                                  [&network, &id] { network.cancel_connect(id); });
        stream =
            co_await async_open(network, source, remote, id, asio::redirect_error(asio::use_awaitable, ec));
        timed_out = guard.expired();
    }
    if (timed_out || ec || !stream) {
        ps_->record(transcript_kind::event, fmt::format("connect to {} failed: {}", net::to_string(remote),
                                                        timed_out ? "timed out" : ec.message()));
        co_await reply(timed_out ? 504 : 502, timed_out ? "gateway timeout\n" : "bad gateway\n");
        co_return;
    }
    target_ = std::move(stream);
    target_key_ = ++ps_->next_stream_key;
    ps_->open.emplace(target_key_, target_.get());
    if (ps_->stopped) {
        target_->close();
        client_->close();
        co_return;
    }
    set_status(200);
    ps_->record(transcript_kind::event, fmt::format("tunnel to {} open", net::to_string(remote)));
    net::asio_stream plain(ps_->ctx.io.get_executor(), *client_);
    auto h = make_header(200, "Connection established");
    if (!co_await send(plain, wire_header(h))) {
        target_->close();
        client_->close();
        co_return;
    }
    // Bytes the client sent right behind its CONNECT go first.
    if (buffer.size() > 0) {
        const auto early = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        net::asio_stream out(ps_->ctx.io.get_executor(), *target_);
        if (!co_await send(out, early)) {
            target_->close();
            client_->close();
            co_return;
        }
        up_bytes_ += early.size();
    }
    pumps_running_ = 2;
    asio::co_spawn(ps_->ctx.io, run_pump_down(shared_from_this()), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    co_await pump(*client_, *target_, up_bytes_);
}

asio::awaitable<void> run_pump_down(std::shared_ptr<session> s) {
    co_await s->pump_down();
}

asio::awaitable<void> session::pump_down() {
    co_await pump(*target_, *client_, down_bytes_);
}

// Relays until `from` ends; then both ends close (the port has no half-close), which also
// ends the pump of the other direction.
asio::awaitable<void> session::pump(net::byte_stream& from, net::byte_stream& to, std::uint64_t& relayed) {
    net::asio_stream in(ps_->ctx.io.get_executor(), from);
    net::asio_stream out(ps_->ctx.io.get_executor(), to);
    std::array<char, relay_chunk_bytes> chunk{};
    for (;;) {
        boost::system::error_code ec;
        const auto n =
            co_await in.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        co_await asio::async_write(out, asio::buffer(chunk.data(), n),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        relayed += n;
    }
    from.close();
    to.close();
    pump_finished();
}

void session::pump_finished() {
    if (--pumps_running_ > 0) return;
    if (index_ < ps_->connects.size()) {
        ps_->connects[index_].bytes_to_target = up_bytes_;
        ps_->connects[index_].bytes_to_client = down_bytes_;
    }
    // The byte counts stay out of the transcript: TLS handshakes vary in length from run
    // to run (random ECDSA signatures are 70 to 72 bytes), and transcripts must not.
    ps_->record(transcript_kind::event, "tunnel closed");
}

// TLS interception: the proxy answers 200 and plays the server itself (proxy_config.hpp).
asio::awaitable<void> session::intercept(const authority& a, beast::flat_buffer& buffer) {
    const auto& config = ps_->config;
    auto context = ps_->forged_context(a.host);
    if (!context) {
        ps_->record(transcript_kind::event, fmt::format("interception impossible: {}", context.error()));
        co_await reply(502, "bad gateway\n");
        co_return;
    }
    set_status(200);
    ps_->record(transcript_kind::event, fmt::format("intercepting: TLS for {} with a forged certificate",
                                                    core::quote_peer_text(a.host)));
    {
        net::asio_stream plain(ps_->ctx.io.get_executor(), *client_);
        if (!co_await send(plain, wire_header(make_header(200, "Connection established")))) {
            client_->close();
            co_return;
        }
    }
    prefixed_stream wrapped(ps_->ctx.io, *client_, beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
    tls_stream tls(net::asio_stream(ps_->ctx.io.get_executor(), wrapped), **context);
    boost::system::error_code ec;
    {
        net::deadline_guard guard(ps_->ctx.timers, deadline(config.request_timeout),
                                  [this] { client_->close(); });
        co_await tls.async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (guard.expired()) {
            ps_->record(transcript_kind::tls, "forged handshake failed: timed out");
            co_return;
        }
    }
    if (ec) {
        // What a validating client does: it refuses the forged certificate.
        ps_->record(transcript_kind::tls, fmt::format("forged handshake failed: {}", ec.message()));
        client_->close();
        co_return;
    }
    SSL* ssl = tls.native_handle();
    const char* sni_text = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const std::string sni = sni_text != nullptr ? sni_text : "";
    ps_->record(transcript_kind::tls,
                fmt::format("forged handshake accepted by the client: {} sni={}", SSL_get_version(ssl),
                            sni.empty() ? "(none)" : core::quote_peer_text(sni)));

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(config.header_bytes_max, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(static_cast<std::uint64_t>(config.header_bytes_max));
    beast::flat_buffer inner(2 * config.header_bytes_max + read_chunk_bytes);
    {
        net::deadline_guard guard(ps_->ctx.timers, deadline(config.request_timeout),
                                  [this] { client_->close(); });
        co_await http::async_read_header(tls, inner, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec && !parser.is_done()) {
            co_await http::async_read(tls, inner, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (guard.expired()) {
            ps_->record(transcript_kind::event, "request timeout: closing");
            co_return;
        }
    }
    if (ec) {
        ps_->record(transcript_kind::event, fmt::format("no intercepted request: {}", ec.message()));
        client_->close();
        co_return;
    }
    const auto& request = parser.get();
    recorded_request r;
    r.connection = number_;
    r.at = ps_->ctx.clock.now();
    r.sni = sni;
    r.tls_version = SSL_get_version(ssl);
    r.method = text_of(request.method_string());
    r.target = text_of(request.target());
    r.version = request.version();
    r.headers = http_wire::fields_of(request);
    r.body_bytes = request.body().size();
    const auto& canned = config.intercepted_response;
    r.status = canned.status;
    ps_->record(transcript_kind::http_request,
                fmt::format("intercepted {} {} HTTP/{}.{} headers: {}", core::quote_peer_text(r.method),
                            core::quote_peer_text(r.target), r.version / 10, r.version % 10,
                            http_wire::quoted_fields(r.headers)));
    if (ps_->intercepted.size() < config.recorded_connects_max) ps_->intercepted.push_back(std::move(r));

    auto h = make_header(canned.status, canned.reason);
    if (canned.content_type) h.set(http::field::content_type, *canned.content_type);
    for (const auto& f : canned.headers) h.insert(f.name, f.value);
    h.content_length(canned.body.size());
    h.keep_alive(false);
    ps_->record(transcript_kind::event, fmt::format("answer the intercepted request with {}", canned.status));
    const std::string bytes = wire_header(h) + canned.body;
    co_await asio::async_write(tls, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
        net::deadline_guard guard(ps_->ctx.timers, deadline(config.request_timeout),
                                  [this] { client_->close(); });
        co_await tls.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
    client_->close();
}

// Keeps the connection open and silent until the client gives up.
asio::awaitable<void> session::stall() {
    net::asio_stream raw(ps_->ctx.io.get_executor(), *client_);
    std::array<char, read_chunk_bytes> chunk{};
    boost::system::error_code ec;
    while (!ec)
        co_await raw.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    ps_->record(transcript_kind::event, ec == asio::error::eof
                                            ? std::string("peer closed")
                                            : fmt::format("connection ended: {}", ec.message()));
    client_->close();
}

}  // namespace

connect_proxy::connect_proxy(mock_context& context, connect_proxy_config config)
    : state_(std::make_shared<state>(context, std::move(config))) {}

connect_proxy::~connect_proxy() {
    stop();
}

core::result<std::monostate, std::string> connect_proxy::start() {
    if (state_->listener) return core::failure(std::string("already started"));
    if (auto problem = validate(state_->config); !problem.empty()) return core::failure(std::move(problem));
    if (state_->config.fault == proxy_fault::intercept) {
        auto forger = interception_ca::load(state_->config.interception_ca);
        if (!forger) return core::failure(std::move(forger).error());
        state_->forger.emplace(std::move(forger).value());
    }
    return detail::start_listening<session>(state_);
}

core::result<std::monostate, std::string> connect_proxy::set_fault(proxy_fault fault,
                                                                   std::optional<std::string> proxy_authorization) {
    if (fault == proxy_fault::intercept && !state_->forger) {
        auto forger = interception_ca::load(state_->config.interception_ca);
        if (!forger) return core::failure(std::move(forger).error());
        state_->forger.emplace(std::move(forger).value());
    }
    state_->config.fault = fault;
    state_->config.proxy_authorization = std::move(proxy_authorization);
    return std::monostate{};
}

void connect_proxy::stop() {
    detail::stop_listening(*state_);
}

const connect_proxy_config& connect_proxy::config() const {
    return state_->config;
}
net::endpoint connect_proxy::local_endpoint() const {
    return state_->local;
}
const std::vector<recorded_connect>& connect_proxy::connects() const {
    return state_->connects;
}
const std::vector<recorded_request>& connect_proxy::intercepted() const {
    return state_->intercepted;
}
std::size_t connect_proxy::connections() const {
    return static_cast<std::size_t>(state_->accepted);
}

}  // namespace sts::mocks
