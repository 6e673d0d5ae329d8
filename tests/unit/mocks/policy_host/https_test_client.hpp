// tests/unit/mocks/policy_host/https_test_client.hpp
//
// A small HTTPS client for the mock policy host and CONNECT proxy tests: it connects over
// the world's network, optionally asks a proxy for a tunnel (CONNECT), runs a real OpenSSL
// handshake with SNI and certificate verification at the world's virtual time, sends a
// request with Beast and reads the answer (header first, so the body limit holds), all
// under one deadline of virtual time. It stands in for the engine's fetch, records what
// happened at each stage, and never throws for a failure of the peer.
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "engine/core/clock.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"
#include "engine/net/network.hpp"
#include "mocks/policy_host/policy_site.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sts::test::https {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

struct proxy_hop {
    net::endpoint proxy;
    std::string authority = "mta-sts.example.com:443";  // the CONNECT target
    std::string authorization;                          // Proxy-Authorization; empty: none
};

struct request_options {
    std::string source_address = "192.0.2.1";
    std::optional<proxy_hop> via;
    std::string sni = "mta-sts.example.com";          // empty: no SNI
    std::string verify_host = "mta-sts.example.com";  // empty: no name check
    std::string trust_pem;                            // the anchors; empty: trust nothing
    std::string method = "GET";
    std::string target = "/.well-known/mta-sts.txt";
    std::string host_header = "mta-sts.example.com";  // empty: no Host field
    std::vector<mocks::http_field> headers;
    std::string body;
    bool keep_alive = true;
    int requests = 1;  // sent one after the other on the connection
    std::uint64_t body_limit = 16 * 1024 * 1024;
    core::duration timeout = std::chrono::seconds{60};
};

struct fetch_result {
    std::string stage;  // where it ended: connect, proxy, handshake, write, header, body, done
    boost::system::error_code error;
    bool timed_out = false;
    long verify_result = -1;
    std::string tls_version;
    std::string peer_subject;
    unsigned proxy_status = 0;
    std::vector<mocks::http_field> proxy_headers;
    unsigned status = 0;
    std::vector<mocks::http_field> headers;
    std::string body;
    int responses = 0;  // complete responses read
    core::time_point header_at{};
    core::time_point finished_at{};

    std::optional<std::string> header(std::string_view name) const {
        for (const auto& f : headers) {
            if (f.name.size() == name.size() &&
                std::equal(f.name.begin(), f.name.end(), name.begin(),
                           [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
                return f.value;
            }
        }
        return std::nullopt;
    }
};

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

template <class Message>
std::vector<mocks::http_field> fields_of(const Message& m) {
    std::vector<mocks::http_field> out;
    for (const auto& f : m) {
        out.push_back({std::string(f.name_string().data(), f.name_string().size()),
                       std::string(f.value().data(), f.value().size())});
    }
    return out;
}

inline asio::awaitable<void> fetch(net::network& network, net::timer_service& timers,
                                   const core::clock& clock, net::endpoint server, request_options options,
                                   fetch_result& out) {
    const auto deadline = clock.now() + options.timeout;
    const auto executor = co_await asio::this_coro::executor;
    const auto finish = [&](const char* stage, boost::system::error_code ec) {
        out.stage = stage;
        out.error = ec;
        out.finished_at = clock.now();
    };
    boost::system::error_code ec;
    std::unique_ptr<net::byte_stream> stream;
    const net::endpoint first_hop = options.via ? options.via->proxy : server;
    {
        net::connect_id id = 0;
        net::deadline_guard guard(timers, deadline, [&network, &id] { network.cancel_connect(id); });
        stream = co_await async_open(network, options.source_address, first_hop, id,
                                     asio::redirect_error(asio::use_awaitable, ec));
        out.timed_out = guard.expired();
    }
    if (ec || !stream) {
        finish("connect", ec);
        co_return;
    }
    net::deadline_guard guard(timers, deadline, [&stream] { stream->close(); });
    net::asio_stream plain(executor, *stream);
    beast::flat_buffer buffer;

    if (options.via) {
        http::request<http::empty_body> connect{http::verb::connect, options.via->authority, 11};
        connect.set(http::field::host, options.via->authority);
        if (!options.via->authorization.empty()) {
            connect.set(http::field::proxy_authorization, options.via->authorization);
        }
        co_await http::async_write(plain, connect, asio::redirect_error(asio::use_awaitable, ec));
        http::response_parser<http::empty_body> answer;
        answer.skip(true);  // RFC 9110 §9.3.6: a 2xx to CONNECT has no content
        if (!ec)
            co_await http::async_read_header(plain, buffer, answer,
                                             asio::redirect_error(asio::use_awaitable, ec));
        out.timed_out = guard.expired();
        if (ec) {
            finish("proxy", ec);
            stream->close();
            co_return;
        }
        out.proxy_status = answer.get().result_int();
        out.proxy_headers = fields_of(answer.get());
        if (out.proxy_status != 200) {
            finish("proxy", {});
            stream->close();
            co_return;
        }
    }

    asio::ssl::context tls_context(asio::ssl::context::tls_client);
    if (!options.trust_pem.empty()) tls_context.add_certificate_authority(asio::buffer(options.trust_pem));
    tls_context.set_verify_mode(asio::ssl::verify_peer);
    SSL_CTX_set_min_proto_version(tls_context.native_handle(), TLS1_2_VERSION);
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(tls_context.native_handle());
    X509_VERIFY_PARAM_set_time(
        param, std::chrono::floor<std::chrono::seconds>(clock.now()).time_since_epoch().count());
    if (!options.verify_host.empty()) X509_VERIFY_PARAM_set1_host(param, options.verify_host.c_str(), 0);
    asio::ssl::stream<net::asio_stream> tls(plain, tls_context);
    if (!options.sni.empty()) SSL_set_tlsext_host_name(tls.native_handle(), options.sni.c_str());
    // The leaf's subject, also when verification fails (the session then keeps no peer).
    tls.set_verify_callback([&out](bool preverified, asio::ssl::verify_context& context) {
        X509_STORE_CTX* store = context.native_handle();
        if (X509_STORE_CTX_get_error_depth(store) == 0 && X509_STORE_CTX_get_current_cert(store) != nullptr) {
            char text[256];
            X509_NAME_oneline(X509_get_subject_name(X509_STORE_CTX_get_current_cert(store)), text,
                              sizeof text);
            out.peer_subject = text;
        }
        return preverified;
    });
    co_await tls.async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
    out.verify_result = SSL_get_verify_result(tls.native_handle());
    out.timed_out = guard.expired();
    if (ec) {
        finish("handshake", ec);
        stream->close();
        co_return;
    }
    out.tls_version = SSL_get_version(tls.native_handle());

    for (int i = 0; i < options.requests; ++i) {
        http::request<http::string_body> request;
        request.version(11);
        const auto verb = http::string_to_verb(options.method);
        if (verb == http::verb::unknown)
            request.method_string(options.method);
        else
            request.method(verb);
        request.target(options.target);
        if (!options.host_header.empty()) request.set(http::field::host, options.host_header);
        for (const auto& f : options.headers) request.insert(f.name, f.value);
        request.keep_alive(options.keep_alive);
        request.body() = options.body;
        if (!options.body.empty()) request.prepare_payload();
        co_await http::async_write(tls, request, asio::redirect_error(asio::use_awaitable, ec));
        out.timed_out = guard.expired();
        if (ec) {
            finish("write", ec);
            stream->close();
            co_return;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(options.body_limit);
        if (options.method == "HEAD") parser.skip(true);
        co_await http::async_read_header(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        out.timed_out = guard.expired();
        if (parser.is_header_done()) {
            out.header_at = clock.now();
            out.status = parser.get().result_int();
            out.headers = fields_of(parser.get());
        }
        if (ec) {
            finish("header", ec);
            stream->close();
            co_return;
        }
        if (!parser.is_done()) {
            co_await http::async_read(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
        out.body = parser.get().body();
        out.timed_out = guard.expired();
        if (ec) {
            finish("body", ec);
            stream->close();
            co_return;
        }
        ++out.responses;
    }
    finish("done", {});
    stream->close();
}

}  // namespace sts::test::https
