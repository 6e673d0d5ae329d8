#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "mocks/policy_host/policy_host.hpp"

#include "mocks/detail/server_lifecycle.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"
#include "mocks/policy_host/http_wire.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <openssl/ssl.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
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
// Body bytes per write when the body is not dripped; each is one chunk when chunked.
constexpr std::size_t write_piece_bytes = 16 * 1024;

// Padding lines (policy_site.hpp): "x-pad: " then 'x' up to the CRLF.
constexpr std::string_view padding_prefix = "x-pad: ";
constexpr std::size_t padding_line_bytes = 64;
constexpr std::size_t padding_line_bytes_min = padding_prefix.size() + 3;  // one 'x' and CRLF

char padding_line_char(std::size_t length, std::size_t i) {
    if (i < padding_prefix.size()) return padding_prefix[i];
    if (i + 2 == length) return '\r';
    if (i + 1 == length) return '\n';
    return 'x';
}

// Byte `i` of `total` bytes of padding: 64-byte lines, the last one taking the remainder,
// so that every line is complete.
char padding_char(std::size_t total, std::size_t i) {
    if (total < padding_line_bytes_min) return '\n';
    if (total < padding_line_bytes) return padding_line_char(total, i);
    const std::size_t last_start = (total / padding_line_bytes - 1) * padding_line_bytes;
    if (i < last_start) return padding_line_char(padding_line_bytes, i % padding_line_bytes);
    return padding_line_char(total - last_start, i - last_start);
}

// Header padding (policy_response::header_padding_bytes): lines of `line_bytes` counting
// "x-hdr-pad-N: " and the CRLF, the last one taking the remainder (and a line too short
// to hold a value joins the one before it), `total` bytes in all.
template <class Header>
void add_header_padding(Header& h, std::size_t total, std::size_t line_bytes) {
    std::size_t left = total;
    for (std::size_t n = 1; left > 0; ++n) {
        const auto name = fmt::format("x-hdr-pad-{}", n);
        const std::size_t overhead = name.size() + 4;  // ": " and CRLF
        std::size_t line = std::min(left, line_bytes);
        if (left - line < line_bytes / 2 || left - line <= overhead) line = left;
        const std::size_t value = line > overhead ? line - overhead : 1;
        h.insert(name, std::string(value, 'x'));
        left -= line;
    }
}

// The body as it is produced: the configured text, then padding, or padding without end.
class body_source {
public:
    body_source(std::string_view body, std::size_t padding, bool endless, std::size_t endless_max)
        : body_(body), padding_(padding), endless_(endless), endless_max_(endless_max) {}

    // The next bytes, at most `n`; empty once the body is complete (or an endless body
    // reached its safety bound, see exhausted()).
    std::string take(std::size_t n) {
        std::string out;
        out.reserve(n);
        while (out.size() < n) {
            if (position_ < body_.size()) {
                const auto k = std::min(n - out.size(), body_.size() - position_);
                out.append(body_.substr(position_, k));
                position_ += k;
                continue;
            }
            const std::size_t p = position_ - body_.size();
            if (endless_) {
                if (position_ >= endless_max_) break;
                out.push_back(padding_line_char(padding_line_bytes, p % padding_line_bytes));
            } else {
                if (p >= padding_) break;
                out.push_back(padding_char(padding_, p));
            }
            ++position_;
        }
        return out;
    }
    bool exhausted() const { return endless_ && position_ >= endless_max_; }
    std::size_t produced() const { return position_; }

private:
    std::string_view body_;
    std::size_t padding_;
    bool endless_;
    std::size_t endless_max_;
    std::size_t position_ = 0;
};

// RFC 9110 §6.4.1: 1xx, 204 and 304 responses end with their header section.
bool body_allowed(unsigned status) {
    return status >= 200 && status != 204 && status != 304;
}

std::string format_duration(core::duration d) {
    return fmt::format("{}ms", d.count());
}

}  // namespace

struct policy_host::state {
    state(mock_context& c, policy_host_config cfg) : ctx(c), config(std::move(cfg)) {}

    // What connections are served with: a connection keeps the one it was accepted
    // under, so set_config() never pulls a body or a certificate from under one in flight.
    struct serving {
        policy_host_config config;
        ssl_context_ptr ssl_native;  // owns the SNI table the context's callback reads
        std::unique_ptr<asio::ssl::context> ssl;
    };

    mock_context& ctx;
    policy_host_config config;  // the latest; its name and listen address never change
    std::shared_ptr<serving> current;
    std::unique_ptr<net::listener> listener;
    net::endpoint local;
    std::vector<recorded_request> requests;
    std::uint64_t accepted = 0;
    std::map<std::uint64_t, net::byte_stream*> open;  // live connections, closed by stop()
    bool stopped = false;

    void record(transcript_kind kind, std::string text) {
        if (stopped) return;
        ctx.record.add(ctx.clock.now(), config.host_name, kind, std::move(text));
    }
};

namespace {

using host_state = policy_host::state;

// One accepted connection, from the ClientHello to the close.
class session {
public:
    session(std::shared_ptr<host_state> hs, std::unique_ptr<net::byte_stream> stream, std::uint64_t number)
        : hs_(std::move(hs)), site_(hs_->current), stream_(std::move(stream)), number_(number) {
        hs_->open.emplace(number_, stream_.get());
    }
    ~session() { hs_->open.erase(number_); }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    asio::awaitable<void> run();

private:
    // What the connection does after an answer.
    enum class flow {
        keep_going,  // keep-alive: wait for the next request
        close,       // close cleanly (TLS close_notify, then the stream)
        stall,       // say nothing more, until the peer gives up
        gone,        // drop the stream at once (peer gone, timed out, or the reset fault)
    };
    enum class read_result { request, header_too_large, body_too_large, malformed, ended };
    using request_parser = http::request_parser<http::string_body>;

    asio::awaitable<flow> serve(tls_stream& tls);
    asio::awaitable<read_result> read_request(tls_stream& tls, beast::flat_buffer& buffer,
                                              request_parser& parser);
    std::size_t record_request(const http::request<http::string_body>& request);
    asio::awaitable<flow> answer(tls_stream& tls, bool head, bool keep_alive);
    asio::awaitable<flow> say(tls_stream& tls, unsigned status, std::string_view body, bool keep_alive,
                              const std::vector<http_field>& extra = {});
    asio::awaitable<bool> send(tls_stream& tls, std::string_view bytes);
    asio::awaitable<void> shutdown(tls_stream& tls);
    asio::awaitable<void> stall();
    core::time_point deadline() const { return hs_->ctx.clock.now() + site_->config.request_timeout; }

    std::shared_ptr<host_state> hs_;
    std::shared_ptr<host_state::serving> site_;  // the config this connection was accepted under
    std::unique_ptr<net::byte_stream> stream_;
    std::uint64_t number_;
    std::string sni_, tls_version_;
};

asio::awaitable<void> session::run() {
    const auto& config = site_->config;
    hs_->record(transcript_kind::event,
                fmt::format("accept connection {} from {}", number_, net::to_string(stream_->remote_endpoint())));
    if (hs_->open.size() > config.concurrent_connections_max) {
        hs_->record(transcript_kind::event, "too many connections: closed");
        stream_->close();
        co_return;
    }
    if (config.fault == policy_host_fault::stall_before_tls) {
        hs_->record(transcript_kind::event, "stall before TLS: the ClientHello is never answered");
        co_await stall();
        co_return;
    }
    net::asio_stream plain(hs_->ctx.io.get_executor(), *stream_);
    tls_stream tls(plain, *site_->ssl);
    boost::system::error_code ec;
    {
        net::deadline_guard guard(hs_->ctx.timers, deadline(), [this] { stream_->close(); });
        co_await tls.async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (guard.expired()) {
            hs_->record(transcript_kind::tls, "handshake failed: timed out");
            co_return;
        }
    }
    if (ec) {
        hs_->record(transcript_kind::tls, fmt::format("handshake failed: {}", ec.message()));
        stream_->close();
        co_return;
    }
    SSL* ssl = tls.native_handle();
    tls_version_ = SSL_get_version(ssl);
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    sni_ = sni != nullptr ? sni : "";
    hs_->record(transcript_kind::tls, fmt::format("established {} {} sni={}", tls_version_,
                                                  SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)),
                                                  sni_.empty() ? "(none)" : core::quote_peer_text(sni_)));
    switch (co_await serve(tls)) {
        case flow::stall:
            co_await stall();
            break;
        case flow::keep_going:
        case flow::close:
            co_await shutdown(tls);
            break;
        case flow::gone:
            stream_->close();
            break;
    }
}

asio::awaitable<session::flow> session::serve(tls_stream& tls) {
    const auto& config = site_->config;
    // The buffer's own cap backs up the parser's: the header limit trips first.
    beast::flat_buffer buffer(config.header_bytes_max + config.request_body_bytes_max + read_chunk_bytes);
    for (std::size_t served = 0;;) {
        request_parser parser;
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(config.header_bytes_max, std::numeric_limits<std::uint32_t>::max())));
        parser.body_limit(static_cast<std::uint64_t>(config.request_body_bytes_max));
        switch (co_await read_request(tls, buffer, parser)) {
            case read_result::request:
                break;
            case read_result::ended:
                co_return flow::gone;
            case read_result::header_too_large:
                hs_->record(transcript_kind::event,
                            fmt::format("a request header over {} bytes: refused", config.header_bytes_max));
                co_return co_await say(tls, 431, "request header too large\n", false);
            case read_result::body_too_large:
                hs_->record(transcript_kind::event, fmt::format("a request body over {} bytes: refused",
                                                                config.request_body_bytes_max));
                co_return co_await say(tls, 413, "request body too large\n", false);
            case read_result::malformed:
                co_return co_await say(tls, 400, "bad request\n", false);
        }
        const auto& request = parser.get();
        const std::size_t index = record_request(request);
        const auto set_status = [&](unsigned status) {
            if (index < hs_->requests.size()) hs_->requests[index].status = status;
        };
        if (config.fault == policy_host_fault::stall_after_tls) {
            hs_->record(transcript_kind::event, "stall after TLS: the request is never answered");
            co_return flow::stall;
        }
        if (config.fault == policy_host_fault::reset) {
            hs_->record(transcript_kind::event, "reset: dropping the connection without an answer");
            co_return flow::gone;
        }
        ++served;
        const bool keep_alive = request.keep_alive() && served < config.requests_per_connection_max;
        const auto method = request.method();
        flow next = flow::close;
        if (text_of(request.target()) != config.path) {
            set_status(404);
            next = co_await say(tls, 404, "not found\n", keep_alive);
        } else if (method == http::verb::post && config.post_status) {
            set_status(*config.post_status);
            const bool accepted = *config.post_status >= 200 && *config.post_status <= 299;
            next = co_await say(tls, *config.post_status, accepted ? "report received\n" : "report refused\n",
                                keep_alive);
        } else if (method != http::verb::get && method != http::verb::head) {
            set_status(405);
            const std::vector<http_field> allow{{"Allow", "GET, HEAD"}};
            next = co_await say(tls, 405, "method not allowed\n", keep_alive, allow);
        } else {
            set_status(config.response.status);
            next = co_await answer(tls, method == http::verb::head, keep_alive);
        }
        if (next != flow::keep_going) co_return next;
    }
}

asio::awaitable<session::read_result> session::read_request(tls_stream& tls, beast::flat_buffer& buffer,
                                                            request_parser& parser) {
    boost::system::error_code ec;
    net::deadline_guard guard(hs_->ctx.timers, deadline(), [this] { stream_->close(); });
    // Header first, then the body: Beast 1.74's async_read alone ignores the body limit
    // (toolchain.md pitfall 4).
    co_await http::async_read_header(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !parser.is_done()) {
        co_await http::async_read(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (guard.expired()) {
        hs_->record(transcript_kind::event, "request timeout: closing");
        co_return read_result::ended;
    }
    if (!ec) co_return read_result::request;
    if (ec == http::error::header_limit) co_return read_result::header_too_large;
    if (ec == http::error::body_limit) co_return read_result::body_too_large;
    if (ec == http::error::buffer_overflow) {
        co_return parser.is_header_done() ? read_result::body_too_large : read_result::header_too_large;
    }
    if (http_wire::is_parse_error(ec)) {
        hs_->record(transcript_kind::event, fmt::format("malformed request: {}", ec.message()));
        co_return read_result::malformed;
    }
    // A client that closes without close_notify (most do, between requests) is no failure.
    const bool closed = ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated;
    hs_->record(transcript_kind::event,
                closed ? std::string("peer closed") : fmt::format("read failed: {}", ec.message()));
    co_return read_result::ended;
}

std::size_t session::record_request(const http::request<http::string_body>& request) {
    recorded_request r;
    r.connection = number_;
    r.at = hs_->ctx.clock.now();
    r.sni = sni_;
    r.tls_version = tls_version_;
    r.method = text_of(request.method_string());
    r.target = text_of(request.target());
    r.version = request.version();
    r.headers = http_wire::fields_of(request);
    r.body_bytes = request.body().size();
    if (hs_->config.post_status && request.method() == http::verb::post) r.body = request.body();
    const auto host = r.header("Host");
    hs_->record(transcript_kind::http_request,
                fmt::format("{} {} HTTP/{}.{} sni={} host={} body={} headers: {}",
                            core::quote_peer_text(r.method), core::quote_peer_text(r.target), r.version / 10,
                            r.version % 10, sni_.empty() ? "(none)" : core::quote_peer_text(sni_),
                            host ? core::quote_peer_text(*host) : "(none)", r.body_bytes,
                            http_wire::quoted_fields(r.headers)));
    if (hs_->requests.size() >= site_->config.recorded_requests_max)
        return std::numeric_limits<std::size_t>::max();
    hs_->requests.push_back(std::move(r));
    return hs_->requests.size() - 1;
}

// The configured answer at the policy path, with every fault of the response.
asio::awaitable<session::flow> session::answer(tls_stream& tls, bool head, bool keep_alive) {
    const auto& config = site_->config;
    const auto& r = config.response;
    const bool with_body = body_allowed(r.status);
    const bool until_close = with_body && r.framing == body_framing::until_close;
    // A 1xx as the final answer leaves the client waiting for another; nothing sensible
    // can follow it on this connection.
    keep_alive = keep_alive && !until_close && r.status >= 200;

    auto h = make_header(r.status, r.reason);
    if (r.content_type) h.set(http::field::content_type, *r.content_type);
    // Sent as given, even when they contradict the framing: that is a fault of its own.
    for (const auto& f : r.headers) h.insert(f.name, f.value);
    add_header_padding(h, r.header_padding_bytes, r.header_padding_line_bytes);
    if (with_body) {
        switch (r.framing) {
            case body_framing::content_length:
                h.content_length(r.body.size() + r.padding_bytes);
                break;
            case body_framing::chunked:
                h.chunked(true);
                break;
            case body_framing::until_close:
                break;
        }
    }
    h.keep_alive(keep_alive);
    const std::string body_size = !with_body  ? std::string("no")
                                  : r.endless ? std::string("endless")
                                              : fmt::format("{}", r.body.size() + r.padding_bytes);
    hs_->record(transcript_kind::event,
                fmt::format("answer {} {}, {} body bytes{}, {}{}", r.status,
                            r.content_type ? "Content-Type " + core::quote_peer_text(*r.content_type)
                                           : std::string("no Content-Type"),
                            body_size, head ? " (HEAD: header only)" : "", to_string(r.framing),
                            r.drip.bytes > 0 ? fmt::format(", drip {} bytes every {}", r.drip.bytes,
                                                           format_duration(r.drip.interval))
                                             : std::string()));
    if (!co_await send(tls, wire_header(h))) co_return flow::gone;
    if (config.fault == policy_host_fault::stall_after_headers) {
        hs_->record(transcript_kind::event, "stall after headers: the body never comes");
        co_return flow::stall;
    }
    if (head || !with_body) co_return keep_alive ? flow::keep_going : flow::close;

    body_source source(r.body, r.padding_bytes, r.endless, config.endless_bytes_max);
    const bool chunked = r.framing == body_framing::chunked;
    const bool drip = r.drip.bytes > 0;
    for (;;) {
        std::string piece = source.take(drip ? r.drip.bytes : write_piece_bytes);
        if (piece.empty()) break;
        if (drip)
            co_await net::async_wait_until(hs_->ctx.timers, hs_->ctx.clock.now() + r.drip.interval,
                                           asio::use_awaitable);
        if (chunked) piece = fmt::format("{:x}\r\n", piece.size()) + piece + "\r\n";
        if (!co_await send(tls, piece)) {
            hs_->record(transcript_kind::event, fmt::format("body cut after {} bytes", source.produced()));
            co_return flow::gone;
        }
    }
    if (source.exhausted()) {
        hs_->record(transcript_kind::event,
                    fmt::format("endless body: stopping after {} bytes, then silent", source.produced()));
        co_return flow::stall;
    }
    if (chunked && !co_await send(tls, "0\r\n\r\n")) co_return flow::gone;
    co_return keep_alive ? flow::keep_going : flow::close;
}

// An answer of the host's own (404, 405, 400, 413, 431), not shaped by the config.
asio::awaitable<session::flow> session::say(tls_stream& tls, unsigned status, std::string_view body,
                                            bool keep_alive, const std::vector<http_field>& extra) {
    auto h = make_header(status, {});
    h.set(http::field::content_type, "text/plain");
    for (const auto& f : extra) h.insert(f.name, f.value);
    h.content_length(body.size());
    h.keep_alive(keep_alive);
    hs_->record(transcript_kind::event, fmt::format("answer {}", status));
    if (!co_await send(tls, wire_header(h) + std::string(body))) co_return flow::gone;
    co_return keep_alive ? flow::keep_going : flow::close;
}

asio::awaitable<bool> session::send(tls_stream& tls, std::string_view bytes) {
    boost::system::error_code ec;
    net::deadline_guard guard(hs_->ctx.timers, deadline(), [this] { stream_->close(); });
    co_await asio::async_write(tls, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (guard.expired()) {
        hs_->record(transcript_kind::event, "write timed out");
        co_return false;
    }
    if (ec) {
        hs_->record(transcript_kind::event, fmt::format("write failed: {}", ec.message()));
        co_return false;
    }
    co_return true;
}

// TLS close_notify (RFC 8446 §6.1), so a client reading a body delimited by the close
// can tell the end from a truncation; then the stream.
asio::awaitable<void> session::shutdown(tls_stream& tls) {
    boost::system::error_code ec;
    {
        net::deadline_guard guard(hs_->ctx.timers, deadline(), [this] { stream_->close(); });
        co_await tls.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
    hs_->record(transcript_kind::event, "closed");
    stream_->close();
}

// Keeps the connection open and silent until the peer gives up: a hung server or a
// black-holing middlebox. Bytes that arrive are read below TLS and dropped.
asio::awaitable<void> session::stall() {
    net::asio_stream raw(hs_->ctx.io.get_executor(), *stream_);
    std::array<char, read_chunk_bytes> chunk{};
    boost::system::error_code ec;
    while (!ec)
        co_await raw.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    hs_->record(transcript_kind::event, ec == asio::error::eof
                                            ? std::string("peer closed")
                                            : fmt::format("connection ended: {}", ec.message()));
    stream_->close();
}

}  // namespace

namespace {

// The config checked, and its TLS context built: what start() and set_config() serve with.
core::result<std::shared_ptr<host_state::serving>, std::string> make_serving(const policy_host_config& config) {
    if (auto problem = validate(config); !problem.empty()) return core::failure(std::move(problem));
    auto native = make_server_context(config.tls);
    if (!native) return core::failure("TLS: " + native.error());
    auto site = std::make_shared<host_state::serving>();
    site->config = config;
    site->ssl_native = std::move(native).value();
    // asio's context frees the handle it is given; it gets a reference of its own, and
    // ssl_native keeps the SNI table alive.
    SSL_CTX_up_ref(site->ssl_native.get());
    site->ssl = std::make_unique<asio::ssl::context>(site->ssl_native.get());
    return site;
}

}  // namespace

policy_host::policy_host(mock_context& context, policy_host_config config)
    : state_(std::make_shared<state>(context, std::move(config))) {}

policy_host::~policy_host() {
    stop();
}

core::result<std::monostate, std::string> policy_host::start() {
    if (state_->listener) return core::failure(std::string("already started"));
    auto site = make_serving(state_->config);
    if (!site) return core::failure(std::move(site).error());
    state_->current = std::move(site).value();
    return detail::start_listening<session>(state_);
}

core::result<std::monostate, std::string> policy_host::set_config(policy_host_config config) {
    config.host_name = state_->config.host_name;
    config.listen = state_->config.listen;
    auto site = make_serving(config);
    if (!site) return core::failure(std::move(site).error());
    state_->config = std::move(config);
    if (state_->current) state_->current = std::move(site).value();
    return std::monostate{};
}

void policy_host::stop() {
    detail::stop_listening(*state_);
}

const policy_host_config& policy_host::config() const {
    return state_->config;
}
net::endpoint policy_host::local_endpoint() const {
    return state_->local;
}
const std::vector<recorded_request>& policy_host::requests() const {
    return state_->requests;
}
std::size_t policy_host::connections() const {
    return static_cast<std::size_t>(state_->accepted);
}

}  // namespace sts::mocks
