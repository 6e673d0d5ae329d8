// Tests mocks/proxy/connect_proxy.hpp on the simulated network: a tunnel to a mock policy
// host end to end (CONNECT, then TLS inside the tunnel, then GET), 407, 502, 504, stall,
// refusal through the network's fault, TLS interception (a certificate that fails WebPKI
// validation yet verifies against the interception CA, and the forged answer behind it),
// the record of every CONNECT, and identical transcripts across two runs.
#include "mocks/proxy/connect_proxy.hpp"

#include "mocks/certs/cert_factory.hpp"
#include "mocks/policy_host/policy_host.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"
#include "tests/unit/mocks/policy_host/https_test_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using sts::core::time_point;
using sts::test::covers;
using namespace sts::mocks;
namespace https = sts::test::https;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};
const sts::net::endpoint host_endpoint{"192.0.2.10", 443};
const sts::net::endpoint proxy_endpoint{"192.0.2.20", 3128};

const std::string policy_text =
    "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 86400\r\n";

cert_factory& certs() {
    static cert_factory factory{7};
    return factory;
}

policy_host_config host_config() {
    leaf_spec spec;
    spec.dns_names = {"mta-sts.example.com"};
    auto issued = certs().issue_leaf(spec);
    BOOST_REQUIRE(issued.has_value());
    policy_host_config config;
    config.host_name = "mta-sts.example.com";
    config.listen = host_endpoint;
    config.tls.identity = {issued->chain_pem(), issued->key_pem()};
    config.response.body = policy_text;
    return config;
}

connect_proxy_config proxy_config(proxy_fault fault = proxy_fault::none) {
    connect_proxy_config config;
    config.host_name = "proxy.sender.test";
    config.listen = proxy_endpoint;
    config.targets = {{"mta-sts.example.com", host_endpoint.address}};
    config.fault = fault;
    config.interception_ca = {certs().interception_ca().pem(), certs().interception_ca().key_pem()};
    return config;
}

https::request_options through_proxy(std::string trust_pem = certs().trust_store_pem()) {
    https::request_options options;
    options.trust_pem = std::move(trust_pem);
    options.via.emplace();
    options.via->proxy = proxy_endpoint;
    return options;
}

struct world {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    transcript record;
    mock_context ctx{sched.io(), network, sched, sched, record};
    std::unique_ptr<policy_host> host;
    std::unique_ptr<connect_proxy> proxy;

    explicit world(connect_proxy_config config = proxy_config()) {
        host = std::make_unique<policy_host>(ctx, host_config());
        BOOST_REQUIRE(host->start().has_value());
        proxy = std::make_unique<connect_proxy>(ctx, std::move(config));
        const auto started = proxy->start();
        BOOST_REQUIRE_MESSAGE(started.has_value(), (started.has_value() ? std::string() : started.error()));
    }

    https::fetch_result fetch(https::request_options options = through_proxy()) {
        https::fetch_result out;
        boost::asio::co_spawn(sched.io(),
                              https::fetch(network, sched, sched, host_endpoint, std::move(options), out),
                              [](std::exception_ptr e) {
                                  if (e) std::rethrow_exception(e);
                              });
        sched.run();
        return out;
    }

    bool transcript_has(std::string_view text) const {
        for (const auto& e : record.entries()) {
            if (e.text.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_connect_proxy)

BOOST_AUTO_TEST_CASE(a_tunnel_carries_tls_and_the_policy_fetch_end_to_end,
                     *covers("STS-FETCH-02", "STS-FETCH-07")) {
    world w;
    const auto got = w.fetch();
    BOOST_TEST(got.proxy_status == 200u);
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.verify_result == X509_V_OK);
    BOOST_TEST(got.status == 200u);
    BOOST_TEST(got.body == policy_text);
    BOOST_REQUIRE(w.proxy->connects().size() == 1u);
    const auto& c = w.proxy->connects().front();
    BOOST_TEST(c.method == "CONNECT");
    BOOST_TEST(c.target == "mta-sts.example.com:443");
    BOOST_TEST(c.host == "mta-sts.example.com");
    BOOST_TEST(c.port == 443u);
    BOOST_TEST(c.header("Host").value_or("") == "mta-sts.example.com:443");
    BOOST_TEST(c.status == 200u);
    // A TLS 1.3 handshake and one small exchange: a few hundred bytes up, more down.
    BOOST_TEST(c.bytes_to_target > 200u);
    BOOST_TEST(c.bytes_to_client > c.bytes_to_target);
    // The policy host saw the client's TLS, end to end: its SNI and its request.
    BOOST_REQUIRE(w.host->requests().size() == 1u);
    BOOST_TEST(w.host->requests().front().sni == "mta-sts.example.com");
    BOOST_TEST(w.proxy->intercepted().empty());
    BOOST_TEST(w.transcript_has("CONNECT mta-sts.example.com:443 HTTP/1.1"));
    BOOST_TEST(w.transcript_has("tunnel to 192.0.2.10:443 open"));
    BOOST_TEST(w.transcript_has("tunnel closed"));
    // The host saw the connection coming from the proxy, not from the client.
    bool from_proxy = false;
    for (const auto& contact : w.network.contacts()) {
        if (contact.to == host_endpoint) from_proxy = contact.from.address == proxy_endpoint.address;
    }
    BOOST_TEST(from_proxy);
}

BOOST_AUTO_TEST_CASE(auth_required_answers_407_with_a_challenge) {
    world w(proxy_config(proxy_fault::auth_required));
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "proxy");
    BOOST_TEST(got.proxy_status == 407u);
    bool challenge = false;
    for (const auto& f : got.proxy_headers) challenge = challenge || f.name == "Proxy-Authenticate";
    BOOST_TEST(challenge);
    BOOST_TEST(w.host->connections() == 0u);
    BOOST_TEST(w.proxy->connects().at(0).status == 407u);
}

BOOST_AUTO_TEST_CASE(configured_credentials_are_checked) {
    auto config = proxy_config();
    config.proxy_authorization = "Basic dXNlcjpwYXNz";
    world w(config);
    auto wrong = through_proxy();
    wrong.via->authorization = "Basic bm9ib2R5Og==";
    BOOST_TEST(w.fetch(wrong).proxy_status == 407u);
    auto none = through_proxy();
    BOOST_TEST(w.fetch(none).proxy_status == 407u);
    auto right = through_proxy();
    right.via->authorization = "Basic dXNlcjpwYXNz";
    const auto got = w.fetch(right);
    BOOST_TEST(got.proxy_status == 200u);
    BOOST_TEST(got.body == policy_text);
    BOOST_TEST(w.proxy->connects().at(2).header("Proxy-Authorization").value_or("") == "Basic dXNlcjpwYXNz");
}

BOOST_AUTO_TEST_CASE(bad_gateway_answers_502) {
    world w(proxy_config(proxy_fault::bad_gateway));
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "proxy");
    BOOST_TEST(got.proxy_status == 502u);
    BOOST_TEST(w.host->connections() == 0u);
}

BOOST_AUTO_TEST_CASE(an_unknown_or_refusing_target_gets_502) {
    world w;
    auto unknown = through_proxy();
    unknown.via->authority = "mta-sts.nowhere.example:443";
    BOOST_TEST(w.fetch(unknown).proxy_status == 502u);
    BOOST_TEST(w.transcript_has("unknown target mta-sts.nowhere.example"));
    auto wrong_port = through_proxy();
    wrong_port.via->authority = "mta-sts.example.com:8443";  // nothing listens there
    BOOST_TEST(w.fetch(wrong_port).proxy_status == 502u);
    BOOST_TEST(w.transcript_has("connect to 192.0.2.10:8443 failed"));
    auto malformed = through_proxy();
    malformed.via->authority = "mta-sts.example.com";
    BOOST_TEST(w.fetch(malformed).proxy_status == 400u);
}

BOOST_AUTO_TEST_CASE(an_unreachable_target_gets_504_after_the_connect_timeout) {
    world w;
    sts::sim::address_faults unreachable;
    unreachable.unreachable = true;
    w.network.set_faults(host_endpoint.address, unreachable);
    const auto got = w.fetch();
    BOOST_TEST(got.proxy_status == 504u);
    BOOST_TEST((got.finished_at == t0 + 30s));
}

BOOST_AUTO_TEST_CASE(a_stalling_proxy_records_the_connect_and_never_answers) {
    world w(proxy_config(proxy_fault::stall));
    const auto real_start = std::chrono::steady_clock::now();
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "proxy");
    BOOST_TEST(got.timed_out);
    BOOST_TEST((got.finished_at == t0 + 60s));
    BOOST_TEST(w.proxy->connects().size() == 1u);
    BOOST_TEST(w.proxy->connects().front().status == 0u);
    BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - real_start).count() < 10.0);
}

BOOST_AUTO_TEST_CASE(a_refusing_proxy_is_the_network_fault) {
    world w;
    sts::sim::address_faults refusing;
    refusing.refuse_connections = true;
    w.network.set_faults(proxy_endpoint.address, refusing);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "connect");
    BOOST_TEST((got.error == boost::asio::error::connection_refused));
    BOOST_TEST(w.proxy->connections() == 0u);
}

BOOST_AUTO_TEST_CASE(an_intercepted_certificate_fails_webpki_validation, *covers("STS-FETCH-03")) {
    world w(proxy_config(proxy_fault::intercept));
    const auto got = w.fetch();
    BOOST_TEST(got.proxy_status == 200u);
    BOOST_TEST(got.stage == "handshake");
    BOOST_TEST(got.verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    BOOST_TEST(got.peer_subject.find("CN=mta-sts.example.com") != std::string::npos);
    BOOST_TEST(w.host->connections() == 0u);
    BOOST_TEST(w.proxy->intercepted().empty());
    BOOST_TEST(w.transcript_has("forged handshake failed"));
}

BOOST_AUTO_TEST_CASE(a_client_trusting_the_interception_ca_gets_the_forged_answer) {
    world w(proxy_config(proxy_fault::intercept));
    const auto got = w.fetch(through_proxy(certs().interception_ca().pem()));
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.verify_result == X509_V_OK);
    BOOST_TEST(got.status == 200u);
    BOOST_TEST(got.body.find("mode: none") != std::string::npos);
    BOOST_REQUIRE(w.proxy->intercepted().size() == 1u);
    const auto& r = w.proxy->intercepted().front();
    BOOST_TEST(r.sni == "mta-sts.example.com");
    BOOST_TEST(r.target == "/.well-known/mta-sts.txt");
    BOOST_TEST(r.host() == "mta-sts.example.com");
    BOOST_TEST(w.host->connections() == 0u);  // nothing reached the real host
}

BOOST_AUTO_TEST_CASE(a_request_other_than_connect_gets_405) {
    world w;
    https::fetch_result out;
    // A plain-HTTP GET in absolute form, as a client that ignores the https scheme sends.
    https::request_options options;
    options.trust_pem = certs().trust_store_pem();
    boost::asio::co_spawn(
        w.sched.io(),
        [](sts::sim::sim_network& network, https::fetch_result& result) -> boost::asio::awaitable<void> {
            boost::system::error_code ec;
            sts::net::connect_id id = 0;
            auto stream =
                co_await https::async_open(network, "192.0.2.1", proxy_endpoint, id,
                                           boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            sts::net::asio_stream plain(co_await boost::asio::this_coro::executor, *stream);
            boost::beast::http::request<boost::beast::http::empty_body> get{
                boost::beast::http::verb::get, "http://mta-sts.example.com/.well-known/mta-sts.txt", 11};
            get.set(boost::beast::http::field::host, "mta-sts.example.com");
            co_await boost::beast::http::async_write(
                plain, get, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            boost::beast::flat_buffer buffer;
            boost::beast::http::response<boost::beast::http::string_body> answer;
            co_await boost::beast::http::async_read(
                plain, buffer, answer, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            result.status = answer.result_int();
            stream->close();
        }(w.network, out),
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    w.sched.run();
    BOOST_TEST(out.status == 405u);
    BOOST_REQUIRE(w.proxy->connects().size() == 1u);
    BOOST_TEST(w.proxy->connects().front().method == "GET");
    BOOST_TEST(w.host->connections() == 0u);
}

BOOST_AUTO_TEST_CASE(two_runs_of_one_world_give_identical_transcripts) {
    const auto run = [] {
        world w(proxy_config());
        w.fetch();
        auto unknown = through_proxy();
        unknown.via->authority = "mta-sts.nowhere.example:443";
        w.fetch(unknown);
        return w.record.render();
    };
    const auto first = run();
    BOOST_TEST(first == run());
    BOOST_TEST(first.find("connect CONNECT") != std::string::npos);
    const auto intercepted = [] {
        world w(proxy_config(proxy_fault::intercept));
        w.fetch();
        w.fetch(through_proxy(certs().interception_ca().pem()));
        return w.record.render();
    };
    const auto forged = intercepted();
    BOOST_TEST_MESSAGE(forged);  // shown with --log_level=message
    BOOST_TEST(forged == intercepted());
}

BOOST_AUTO_TEST_CASE(start_refuses_a_config_that_cannot_run) {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    transcript record;
    mock_context ctx{sched.io(), network, sched, sched, record};
    auto config = proxy_config(proxy_fault::intercept);
    config.interception_ca.private_key_pem.clear();
    connect_proxy no_ca(ctx, config);
    BOOST_TEST(!no_ca.start().has_value());
    config = proxy_config(proxy_fault::intercept);
    config.interception_ca.private_key_pem = certs().root().key_pem();  // not the CA's key
    connect_proxy mismatched(ctx, config);
    const auto refused = mismatched.start();
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().find("does not match") != std::string::npos);
    config = proxy_config();
    config.targets = {{"MTA-STS.example.com", "192.0.2.10"}};
    connect_proxy upper(ctx, config);
    BOOST_TEST(!upper.start().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
