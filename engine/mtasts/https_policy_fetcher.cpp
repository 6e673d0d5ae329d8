#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "engine/mtasts/https_policy_fetcher.hpp"

#include "engine/core/clock.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/dns/asio_lookup.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/mtasts/policy_parser.hpp"
#include "engine/mtasts/policy_response.hpp"
#include "engine/net/asio_connect.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"
#include "engine/net/network.hpp"
#include "engine/tls/borrowed_context.hpp"
#include "engine/tls/client_tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace sts::mtasts {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

using tlsrpt::failure_reason;

namespace {

using tls_stream = asio::ssl::stream<net::asio_stream>;

// RFC 8461 §3.3 [STS-FETCH-02]: the one resource a policy lives at.
constexpr std::string_view well_known_path = "/.well-known/mta-sts.txt";
struct ports {
    net::network* network;
    net::timer_service* timers;
    const core::clock* clock;
    dns::resolver* resolver;
    tls::client_tls* tls;
    https_policy_fetcher_config config;
};

// ---- pure decisions ------------------------------------------------------------------

// What a certificate chain problem is called for a policy host (RFC 8460 §4.3.2.2: all of
// them are sts-webpki-invalid). client_tls names the problem in its own vocabulary, shared
// with the SMTP client; either vocabulary is accepted here.
failure_reason policy_certificate_reason(std::optional<failure_reason> chain_failure, tls::chain_status chain) {
    if (chain_failure) {
        switch (*chain_failure) {
            case failure_reason::mx_certificate_expired:
            case failure_reason::policy_certificate_expired:
                return failure_reason::policy_certificate_expired;
            case failure_reason::mx_certificate_not_yet_valid:
            case failure_reason::policy_certificate_not_yet_valid:
                return failure_reason::policy_certificate_not_yet_valid;
            case failure_reason::mx_certificate_untrusted:
            case failure_reason::policy_certificate_untrusted:
                return failure_reason::policy_certificate_untrusted;
            case failure_reason::mx_certificate_self_signed:
            case failure_reason::policy_certificate_self_signed:
                return failure_reason::policy_certificate_self_signed;
            case failure_reason::mx_certificate_chain_incomplete:
            case failure_reason::policy_certificate_chain_incomplete:
                return failure_reason::policy_certificate_chain_incomplete;
            case failure_reason::mx_certificate_host_mismatch:
            case failure_reason::policy_certificate_name_mismatch:
                return failure_reason::policy_certificate_name_mismatch;
            default:
                return failure_reason::policy_certificate_invalid;
        }
    }
    return chain == tls::chain_status::expired ? failure_reason::policy_certificate_expired
                                               : failure_reason::policy_certificate_untrusted;
}

std::string_view view_of(beast::string_view s) { return {s.data(), s.size()}; }

bool is_connection_loss(const boost::system::error_code& ec) {
    return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated ||
           ec == asio::error::connection_aborted || ec == asio::error::broken_pipe;
}

std::string describe_finding(const core::finding& f) {
    std::string out = f.line == 0 ? std::string("policy: ") : fmt::format("line {}: ", f.line);
    out += f.rule;
    if (!f.detail.empty()) out += fmt::format(" ({})", f.detail);
    return out;
}

// ---- one fetch -----------------------------------------------------------------------

struct failed {
    failure_reason reason;
    fetch_failure_kind kind;
    std::string detail;
};

class fetch_session {
public:
    fetch_session(ports p, fetch_request request)
        : p_(std::move(p)),
          request_(std::move(request)),
          host_("mta-sts." + request_.domain),
          deadline_(p_.clock->now() + p_.config.timeout) {
        report_.via_proxy = request_.proxy.has_value();
    }

    asio::awaitable<fetch_report> run() {
        auto body = co_await fetch_body();
        if (!failure_) {
            interpret(*body);
        }
        if (failure_) {
            report_.reason = failure_->reason;
            report_.outcome = core::failure(fetch_failure{failure_->kind, std::move(failure_->detail)});
        }
        co_return std::move(report_);
    }

private:
    void fail(failure_reason reason, fetch_failure_kind kind, std::string detail) {
        if (!failure_) failure_ = failed{reason, kind, std::move(detail)};
    }

    void fail_timeout(std::string_view stage) {
        // RFC 8461 §3.3 [STS-FETCH-13]: the whole fetch is bounded by one timeout.
        fail(failure_reason::policy_fetch_timeout, fetch_failure_kind::timeout,
             fmt::format("fetch of https://{}{} not finished within {} s ({})", host_, well_known_path,
                         std::chrono::duration_cast<std::chrono::seconds>(p_.config.timeout).count(), stage));
    }

    // RFC 8461 §3.3 [STS-FETCH-18]: a failure to resolve the Policy Host is a failure to
    // fetch. Only A records are asked for.
    asio::awaitable<std::vector<std::string>> resolve() {
        const std::string name = host_;
        auto answer = co_await dns::async_lookup_until(*p_.resolver, *p_.timers, name, dns::rr_type::a, deadline_,
                                                    asio::use_awaitable);
        std::vector<std::string> addresses;
        if (!answer) {
            fail_timeout("resolving " + host_);
            co_return addresses;
        }
        if (answer->ok()) {
            for (const auto& r : answer->records) {
                if (const auto* a = std::get_if<dns::a_rdata>(&r.data)) addresses.push_back(a->address);
            }
            if (addresses.empty()) {
                fail(failure_reason::policy_host_not_found, fetch_failure_kind::host_unresolved,
                     fmt::format("{} has no A record", host_));
            }
        } else if (answer->does_not_exist()) {
            fail(failure_reason::policy_host_not_found, fetch_failure_kind::host_unresolved,
                 fmt::format("{} A: {}", host_, dns::to_string(answer->status)));
        } else {
            fail(failure_reason::policy_host_dns_failed, fetch_failure_kind::host_unresolved,
                 answer->detail.empty() ? fmt::format("{} A: {}", host_, dns::to_string(answer->status))
                                        : fmt::format("{} A: {}: {}", host_, dns::to_string(answer->status),
                                                      answer->detail));
        }
        co_return addresses;
    }

    // One TCP connection, bounded by the fetch deadline. Sets *timed_out when the
    // deadline cancelled it.
    asio::awaitable<std::unique_ptr<net::byte_stream>> connect(const net::endpoint& remote, bool& timed_out,
                                                               boost::system::error_code& ec) {
        report_.connected_to = net::to_string(remote);
        auto id = std::make_shared<std::optional<net::connect_id>>();
        net::network* network = p_.network;
        net::deadline_guard guard(*p_.timers, deadline_, [network, id] {
            if (*id) network->cancel_connect(**id);
        });
        auto stream = co_await net::async_connect(*p_.network, p_.config.source_address, remote, id,
                                                  asio::redirect_error(asio::use_awaitable, ec));
        timed_out = guard.expired();
        if (timed_out && stream) {
            stream->close();
            stream.reset();
        }
        co_return stream;
    }

    asio::awaitable<std::unique_ptr<net::byte_stream>> connect_direct(const std::vector<std::string>& addresses) {
        const std::size_t tries = std::min(addresses.size(), core::limits::policy_host_addresses_tried_max);
        boost::system::error_code ec;
        for (std::size_t i = 0; i < tries; ++i) {
            const net::endpoint remote{addresses[i], p_.config.port};
            bool timed_out = false;
            auto stream = co_await connect(remote, timed_out, ec);
            if (stream) co_return stream;
            if (timed_out) {
                fail(failure_reason::policy_host_connect_timeout, fetch_failure_kind::connect_failed,
                     fmt::format("connecting to {} ({}) timed out", host_, net::to_string(remote)));
                co_return nullptr;
            }
            // A refused address is no verdict on the host: try its next address.
        }
        fail(failure_reason::policy_host_connect_refused, fetch_failure_kind::connect_failed,
             fmt::format("connecting to {} ({}) failed: {}", host_, report_.connected_to, ec.message()));
        co_return nullptr;
    }

    // RFC 9110 §9.3.6: a tunnel to mta-sts.<domain>:443 through the configured proxy. The
    // proxy resolves the name itself, as it would for any HTTPS client behind it.
    asio::awaitable<bool> open_tunnel(net::asio_stream& plain, beast::flat_buffer& buffer,
                                      const net::deadline_guard& guard) {
        const std::string authority = fmt::format("{}:{}", host_, p_.config.port);
        http::request<http::empty_body> connect_request{http::verb::connect, authority, 11};
        connect_request.set(http::field::host, authority);
        boost::system::error_code ec;
        co_await http::async_write(plain, connect_request, asio::redirect_error(asio::use_awaitable, ec));
        http::response_parser<http::empty_body> answer;
        answer.header_limit(static_cast<std::uint32_t>(core::limits::policy_http_header_bytes_max));
        answer.skip(true);  // RFC 9110 §9.3.6: a 2xx to CONNECT has no content
        if (!ec) co_await http::async_read_header(plain, buffer, answer, asio::redirect_error(asio::use_awaitable, ec));
        const std::string proxy = report_.connected_to;
        if (ec) {
            if (guard.expired()) {
                fail(failure_reason::proxy_stalled, fetch_failure_kind::timeout,
                     fmt::format("proxy {} did not answer CONNECT {} in time", proxy, authority));
            } else {
                fail(failure_reason::proxy_refused, fetch_failure_kind::connect_failed,
                     fmt::format("proxy {} gave no answer to CONNECT {}: {}", proxy, authority, ec.message()));
            }
            co_return false;
        }
        const unsigned status = answer.get().result_int();
        report_.proxy_status = status;
        const std::string said = fmt::format("proxy {} answered CONNECT {} with {} {}", proxy, authority, status,
                                             core::quote_peer_text(view_of(answer.get().reason())));
        if (status == 407) {
            fail(failure_reason::proxy_auth_required, fetch_failure_kind::connect_failed, said);
            co_return false;
        }
        if (status == 502) {
            fail(failure_reason::proxy_bad_gateway, fetch_failure_kind::connect_failed, said);
            co_return false;
        }
        if (status < 200 || status > 299) {
            fail(failure_reason::proxy_refused, fetch_failure_kind::connect_failed, said);
            co_return false;
        }
        // The TLS client speaks first; a proxy that sends bytes of its own after the 2xx is
        // not a transparent tunnel.
        if (buffer.size() != 0) {
            fail(failure_reason::proxy_refused, fetch_failure_kind::connect_failed,
                 fmt::format("proxy {} sent {} bytes after its answer to CONNECT", proxy, buffer.size()));
            co_return false;
        }
        co_return true;
    }

    asio::awaitable<bool> handshake(tls_stream& tls, const tls::peer_check& check, const net::deadline_guard& guard) {
        ssl_st* ssl = tls.native_handle();
        // RFC 8461 §7.1 [STS-FETCH-07]: SNI is the Policy Host; RFC 8461 §4.2 TLS 1.2 or later;
        // verification at the world's clock (client_tls).
        if (auto prepared = p_.tls->prepare(ssl, check); !prepared) {
            fail(failure_reason::policy_tls_handshake_failed, fetch_failure_kind::tls_failed,
                 fmt::format("TLS setup for {} refused: {}", host_, prepared.error()));
            co_return false;
        }
        boost::system::error_code ec;
        co_await tls.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (guard.expired()) {
                fail_timeout("TLS handshake");
            } else if (ec == asio::error::connection_reset) {
                fail(failure_reason::policy_host_connection_reset, fetch_failure_kind::connect_failed,
                     fmt::format("{} reset the connection during the TLS handshake", host_));
            } else {
                auto [why, words] = p_.tls->handshake_failure(ssl);
                const std::string_view floor_note =
                    why == failure_reason::tls_version_too_old ? " (the host offers nothing from TLS 1.2 up)" : "";
                fail(failure_reason::policy_tls_handshake_failed, fetch_failure_kind::tls_failed,
                     fmt::format("TLS handshake with {} failed{}: {}", host_, floor_note,
                                 words.empty() ? ec.message() : words));
            }
            co_return false;
        }
        // RFC 8461 §3.3 [STS-FETCH-03, STS-FETCH-04, STS-FETCH-05]: the chain must be valid
        // and trusted, and a DNS-ID must match the Policy Host; otherwise the policy is not
        // authenticated (sts-webpki-invalid).
        const tls::peer_observation seen = p_.tls->observe(ssl, check);
        if (seen.chain != tls::chain_status::trusted) {
            fail(policy_certificate_reason(seen.chain_failure, seen.chain), fetch_failure_kind::webpki_invalid,
                 fmt::format("certificate of {} ({}) not valid: {}", host_, core::quote_peer_text(seen.leaf_subject),
                             seen.chain_detail.empty() ? std::string(tls::to_string(seen.chain)) : seen.chain_detail));
            co_return false;
        }
        if (!seen.reference_name_match) {
            fail(failure_reason::policy_certificate_name_mismatch, fetch_failure_kind::webpki_invalid,
                 fmt::format("certificate ({}) has no DNS-ID matching {}", core::quote_peer_text(seen.leaf_subject),
                             host_));
            co_return false;
        }
        co_return true;
    }

    void fail(policy_response_failure f) { fail(f.reason, f.kind, std::move(f.detail)); }

    // Maps an error while reading or writing HTTP inside the TLS session.
    void fail_exchange(const boost::system::error_code& ec, const net::deadline_guard& guard, std::string_view stage) {
        if (guard.expired()) {
            fail_timeout(stage);
        } else if (ec == http::error::body_limit) {
            fail(policy_body_too_large(host_, p_.config.body_bytes_max));
        } else if (is_connection_loss(ec)) {
            fail(failure_reason::policy_host_connection_reset, fetch_failure_kind::connect_failed,
                 fmt::format("{} closed the connection during the {}: {}", host_, stage, ec.message()));
        } else {
            fail(policy_response_malformed(host_, stage, ec.message()));
        }
    }

    // The response head: RFC 8461 §3.3 status and §3.2 media type (policy_response.hpp),
    // before any body is read. Beast checks its body limit against Content-Length only
    // while parsing the head, before the limit was set, so the rules check it here.
    bool check_head(const http::response_parser<http::string_body>& parser) {
        const auto& head = parser.get();
        policy_response_head seen;
        seen.status = head.result_int();
        seen.reason = std::string(view_of(head.reason()));
        seen.content_type_fields = head.count(http::field::content_type);
        seen.content_type = std::string(view_of(head[http::field::content_type]));
        seen.location = std::string(view_of(head[http::field::location]));
        if (const auto length = parser.content_length()) seen.content_length = *length;
        report_.http_status = seen.status;
        if (auto refused = check_policy_response_head(seen, host_, p_.config.body_bytes_max)) {
            fail(std::move(*refused));
            return false;
        }
        return true;
    }

    asio::awaitable<std::optional<std::string>> fetch_body() {
        std::unique_ptr<net::byte_stream> stream;
        if (request_.proxy) {
            bool timed_out = false;
            boost::system::error_code ec;
            stream = co_await connect(*request_.proxy, timed_out, ec);
            if (!stream) {
                if (timed_out) {
                    fail(failure_reason::proxy_connect_timeout, fetch_failure_kind::connect_failed,
                         fmt::format("connecting to proxy {} timed out", report_.connected_to));
                } else {
                    fail(failure_reason::proxy_connect_refused, fetch_failure_kind::connect_failed,
                         fmt::format("connecting to proxy {} failed: {}", report_.connected_to, ec.message()));
                }
                co_return std::nullopt;
            }
        } else {
            const auto addresses = co_await resolve();
            if (failure_) co_return std::nullopt;
            stream = co_await connect_direct(addresses);
            if (!stream) co_return std::nullopt;
        }
        auto body = co_await exchange(*stream);
        stream->close();
        co_return body;
    }

    // TLS, GET and the response, on a connected stream (to the host, or a proxy).
    asio::awaitable<std::optional<std::string>> exchange(net::byte_stream& stream) {
        net::byte_stream* raw = &stream;
        net::deadline_guard guard(*p_.timers, deadline_, [raw] { raw->close(); });
        const auto executor = co_await asio::this_coro::executor;
        net::asio_stream plain(executor, stream);
        beast::flat_buffer buffer;
        if (request_.proxy && !co_await open_tunnel(plain, buffer, guard)) co_return std::nullopt;

        auto context = tls::borrow_context(p_.tls->context());
        tls_stream tls(plain, context);
        tls::peer_check check;
        check.sni = host_;
        check.reference_names = {host_};
        check.min_version = tls::version_floor::tls1_2;
        if (!co_await handshake(tls, check, guard)) co_return std::nullopt;

        // RFC 8461 §3.3 [STS-FETCH-02, STS-FETCH-10]: a plain GET of the well-known
        // resource; no conditional or cache-related header is ever sent.
        const beast::string_view target(well_known_path.data(), well_known_path.size());
        http::request<http::empty_body> get{http::verb::get, target, 11};
        get.set(http::field::host, host_);
        get.set(http::field::connection, "close");
        boost::system::error_code ec;
        co_await http::async_write(tls, get, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            fail_exchange(ec, guard, "request");
            co_return std::nullopt;
        }
        http::response_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(core::limits::policy_http_header_bytes_max));
        co_await http::async_read_header(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            fail_exchange(ec, guard, "response head");
            co_return std::nullopt;
        }
        if (!check_head(parser)) co_return std::nullopt;
        // Beast 1.74's async_read does not apply a limit set before the header was read to
        // the body, so the cap for chunked and until-close bodies is set here, between the
        // two reads.
        parser.body_limit(std::uint64_t{p_.config.body_bytes_max});
        if (!parser.is_done()) {
            co_await http::async_read(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                fail_exchange(ec, guard, "body");
                co_return std::nullopt;
            }
        }
        guard.disarm();
        co_return std::move(parser.get().body());
    }

    // RFC 8461 §3.2, §3.3 [STS-PARSE-18]: a body that is no valid policy is a failure to
    // obtain one.
    void interpret(const std::string& body) {
        auto parsed = parse_policy(body);
        if (!parsed.parsed) {
            std::string detail = parsed.errors.empty() ? std::string("the body is not a valid policy")
                                                       : describe_finding(parsed.errors.front());
            if (parsed.errors.size() > 1) detail += fmt::format(" (and {} more)", parsed.errors.size() - 1);
            fail(failure_reason::policy_body_invalid, fetch_failure_kind::policy_invalid, std::move(detail));
            return;
        }
        for (const auto& note : parsed.notes) report_.parser_notes.push_back(describe_finding(note));
        report_.outcome = std::move(*parsed.parsed);
    }

    ports p_;
    fetch_request request_;
    std::string host_;
    core::time_point deadline_;
    fetch_report report_;
    std::optional<failed> failure_;
};

asio::awaitable<fetch_report> run_session(std::unique_ptr<fetch_session> session) {
    co_return co_await session->run();
}

}  // namespace

https_policy_fetcher::https_policy_fetcher(boost::asio::io_context& io, net::network& network,
                                           net::timer_service& timers, const core::clock& clock,
                                           dns::resolver& resolver, tls::client_tls& tls,
                                           https_policy_fetcher_config config)
    : io_(&io),
      network_(&network),
      timers_(&timers),
      clock_(&clock),
      resolver_(&resolver),
      tls_(&tls),
      config_(std::move(config)) {}

void https_policy_fetcher::fetch(const fetch_request& request, fetch_handler handler) {
    auto session = std::make_unique<fetch_session>(
        ports{network_, timers_, clock_, resolver_, tls_, config_}, request);
    // co_spawn never runs the coroutine inside this call, so the handler is never called
    // from inside fetch() either.
    asio::co_spawn(*io_, run_session(std::move(session)),
                   [h = std::move(handler)](std::exception_ptr error, fetch_report report) mutable {
                       if (error) std::rethrow_exception(error);
                       h(std::move(report));
                   });
}

}  // namespace sts::mtasts
