#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/dns/stub_resolver.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/dns/message.hpp"
#include "engine/dns/name.hpp"
#include "engine/dns/query.hpp"
#include "engine/dns/tcp_framing.hpp"
#include "engine/dns/wire.hpp"
#include "engine/net/asio_timer.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <variant>
#include <vector>

namespace sts::dns {

namespace asio = boost::asio;

struct stub_resolver::state {
    state(asio::io_context& i, net::network& n, net::timer_service& t, const core::clock& c,
          stub_resolver_config conf)
        : io(i), network(n), timers(t), clock(c), config(std::move(conf)), prng(config.seed) {}

    asio::io_context& io;
    net::network& network;
    net::timer_service& timers;
    const core::clock& clock;
    stub_resolver_config config;
    answer_cache cache;
    std::uint64_t prng;

    // RFC 5452 §9.2 wants unpredictable IDs; ours are a seeded SplitMix64 stream, so they
    // differ per query and still replay identically in a world with the same seed.
    std::uint16_t next_id() {
        prng += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = prng;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        return static_cast<std::uint16_t>(z >> 48);
    }
};

namespace {

// --- Awaitable forms of the port operations. Each completes with one value, never by
// throwing, so errors stay values inside the coroutines. ---

struct io_result {
    net::error_code ec;
    std::size_t bytes = 0;
};

struct receive_result {
    net::error_code ec;
    std::size_t bytes = 0;
    net::endpoint from;
};

struct connect_result {
    net::error_code ec;
    std::unique_ptr<net::byte_stream> stream;
};

asio::awaitable<io_result> send_to(net::datagram_socket& socket, std::span<const std::byte> datagram,
                                   const net::endpoint& to) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(io_result)>(
        [&socket, datagram, &to](auto handler) {
            socket.async_send_to(datagram, to,
                                 [h = std::move(handler)](net::error_code ec, std::size_t n) mutable {
                                     std::move(h)(io_result{ec, n});
                                 });
        },
        asio::use_awaitable);
}

asio::awaitable<receive_result> receive_from(net::datagram_socket& socket, std::span<std::byte> buffer) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(receive_result)>(
        [&socket, buffer](auto handler) {
            socket.async_receive_from(buffer, [h = std::move(handler)](net::error_code ec, std::size_t n,
                                                                       net::endpoint from) mutable {
                std::move(h)(receive_result{ec, n, std::move(from)});
            });
        },
        asio::use_awaitable);
}

asio::awaitable<io_result> read_some(net::byte_stream& stream, std::span<std::byte> buffer) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(io_result)>(
        [&stream, buffer](auto handler) {
            stream.async_read_some(buffer,
                                   [h = std::move(handler)](net::error_code ec, std::size_t n) mutable {
                                       std::move(h)(io_result{ec, n});
                                   });
        },
        asio::use_awaitable);
}

asio::awaitable<io_result> write_some(net::byte_stream& stream, std::span<const std::byte> data) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(io_result)>(
        [&stream, data](auto handler) {
            stream.async_write_some(data,
                                    [h = std::move(handler)](net::error_code ec, std::size_t n) mutable {
                                        std::move(h)(io_result{ec, n});
                                    });
        },
        asio::use_awaitable);
}

// A TCP exchange's connection, shared with its deadline: the deadline cancels the connect
// while it is pending and closes the stream once there is one.
struct tcp_connection {
    net::network* network = nullptr;
    net::connect_id id = 0;
    bool connecting = false;
    std::unique_ptr<net::byte_stream> stream;

    void abort() {
        if (connecting) network->cancel_connect(id);
        if (stream) stream->close();
    }
};

asio::awaitable<connect_result> connect(net::network& network, const std::string& source,
                                        const net::endpoint& remote, tcp_connection& conn) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(connect_result)>(
        [&network, &source, &remote, &conn](auto handler) {
            conn.connecting = true;
            conn.id = network.async_connect(
                source, remote,
                [h = std::move(handler)](net::error_code ec, std::unique_ptr<net::byte_stream> s) mutable {
                    std::move(h)(connect_result{ec, std::move(s)});
                });
        },
        asio::use_awaitable);
}

// --- One exchange of a query and its reply. ---

enum class outcome_kind {
    reply,      // a reply to our question, in `reply`
    truncated,  // a reply with TC set: ask again over TCP
    timed_out,  // the deadline passed with no usable reply
    malformed,  // a reply that did not decode (and nothing better came)
    failed,     // the network said no: bind, send, connect or a closed connection
};

struct exchange_outcome {
    outcome_kind kind = outcome_kind::timed_out;
    message reply;
    std::string detail;
};

// Everything one lookup keeps across its queries.
struct lookup_progress {
    unsigned queries_sent = 0;
};

std::uint16_t wire_id(std::span<const std::uint8_t> wire) {
    return static_cast<std::uint16_t>((wire[0] << 8) | wire[1]);
}

// RFC 5452 §9.1: a reply belongs to our query only when ID, question name, type and class
// all match; anything else may be a forgery or a stale reply and is not ours to act on.
bool answers_question(const message& m, std::uint16_t id, std::string_view qname, rr_type qtype) {
    if (!m.header.qr || m.header.opcode != opcode::query || m.header.id != id) return false;
    if (m.questions.size() != 1) return false;
    const auto& q = m.questions.front();
    return q.qtype == qtype && q.qclass == rr_class::in && core::equal_ignoring_case(q.qname, qname);
}

using shared_state = std::shared_ptr<stub_resolver::state>;

query_flags flags_for(const stub_resolver_config& config) {
    query_flags f;
    f.rd = true;
    // RFC 6840 §5.7 [DANE-01]: AD in the query asks the validating resolver to tell us
    // whether the answer is authentic; without AD or DO it need not set AD in the reply.
    f.ad = true;
    f.dnssec_ok = config.dnssec_ok;
    return f;
}

void trace(const stub_resolver_config& config, const std::string& qname, rr_type qtype, bool tcp) {
    if (!config.on_query) return;
    query_trace t;
    t.name = qname;
    t.type = qtype;
    t.nameserver = config.nameserver.address;
    const auto ms = config.timeout.count();
    t.timeout_seconds = static_cast<unsigned>(std::max<std::int64_t>(0, (ms + 999) / 1000));
    t.tcp = tcp;
    config.on_query(t);
}

// The query's wire form, or why it has none (a name the wire cannot carry).
core::result<std::vector<std::uint8_t>, std::string> query_wire(std::uint16_t id, const std::string& qname,
                                                                rr_type qtype,
                                                                const stub_resolver_config& config) {
    auto wire = encode(make_query(id, qname, qtype, flags_for(config)));
    if (!wire) return core::failure("cannot encode the query: " + wire.error().rule);
    return std::move(wire).value();
}

asio::awaitable<exchange_outcome> udp_exchange(shared_state st, lookup_progress& progress, std::string qname,
                                               rr_type qtype) {
    const auto& config = st->config;
    const auto id = st->next_id();
    auto wire = query_wire(id, qname, qtype, config);
    if (!wire) co_return exchange_outcome{outcome_kind::failed, {}, wire.error()};
    const net::endpoint local{config.source_address, 0};
    auto bound = st->network.bind_datagram(local);
    if (!bound) {
        co_return exchange_outcome{
            outcome_kind::failed, {}, "cannot bind a UDP socket: " + bound.error().message()};
    }
    std::unique_ptr<net::datagram_socket> socket = std::move(bound).value();
    trace(config, qname, qtype, false);
    ++progress.queries_sent;

    const auto deadline = st->clock.now() + config.timeout;
    net::datagram_socket* raw_socket = socket.get();
    net::deadline_guard guard(st->timers, deadline, [raw_socket] { raw_socket->close(); });

    exchange_outcome out;
    const std::span<const std::byte> datagram = std::as_bytes(std::span(wire.value()));
    const io_result sent = co_await send_to(*socket, datagram, config.nameserver);
    if (sent.ec) {
        out = exchange_outcome{guard.expired() ? outcome_kind::timed_out : outcome_kind::failed,
                               {},
                               "UDP send failed: " + sent.ec.message()};
    } else {
        std::vector<std::byte> buffer(core::limits::dns_udp_reply_bytes_max);
        bool saw_malformed = false;
        std::string malformed_detail;
        for (;;) {
            const std::span<std::byte> into(buffer);
            const receive_result got = co_await receive_from(*socket, into);
            if (got.ec) {
                if (saw_malformed) {
                    out = exchange_outcome{outcome_kind::malformed, {}, malformed_detail};
                } else if (guard.expired()) {
                    out = exchange_outcome{outcome_kind::timed_out, {}, "no reply over UDP"};
                } else {
                    out =
                        exchange_outcome{outcome_kind::failed, {}, "UDP receive failed: " + got.ec.message()};
                }
                break;
            }
            // RFC 5452 §9.1: only the nameserver's address and port can answer; a reply from
            // anywhere else is ignored and the wait goes on.
            if (got.from != config.nameserver) continue;
            const std::span<const std::uint8_t> reply(reinterpret_cast<const std::uint8_t*>(buffer.data()),
                                                      got.bytes);
            if (reply.size() < header_bytes || wire_id(reply) != id) continue;
            auto decoded = decode(reply);
            if (!decoded) {
                // interpretation: bytes that do not decode cannot prove they answer our
                // question, so they do not end the wait (a forger could send them too); the
                // attempt reports them only if nothing usable follows.
                saw_malformed = true;
                malformed_detail = "undecodable reply: " + decoded.error().rule + " at byte " +
                                   std::to_string(decoded.error().column);
                continue;
            }
            if (!answers_question(decoded.value(), id, qname, qtype)) continue;
            const bool truncated = decoded.value().header.tc;
            out = exchange_outcome{
                truncated ? outcome_kind::truncated : outcome_kind::reply, std::move(decoded).value(), {}};
            break;
        }
    }
    guard.disarm();
    socket->close();
    co_return out;
}

asio::awaitable<exchange_outcome> tcp_exchange(shared_state st, lookup_progress& progress, std::string qname,
                                               rr_type qtype) {
    const auto& config = st->config;
    const auto id = st->next_id();
    auto wire = query_wire(id, qname, qtype, config);
    if (!wire) co_return exchange_outcome{outcome_kind::failed, {}, wire.error()};
    // RFC 1035 §4.2.2: over TCP each message is preceded by its two-byte length.
    auto framed = frame_for_tcp(wire.value());
    if (!framed) co_return exchange_outcome{outcome_kind::failed, {}, "cannot frame the query"};
    trace(config, qname, qtype, true);
    ++progress.queries_sent;

    auto conn = std::make_shared<tcp_connection>();
    conn->network = &st->network;
    const auto deadline = st->clock.now() + config.timeout;
    net::deadline_guard guard(st->timers, deadline, [conn] { conn->abort(); });

    exchange_outcome out;
    connect_result connected = co_await connect(st->network, config.source_address, config.nameserver, *conn);
    conn->connecting = false;
    if (connected.ec || !connected.stream) {
        const auto what = connected.ec ? connected.ec.message() : std::string("no stream");
        out = exchange_outcome{guard.expired() ? outcome_kind::timed_out : outcome_kind::failed,
                               {},
                               guard.expired() ? "no TCP connection in time" : "TCP connect failed: " + what};
        guard.disarm();
        co_return out;
    }
    conn->stream = std::move(connected.stream);
    net::byte_stream& stream = *conn->stream;

    const std::span<const std::byte> query_bytes = std::as_bytes(std::span(framed.value()));
    std::size_t written = 0;
    bool write_failed = false;
    while (written < query_bytes.size()) {
        const auto rest = query_bytes.subspan(written);
        const io_result w = co_await write_some(stream, rest);
        if (w.ec) {
            out = exchange_outcome{guard.expired() ? outcome_kind::timed_out : outcome_kind::failed,
                                   {},
                                   "TCP write failed: " + w.ec.message()};
            write_failed = true;
            break;
        }
        written += w.bytes;
    }

    if (!write_failed) {
        tcp_frame_reader reader;
        std::array<std::byte, 4096> buffer{};
        bool done = false;
        while (!done) {
            const std::span<std::byte> into(buffer);
            const io_result r = co_await read_some(stream, into);
            if (r.ec) {
                out = exchange_outcome{
                    guard.expired() ? outcome_kind::timed_out : outcome_kind::failed,
                    {},
                    guard.expired() ? "no reply over TCP" : "TCP read ended: " + r.ec.message()};
                break;
            }
            const std::span<const std::uint8_t> chunk(reinterpret_cast<const std::uint8_t*>(buffer.data()),
                                                      r.bytes);
            auto frames = reader.feed(chunk);
            if (!frames) {
                out =
                    exchange_outcome{outcome_kind::malformed, {}, "bad TCP framing: " + frames.error().rule};
                break;
            }
            for (auto& frame : frames.value()) {
                if (wire_id(frame) != id) continue;
                auto decoded = decode(frame);
                if (!decoded) {
                    // Over TCP the connection itself vouches for the peer, so an undecodable
                    // reply with our ID ends the exchange at once.
                    out = exchange_outcome{outcome_kind::malformed,
                                           {},
                                           "undecodable reply over TCP: " + decoded.error().rule +
                                               " at byte " + std::to_string(decoded.error().column)};
                    done = true;
                    break;
                }
                if (!answers_question(decoded.value(), id, qname, qtype)) continue;
                // RFC 1035 §4.1.1: TC says the message was cut to fit the channel. Over TCP
                // nothing is left to retry with, and the sections are incomplete (usually
                // empty): taking them as the answer would turn a broken or hostile server's
                // truncation loop into NODATA, and an MX lookup into a permanent bounce.
                // interpretation: like BIND ("truncated TCP response"), a failed exchange.
                if (decoded.value().header.tc) {
                    out = exchange_outcome{outcome_kind::malformed, {}, "truncated reply over TCP"};
                    done = true;
                    break;
                }
                out = exchange_outcome{outcome_kind::reply, std::move(decoded).value(), {}};
                done = true;
                break;
            }
        }
    }
    guard.disarm();
    stream.close();
    co_return out;
}

struct exchange_failure {
    lookup_status status = lookup_status::timeout;
    std::string detail;
};

// Asks one question until a reply comes or the attempts are spent: UDP first, then TCP
// once a reply was truncated, for this attempt and every later one.
asio::awaitable<std::variant<message, exchange_failure>> ask(shared_state st, lookup_progress& progress,
                                                             std::string qname, rr_type qtype) {
    const unsigned attempts = std::max(1u, st->config.attempts);
    bool over_tcp = false;
    bool saw_malformed = false;
    bool saw_failure = false;
    std::string detail;
    for (unsigned attempt = 0; attempt < attempts; ++attempt) {
        if (progress.queries_sent >= core::limits::dns_queries_per_lookup_max) {
            detail = "query budget of the lookup spent";
            saw_failure = true;
            break;
        }
        exchange_outcome out;
        if (!over_tcp) {
            out = co_await udp_exchange(st, progress, qname, qtype);
            if (out.kind == outcome_kind::truncated) {
                // RFC 1035 §4.2.1, RFC 7766 §5: a truncated UDP reply is asked again over TCP.
                over_tcp = true;
            }
        }
        if (over_tcp && progress.queries_sent < core::limits::dns_queries_per_lookup_max) {
            out = co_await tcp_exchange(st, progress, qname, qtype);
        }
        switch (out.kind) {
            case outcome_kind::reply:
                co_return std::move(out.reply);
            case outcome_kind::truncated:
            case outcome_kind::timed_out:
                break;
            case outcome_kind::malformed:
                saw_malformed = true;
                break;
            case outcome_kind::failed:
                saw_failure = true;
                break;
        }
        if (!out.detail.empty()) detail = out.detail;
    }
    // A reply that did not decode says more than silence; a refusing network more than a
    // timeout.
    lookup_status status = lookup_status::timeout;
    if (saw_malformed) {
        status = lookup_status::malformed;
    } else if (saw_failure) {
        status = lookup_status::servfail;
    }
    co_return exchange_failure{status, detail.empty() ? std::string("no usable reply") : detail};
}

// --- Reading a reply. ---

std::string lowered(std::string_view name) {
    return core::to_ascii_lower(name);
}

// Owner names and the names inside RDATA in one spelling (RFC 4343 §3), so callers can
// compare them as strings.
record lowered(record r) {
    r.name = lowered(r.name);
    std::visit(
        [](auto& d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, cname_rdata>) {
                d.target = lowered(d.target);
            } else if constexpr (std::is_same_v<T, mx_rdata>) {
                d.exchange = lowered(d.exchange);
            } else if constexpr (std::is_same_v<T, ns_rdata>) {
                d.host = lowered(d.host);
            } else if constexpr (std::is_same_v<T, soa_rdata>) {
                d.mname = lowered(d.mname);
                d.rname = lowered(d.rname);
            }
        },
        r.data);
    return r;
}

// What one reply's answer section says about a name, following CNAMEs (RFC 1034 §3.6.2,
// §4.3.2 step 3a: a name with a CNAME owns nothing else, so the records sought are at the
// end of the chain).
struct chain_walk {
    std::vector<record> rrset;
    std::string last_name;          // where the walk stopped
    bool stopped_at_cname = false;  // the last link's target has nothing in this reply
    bool touched = false;           // some answer record is owned by a name on the chain
    bool loop = false;
    bool too_long = false;
    std::uint32_t chain_ttl_min = std::numeric_limits<std::uint32_t>::max();
};

// `origin` is the name the lookup began with and `chain` the targets reached so far, in
// this reply and earlier ones; a target already among them is a loop.
chain_walk walk_answers(const message& m, const std::string& origin, const std::string& start, rr_type qtype,
                        std::vector<std::string>& chain) {
    chain_walk w;
    w.last_name = start;
    for (;;) {
        const record* cname = nullptr;
        bool owns_any = false;
        for (const auto& r : m.answers) {
            if (!core::equal_ignoring_case(r.name, w.last_name)) continue;
            owns_any = true;
            if (r.type() == qtype) {
                w.rrset.push_back(lowered(r));
            } else if (r.type() == rr_type::cname && cname == nullptr) {
                cname = &r;
            }
        }
        w.touched = w.touched || owns_any;
        if (!w.rrset.empty() || cname == nullptr) {
            // Only a target this reply says nothing at all about is worth asking again.
            w.stopped_at_cname = w.stopped_at_cname && !owns_any;
            return w;
        }
        const std::string target = lowered(std::get<cname_rdata>(cname->data).target);
        w.chain_ttl_min = std::min(w.chain_ttl_min, cname->ttl);
        if (target == origin || std::find(chain.begin(), chain.end(), target) != chain.end()) {
            w.loop = true;
            return w;
        }
        if (chain.size() >= core::limits::dns_cname_hops_max) {
            w.too_long = true;
            return w;
        }
        chain.push_back(target);
        w.last_name = target;
        w.stopped_at_cname = true;
    }
}

// RFC 2308 §5: a denial is cached for min(SOA TTL, SOA MINIMUM) of the SOA in the
// authority section; without one, for a short default.
std::uint32_t negative_ttl(const message& m) {
    for (const auto& r : m.authorities) {
        if (const auto* soa = std::get_if<soa_rdata>(&r.data)) return std::min(r.ttl, soa->minimum);
    }
    return static_cast<std::uint32_t>(core::limits::dns_negative_ttl_default.count());
}

asio::awaitable<lookup_result> run_lookup(shared_state st, std::string name, rr_type type) {
    lookup_result result;
    result.type = type;
    auto labels = parse_name(name);
    if (!labels) {
        result.name = core::quote_peer_text(name);
        result.status = lookup_status::malformed;
        result.detail = "not a domain name: " + labels.error().rule;
        co_return result;
    }
    result.name = lowered(format_name(labels.value()));
    if (st->config.cache_enabled) {
        if (auto hit = st->cache.find(result.name, type, st->clock.now())) co_return std::move(*hit);
    }

    lookup_progress progress;
    bool all_secure = true;
    std::uint32_t ttl_min = std::numeric_limits<std::uint32_t>::max();
    std::string current = result.name;
    bool finished = false;
    while (!finished) {
        auto asked = co_await ask(st, progress, current, type);
        if (auto* failure = std::get_if<exchange_failure>(&asked)) {
            result.status = failure->status;
            result.detail = std::move(failure->detail);
            break;
        }
        const message& reply = std::get<message>(asked);
        // RFC 4035 §3.2.3 [DANE-01]: AD says the resolver validated all of it; a chain
        // asked in several steps is only as secure as its weakest reply (RFC 7672 §2.1.3
        // [DANE-09]).
        all_secure = all_secure && reply.header.ad;
        const auto code = reply.header.rcode;
        if (code != rcode::noerror && code != rcode::nxdomain) {
            // RFC 4035 §5.5: a validating resolver answers bogus data with SERVFAIL, so this
            // covers bogus as well as upstream failures and REFUSED.
            result.status = lookup_status::servfail;
            result.detail = "resolver answered " + rcode_name(code);
            break;
        }
        const auto walk = walk_answers(reply, result.name, current, type, result.cname_chain);
        ttl_min = std::min(ttl_min, walk.chain_ttl_min);
        if (walk.loop || walk.too_long) {
            result.status = lookup_status::servfail;
            result.detail = walk.loop ? "CNAME loop in the answer" : "CNAME chain too long";
            break;
        }
        if (!walk.rrset.empty()) {
            if (code == rcode::nxdomain) {
                result.status = lookup_status::malformed;
                result.detail = "NXDOMAIN with records of the asked type";
                break;
            }
            for (const auto& r : walk.rrset) ttl_min = std::min(ttl_min, r.ttl);
            result.records = walk.rrset;
            result.status = lookup_status::answer;
            finished = true;
            continue;
        }
        if (code == rcode::noerror && !walk.touched && !reply.answers.empty()) {
            result.status = lookup_status::malformed;
            result.detail = "the answer section does not answer the question";
            break;
        }
        if (code == rcode::noerror && walk.stopped_at_cname) {
            // RFC 1034 §5.3.3: the answer stopped at a CNAME whose target it did not
            // resolve; ask for the target, within the same bound on links.
            if (progress.queries_sent >= core::limits::dns_queries_per_lookup_max) {
                result.status = lookup_status::servfail;
                result.detail = "query budget of the lookup spent";
                break;
            }
            current = walk.last_name;
            continue;
        }
        // RFC 6604 §3: with a CNAME chain the RCODE speaks of its last name.
        result.status = code == rcode::nxdomain ? lookup_status::nxdomain : lookup_status::nodata;
        ttl_min = std::min(ttl_min, negative_ttl(reply));
        finished = true;
    }
    result.queries_sent = progress.queries_sent;
    if (result.status == lookup_status::answer || result.does_not_exist()) {
        result.security = all_secure ? dnssec_status::secure : dnssec_status::insecure;
        result.ttl = ttl_min;
        if (st->config.cache_enabled) st->cache.store(result, st->clock.now());
    } else {
        result.records.clear();
        result.ttl = 0;
    }
    co_return result;
}

}  // namespace

stub_resolver::stub_resolver(asio::io_context& io, net::network& network, net::timer_service& timers,
                             const core::clock& clock, stub_resolver_config config)
    : state_(std::make_shared<state>(io, network, timers, clock, std::move(config))) {}

stub_resolver::~stub_resolver() = default;

const stub_resolver_config& stub_resolver::config() const noexcept {
    return state_->config;
}

std::size_t stub_resolver::cached_entries() const noexcept {
    return state_->cache.size();
}

void stub_resolver::lookup(std::string_view name, rr_type type, lookup_handler handler) {
    // co_spawn starts the coroutine through post(), so the handler never runs in here.
    auto st = state_;
    std::string asked(name);
    asio::co_spawn(st->io, run_lookup(st, asked, type),
                   [h = std::move(handler), asked, type](std::exception_ptr e, lookup_result r) mutable {
                       if (e) {
                           // Only resource exhaustion gets here; the caller still hears once.
                           r = lookup_result{};
                           r.name = core::quote_peer_text(asked);
                           r.type = type;
                           r.status = lookup_status::servfail;
                           r.detail = "internal error in the DNS client";
                       }
                       h(std::move(r));
                   });
}

}  // namespace sts::dns
