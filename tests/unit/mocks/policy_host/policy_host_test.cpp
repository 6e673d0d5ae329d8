// Tests mocks/policy_host/policy_host.hpp on the simulated network: the configured answer
// (any status, headers, Content-Type or none, body), every fault (stalls, reset, redirect,
// oversize, slow drip, chunked, endless), SNI-dependent certificates and strict SNI, TLS
// version caps, the request record, bounds, and identical transcripts across two runs.
// The client is tests/unit/mocks/policy_host/https_test_client.hpp: real OpenSSL with
// verification at virtual time, Beast on the HTTP side.
#include "mocks/policy_host/policy_host.hpp"

#include "mocks/certs/cert_factory.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"
#include "tests/unit/mocks/policy_host/https_test_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
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

const std::string policy_text =
    "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 86400\r\n";

// One factory for the whole suite: issued leaves are cached, and keys are process-wide.
cert_factory& certs() {
    static cert_factory factory{7};
    return factory;
}

tls_identity identity_for(std::vector<std::string> names) {
    leaf_spec spec;
    spec.dns_names = std::move(names);
    auto issued = certs().issue_leaf(spec);
    BOOST_REQUIRE(issued.has_value());
    return {issued->chain_pem(), issued->key_pem()};
}

policy_host_config default_config() {
    policy_host_config config;
    config.host_name = "mta-sts.example.com";
    config.listen = host_endpoint;
    config.tls.identity = identity_for({"mta-sts.example.com"});
    config.response.body = policy_text;
    return config;
}

https::request_options default_request() {
    https::request_options options;
    options.trust_pem = certs().trust_store_pem();
    return options;
}

struct world {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    transcript record;
    mock_context ctx{sched.io(), network, sched, sched, record};
    std::unique_ptr<policy_host> host;

    explicit world(policy_host_config config = default_config()) {
        host = std::make_unique<policy_host>(ctx, std::move(config));
        const auto started = host->start();
        BOOST_REQUIRE_MESSAGE(started.has_value(), (started.has_value() ? std::string() : started.error()));
    }

    https::fetch_result fetch(https::request_options options = default_request()) {
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

world with_response(policy_response response) {
    auto config = default_config();
    config.response = std::move(response);
    return world(std::move(config));
}

policy_response plain_policy() {
    policy_response r;
    r.body = policy_text;
    return r;
}

double real_seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_policy_host)

BOOST_AUTO_TEST_CASE(serves_the_policy_with_200_and_text_plain, *covers("STS-FETCH-02")) {
    world w;
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.verify_result == X509_V_OK);
    BOOST_TEST(got.status == 200u);
    BOOST_TEST(got.body == policy_text);
    BOOST_TEST(got.header("Content-Type").value_or("") == "text/plain");
    BOOST_TEST(got.header("Content-Length").value_or("") == std::to_string(policy_text.size()));
    BOOST_REQUIRE(w.host->requests().size() == 1u);
    const auto& r = w.host->requests().front();
    BOOST_TEST(r.method == "GET");
    BOOST_TEST(r.target == "/.well-known/mta-sts.txt");
    BOOST_TEST(r.host() == "mta-sts.example.com");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(w.host->connections() == 1u);
}

BOOST_AUTO_TEST_CASE(any_status_is_served_with_the_configured_body, *covers("STS-FETCH-08")) {
    for (const unsigned status : {201u, 203u, 206u, 404u, 410u, 500u, 503u, 299u, 599u}) {
        auto response = plain_policy();
        response.status = status;
        auto w = with_response(response);
        const auto got = w.fetch();
        BOOST_TEST_CONTEXT("status " << status) {
            BOOST_TEST(got.stage == "done");
            BOOST_TEST(got.status == status);
            BOOST_TEST(got.body == policy_text);
            BOOST_TEST(w.host->requests().at(0).status == status);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_204_or_304_ends_with_its_header_section, *covers("STS-FETCH-08", "STS-FETCH-10")) {
    for (const unsigned status : {204u, 304u}) {
        auto response = plain_policy();
        response.status = status;
        auto w = with_response(response);
        const auto got = w.fetch();
        BOOST_TEST_CONTEXT("status " << status) {
            BOOST_TEST(got.stage == "done");
            BOOST_TEST(got.status == status);
            BOOST_TEST(got.body.empty());
            BOOST_TEST(!got.header("Content-Length"));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_redirect_carries_its_location_and_is_one_request,
                     *covers("STS-FETCH-09", "STS-SEC-10")) {
    for (const unsigned status : {301u, 302u, 307u, 308u}) {
        auto w = with_response(
            redirect_response(status, "https://mta-sts.attacker.example/.well-known/mta-sts.txt"));
        const auto got = w.fetch();
        BOOST_TEST_CONTEXT("status " << status) {
            BOOST_TEST(got.status == status);
            BOOST_TEST(got.header("Location").value_or("") ==
                       "https://mta-sts.attacker.example/.well-known/mta-sts.txt");
            BOOST_TEST(w.host->requests().size() == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_content_type_can_be_missing, *covers("STS-FETCH-11", "STS-FETCH-12")) {
    auto response = plain_policy();
    response.content_type = std::nullopt;
    auto w = with_response(response);
    const auto got = w.fetch();
    BOOST_TEST(got.status == 200u);
    BOOST_TEST(!got.header("Content-Type"));
    BOOST_TEST(got.body == policy_text);
    BOOST_TEST(w.transcript_has("no Content-Type"));
}

BOOST_AUTO_TEST_CASE(the_content_type_can_be_wrong_or_have_parameters,
                     *covers("STS-FETCH-11", "STS-FETCH-12")) {
    for (const std::string type :
         {"text/html", "TEXT/Plain; charset=utf-8", "text/plain; charset=iso-8859-1"}) {
        auto response = plain_policy();
        response.content_type = type;
        auto w = with_response(response);
        const auto got = w.fetch();
        BOOST_TEST(got.header("Content-Type").value_or("") == type);
        BOOST_TEST(got.body == policy_text);
    }
}

BOOST_AUTO_TEST_CASE(caching_headers_are_served_and_conditional_requests_are_recorded,
                     *covers("STS-FETCH-10")) {
    auto response = plain_policy();
    response.headers = {{"ETag", "\"v1\""},
                        {"Last-Modified", "Wed, 25 Sep 2024 10:00:00 GMT"},
                        {"Cache-Control", "max-age=31536000"}};
    auto w = with_response(response);
    const auto plain = w.fetch();
    BOOST_TEST(plain.header("ETag").value_or("") == "\"v1\"");
    BOOST_TEST(plain.header("Cache-Control").value_or("") == "max-age=31536000");
    BOOST_TEST(plain.header("Last-Modified").value_or("") == "Wed, 25 Sep 2024 10:00:00 GMT");
    // A client that revalidates is visible in the record.
    auto conditional = default_request();
    conditional.headers = {{"If-None-Match", "\"v1\""}};
    w.fetch(conditional);
    BOOST_REQUIRE(w.host->requests().size() == 2u);
    BOOST_TEST(!w.host->requests()[0].header("If-None-Match"));
    BOOST_TEST(!w.host->requests()[0].header("If-Modified-Since"));
    BOOST_TEST(w.host->requests()[1].header("if-none-match").value_or("") == "\"v1\"");
}

BOOST_AUTO_TEST_CASE(an_oversize_body_is_the_policy_then_exact_padding_lines,
                     *covers("STS-FETCH-14", "STS-FETCH-19")) {
    for (const std::size_t total :
         {std::size_t{1024 * 1024}, std::size_t{60 * 1024}, policy_text.size() + 10, policy_text.size() + 63,
          policy_text.size() + 64, policy_text.size() + 200}) {
        auto response = plain_policy();
        response.padding_bytes = total - policy_text.size();
        auto w = with_response(response);
        const auto got = w.fetch();
        BOOST_TEST_CONTEXT("total " << total) {
            BOOST_TEST(got.stage == "done");
            BOOST_TEST(got.header("Content-Length").value_or("") == std::to_string(total));
            BOOST_REQUIRE(got.body.size() == total);
            BOOST_TEST(got.body.substr(0, policy_text.size()) == policy_text);
            // Every padding line is complete: "x-pad: x...x\r\n".
            std::size_t at = policy_text.size(), lines = 0;
            while (at < got.body.size()) {
                const auto end = got.body.find("\r\n", at);
                BOOST_REQUIRE(end != std::string::npos);
                const auto line = got.body.substr(at, end - at);
                BOOST_TEST(line.rfind("x-pad: x", 0) == 0u);
                BOOST_TEST(line.find_first_not_of('x', 7) == std::string::npos);
                at = end + 2;
                ++lines;
            }
            BOOST_TEST(lines >= 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(header_padding_adds_lines_of_the_given_length_to_the_exact_total) {
    for (const auto& [total, line_bytes] : {std::pair<std::size_t, std::size_t>{4000, 64}, {4000, 4000},
                                            {1000, 300}, {70, 64}}) {
        BOOST_TEST_CONTEXT("total " << total << ", lines of " << line_bytes) {
            auto response = plain_policy();
            response.header_padding_bytes = total;
            response.header_padding_line_bytes = line_bytes;
            auto w = with_response(response);
            const auto got = w.fetch();
            BOOST_TEST(got.stage == "done");
            BOOST_TEST(got.body == policy_text);
            std::size_t bytes = 0, lines = 0;
            for (const auto& f : got.headers) {
                if (f.name.rfind("x-hdr-pad-", 0) != 0) continue;
                BOOST_TEST(f.value.find_first_not_of('x') == std::string::npos);
                bytes += f.name.size() + 2 + f.value.size() + 2;
                ++lines;
                BOOST_TEST(f.name.size() + 4 + f.value.size() < 2 * line_bytes);
            }
            BOOST_TEST(bytes == total);
            BOOST_TEST(lines >= std::max<std::size_t>(1, total / line_bytes));
            BOOST_TEST(lines <= total / line_bytes + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_20_kb_padded_head_stops_a_client_with_an_8_kib_header_limit, *covers("STS-SEC-08")) {
    auto response = plain_policy();
    response.header_padding_bytes = 20000;
    auto w = with_response(response);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "header");
    BOOST_TEST((got.error == boost::beast::http::error::header_limit));
}

BOOST_AUTO_TEST_CASE(a_client_with_a_64_kib_cap_stops_on_a_1_mib_body, *covers("STS-FETCH-14")) {
    auto response = plain_policy();
    response.padding_bytes = 1024 * 1024 - policy_text.size();
    auto w = with_response(response);
    auto capped = default_request();
    capped.body_limit = 64 * 1024;
    const auto got = w.fetch(capped);
    BOOST_TEST(got.status == 200u);
    BOOST_TEST(got.stage == "header");  // Content-Length over the limit is refused at once
    BOOST_TEST((got.error == boost::beast::http::error::body_limit));
}

BOOST_AUTO_TEST_CASE(a_slow_drip_takes_exactly_the_configured_virtual_time,
                     *covers("STS-FETCH-13", "STS-FETCH-19")) {
    // 600 bytes, 10 every 10 s: 60 intervals, ten virtual minutes.
    auto response = plain_policy();
    response.body = std::string(600 - 1, 'a') + "\n";
    response.drip = {.bytes = 10, .interval = 10s};
    auto w = with_response(response);
    auto patient = default_request();
    patient.timeout = 1h;
    const auto real_start = std::chrono::steady_clock::now();
    const auto got = w.fetch(patient);
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.body == response.body);
    BOOST_TEST((got.header_at == t0));
    BOOST_TEST((got.finished_at == t0 + 10min));
    BOOST_TEST(real_seconds_since(real_start) < 10.0);  // no real waiting
}

BOOST_AUTO_TEST_CASE(a_drip_longer_than_the_client_timeout_ends_at_the_timeout, *covers("STS-FETCH-13")) {
    auto response = plain_policy();
    response.framing = body_framing::chunked;
    response.endless = true;
    response.drip = {.bytes = 1, .interval = 5s};
    auto w = with_response(response);
    const auto got = w.fetch();
    BOOST_TEST(got.status == 200u);
    BOOST_TEST(got.stage == "body");
    BOOST_TEST(got.timed_out);
    BOOST_TEST((got.finished_at == t0 + 60s));
}

BOOST_AUTO_TEST_CASE(a_stall_before_tls_ends_only_at_the_client_deadline, *covers("STS-FETCH-13")) {
    auto config = default_config();
    config.fault = policy_host_fault::stall_before_tls;
    world w(config);
    const auto real_start = std::chrono::steady_clock::now();
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "handshake");
    BOOST_TEST(got.timed_out);
    BOOST_TEST((got.finished_at == t0 + 60s));
    BOOST_TEST(w.host->requests().empty());
    BOOST_TEST(w.transcript_has("stall before TLS"));
    BOOST_TEST(w.transcript_has("peer closed"));
    BOOST_TEST(real_seconds_since(real_start) < 10.0);
}

BOOST_AUTO_TEST_CASE(a_stall_after_tls_records_the_request_and_never_answers, *covers("STS-FETCH-13")) {
    auto config = default_config();
    config.fault = policy_host_fault::stall_after_tls;
    world w(config);
    auto options = default_request();
    options.timeout = 1h;
    const auto got = w.fetch(options);
    BOOST_TEST(got.tls_version == "TLSv1.3");
    BOOST_TEST(got.stage == "header");
    BOOST_TEST(got.timed_out);
    BOOST_TEST((got.finished_at == t0 + 1h));
    BOOST_REQUIRE(w.host->requests().size() == 1u);
    BOOST_TEST(w.host->requests().front().status == 0u);
}

BOOST_AUTO_TEST_CASE(a_stall_after_headers_sends_the_status_and_no_body, *covers("STS-FETCH-13")) {
    auto config = default_config();
    config.fault = policy_host_fault::stall_after_headers;
    world w(config);
    const auto got = w.fetch();
    BOOST_TEST(got.status == 200u);
    BOOST_TEST((got.header_at == t0));
    BOOST_TEST(got.stage == "body");
    BOOST_TEST(got.timed_out);
    BOOST_TEST(got.body.empty());
    BOOST_TEST((got.finished_at == t0 + 60s));
}

BOOST_AUTO_TEST_CASE(a_reset_drops_the_connection_after_the_request) {
    auto config = default_config();
    config.fault = policy_host_fault::reset;
    world w(config);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "header");
    BOOST_TEST(!got.timed_out);
    BOOST_TEST(got.status == 0u);
    // No close_notify: the TLS stream is truncated, not ended.
    BOOST_TEST((got.error == boost::asio::ssl::error::stream_truncated));
    BOOST_TEST((got.finished_at == t0));
    BOOST_REQUIRE(w.host->requests().size() == 1u);
    BOOST_TEST(w.transcript_has("reset: dropping the connection"));
}

BOOST_AUTO_TEST_CASE(a_chunked_body_decodes_to_the_policy) {
    auto response = plain_policy();
    response.framing = body_framing::chunked;
    response.drip = {.bytes = 7, .interval = 1s};  // many chunks
    auto w = with_response(response);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.header("Transfer-Encoding").value_or("") == "chunked");
    BOOST_TEST(!got.header("Content-Length"));
    BOOST_TEST(got.body == policy_text);
}

BOOST_AUTO_TEST_CASE(a_body_delimited_by_the_close_ends_with_close_notify) {
    auto response = plain_policy();
    response.framing = body_framing::until_close;
    auto w = with_response(response);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.header("Connection").value_or("") == "close");
    BOOST_TEST(!got.header("Content-Length"));
    BOOST_TEST(got.body == policy_text);
}

BOOST_AUTO_TEST_CASE(an_endless_body_stops_a_capped_client_at_its_cap, *covers("STS-FETCH-14")) {
    auto response = plain_policy();
    response.framing = body_framing::chunked;
    response.endless = true;
    auto w = with_response(response);
    auto capped = default_request();
    capped.body_limit = 64 * 1024;
    const auto got = w.fetch(capped);
    BOOST_TEST(got.stage == "body");
    BOOST_TEST((got.error == boost::beast::http::error::body_limit));
    BOOST_TEST(!got.timed_out);
}

BOOST_AUTO_TEST_CASE(an_endless_body_falls_silent_at_its_safety_bound) {
    auto config = default_config();
    config.response.framing = body_framing::until_close;
    config.response.endless = true;
    config.endless_bytes_max = 256 * 1024;
    world w(config);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "body");
    BOOST_TEST(got.timed_out);
    BOOST_TEST(got.body.size() == 256u * 1024u);
    BOOST_TEST(w.transcript_has("endless body: stopping after 262144 bytes"));
}

BOOST_AUTO_TEST_CASE(the_certificate_depends_on_sni, *covers("STS-FETCH-07")) {
    auto config = default_config();
    config.tls.identity = identity_for({"wrong.example.net"});
    config.tls.by_sni["mta-sts.example.com"] = identity_for({"mta-sts.example.com"});
    world w(config);
    const auto with_sni = w.fetch();
    BOOST_TEST(with_sni.stage == "done");
    BOOST_TEST(with_sni.verify_result == X509_V_OK);
    BOOST_TEST(w.host->requests().at(0).sni == "mta-sts.example.com");
    BOOST_TEST(w.transcript_has("sni=mta-sts.example.com"));

    auto no_sni = default_request();
    no_sni.sni.clear();
    const auto without = w.fetch(no_sni);
    BOOST_TEST(without.stage == "handshake");
    BOOST_TEST(without.verify_result == X509_V_ERR_HOSTNAME_MISMATCH);
    BOOST_TEST(w.transcript_has("handshake failed"));
    BOOST_TEST(w.host->requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(strict_sni_aborts_the_handshake_without_a_known_name, *covers("STS-FETCH-20")) {
    auto config = default_config();
    config.tls.by_sni["mta-sts.example.com"] = identity_for({"mta-sts.example.com"});
    config.tls.strict_sni = true;
    world w(config);
    auto no_sni = default_request();
    no_sni.sni.clear();
    const auto without = w.fetch(no_sni);
    BOOST_TEST(without.stage == "handshake");
    BOOST_TEST(without.peer_subject.empty());  // aborted before any certificate
    auto other = default_request();
    other.sni = "mta-sts.other.example";
    BOOST_TEST(w.fetch(other).stage == "handshake");
    BOOST_TEST(w.fetch().stage == "done");
    BOOST_TEST(w.host->requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_tls_version_can_be_capped_at_1_2) {
    auto config = default_config();
    config.tls.max_version = tls_version::tls1_2;
    world w(config);
    const auto got = w.fetch();
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.tls_version == "TLSv1.2");
    BOOST_TEST(w.host->requests().at(0).tls_version == "TLSv1.2");
    BOOST_TEST(w.transcript_has("established TLSv1.2"));
}

BOOST_AUTO_TEST_CASE(the_request_record_holds_sni_host_and_every_header,
                     *covers("STS-FETCH-02", "STS-FETCH-07")) {
    world w;
    auto options = default_request();
    options.host_header = "mta-sts.example.com:443";
    options.headers = {{"User-Agent", "engine/1.0"},
                       {"X-Odd", std::string("a\xe9"
                                             "b\"c")}};
    w.fetch(options);
    BOOST_REQUIRE(w.host->requests().size() == 1u);
    const auto& r = w.host->requests().front();
    BOOST_TEST(r.sni == "mta-sts.example.com");
    BOOST_TEST(r.host() == "mta-sts.example.com:443");
    BOOST_TEST(r.version == 11u);
    BOOST_TEST(r.header("user-agent").value_or("") == "engine/1.0");
    BOOST_TEST(r.header("X-Odd").value_or("") == std::string("a\xe9"
                                                             "b\"c"));
    // The transcript line is escaped: printable ASCII, no raw bytes or bare quotes.
    std::string line;
    for (const auto& e : w.record.entries()) {
        if (e.kind == transcript_kind::http_request) line = e.text;
    }
    BOOST_TEST(line.find("GET /.well-known/mta-sts.txt HTTP/1.1") == 0u);
    BOOST_TEST(line.find("sni=mta-sts.example.com host=mta-sts.example.com:443") != std::string::npos);
    BOOST_TEST(line.find("\"X-Odd: a\\xe9b\\\"c\"") != std::string::npos);
    BOOST_TEST(line.find('\xe9') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_request_gets_400_and_is_not_recorded) {
    world w;
    auto options = default_request();
    options.headers = {{"X-Control", std::string("a\x01b")}};  // RFC 9110 §5.5: no CTLs in values
    const auto got = w.fetch(options);
    BOOST_TEST(got.status == 400u);
    BOOST_TEST(w.host->requests().empty());
    BOOST_TEST(w.transcript_has("malformed request"));
}

BOOST_AUTO_TEST_CASE(other_paths_get_404_and_other_methods_405) {
    world w;
    auto elsewhere = default_request();
    elsewhere.target = "/.well-known/mta-sts.txt?x=1";
    BOOST_TEST(w.fetch(elsewhere).status == 404u);
    auto post = default_request();
    post.method = "POST";
    post.body = "x";
    const auto posted = w.fetch(post);
    BOOST_TEST(posted.status == 405u);
    BOOST_TEST(posted.header("Allow").value_or("") == "GET, HEAD");
    auto head = default_request();
    head.method = "HEAD";
    const auto headed = w.fetch(head);
    BOOST_TEST(headed.status == 200u);
    BOOST_TEST(headed.body.empty());
    BOOST_TEST(w.host->requests().size() == 3u);
    BOOST_TEST(w.host->requests()[1].body_bytes == 1u);
}

BOOST_AUTO_TEST_CASE(endless_request_headers_get_431_and_a_close) {
    world w;
    auto options = default_request();
    options.headers = {{"X-Filler", std::string(20 * 1024, 'f')}};
    const auto got = w.fetch(options);
    BOOST_TEST(got.status == 431u);
    BOOST_TEST(got.header("Connection").value_or("") == "close");
    BOOST_TEST(w.host->requests().empty());
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
    world w;
    auto options = default_request();
    options.requests = 3;
    const auto got = w.fetch(options);
    BOOST_TEST(got.stage == "done");
    BOOST_TEST(got.responses == 3);
    BOOST_TEST(w.host->connections() == 1u);
    BOOST_TEST(w.host->requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(two_runs_of_one_world_give_identical_transcripts) {
    const auto run = [] {
        auto config = default_config();
        config.response.drip = {.bytes = 16, .interval = 2s};
        config.response.framing = body_framing::chunked;
        world w(config);
        w.fetch();
        auto no_sni = default_request();
        no_sni.sni.clear();
        w.fetch(no_sni);
        return w.record.render();
    };
    const auto first = run();
    BOOST_TEST_MESSAGE(first);  // shown with --log_level=message
    BOOST_TEST(first == run());
    BOOST_TEST(first.find("http GET") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(start_refuses_a_config_that_cannot_run) {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    transcript record;
    mock_context ctx{sched.io(), network, sched, sched, record};
    auto config = default_config();
    config.response.headers = {{"X-Split", "a\r\nInjected: yes"}};
    policy_host bad(ctx, config);
    const auto refused = bad.start();
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().find("CR, LF or NUL") != std::string::npos);
    config = default_config();
    config.tls.identity.private_key_pem = "not a key";
    policy_host no_key(ctx, config);
    BOOST_TEST(!no_key.start().has_value());
    policy_host first(ctx, default_config());
    BOOST_TEST(first.start().has_value());
    policy_host second(ctx, default_config());
    BOOST_TEST(!second.start().has_value());  // address in use
}

BOOST_AUTO_TEST_SUITE_END()
