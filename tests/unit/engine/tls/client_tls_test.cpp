// Tests engine/tls/client_tls.hpp: real OpenSSL handshakes on the simulated network
// against a mock TLS server with certificates from the deterministic test CA. Time is the
// world's virtual clock, so "expired" is a matter of where the clock starts.
#include "engine/tls/client_tls.hpp"

#include "engine/net/asio_stream.hpp"
#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/tlsa.hpp"
#include "mocks/tls/server_tls.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sts::core::time_point;
using sts::test::covers;
using sts::tlsrpt::failure_reason;
using namespace sts::tls;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};
const sts::net::endpoint server_endpoint{"192.0.2.25", 25};

const sts::mocks::cert_factory& factory() {
    static const sts::mocks::cert_factory f(20240926);
    return f;
}

sts::mocks::leaf_credentials issue(const sts::mocks::leaf_spec& spec) {
    auto credentials = factory().issue_leaf(spec);
    BOOST_REQUIRE_MESSAGE(credentials.has_value(), (credentials.has_value() ? "" : credentials.error()));
    return *credentials;
}

sts::mocks::leaf_spec named(std::vector<std::string> names) {
    sts::mocks::leaf_spec spec;
    spec.dns_names = std::move(names);
    return spec;
}

// asio::ssl::context adopts (and frees) the SSL_CTX it is given, so it gets its own reference.
asio::ssl::context adopt(SSL_CTX* ctx) {
    SSL_CTX_up_ref(ctx);
    return asio::ssl::context(ctx);
}

template <class Token>
auto connect(sts::net::network& network, const sts::net::endpoint& to, Token&& token) {
    return asio::async_initiate<Token,
                                void(boost::system::error_code, std::unique_ptr<sts::net::byte_stream>)>(
        [&network, to](auto handler) {
            network.async_connect("192.0.2.1", to,
                                  [h = std::move(handler)](sts::net::error_code ec,
                                                           std::unique_ptr<sts::net::byte_stream> s) mutable {
                                      std::move(h)(ec, std::move(s));
                                  });
        },
        token);
}

struct handshake_outcome {
    bool completed = false;
    bool established = false;
    peer_observation seen;
    std::pair<failure_reason, std::string> failure{failure_reason::tls_handshake_failed, ""};
    std::string prepare_error;
};

// One mock TLS server and one client_tls on a simulated network starting at `start`.
struct tls_world {
    sts::sim::scheduler sched;
    sts::sim::sim_network network{sched};
    std::unique_ptr<sts::net::listener> listener;
    std::optional<asio::ssl::context> server_ctx;
    std::vector<std::shared_ptr<void>> keep;  // the server side of each connection
    std::unique_ptr<client_tls> client;

    tls_world(const sts::mocks::leaf_credentials& served, time_point start,
              sts::mocks::tls_version server_max = sts::mocks::tls_version::tls1_3,
              sts::mocks::tls_cipher_offer server_ciphers = sts::mocks::tls_cipher_offer::usual)
        : sched(start) {
        network.set_latency(5ms);
        sts::mocks::tls_server_config config;
        config.identity = {served.chain_pem(), served.key_pem()};
        config.max_version = server_max;
        config.ciphers = server_ciphers;
        auto ctx = sts::mocks::make_server_context(config);
        BOOST_REQUIRE_MESSAGE(ctx.has_value(), (ctx.has_value() ? "" : ctx.error()));
        server_ctx.emplace(adopt(ctx->get()));
        auto listening = network.listen(
            server_endpoint, [this](std::unique_ptr<sts::net::byte_stream> s) { serve(std::move(s)); });
        BOOST_REQUIRE(listening.has_value());
        listener = std::move(*listening);
        auto made = client_tls::create(factory().trust_store_pem(), sched);
        BOOST_REQUIRE_MESSAGE(made.has_value(), (made.has_value() ? "" : made.error()));
        client = std::move(*made);
    }

    void serve(std::unique_ptr<sts::net::byte_stream> s) {
        struct side {
            std::unique_ptr<sts::net::byte_stream> stream;
            sts::net::asio_stream plain;
            asio::ssl::stream<sts::net::asio_stream&> tls;
            side(std::unique_ptr<sts::net::byte_stream> st, asio::io_context& io, asio::ssl::context& ctx)
                : stream(std::move(st)), plain(io.get_executor(), *stream), tls(plain, ctx) {}
        };
        auto conn = std::make_shared<side>(std::move(s), sched.io(), *server_ctx);
        keep.push_back(conn);
        asio::co_spawn(
            sched.io(),
            [conn]() -> asio::awaitable<void> {
                boost::system::error_code ec;
                co_await conn->tls.async_handshake(asio::ssl::stream_base::server,
                                                   asio::redirect_error(asio::use_awaitable, ec));
                std::array<char, 256> buf{};
                while (!ec) {
                    co_await conn->tls.async_read_some(asio::buffer(buf),
                                                       asio::redirect_error(asio::use_awaitable, ec));
                }
                conn->stream->close();
            },
            asio::detached);
    }

    handshake_outcome run(peer_check check) {
        handshake_outcome out;
        asio::co_spawn(
            sched.io(),
            [this, &out, check]() -> asio::awaitable<void> {
                boost::system::error_code ec;
                std::unique_ptr<sts::net::byte_stream> stream =
                    co_await connect(network, server_endpoint, asio::redirect_error(asio::use_awaitable, ec));
                BOOST_REQUIRE(stream != nullptr);
                sts::net::asio_stream plain(sched.io().get_executor(), *stream);
                asio::ssl::context ctx = adopt(client->context());
                asio::ssl::stream<sts::net::asio_stream&> tls(plain, ctx);
                const auto prepared = client->prepare(tls.native_handle(), check);
                if (!prepared.has_value()) {
                    out.prepare_error = prepared.error();
                    out.completed = true;
                    co_return;
                }
                co_await tls.async_handshake(asio::ssl::stream_base::client,
                                             asio::redirect_error(asio::use_awaitable, ec));
                if (ec) {
                    const unsigned long reported = ec.category() == asio::error::get_ssl_category()
                                                       ? static_cast<unsigned long>(ec.value())
                                                       : 0;
                    out.failure = client->handshake_failure(tls.native_handle(), reported);
                } else {
                    out.established = true;
                    out.seen = client->observe(tls.native_handle(), check);
                }
                stream->close();
                out.completed = true;
            },
            asio::detached);
        sched.run();
        BOOST_TEST(out.completed);
        BOOST_TEST(out.prepare_error == "");
        return out;
    }
};

peer_check pkix(std::string name) {
    peer_check check;
    check.sni = name;
    check.reference_names = {name};
    check.min_version = version_floor::tls1_2;
    return check;
}

peer_check dane_check(std::string base, std::vector<sts::dns::tlsa_rdata> tlsa) {
    peer_check check;
    check.sni = base;
    check.reference_names = {base};
    check.min_version = version_floor::tls1_2;
    check.dane = true;
    check.tlsa = std::move(tlsa);
    return check;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_client_tls)

BOOST_AUTO_TEST_CASE(a_trusted_chain_with_the_mx_name_verifies_over_tls_1_3,
                     *covers("STS-APPLY-01", "STS-APPLY-07")) {
    tls_world w(issue(named({"mx1.example.test"})), t0);
    const auto out = w.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(out.established);
    BOOST_TEST(out.seen.protocol == "TLSv1.3");
    BOOST_TEST((out.seen.version == tls_version::tls1_3));
    BOOST_TEST(!out.seen.cipher.empty());
    BOOST_TEST((out.seen.chain == chain_status::trusted));
    BOOST_TEST(!out.seen.chain_failure.has_value());
    BOOST_TEST(out.seen.reference_name_match);
    BOOST_TEST(!out.seen.leaf_subject.empty());
}

BOOST_AUTO_TEST_CASE(a_certificate_is_expired_at_virtual_time_after_its_not_after, *covers("STS-APPLY-02")) {
    auto spec = named({"mx1.example.test"});
    spec.not_before = t0 - std::chrono::days{400};
    spec.not_after = t0 - std::chrono::days{1};
    const auto leaf = issue(spec);

    tls_world earlier(leaf, t0 - std::chrono::days{30});
    const auto valid = earlier.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(valid.established);
    BOOST_TEST((valid.seen.chain == chain_status::trusted));

    tls_world later(leaf, t0);
    const auto expired = later.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(expired.established);  // verification never aborts the handshake
    BOOST_TEST((expired.seen.chain == chain_status::expired));
    BOOST_TEST((expired.seen.chain_failure == failure_reason::mx_certificate_expired));
    BOOST_TEST(expired.seen.chain_detail == "certificate has expired");
    BOOST_TEST(expired.seen.reference_name_match);
}

BOOST_AUTO_TEST_CASE(a_certificate_not_yet_valid_counts_as_expired_with_its_own_reason,
                     *covers("STS-APPLY-02")) {
    auto spec = named({"mx1.example.test"});
    spec.not_before = t0 + std::chrono::days{1};
    tls_world w(issue(spec), t0);
    const auto out = w.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(out.established);
    BOOST_TEST((out.seen.chain == chain_status::expired));
    BOOST_TEST((out.seen.chain_failure == failure_reason::mx_certificate_not_yet_valid));
}

BOOST_AUTO_TEST_CASE(self_signed_and_incomplete_chains_are_untrusted_with_their_reasons,
                     *covers("STS-APPLY-03")) {
    auto self = named({"mx1.example.test"});
    self.issuer = sts::mocks::issuer_kind::self_signed;
    tls_world w1(issue(self), t0);
    const auto a = w1.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(a.established);
    BOOST_TEST((a.seen.chain == chain_status::untrusted));
    BOOST_TEST((a.seen.chain_failure == failure_reason::mx_certificate_self_signed));

    auto missing = named({"mx1.example.test"});
    missing.include_intermediates = false;
    tls_world w2(issue(missing), t0);
    const auto b = w2.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(b.established);
    BOOST_TEST((b.seen.chain == chain_status::untrusted));
    BOOST_TEST((b.seen.chain_failure == failure_reason::mx_certificate_chain_incomplete));

    auto wrong_purpose = named({"mx1.example.test"});
    wrong_purpose.usage = sts::mocks::usage_profile::client_auth_only;
    tls_world w3(issue(wrong_purpose), t0);
    const auto c = w3.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(c.established);
    BOOST_TEST((c.seen.chain == chain_status::untrusted));
    BOOST_TEST((c.seen.chain_failure == failure_reason::mx_certificate_invalid));
}

BOOST_AUTO_TEST_CASE(a_trusted_certificate_for_another_name_does_not_match,
                     *covers("STS-APPLY-04", "STS-SEC-03")) {
    tls_world w(issue(named({"mx2.example.test"})), t0);
    const auto out = w.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(out.established);
    BOOST_TEST((out.seen.chain == chain_status::trusted));
    BOOST_TEST(!out.seen.reference_name_match);
}

BOOST_AUTO_TEST_CASE(reference_and_audit_names_are_matched_separately, *covers("STS-APPLY-04")) {
    // A hosted domain: the MX certificate names the provider's host, not the recipient
    // domain (Required-Verify vs Required-Verify-Hosted, seg-behaviour.md).
    tls_world w(issue(named({"mx1.provider.test"})), t0);
    peer_check check = pkix("mx1.provider.test");
    check.reference_names = {"customer.test"};
    check.audit_names = {"mx1.provider.test."};  // absolute form matches too
    const auto out = w.run(check);
    BOOST_REQUIRE(out.established);
    BOOST_TEST(!out.seen.reference_name_match);
    BOOST_TEST(out.seen.audit_name_match);
}

BOOST_AUTO_TEST_CASE(wildcards_match_one_whole_left_label_only, *covers("STS-APPLY-04", "DANE-32")) {
    tls_world w(issue(named({"*.example.test"})), t0);
    peer_check check = pkix("mx1.example.test");
    check.audit_names = {"a.b.example.test"};
    const auto out = w.run(check);
    BOOST_REQUIRE(out.established);
    BOOST_TEST(out.seen.reference_name_match);
    BOOST_TEST(!out.seen.audit_name_match);

    tls_world partial(issue(named({"mx*.example.test"})), t0);
    const auto p = partial.run(pkix("mx1.example.test"));
    BOOST_REQUIRE(p.established);
    BOOST_TEST(!p.seen.reference_name_match);
}

BOOST_AUTO_TEST_CASE(a_cn_only_certificate_matches_only_where_the_rule_allows_the_cn,
                     *covers("STS-APPLY-04", "DANE-32")) {
    sts::mocks::leaf_spec spec;
    spec.common_name = "mx1.example.test";
    tls_world w(issue(spec), t0);
    peer_check check = pkix("mx1.example.test");
    check.audit_names = {"mx1.example.test"};
    check.audit_cn_fallback = true;
    const auto out = w.run(check);
    BOOST_REQUIRE(out.established);
    BOOST_TEST(!out.seen.reference_name_match);  // MTA-STS: DNS-IDs only
    BOOST_TEST(out.seen.audit_name_match);       // the gateway's own check: CN without SAN

    // With a SAN present the CN never counts.
    auto both = named({"other.example.test"});
    both.common_name = "mx1.example.test";
    tls_world w2(issue(both), t0);
    peer_check lax = pkix("mx1.example.test");
    lax.reference_cn_fallback = true;
    const auto out2 = w2.run(lax);
    BOOST_REQUIRE(out2.established);
    BOOST_TEST(!out2.seen.reference_name_match);
}

BOOST_AUTO_TEST_CASE(dane_ee_matches_an_expired_self_signed_leaf_with_any_name,
                     *covers("DANE-26", "DANE-27")) {
    auto spec = named({"foo.invalid"});
    spec.issuer = sts::mocks::issuer_kind::self_signed;
    spec.not_before = t0 - std::chrono::days{400};
    spec.not_after = t0 - std::chrono::days{1};
    const auto leaf = issue(spec);
    const auto record = sts::mocks::tlsa_record(leaf.leaf, sts::mocks::tlsa_usage::dane_ee,
                                                sts::mocks::tlsa_selector::subject_public_key_info,
                                                sts::mocks::tlsa_matching::sha256);
    tls_world w(leaf, t0);
    const auto out = w.run(dane_check("mx1.example.test", {record}));
    BOOST_REQUIRE(out.established);
    BOOST_TEST(out.seen.tlsa_match);
    BOOST_TEST(!out.seen.chain_failure.has_value());
}

BOOST_AUTO_TEST_CASE(dane_ee_for_another_key_does_not_match, *covers("DANE-10", "STS-DANE-01")) {
    const auto served = issue(named({"mx1.example.test"}));
    const auto other = issue(named({"mx2.example.test"}));
    const auto record = sts::mocks::tlsa_record(other.leaf, sts::mocks::tlsa_usage::dane_ee,
                                                sts::mocks::tlsa_selector::subject_public_key_info,
                                                sts::mocks::tlsa_matching::sha256);
    tls_world w(served, t0);
    const auto out = w.run(dane_check("mx1.example.test", {record}));
    BOOST_REQUIRE(out.established);
    BOOST_TEST(!out.seen.tlsa_match);
    BOOST_TEST((out.seen.chain_failure == failure_reason::dane_no_tlsa_match));
}

BOOST_AUTO_TEST_CASE(dane_ta_matches_an_issuer_and_still_checks_the_name, *covers("DANE-10", "DANE-32")) {
    const auto served = issue(named({"mx1.example.test"}));
    const auto record = sts::mocks::tlsa_record(factory().intermediate(1), sts::mocks::tlsa_usage::dane_ta,
                                                sts::mocks::tlsa_selector::full_certificate,
                                                sts::mocks::tlsa_matching::sha256);
    tls_world w(served, t0);
    const auto out = w.run(dane_check("mx1.example.test", {record}));
    BOOST_REQUIRE(out.established);
    BOOST_TEST(out.seen.tlsa_match);
    BOOST_TEST(out.seen.reference_name_match);

    tls_world wrong(served, t0);
    const auto mismatch = wrong.run(dane_check("mx9.example.test", {record}));
    BOOST_REQUIRE(mismatch.established);
    BOOST_TEST(!mismatch.seen.tlsa_match);
}

BOOST_AUTO_TEST_CASE(dane_ta_with_a_full_certificate_applies_the_anchors_path_length, *covers("DANE-28")) {
    // The anchor (the top intermediate, matched by 2 0 1) allows no CA below it, yet a
    // second intermediate signs the leaf.
    auto spec = named({"mx1.example.test"});
    spec.intermediate_count = 2;
    spec.top_intermediate_path_length = 0;
    const auto served = issue(spec);
    BOOST_REQUIRE_EQUAL(served.chain.size(), 2U);
    const auto record = sts::mocks::tlsa_record(served.chain.back(), sts::mocks::tlsa_usage::dane_ta,
                                                sts::mocks::tlsa_selector::full_certificate,
                                                sts::mocks::tlsa_matching::sha256);
    tls_world w(served, t0);
    const auto out = w.run(dane_check("mx1.example.test", {record}));
    BOOST_REQUIRE(out.established);
    BOOST_TEST(!out.seen.tlsa_match);
    BOOST_TEST((out.seen.chain_failure == failure_reason::dane_no_tlsa_match));
    BOOST_TEST(out.seen.chain_detail == X509_verify_cert_error_string(X509_V_ERR_PATH_LENGTH_EXCEEDED));

    // The same shape without the constraint matches, so the constraint alone is the cause.
    spec.top_intermediate_path_length.reset();
    const auto open = issue(spec);
    BOOST_REQUIRE_EQUAL(open.chain.size(), 2U);
    const auto open_record = sts::mocks::tlsa_record(open.chain.back(), sts::mocks::tlsa_usage::dane_ta,
                                                     sts::mocks::tlsa_selector::full_certificate,
                                                     sts::mocks::tlsa_matching::sha256);
    tls_world control(open, t0);
    const auto matched = control.run(dane_check("mx1.example.test", {open_record}));
    BOOST_REQUIRE(matched.established);
    BOOST_TEST(matched.seen.tlsa_match);
}

BOOST_AUTO_TEST_CASE(the_client_offers_no_anonymous_cipher_suite, *covers("DANE-35")) {
    sts::sim::scheduler sched(t0);
    const auto made = client_tls::create(factory().trust_store_pem(), sched);
    BOOST_REQUIRE(made.has_value());
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new((*made)->context()), &SSL_free);
    BOOST_REQUIRE(ssl != nullptr);
    SSL_set_connect_state(ssl.get());
    // What the ClientHello carries: the suites enabled for the client's protocol versions.
    const auto free_stack = [](STACK_OF(SSL_CIPHER) * stack) { sk_SSL_CIPHER_free(stack); };
    std::unique_ptr<STACK_OF(SSL_CIPHER), decltype(free_stack)> offered(SSL_get1_supported_ciphers(ssl.get()),
                                                                         free_stack);
    BOOST_REQUIRE(offered != nullptr);
    BOOST_TEST(sk_SSL_CIPHER_num(offered.get()) > 0);
    int non_anonymous = 0;
    for (int i = 0; i < sk_SSL_CIPHER_num(offered.get()); ++i) {
        const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(offered.get(), i);
        BOOST_TEST_INFO(SSL_CIPHER_get_name(cipher));
        BOOST_TEST(SSL_CIPHER_get_auth_nid(cipher) != NID_auth_null);
        if (SSL_CIPHER_get_auth_nid(cipher) != NID_auth_null) ++non_anonymous;
    }
    // The usual TLS 1.2 suites are there, not only TLS 1.3's.
    BOOST_TEST(non_anonymous > 3);

    // So a server that offers anonymous suites only never completes a handshake.
    const auto served = issue(named({"mx1.example.test"}));
    tls_world w(served, t0, sts::mocks::tls_version::tls1_3, sts::mocks::tls_cipher_offer::anonymous_only);
    peer_check check = pkix("mx1.example.test");
    check.min_version = version_floor::none;
    const auto out = w.run(check);
    BOOST_TEST(!out.established);
    BOOST_TEST((out.failure.first == failure_reason::tls_handshake_failed));
}

BOOST_AUTO_TEST_CASE(a_tls_1_1_only_server_under_the_floor_is_version_too_old, *covers("STS-APPLY-08")) {
    const auto served = issue(named({"mx1.example.test"}));
    tls_world w(served, t0, sts::mocks::tls_version::tls1_1);
    const auto out = w.run(pkix("mx1.example.test"));
    BOOST_TEST(!out.established);
    BOOST_TEST((out.failure.first == failure_reason::tls_version_too_old));
    BOOST_TEST(!out.failure.second.empty());

    // Without the floor the same server is used (opportunistic TLS beats clear text).
    tls_world lax(served, t0, sts::mocks::tls_version::tls1_1);
    peer_check check = pkix("mx1.example.test");
    check.min_version = version_floor::none;
    const auto opportunistic = lax.run(check);
    BOOST_REQUIRE(opportunistic.established);
    BOOST_TEST(opportunistic.seen.protocol == "TLSv1.1");
    BOOST_TEST((opportunistic.seen.version == tls_version::tls1_1));
}

BOOST_AUTO_TEST_CASE(a_trust_store_that_is_not_pem_is_refused) {
    sts::sim::scheduler sched(t0);
    const auto bad =
        client_tls::create("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", sched);
    BOOST_TEST(!bad.has_value());
    const auto text = client_tls::create("hello", sched);
    BOOST_TEST(!text.has_value());
    const auto empty = client_tls::create("", sched);
    BOOST_TEST(empty.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
