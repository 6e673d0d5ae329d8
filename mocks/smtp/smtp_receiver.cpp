#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "mocks/smtp/smtp_receiver.hpp"

#include "mocks/detail/server_lifecycle.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <fmt/format.h>

#include <array>
#include <map>
#include <optional>
#include <string_view>

// Coroutine rule in this file: nothing passed by reference or view into a co_await'ed
// call may be a temporary (say(s, fmt::format(...)) or a ?: result). g++ 12 mishandles
// the lifetime of such temporaries across the suspension; named locals are safe.

namespace sts::mocks {

namespace asio = boost::asio;

namespace {

using tls_stream = asio::ssl::stream<net::asio_stream>;

// Transcript lines quote peer bytes; a command longer than this is shown cut, with the
// number of bytes left out.
constexpr std::size_t transcript_text_bytes_max = 512;
constexpr std::size_t read_chunk_bytes = 4096;
// Lines of an endless reply sent in one write.
constexpr unsigned endless_reply_lines_per_write = 64;

// What a hostile ClientHello gets with handshake_fault::garbage_reply: not a TLS record,
// so the client's TLS layer fails with "wrong version number" or the like.
constexpr std::string_view handshake_garbage = "this is not a TLS ServerHello\r\n";

char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (ascii_upper(text[i]) != ascii_upper(prefix[i])) return false;
    }
    return true;
}

// The command verb, upper-cased: everything before the first space.
std::string verb_of(std::string_view line) {
    std::string verb(line.substr(0, line.find(' ')));
    for (auto& c : verb) c = ascii_upper(c);
    return verb;
}

std::string_view argument_of(std::string_view line) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return {};
    auto arg = line.substr(space + 1);
    while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
    return arg;
}

// RFC 5321 §4.1.1.2-3: "MAIL FROM:<reverse-path> [params]", "RCPT TO:<forward-path>".
// interpretation: a space after the colon is tolerated, as most servers do; parameters
// after the path are accepted and ignored.
std::optional<std::string> path_of(std::string_view line, std::string_view prefix) {
    if (!starts_with_nocase(line, prefix)) return std::nullopt;
    auto rest = line.substr(prefix.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty() || rest.front() != '<') return std::nullopt;
    const auto close = rest.find('>');
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(rest.substr(1, close - 1));
}

// A reply succeeds when its code is 2xx or 3xx; an empty reply (say nothing) does not.
bool is_success(std::string_view reply) {
    return !reply.empty() && (reply[0] == '2' || reply[0] == '3');
}

// RFC 5321 §3.8: 421 means the server is closing the channel, whatever the step.
bool is_closing(std::string_view reply) {
    return reply.substr(0, 3) == "421";
}

// Our reply text has lines separated by '\n'; the wire wants CRLF after every line.
std::string wire_form(std::string_view reply) {
    std::string out;
    out.reserve(reply.size() + 8);
    for (const char c : reply) {
        if (c == '\n')
            out += "\r\n";
        else
            out += c;
    }
    out += "\r\n";
    return out;
}

// "<a@x>,<b@y>", escaped, for the transcript.
std::string address_list(const std::vector<std::string>& addresses) {
    std::string out;
    for (const auto& a : addresses) out += (out.empty() ? "<" : ",<") + core::quote_peer_text(a) + ">";
    return out;
}

}  // namespace

struct smtp_receiver::state {
    // What connections are served with: a connection keeps the one it was accepted under,
    // so set_config() never pulls a reply or a certificate from under one in flight.
    struct serving {
        receiver_config config;
        ssl_context_ptr ssl_native;  // owns the SNI table the context's callback reads
        std::unique_ptr<asio::ssl::context> ssl;
        std::vector<std::uint64_t> override_hits;  // arrivals at each override's step

        // The override that applies to this arrival at `step`, if any. Every override of
        // the step counts the arrival, so occurrences stay meaningful when several are
        // configured; the first one listed wins.
        const reply_override* arrive(smtp_step step) {
            const reply_override* chosen = nullptr;
            for (std::size_t i = 0; i < config.overrides.size(); ++i) {
                const auto& o = config.overrides[i];
                if (o.step != step) continue;
                ++override_hits[i];
                if (chosen == nullptr && (o.occurrence == 0 || o.occurrence == override_hits[i])) chosen = &o;
            }
            return chosen;
        }
    };

    state(mock_context& c, receiver_config cfg) : ctx(c), config(std::move(cfg)) {}

    mock_context& ctx;
    receiver_config config;  // the latest; its name and listen address never change
    std::shared_ptr<serving> current;
    std::unique_ptr<net::listener> listener;
    net::endpoint local;
    std::vector<received_message> received;
    std::uint64_t accepted = 0;
    std::map<std::uint64_t, net::byte_stream*> open;  // live connections, closed by stop()
    bool stopped = false;

    void record(transcript_kind kind, std::string text) {
        if (stopped) return;
        ctx.record.add(ctx.clock.now(), config.host_name, kind, std::move(text));
    }
};

namespace {

using receiver_state = smtp_receiver::state;

// One accepted connection, from the greeting to the close.
class session {
public:
    session(std::shared_ptr<receiver_state> rs, std::unique_ptr<net::byte_stream> stream,
            std::uint64_t number)
        : rs_(std::move(rs)), site_(rs_->current), stream_(std::move(stream)), number_(number) {
        rs_->open.emplace(number_, stream_.get());
    }
    ~session() { rs_->open.erase(number_); }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    asio::awaitable<void> run();

private:
    // What the dialogue does next, after a command was answered.
    enum class flow {
        carry_on,
        start_tls,  // STARTTLS was accepted: the handshake comes next
        close,      // the receiver closes (the reason is recorded)
        stall,      // the receiver answers nothing more
        gone,       // the peer closed, the read failed or timed out (recorded)
    };
    struct answered {
        bool ok = false;  // the command succeeded (2xx/3xx)
        flow next = flow::carry_on;
    };
    enum class read_status { line, too_long, ended };

    template <class Stream>
    asio::awaitable<flow> dialogue(Stream& s);
    template <class Stream>
    asio::awaitable<flow> command(Stream& s, const std::string& line);
    template <class Stream>
    asio::awaitable<flow> message_content(Stream& s);
    template <class Stream>
    asio::awaitable<answered> answer(Stream& s, smtp_step step, std::string_view normal,
                                     std::string_view extra = {});
    template <class Stream>
    asio::awaitable<flow> say(Stream& s, std::string_view reply);
    template <class Stream>
    asio::awaitable<bool> endless_reply(Stream& s, std::string_view reply);
    template <class Stream>
    asio::awaitable<bool> send(Stream& s, std::string_view bytes);
    template <class Stream>
    asio::awaitable<read_status> read_line(Stream& s, std::string& line);

    asio::awaitable<flow> secure(net::asio_stream& plain);
    asio::awaitable<void> stall();
    void close(std::string_view why);
    void reset_transaction() {
        mail_from_.reset();
        rcpt_to_.clear();
    }
    std::string ehlo_reply() const;
    core::time_point deadline() const { return rs_->ctx.clock.now() + site_->config.idle_timeout; }

    std::shared_ptr<receiver_state> rs_;
    std::shared_ptr<receiver_state::serving> site_;  // the config this connection was accepted under
    std::unique_ptr<net::byte_stream> stream_;
    std::uint64_t number_;
    std::array<char, read_chunk_bytes> chunk_{};
    std::string pending_;  // read but not yet consumed; at most line_bytes_max + one chunk
    std::size_t commands_ = 0;
    bool greeting_failed_ = false;
    bool greeted_ = false;
    bool tls_ = false;
    std::string tls_version_, cipher_, sni_;
    std::optional<std::string> mail_from_;
    std::vector<std::string> rcpt_to_;
};

asio::awaitable<void> session::run() {
    const auto& config = site_->config;
    rs_->record(transcript_kind::event,
                fmt::format("accept connection {} from {}", number_, net::to_string(stream_->remote_endpoint())));
    const auto executor = rs_->ctx.io.get_executor();
    net::asio_stream plain(executor, *stream_);
    if (rs_->open.size() > config.concurrent_connections_max) {
        const auto busy = fmt::format("421 4.7.0 {} Error: too many connections", config.host_name);
        co_await say(plain, busy);
        close("too many connections");
        co_return;
    }
    const auto hello = fmt::format("220 {} {}", config.host_name, config.greeting_text);
    const auto greeting = co_await answer(plain, smtp_step::greeting, hello);
    flow next = greeting.next;
    // RFC 5321 §3.1: after a 554 greeting the server answers everything but QUIT with 503.
    greeting_failed_ = !greeting.ok;
    if (next == flow::carry_on) next = co_await dialogue(plain);
    if (next == flow::start_tls) next = co_await secure(plain);
    switch (next) {
        case flow::stall:
            co_await stall();
            break;
        case flow::close:
            close("closed by the receiver");
            break;
        case flow::carry_on:
        case flow::start_tls:
        case flow::gone:
            close({});
            break;
    }
}

// The STARTTLS handshake and the dialogue over TLS (RFC 3207 §4-4.2).
asio::awaitable<session::flow> session::secure(net::asio_stream& plain) {
    const auto& config = site_->config;
    switch (config.handshake) {
        case handshake_fault::none:
            break;
        case handshake_fault::close_after_reply:
            rs_->record(transcript_kind::tls, "handshake fault: closing instead of the handshake");
            co_return flow::close;
        case handshake_fault::garbage_reply: {
            // Wait for the ClientHello, so the garbage answers it rather than crossing it.
            boost::system::error_code ec;
            net::deadline_guard guard(rs_->ctx.timers, deadline(), [this] { stream_->close(); });
            co_await plain.async_read_some(asio::buffer(chunk_),
                                           asio::redirect_error(asio::use_awaitable, ec));
            rs_->record(transcript_kind::tls, "handshake fault: answering the ClientHello with garbage");
            if (!ec) co_await send(plain, handshake_garbage);
            co_return flow::close;
        }
    }
    tls_stream tls(plain, *site_->ssl);
    boost::system::error_code ec;
    {
        net::deadline_guard guard(rs_->ctx.timers, deadline(), [this] { stream_->close(); });
        co_await tls.async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (guard.expired()) {
            rs_->record(transcript_kind::tls, "handshake failed: timed out");
            co_return flow::gone;
        }
    }
    if (ec) {
        rs_->record(transcript_kind::tls, fmt::format("handshake failed: {}", ec.message()));
        co_return flow::close;
    }
    SSL* ssl = tls.native_handle();
    tls_ = true;
    tls_version_ = SSL_get_version(ssl);
    cipher_ = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    sni_ = sni != nullptr ? sni : "";
    rs_->record(transcript_kind::tls, fmt::format("established {} {} sni={}", tls_version_, cipher_,
                                                  sni_.empty() ? "(none)" : core::quote_peer_text(sni_)));
    // RFC 3207 §4.2: the server discards what it knew from the client before TLS; the
    // client must say EHLO again.
    greeted_ = false;
    reset_transaction();
    const auto established = co_await answer(tls, smtp_step::tls_established, std::string_view());
    if (established.next != flow::carry_on) co_return established.next;
    co_return co_await dialogue(tls);
}

template <class Stream>
asio::awaitable<session::flow> session::dialogue(Stream& s) {
    const auto& config = site_->config;
    for (;;) {
        std::string line;
        const auto status = co_await read_line(s, line);
        if (status == read_status::ended) co_return flow::gone;
        if (status == read_status::too_long) {
            rs_->record(transcript_kind::event,
                        fmt::format("a line longer than {} bytes: refused", config.line_bytes_max));
            co_await say(s, "500 5.5.2 Error: line too long");
            co_return flow::close;
        }
        rs_->record(transcript_kind::smtp_command, core::quote_peer_text(line, transcript_text_bytes_max));
        if (++commands_ > config.commands_per_connection_max) {
            const auto enough = fmt::format("421 4.7.0 {} Error: too many commands", config.host_name);
            co_await say(s, enough);
            co_return flow::close;
        }
        const auto next = co_await command(s, line);
        if (next != flow::carry_on) co_return next;
    }
}

template <class Stream>
asio::awaitable<session::flow> session::command(Stream& s, const std::string& line) {
    const auto& config = site_->config;
    const auto verb = verb_of(line);
    const auto arg = argument_of(line);
    if (greeting_failed_ && verb != "QUIT")
        co_return co_await say(s, "503 5.5.1 Error: no SMTP service here");

    if (verb == "EHLO" || verb == "HELO") {
        if (arg.empty()) {
            const auto syntax = fmt::format("501 5.5.4 Syntax: {} hostname", verb);
            co_return co_await say(s, syntax);
        }
        const std::string normal = verb == "EHLO" ? ehlo_reply() : fmt::format("250 {}", config.host_name);
        const auto a = co_await answer(s, smtp_step::ehlo, normal);
        if (a.ok) {
            // RFC 5321 §4.1.4: EHLO resets any transaction in progress.
            greeted_ = true;
            reset_transaction();
        }
        co_return a.next;
    }
    if (verb == "STARTTLS") {
        // RFC 3207 §4: STARTTLS takes no parameters; it is only available when advertised
        // and not yet in effect.
        if (!config.starttls_offered) co_return co_await say(s, "502 5.5.1 Error: command not implemented");
        if (tls_) co_return co_await say(s, "503 5.5.1 Error: TLS already active");
        if (!arg.empty()) co_return co_await say(s, "501 5.5.4 Syntax: STARTTLS");
        const auto a = co_await answer(s, smtp_step::starttls, "220 2.0.0 Ready to start TLS",
                                       config.starttls_injection);
        if (!a.ok || a.next != flow::carry_on) co_return a.next;
        // CVE-2011-0411: commands pipelined behind STARTTLS arrived in plaintext and must
        // not be executed inside the TLS session. RFC 3207 §4.2 lets nothing from before
        // TLS survive, so they are dropped here.
        if (!pending_.empty()) {
            rs_->record(transcript_kind::event,
                        fmt::format("discarded {} bytes pipelined after STARTTLS: \"{}\"", pending_.size(),
                                    core::quote_peer_text(pending_, transcript_text_bytes_max)));
            pending_.clear();
        }
        co_return flow::start_tls;
    }
    if (verb == "MAIL") {
        if (!greeted_) co_return co_await say(s, "503 5.5.1 Error: send HELO/EHLO first");
        if (mail_from_) co_return co_await say(s, "503 5.5.1 Error: nested MAIL command");
        auto path = path_of(line, "MAIL FROM:");
        if (!path) co_return co_await say(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
        const auto a = co_await answer(s, smtp_step::mail, "250 2.1.0 Ok");
        if (a.ok) mail_from_ = std::move(*path);
        co_return a.next;
    }
    if (verb == "RCPT") {
        if (!mail_from_) co_return co_await say(s, "503 5.5.1 Error: need MAIL command");
        auto path = path_of(line, "RCPT TO:");
        if (!path || path->empty()) co_return co_await say(s, "501 5.5.4 Syntax: RCPT TO:<address>");
        if (rcpt_to_.size() >= config.recipients_max) {
            co_return co_await say(s, "452 4.5.3 Error: too many recipients");
        }
        const auto a = co_await answer(s, smtp_step::rcpt, "250 2.1.5 Ok");
        if (a.ok) rcpt_to_.push_back(std::move(*path));
        co_return a.next;
    }
    if (verb == "DATA") {
        if (!arg.empty()) co_return co_await say(s, "501 5.5.4 Syntax: DATA");
        if (!mail_from_) co_return co_await say(s, "503 5.5.1 Error: need MAIL command");
        if (rcpt_to_.empty()) co_return co_await say(s, "554 5.5.1 Error: no valid recipients");
        const auto a = co_await answer(s, smtp_step::data, "354 End data with <CR><LF>.<CR><LF>");
        if (!a.ok || a.next != flow::carry_on) co_return a.next;
        co_return co_await message_content(s);
    }
    if (verb == "RSET") {
        const auto a = co_await answer(s, smtp_step::rset, "250 2.0.0 Ok");
        if (a.ok) reset_transaction();
        co_return a.next;
    }
    if (verb == "NOOP") {
        const auto a = co_await answer(s, smtp_step::noop, "250 2.0.0 Ok");
        co_return a.next;
    }
    if (verb == "QUIT") {
        const auto a = co_await answer(s, smtp_step::quit, "221 2.0.0 Bye");
        co_return a.next == flow::carry_on ? flow::close : a.next;
    }
    if (verb == "VRFY") co_return co_await say(s, "252 2.0.0 Cannot VRFY user");
    co_return co_await say(s, "500 5.5.2 Error: command not recognized");
}

// The content after the 354, up to the lone "." (RFC 5321 §4.1.1.4), then its answer.
template <class Stream>
asio::awaitable<session::flow> session::message_content(Stream& s) {
    const auto& config = site_->config;
    std::string stored;
    std::size_t size = 0;
    for (;;) {
        std::string line;
        const auto status = co_await read_line(s, line);
        if (status == read_status::ended) co_return flow::gone;
        if (status == read_status::too_long) {
            rs_->record(transcript_kind::event,
                        fmt::format("a message line longer than {} bytes: refused", config.line_bytes_max));
            co_await say(s, "500 5.5.2 Error: line too long");
            co_return flow::close;
        }
        if (line == ".") break;
        // RFC 5321 §4.5.2: a leading dot was doubled by the client.
        std::string_view text = line;
        if (!text.empty() && text.front() == '.') text.remove_prefix(1);
        size += text.size() + 2;
        if (stored.size() < config.stored_message_bytes_max) {
            stored.append(text);
            stored.append("\r\n");
            if (stored.size() > config.stored_message_bytes_max)
                stored.resize(config.stored_message_bytes_max);
        }
    }
    rs_->record(transcript_kind::smtp_command, fmt::format(". (end of {} bytes of message content)", size));
    auto from = std::move(*mail_from_);
    auto to = std::move(rcpt_to_);
    // RFC 5321 §4.1.1.4: the transaction ends with the end of data, whatever the reply.
    reset_transaction();
    // RFC 1870 / RFC 5321 §4.5.3.1.9: a message over the size limit is refused with 552.
    if (size > config.message_bytes_max) co_return co_await say(s, "552 5.3.4 Error: message file too big");
    if (rs_->received.size() >= config.received_messages_max) {
        co_return co_await say(s, "452 4.3.1 Error: insufficient system storage");
    }
    const auto queued = fmt::format("250 2.0.0 Ok: queued as M{}", rs_->received.size() + 1);
    const auto a = co_await answer(s, smtp_step::end_of_data, queued);
    if (a.ok) {
        rs_->record(transcript_kind::delivery,
                    fmt::format("from=<{}> to={} size={} tls={}", core::quote_peer_text(from),
                                address_list(to), size, tls_ ? tls_version_ : "none"));
        rs_->received.push_back({.connection = number_,
                                 .mail_from = std::move(from),
                                 .rcpt_to = std::move(to),
                                 .data = std::move(stored),
                                 .data_bytes = size,
                                 .over_tls = tls_,
                                 .tls_version = tls_version_,
                                 .cipher = cipher_,
                                 .sni = sni_,
                                 .at = rs_->ctx.clock.now()});
    }
    co_return a.next;
}

// Sends the reply for a command that reached `step`: the normal one, or the override's.
template <class Stream>
asio::awaitable<session::answered> session::answer(Stream& s, smtp_step step, std::string_view normal,
                                                   std::string_view extra) {
    const reply_override* o = site_->arrive(step);
    const std::string reply(o != nullptr && o->reply ? std::string_view(*o->reply) : normal);
    answered result{.ok = step == smtp_step::tls_established || is_success(reply),
                    .next = o != nullptr ? (o->then == after_reply::carry_on ? flow::carry_on
                                            : o->then == after_reply::close  ? flow::close
                                                                             : flow::stall)
                                         : flow::carry_on};
    if (o != nullptr && o->endless && !reply.empty()) {
        rs_->record(transcript_kind::smtp_reply, core::quote_peer_text(reply, transcript_text_bytes_max));
        result.next = co_await endless_reply(s, reply) ? flow::stall : flow::gone;
        co_return result;
    }
    if (!reply.empty()) {
        rs_->record(transcript_kind::smtp_reply, core::quote_peer_text(reply, transcript_text_bytes_max));
        std::string bytes = wire_form(reply);
        if (result.ok && !extra.empty()) {
            // The injected bytes share the reply's write, so they reach the client in the
            // same read as the reply: a client that keeps its read buffer would take them
            // for a reply inside TLS.
            rs_->record(transcript_kind::event, fmt::format("injected plaintext after the reply: \"{}\"",
                                                            core::quote_peer_text(extra)));
            bytes += extra;
        }
        const bool sent = co_await send(s, bytes);
        if (!sent) {
            result.next = flow::gone;
            co_return result;
        }
        if (is_closing(reply) && result.next != flow::stall) result.next = flow::close;
    }
    if (result.next == flow::stall) {
        rs_->record(transcript_kind::event,
                    fmt::format("stall at {}: answering nothing more", to_string(step)));
    }
    co_return result;
}

// An endless reply (reply_override::endless): the configured lines as continuation lines,
// then numbered continuation lines of the same code, a batch per write, until the bound;
// false when the peer went away first (it closed on us, as a bounded client does).
template <class Stream>
asio::awaitable<bool> session::endless_reply(Stream& s, std::string_view reply) {
    std::string bytes = wire_form(reply);
    // Every line becomes a continuation line: the byte after each line's code is '-'.
    for (std::size_t start = 0; start + 3 < bytes.size();) {
        if (bytes[start + 3] == ' ' || bytes[start + 3] == '\r') {
            if (bytes[start + 3] == ' ') bytes[start + 3] = '-';
            else bytes.insert(start + 3, 1, '-');
        }
        const auto end = bytes.find('\n', start);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    const auto code = reply.substr(0, 3);
    const auto max = site_->config.endless_reply_bytes_max;
    std::size_t sent = 0;
    for (std::uint64_t line = 1; sent < max;) {
        for (unsigned i = 0; i < endless_reply_lines_per_write; ++i, ++line)
            bytes += fmt::format("{}-continuation line {} of a reply without end\r\n", code, line);
        if (!co_await send(s, bytes)) {
            rs_->record(transcript_kind::event, fmt::format("endless reply: cut by the peer after {} bytes", sent));
            co_return false;
        }
        sent += bytes.size();
        bytes.clear();
    }
    rs_->record(transcript_kind::event, fmt::format("endless reply: stopping after {} bytes, then silent", sent));
    co_return true;
}

// A reply no override can change (syntax and sequence errors, limits).
template <class Stream>
asio::awaitable<session::flow> session::say(Stream& s, std::string_view reply) {
    rs_->record(transcript_kind::smtp_reply, core::quote_peer_text(reply, transcript_text_bytes_max));
    const std::string bytes = wire_form(reply);
    const bool sent = co_await send(s, bytes);
    if (!sent) co_return flow::gone;
    co_return is_closing(reply) ? flow::close : flow::carry_on;
}

template <class Stream>
asio::awaitable<bool> session::send(Stream& s, std::string_view bytes) {
    boost::system::error_code ec;
    net::deadline_guard guard(rs_->ctx.timers, deadline(), [this] { stream_->close(); });
    co_await asio::async_write(s, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (guard.expired()) {
        rs_->record(transcript_kind::event, "write timed out");
        co_return false;
    }
    if (ec) {
        rs_->record(transcript_kind::event, fmt::format("write failed: {}", ec.message()));
        co_return false;
    }
    co_return true;
}

// One line without its line end. Bare LF is accepted as a line end too (interpretation:
// the mock is lenient about what it receives; judging the client's line ends is not its
// job). The buffer never holds more than line_bytes_max plus one read.
template <class Stream>
asio::awaitable<session::read_status> session::read_line(Stream& s, std::string& line) {
    const auto max = site_->config.line_bytes_max;
    for (;;) {
        const auto lf = pending_.find('\n');
        if (lf != std::string::npos) {
            if (lf > max) co_return read_status::too_long;
            const std::size_t end = lf > 0 && pending_[lf - 1] == '\r' ? lf - 1 : lf;
            line.assign(pending_, 0, end);
            pending_.erase(0, lf + 1);
            co_return read_status::line;
        }
        if (pending_.size() > max) co_return read_status::too_long;
        boost::system::error_code ec;
        std::size_t n = 0;
        {
            net::deadline_guard guard(rs_->ctx.timers, deadline(), [this] { stream_->close(); });
            n = co_await s.async_read_some(asio::buffer(chunk_),
                                           asio::redirect_error(asio::use_awaitable, ec));
            if (guard.expired()) {
                rs_->record(transcript_kind::event, "idle timeout: no command");
                co_return read_status::ended;
            }
        }
        if (ec) {
            rs_->record(transcript_kind::event,
                        ec == asio::error::eof || ec == asio::ssl::error::stream_truncated
                            ? std::string("peer closed")
                            : fmt::format("read failed: {}", ec.message()));
            co_return read_status::ended;
        }
        pending_.append(chunk_.data(), n);
    }
}

// Keeps the connection open and silent until the peer gives up: what a hung server or a
// black-holing middlebox looks like. Bytes that arrive are read and dropped (below TLS,
// if any), so a talkative peer costs nothing.
asio::awaitable<void> session::stall() {
    net::asio_stream raw(rs_->ctx.io.get_executor(), *stream_);
    boost::system::error_code ec;
    std::uint64_t ignored = 0;
    while (!ec) {
        ignored +=
            co_await raw.async_read_some(asio::buffer(chunk_), asio::redirect_error(asio::use_awaitable, ec));
    }
    const auto how = ec == asio::error::eof ? std::string("peer closed")
                                            : fmt::format("connection ended ({})", ec.message());
    rs_->record(transcript_kind::event, fmt::format("{} after {} bytes went unanswered", how, ignored));
    close({});
}

void session::close(std::string_view why) {
    if (!why.empty()) rs_->record(transcript_kind::event, std::string(why));
    stream_->close();
}

std::string session::ehlo_reply() const {
    const auto& config = site_->config;
    std::vector<std::string> lines{config.host_name};
    for (const auto& keyword : config.ehlo_keywords) lines.push_back(keyword);
    // RFC 3207 §4: STARTTLS is advertised before TLS only.
    if (config.starttls_offered && !tls_) lines.emplace_back("STARTTLS");
    std::string reply;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) reply += '\n';
        reply += (i + 1 < lines.size() ? "250-" : "250 ") + lines[i];
    }
    return reply;
}

}  // namespace

namespace {

// The config checked, and its TLS context built: what start() and set_config() serve with.
core::result<std::shared_ptr<receiver_state::serving>, std::string> make_serving(const receiver_config& config) {
    if (auto problem = validate(config); !problem.empty()) return core::failure(std::move(problem));
    auto native = make_server_context(config.tls);
    if (!native) return core::failure("TLS: " + native.error());
    auto site = std::make_shared<receiver_state::serving>();
    site->config = config;
    site->override_hits.assign(config.overrides.size(), 0);
    site->ssl_native = std::move(native).value();
    // asio's context frees the handle it is given; it gets a reference of its own, and
    // ssl_native keeps the SNI table alive.
    SSL_CTX_up_ref(site->ssl_native.get());
    site->ssl = std::make_unique<asio::ssl::context>(site->ssl_native.get());
    return site;
}

}  // namespace

smtp_receiver::smtp_receiver(mock_context& context, receiver_config config)
    : state_(std::make_shared<state>(context, std::move(config))) {}

smtp_receiver::~smtp_receiver() {
    stop();
}

core::result<std::monostate, std::string> smtp_receiver::start() {
    if (state_->listener) return core::failure(std::string("already started"));
    auto site = make_serving(state_->config);
    if (!site) return core::failure(std::move(site).error());
    state_->current = std::move(site).value();
    return detail::start_listening<session>(state_);
}

core::result<std::monostate, std::string> smtp_receiver::set_config(receiver_config config) {
    config.host_name = state_->config.host_name;
    config.listen = state_->config.listen;
    auto site = make_serving(config);
    if (!site) return core::failure(std::move(site).error());
    state_->config = std::move(config);
    if (state_->current) state_->current = std::move(site).value();
    return std::monostate{};
}

void smtp_receiver::stop() {
    detail::stop_listening(*state_);
}

const receiver_config& smtp_receiver::config() const {
    return state_->config;
}
net::endpoint smtp_receiver::local_endpoint() const {
    return state_->local;
}
const std::vector<received_message>& smtp_receiver::received() const {
    return state_->received;
}
std::size_t smtp_receiver::connections() const {
    return static_cast<std::size_t>(state_->accepted);
}

}  // namespace sts::mocks
