// Tests mocks/smtp/smtp_receiver.hpp on the simulated network: full deliveries with and
// without STARTTLS, TLS version caps and per-SNI certificates as a real OpenSSL client sees
// them, every configured fault (refused or missing STARTTLS, broken handshakes, 4xx/5xx at
// each step, stalls costing virtual time only, plaintext injected after STARTTLS), limits
// against hostile clients, and identical transcripts across two runs.
#include "mocks/smtp/smtp_receiver.hpp"

#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"
#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/openssl_access.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sts::core::time_point;
using namespace sts::mocks;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};
const sts::net::endpoint mx_endpoint{"192.0.2.25", 25};
constexpr auto client_reply_timeout = 300s;  // RFC 5321 §4.5.3.2's 5 minutes

const cert_factory& factory() {
    static const cert_factory f(20240926);
    return f;
}

tls_identity identity_for(const std::string& name) {
    leaf_spec spec;
    spec.dns_names = {name};
    const auto credentials = factory().issue_leaf(spec);
    BOOST_REQUIRE(credentials.has_value());
    return {credentials->chain_pem(), credentials->key_pem()};
}

X509* leaf_x509_for(const std::string& name) {
    leaf_spec spec;
    spec.dns_names = {name};
    static std::vector<leaf_credentials> kept;  // the X509 lives as long as its handle
    kept.push_back(factory().issue_leaf(spec).value());
    return x509_of(kept.back().leaf);
}

receiver_config mx1_config() {
    receiver_config config;
    config.host_name = "mx1.example.test";
    config.listen = mx_endpoint;
    config.tls.identity = identity_for("mx1.example.test");
    return config;
}

// A client TLS context verifying against the test CA at virtual time. `legacy` lowers
// the client to security level 0, which TLS 1.0/1.1 need on both ends (toolchain.md §4).
std::unique_ptr<asio::ssl::context> client_tls(bool legacy = false, int min_version = TLS1_2_VERSION) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_verify_mode(asio::ssl::verify_peer);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_cert_store(native, make_trust_store(factory()).release());
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(native),
                               std::chrono::floor<std::chrono::seconds>(t0).time_since_epoch().count());
    if (legacy) {
        SSL_CTX_set_security_level(native, 0);
        SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
    }
    SSL_CTX_set_min_proto_version(native, min_version);
    return ctx;
}

struct world {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    transcript record;
    mock_context ctx{sched.io(), network, sched, sched, record};
    std::optional<smtp_receiver> receiver;

    explicit world(receiver_config config) {
        network.set_latency(10ms);
        receiver.emplace(ctx, std::move(config));
        const auto started = receiver->start();
        BOOST_REQUIRE_MESSAGE(started.has_value(), (started.has_value() ? "" : started.error()));
    }

    // Runs `script` (a named closure, alive until this returns) and the world until idle.
    void run(asio::awaitable<void> script) {
        bool finished = false;
        asio::co_spawn(sched.io(), std::move(script), [&finished](std::exception_ptr e) {
            finished = true;
            if (e) std::rethrow_exception(e);
        });
        sched.run();
        BOOST_TEST(finished);
    }

    bool transcript_has(transcript_kind kind, const std::string& text) const {
        for (const auto& e : record.entries()) {
            if (e.kind == kind && e.text.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

template <class Token>
auto async_connect(sts::net::network& network, const sts::net::endpoint& to, Token&& token) {
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

// A scripted SMTP client: plain lines, then asio::ssl after STARTTLS. Each reply wait is
// bounded by a virtual 300 s deadline that closes the connection, as an MTA's would.
class test_client {
public:
    explicit test_client(world& w) : w_(w) {}

    sts::core::duration reply_timeout = client_reply_timeout;

    asio::awaitable<void> connect() {
        stream_ = co_await async_connect(w_.network, mx_endpoint, asio::use_awaitable);
        plain_.emplace(w_.sched.io().get_executor(), *stream_);
    }

    asio::awaitable<void> send(std::string bytes) {
        boost::system::error_code ec;
        if (tls_) {
            co_await asio::async_write(*tls_, asio::buffer(bytes),
                                       asio::redirect_error(asio::use_awaitable, ec));
        } else {
            co_await asio::async_write(*plain_, asio::buffer(bytes),
                                       asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    // The next complete reply, lines joined by '\n' without CRLF; "" when the connection
    // ended or the wait timed out first (see timed_out(), read_error()).
    asio::awaitable<std::string> reply() {
        waited_from_ = w_.sched.now();
        sts::net::deadline_guard guard(w_.sched, waited_from_ + reply_timeout, [this] { stream_->close(); });
        for (;;) {
            if (auto r = take_reply()) co_return *r;
            boost::system::error_code ec;
            std::size_t n = 0;
            if (tls_) {
                n = co_await tls_->async_read_some(asio::buffer(buf_),
                                                   asio::redirect_error(asio::use_awaitable, ec));
            } else {
                n = co_await plain_->async_read_some(asio::buffer(buf_),
                                                     asio::redirect_error(asio::use_awaitable, ec));
            }
            if (guard.expired()) {
                timed_out_ = true;
                gave_up_at_ = w_.sched.now();
                co_return std::string();
            }
            if (ec) {
                read_error_ = ec;
                co_return std::string();
            }
            inbox_.append(buf_.data(), n);
        }
    }

    asio::awaitable<std::string> command(std::string line) {
        co_await send(line + "\r\n");
        co_return co_await reply();
    }

    // The TLS handshake after a 220 to STARTTLS, with SNI `sni` and the certificate checked
    // against `verify_name` (none when empty). Like a correct client, it first drops
    // whatever plaintext followed the 220.
    asio::awaitable<boost::system::error_code> handshake(asio::ssl::context& ctx, std::string sni,
                                                         std::string verify_name) {
        inbox_.clear();
        tls_.emplace(*plain_, ctx);
        if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
        if (!verify_name.empty()) SSL_set1_host(tls_->native_handle(), verify_name.c_str());
        waited_from_ = w_.sched.now();
        sts::net::deadline_guard guard(w_.sched, waited_from_ + client_reply_timeout,
                                       [this] { stream_->close(); });
        boost::system::error_code ec;
        co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (guard.expired()) {
            timed_out_ = true;
            gave_up_at_ = w_.sched.now();
        }
        if (!ec) version_ = SSL_get_version(tls_->native_handle());
        co_return ec;
    }

    void close() {
        if (stream_) stream_->close();
    }

    std::string& inbox() { return inbox_; }
    bool timed_out() const { return timed_out_; }
    time_point waited_from() const { return waited_from_; }
    time_point gave_up_at() const { return gave_up_at_; }
    boost::system::error_code read_error() const { return read_error_; }
    const std::string& tls_version() const { return version_; }
    X509* peer_certificate() { return SSL_get0_peer_certificate(tls_->native_handle()); }

private:
    std::optional<std::string> take_reply() {
        std::size_t start = 0;
        std::string joined;
        for (;;) {
            const auto end = inbox_.find("\r\n", start);
            if (end == std::string::npos) return std::nullopt;
            const auto line = inbox_.substr(start, end - start);
            joined += (joined.empty() ? "" : "\n") + line;
            start = end + 2;
            if (line.size() < 4 || line[3] != '-') {
                inbox_.erase(0, start);
                return joined;
            }
        }
    }

    world& w_;
    std::unique_ptr<sts::net::byte_stream> stream_;
    std::optional<sts::net::asio_stream> plain_;
    std::optional<asio::ssl::stream<sts::net::asio_stream>> tls_;
    std::array<char, 4096> buf_{};
    std::string inbox_;
    bool timed_out_ = false;
    time_point waited_from_{}, gave_up_at_{};
    boost::system::error_code read_error_;
    std::string version_;
};

bool ok(const std::string& reply) {
    return !reply.empty() && (reply[0] == '2' || reply[0] == '3');
}

// What a whole client session does, and what it saw.
struct plan {
    asio::ssl::context* tls = nullptr;  // STARTTLS when set
    std::string sni = "mx1.example.test";
    std::string verify_name = "mx1.example.test";
    std::vector<std::string> recipients{"b@example.test"};
    std::vector<std::string> bodies{"Subject: test\r\n\r\nHello.\r\n"};
};

plan over_tls(asio::ssl::context& ctx, std::string sni = "mx1.example.test",
              std::string verify_name = "mx1.example.test") {
    plan p;
    p.tls = &ctx;
    p.sni = std::move(sni);
    p.verify_name = std::move(verify_name);
    return p;
}

struct outcome {
    std::vector<std::pair<std::string, std::string>> replies;  // step label -> reply ("" if none)
    std::string stopped_at;                                    // the label of the first unexpected reply
    boost::system::error_code handshake_error;
    std::string ehlo;
};

// The usual sender dialogue; at the first failure it says QUIT (if it can) and stops.
asio::awaitable<void> converse(test_client& c, plan p, outcome& out) {
    co_await c.connect();
    auto step = [&](std::string label, std::string reply) {
        out.replies.emplace_back(label, reply);
        if (!ok(reply) && out.stopped_at.empty()) out.stopped_at = label;
        return ok(reply);
    };
    auto give_up = [&]() -> asio::awaitable<void> {
        if (!c.timed_out() && !c.read_error()) out.replies.emplace_back("QUIT", co_await c.command("QUIT"));
        c.close();
    };
    if (!step("greeting", co_await c.reply())) co_return co_await give_up();
    out.ehlo = co_await c.command("EHLO client.sender.test");
    if (!step("EHLO", out.ehlo)) co_return co_await give_up();
    if (p.tls != nullptr) {
        if (!step("STARTTLS", co_await c.command("STARTTLS"))) co_return co_await give_up();
        out.handshake_error = co_await c.handshake(*p.tls, p.sni, p.verify_name);
        if (out.handshake_error) {
            out.stopped_at = "handshake";
            c.close();
            co_return;
        }
        out.ehlo = co_await c.command("EHLO client.sender.test");
        if (!step("EHLO", out.ehlo)) co_return co_await give_up();
    }
    for (std::size_t m = 0; m < p.bodies.size(); ++m) {
        if (m > 0 && !step("RSET", co_await c.command("RSET"))) co_return co_await give_up();
        if (!step("MAIL", co_await c.command("MAIL FROM:<a@sender.test>"))) co_return co_await give_up();
        for (const auto& r : p.recipients) {
            if (!step("RCPT", co_await c.command("RCPT TO:<" + r + ">"))) co_return co_await give_up();
        }
        if (!step("DATA", co_await c.command("DATA"))) co_return co_await give_up();
        if (!step(".", co_await c.command(p.bodies[m] + "."))) co_return co_await give_up();
    }
    step("QUIT", co_await c.command("QUIT"));
    c.close();
}

std::string reply_to(const outcome& out, const std::string& label) {
    for (const auto& [l, r] : out.replies) {
        if (l == label) return r;
    }
    return "(never sent)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_smtp_receiver)

BOOST_AUTO_TEST_CASE(a_plaintext_delivery_is_recorded_with_its_envelope_and_content) {
    world w(mx1_config());
    test_client c(w);
    outcome out;
    plan p;
    p.recipients = {"b@example.test", "c@example.test"};
    p.bodies = {"Subject: dots\r\n\r\n..leading dot\r\nend\r\n"};
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, p, out); };
    w.run(script());

    BOOST_TEST(out.stopped_at == "");
    BOOST_TEST(reply_to(out, "greeting") == "220 mx1.example.test ESMTP mock");
    BOOST_TEST(out.ehlo.find("250 STARTTLS") != std::string::npos);
    BOOST_TEST(reply_to(out, "QUIT") == "221 2.0.0 Bye");
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    const auto& m = w.receiver->received().front();
    BOOST_TEST(m.connection == 1u);
    BOOST_TEST(m.mail_from == "a@sender.test");
    BOOST_TEST((m.rcpt_to == std::vector<std::string>{"b@example.test", "c@example.test"}));
    BOOST_TEST(m.data == "Subject: dots\r\n\r\n.leading dot\r\nend\r\n");  // dot-unstuffed
    BOOST_TEST(m.data_bytes == m.data.size());
    BOOST_TEST(!m.over_tls);
    BOOST_TEST(m.tls_version.empty());
    BOOST_TEST((m.at > t0));
    BOOST_TEST(w.receiver->connections() == 1u);
    BOOST_TEST(w.transcript_has(transcript_kind::event, "accept connection 1 from 192.0.2.1:"));
    BOOST_TEST(w.transcript_has(transcript_kind::smtp_command, "MAIL FROM:<a@sender.test>"));
    BOOST_TEST(w.transcript_has(transcript_kind::smtp_reply, "250 2.1.5 Ok"));
    BOOST_TEST(
        w.transcript_has(transcript_kind::delivery,
                         "from=<a@sender.test> to=<b@example.test>,<c@example.test> size=36 tls=none"));
}

BOOST_AUTO_TEST_CASE(starttls_delivers_over_tls_1_3_with_the_version_cipher_and_sni_recorded,
                     *sts::test::covers("STS-APPLY-07", "STS-APPLY-06")) {
    world w(mx1_config());
    const auto tls = client_tls();
    test_client c(w);
    outcome out;
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
    w.run(script());

    BOOST_TEST(out.stopped_at == "");
    BOOST_TEST(!out.handshake_error);
    BOOST_TEST(c.tls_version() == "TLSv1.3");
    // RFC 3207 §4.2: after TLS the EHLO reply no longer offers STARTTLS.
    BOOST_TEST(out.ehlo.find("STARTTLS") == std::string::npos);
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    const auto& m = w.receiver->received().front();
    BOOST_TEST(m.over_tls);
    BOOST_TEST(m.tls_version == "TLSv1.3");
    BOOST_TEST(m.cipher.rfind("TLS_", 0) == 0u);
    BOOST_TEST(m.sni == "mx1.example.test");
    BOOST_TEST(
        w.transcript_has(transcript_kind::tls, "established TLSv1.3 " + m.cipher + " sni=mx1.example.test"));
    BOOST_TEST(w.transcript_has(transcript_kind::delivery, "tls=TLSv1.3"));
}

BOOST_AUTO_TEST_CASE(a_receiver_capped_at_tls_1_2_negotiates_tls_1_2, *sts::test::covers("STS-APPLY-07")) {
    auto config = mx1_config();
    config.tls.max_version = tls_version::tls1_2;
    world w(config);
    const auto tls = client_tls();
    test_client c(w);
    outcome out;
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
    w.run(script());

    BOOST_TEST(out.stopped_at == "");
    BOOST_TEST(c.tls_version() == "TLSv1.2");
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    BOOST_TEST(w.receiver->received().front().tls_version == "TLSv1.2");
}

BOOST_AUTO_TEST_CASE(a_receiver_capped_at_tls_1_0_negotiates_tlsv1_with_a_security_level_0_client,
                     *sts::test::covers("STS-APPLY-08")) {
    auto config = mx1_config();
    config.tls.max_version = tls_version::tls1_0;
    world w(config);
    const auto tls = client_tls(/*legacy=*/true, TLS1_VERSION);
    test_client c(w);
    outcome out;
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
    w.run(script());

    BOOST_TEST(!out.handshake_error, out.handshake_error.message());
    BOOST_TEST(c.tls_version() == "TLSv1");
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    BOOST_TEST(w.receiver->received().front().tls_version == "TLSv1");
}

BOOST_AUTO_TEST_CASE(a_receiver_capped_at_tls_1_0_fails_the_handshake_with_a_client_requiring_tls_1_2,
                     *sts::test::covers("STS-APPLY-08", "STS-APPLY-19")) {
    auto config = mx1_config();
    config.tls.max_version = tls_version::tls1_0;
    world w(config);
    const auto tls = client_tls(/*legacy=*/true, TLS1_2_VERSION);
    test_client c(w);
    outcome out;
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
    w.run(script());

    BOOST_TEST(out.stopped_at == "handshake");
    BOOST_TEST(static_cast<bool>(out.handshake_error));
    BOOST_TEST(w.receiver->received().empty());
    BOOST_TEST(w.transcript_has(transcript_kind::tls, "handshake failed: "));
    BOOST_TEST(!w.transcript_has(transcript_kind::smtp_command, "MAIL FROM"));
}

BOOST_AUTO_TEST_CASE(each_sni_gets_its_own_certificate_and_a_missing_sni_the_fallback_chain,
                     *sts::test::covers("STS-APPLY-06", "STS-APPLY-21")) {
    auto config = mx1_config();
    config.tls.identity = identity_for("fallback.example.test");
    config.tls.by_sni = {{"mx1.example.test", identity_for("mx1.example.test")},
                         {"mx2.example.test", identity_for("mx2.example.test")}};
    world w(config);
    const auto tls = client_tls();
    test_client c1(w), c2(w), c3(w);
    outcome o1, o2, o3;
    X509 *seen1 = nullptr, *seen2 = nullptr, *seen3 = nullptr;
    auto script = [&]() -> asio::awaitable<void> {
        co_await converse(c1, over_tls(*tls, "mx1.example.test", "mx1.example.test"), o1);
        seen1 = c1.peer_certificate();
        co_await converse(c2, over_tls(*tls, "mx2.example.test", "mx2.example.test"), o2);
        seen2 = c2.peer_certificate();
        co_await converse(c3, over_tls(*tls, "", "fallback.example.test"), o3);
        seen3 = c3.peer_certificate();
    };
    w.run(script());

    BOOST_TEST(o1.stopped_at == "");
    BOOST_TEST(o2.stopped_at == "");
    BOOST_TEST(o3.stopped_at == "");
    BOOST_REQUIRE((seen1 != nullptr && seen2 != nullptr && seen3 != nullptr));
    BOOST_TEST(X509_cmp(seen1, leaf_x509_for("mx1.example.test")) == 0);
    BOOST_TEST(X509_cmp(seen2, leaf_x509_for("mx2.example.test")) == 0);
    BOOST_TEST(X509_cmp(seen3, leaf_x509_for("fallback.example.test")) == 0);
    BOOST_TEST(X509_cmp(seen1, seen2) != 0);
    BOOST_REQUIRE(w.receiver->received().size() == 3u);
    BOOST_TEST(w.receiver->received()[0].sni == "mx1.example.test");
    BOOST_TEST(w.receiver->received()[1].sni == "mx2.example.test");
    BOOST_TEST(w.receiver->received()[2].sni == "");
    BOOST_TEST(w.transcript_has(transcript_kind::tls, "sni=(none)"));
}

BOOST_AUTO_TEST_CASE(a_strict_sni_receiver_aborts_the_handshake_without_a_known_sni,
                     *sts::test::covers("STS-APPLY-06")) {
    auto config = mx1_config();
    config.tls.by_sni = {{"mx1.example.test", identity_for("mx1.example.test")}};
    config.tls.strict_sni = true;
    world w(config);
    const auto tls = client_tls();
    test_client c1(w), c2(w);
    outcome without_sni, with_sni;
    auto script = [&]() -> asio::awaitable<void> {
        co_await converse(c1, over_tls(*tls, ""), without_sni);
        co_await converse(c2, over_tls(*tls), with_sni);
    };
    w.run(script());

    BOOST_TEST(without_sni.stopped_at == "handshake");
    BOOST_TEST(with_sni.stopped_at == "");
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    BOOST_TEST(w.receiver->received().front().connection == 2u);
}

BOOST_AUTO_TEST_CASE(starttls_not_offered_is_missing_from_ehlo_and_refused_with_502,
                     *sts::test::covers("STS-SEC-01", "STS-APPLY-19")) {
    auto config = mx1_config();
    config.starttls_offered = false;
    world w(config);
    const auto tls = client_tls();
    test_client c(w);
    outcome out;
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
    w.run(script());

    BOOST_TEST(out.ehlo.find("STARTTLS") == std::string::npos);
    BOOST_TEST(out.ehlo.find("250 ENHANCEDSTATUSCODES") != std::string::npos);
    BOOST_TEST(out.stopped_at == "STARTTLS");
    BOOST_TEST(reply_to(out, "STARTTLS") == "502 5.5.1 Error: command not implemented");
    BOOST_TEST(w.receiver->received().empty());
}

BOOST_AUTO_TEST_CASE(refused_starttls_answers_454_and_the_session_stays_in_plaintext,
                     *sts::test::covers("STS-APPLY-19")) {
    auto config = mx1_config();
    config.overrides = {refuse_starttls()};
    world w(config);
    test_client c(w);
    std::string ehlo, starttls, mail;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        co_await c.reply();
        ehlo = co_await c.command("EHLO client.sender.test");
        starttls = co_await c.command("STARTTLS");
        mail = co_await c.command("MAIL FROM:<a@sender.test>");
        co_await c.command("QUIT");
        c.close();
    };
    w.run(script());

    BOOST_TEST(ehlo.find("250 STARTTLS") != std::string::npos);
    BOOST_TEST(starttls == "454 4.7.0 TLS not available");
    BOOST_TEST(mail == "250 2.1.0 Ok");  // still plaintext SMTP, not a TLS handshake
    BOOST_TEST(!w.transcript_has(transcript_kind::tls, ""));
}

BOOST_AUTO_TEST_CASE(handshake_faults_fail_the_clients_handshake_and_nothing_is_delivered,
                     *sts::test::covers("STS-APPLY-19")) {
    for (const auto fault : {handshake_fault::close_after_reply, handshake_fault::garbage_reply}) {
        BOOST_TEST_CONTEXT("fault " << static_cast<int>(fault)) {
            auto config = mx1_config();
            config.handshake = fault;
            world w(config);
            const auto tls = client_tls();
            test_client c(w);
            outcome out;
            auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
            w.run(script());

            BOOST_TEST(reply_to(out, "STARTTLS") == "220 2.0.0 Ready to start TLS");
            BOOST_TEST(out.stopped_at == "handshake");
            BOOST_TEST(static_cast<bool>(out.handshake_error));
            BOOST_TEST(!c.timed_out());  // it fails at once, not by a timeout
            BOOST_TEST(w.receiver->received().empty());
            BOOST_TEST(w.transcript_has(transcript_kind::tls, "handshake fault: "));
            BOOST_TEST(!w.transcript_has(transcript_kind::tls, "established"));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_4xx_or_5xx_override_at_each_step_is_what_the_client_receives,
                     *sts::test::covers("STS-APPLY-19")) {
    struct row {
        smtp_step step;
        std::string label;
        std::string reply;
    };
    const std::vector<row> rows{
        {smtp_step::greeting, "greeting", "554 5.3.2 mock has no service"},
        {smtp_step::greeting, "greeting", "421 4.3.2 mock is going away"},
        {smtp_step::ehlo, "EHLO", "451 4.3.0 mock says later"},
        {smtp_step::ehlo, "EHLO", "550 5.7.1 mock says no"},
        {smtp_step::starttls, "STARTTLS", "454 4.7.0 mock says later"},
        {smtp_step::starttls, "STARTTLS", "554 5.7.0 mock says no"},
        {smtp_step::mail, "MAIL", "451 4.3.0 mock says later"},
        {smtp_step::mail, "MAIL", "553 5.1.8 mock says no"},
        {smtp_step::rcpt, "RCPT", "450 4.2.1 mock says later"},
        {smtp_step::rcpt, "RCPT", "550 5.1.1 mock says no"},
        {smtp_step::data, "DATA", "451 4.3.0 mock says later"},
        {smtp_step::data, "DATA", "554 5.5.1 mock says no"},
        {smtp_step::end_of_data, ".", "452 4.3.1 mock says later"},
        {smtp_step::end_of_data, ".", "554 5.6.0 mock says no"},
        {smtp_step::quit, "QUIT", "421 4.3.0 mock says later"},
        {smtp_step::quit, "QUIT", "554 5.0.0 mock says no"},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT(r.label << " " << r.reply) {
            auto config = mx1_config();
            config.overrides = {fail_at(r.step, r.reply)};
            world w(config);
            const auto tls = client_tls();
            test_client c(w);
            outcome out;
            auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
            w.run(script());

            BOOST_TEST(out.stopped_at == r.label);
            BOOST_TEST(reply_to(out, r.label) == r.reply);
            BOOST_TEST(w.receiver->received().size() == (r.step == smtp_step::quit ? 1u : 0u));
            BOOST_TEST(w.transcript_has(transcript_kind::smtp_reply, r.reply));
            if (r.step == smtp_step::greeting && r.reply[0] == '5') {
                // RFC 5321 §3.1: after a 554 greeting only QUIT is served.
                BOOST_TEST(reply_to(out, "EHLO") == "(never sent)");
                BOOST_TEST(out.replies.back().second == "221 2.0.0 Bye");
            }
            if (r.reply.rfind("421", 0) == 0 && r.step != smtp_step::quit) {
                BOOST_TEST(out.replies.back().second == "");  // closed: QUIT finds no one
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(an_override_for_the_nth_occurrence_applies_to_that_one_only) {
    auto config = mx1_config();
    config.overrides = {fail_at(smtp_step::rcpt, "550 5.1.1 no such user", 2),
                        fail_at(smtp_step::greeting, "421 4.3.2 busy, come back later", 1)};
    world w(config);
    test_client first(w), second(w);
    std::string first_greeting, rcpt1, rcpt2, rcpt3, end;
    auto script = [&]() -> asio::awaitable<void> {
        co_await first.connect();
        first_greeting = co_await first.reply();
        first.close();
        co_await second.connect();
        co_await second.reply();
        co_await second.command("EHLO client.sender.test");
        co_await second.command("MAIL FROM:<a@sender.test>");
        rcpt1 = co_await second.command("RCPT TO:<one@example.test>");
        rcpt2 = co_await second.command("RCPT TO:<two@example.test>");
        rcpt3 = co_await second.command("RCPT TO:<three@example.test>");
        co_await second.command("DATA");
        end = co_await second.command("hi\r\n.");
        co_await second.command("QUIT");
        second.close();
    };
    w.run(script());

    BOOST_TEST(first_greeting == "421 4.3.2 busy, come back later");
    BOOST_TEST(rcpt1 == "250 2.1.5 Ok");
    BOOST_TEST(rcpt2 == "550 5.1.1 no such user");
    BOOST_TEST(rcpt3 == "250 2.1.5 Ok");
    BOOST_TEST(end == "250 2.0.0 Ok: queued as M1");
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    BOOST_TEST((w.receiver->received().front().rcpt_to ==
                std::vector<std::string>{"one@example.test", "three@example.test"}));
    BOOST_TEST(w.receiver->received().front().connection == 2u);
}

BOOST_AUTO_TEST_CASE(a_stall_after_the_greeting_is_timed_out_by_the_client_at_virtual_300_seconds) {
    auto config = mx1_config();
    config.overrides = {stall_after(smtp_step::greeting)};
    world w(config);
    test_client c(w);
    std::string greeting, ehlo;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        greeting = co_await c.reply();
        ehlo = co_await c.command("EHLO client.sender.test");
        c.close();
    };
    w.run(script());

    BOOST_TEST(greeting == "220 mx1.example.test ESMTP mock");
    BOOST_TEST(ehlo == "");
    BOOST_TEST(c.timed_out());
    BOOST_TEST((c.gave_up_at() == c.waited_from() + 300s));
    BOOST_TEST((c.waited_from() < t0 + 1s));  // connect and greeting cost only link latency
    BOOST_TEST(w.transcript_has(transcript_kind::event, "stall at greeting"));
    // It waited for the client to go, reading and ignoring "EHLO client.sender.test\r\n".
    BOOST_TEST(w.transcript_has(transcript_kind::event, "peer closed after 25 bytes went unanswered"));
}

BOOST_AUTO_TEST_CASE(a_stall_at_any_point_leaves_the_client_waiting_until_its_timeout) {
    struct row {
        reply_override stall;
        std::string label;  // what the client waited for in vain
    };
    const std::vector<row> rows{
        {stall_before_greeting(), "greeting"},
        {stall_after(smtp_step::ehlo), "STARTTLS"},
        {stall_after(smtp_step::starttls), "handshake"},
        {stall_after(smtp_step::tls_established), "EHLO"},
        {stall_after(smtp_step::mail), "RCPT"},
        {stall_after(smtp_step::rcpt), "DATA"},
        {stall_after(smtp_step::data), "."},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT("stall at " << to_string(r.stall.step) << ", waiting for " << r.label) {
            auto config = mx1_config();
            config.overrides = {r.stall};
            world w(config);
            const auto tls = client_tls();
            test_client c(w);
            outcome out;
            auto script = [&]() -> asio::awaitable<void> { co_await converse(c, over_tls(*tls), out); };
            w.run(script());

            BOOST_TEST(out.stopped_at == r.label);
            BOOST_TEST(c.timed_out());
            BOOST_TEST((c.gave_up_at() - c.waited_from() == 300s));
            BOOST_TEST(w.receiver->received().empty());
            BOOST_TEST(w.transcript_has(transcript_kind::event, "peer closed"));
        }
    }
}

BOOST_AUTO_TEST_CASE(an_endless_reply_sends_continuation_lines_up_to_its_bound_then_stalls) {
    auto config = mx1_config();
    reply_override endless;
    endless.step = smtp_step::greeting;
    endless.reply = "220 mx1.example.test hello\n220 and more";
    endless.endless = true;
    config.overrides = {endless};
    config.endless_reply_bytes_max = 8192;
    world w(config);
    test_client c(w);
    std::string greeting;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        greeting = co_await c.reply();
        c.close();
    };
    w.run(script());

    // No last line ever came: the client timed out holding only continuation lines.
    BOOST_TEST(greeting == "");
    BOOST_TEST(c.timed_out());
    const auto& got = c.inbox();
    BOOST_TEST(got.rfind("220-mx1.example.test hello\r\n220-and more\r\n220-continuation line 1 ", 0) == 0u);
    BOOST_TEST(got.size() >= 8192u);
    BOOST_TEST(got.size() < 8192u + 64u * 64u);
    std::size_t lines = 0;
    for (std::size_t at = 0; at < got.size(); at = got.find("\r\n", at) + 2) {
        BOOST_TEST(got.compare(at, 4, "220-") == 0);
        ++lines;
    }
    BOOST_TEST(lines > 100u);
    BOOST_TEST(w.transcript_has(transcript_kind::event, "endless reply: stopping after"));
    BOOST_TEST(w.transcript_has(transcript_kind::event, "peer closed"));
}

BOOST_AUTO_TEST_CASE(an_endless_reply_without_text_is_refused) {
    auto config = mx1_config();
    reply_override endless;
    endless.step = smtp_step::ehlo;
    endless.endless = true;
    config.overrides = {endless};
    BOOST_TEST(validate(config) == "override 1 (ehlo): an endless reply needs reply text to continue");
}

BOOST_AUTO_TEST_CASE(plaintext_injected_after_starttls_reaches_the_client_with_the_220,
                     *sts::test::covers("STS-SEC-01")) {
    auto config = mx1_config();
    config.starttls_injection = "250 injected\r\n";
    world w(config);
    const auto tls = client_tls();
    test_client c(w);
    std::string starttls, left_in_buffer, ehlo_over_tls;
    boost::system::error_code handshake;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        co_await c.reply();
        co_await c.command("EHLO client.sender.test");
        starttls = co_await c.command("STARTTLS");
        left_in_buffer = c.inbox();  // what a correct client must now throw away
        handshake = co_await c.handshake(*tls, "mx1.example.test", "mx1.example.test");
        ehlo_over_tls = co_await c.command("EHLO client.sender.test");
        co_await c.command("QUIT");
        c.close();
    };
    w.run(script());

    BOOST_TEST(starttls == "220 2.0.0 Ready to start TLS");
    BOOST_TEST(left_in_buffer == "250 injected\r\n");
    BOOST_TEST(!handshake);
    BOOST_TEST(ehlo_over_tls.rfind("250-mx1.example.test", 0) == 0u);
    BOOST_TEST(w.transcript_has(transcript_kind::event,
                                "injected plaintext after the reply: \"250 injected\\x0d\\x0a\""));
}

BOOST_AUTO_TEST_CASE(commands_pipelined_after_starttls_are_discarded_not_run_inside_tls) {
    world w(mx1_config());
    const auto tls = client_tls();
    test_client c(w);
    std::string starttls, rcpt;
    boost::system::error_code handshake;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        co_await c.reply();
        co_await c.command("EHLO client.sender.test");
        co_await c.send("STARTTLS\r\nMAIL FROM:<evil@attacker.test>\r\n");
        starttls = co_await c.reply();
        handshake = co_await c.handshake(*tls, "mx1.example.test", "mx1.example.test");
        co_await c.command("EHLO client.sender.test");
        rcpt = co_await c.command("RCPT TO:<b@example.test>");
        co_await c.command("QUIT");
        c.close();
    };
    w.run(script());

    BOOST_TEST(starttls == "220 2.0.0 Ready to start TLS");
    BOOST_TEST(!handshake);
    BOOST_TEST(rcpt == "503 5.5.1 Error: need MAIL command");  // the injected MAIL never ran
    BOOST_TEST(w.transcript_has(transcript_kind::event, "discarded 32 bytes pipelined after STARTTLS"));
    BOOST_TEST(!w.transcript_has(transcript_kind::smtp_command, "evil@attacker.test"));
}

BOOST_AUTO_TEST_CASE(two_messages_on_one_connection_are_both_delivered) {
    world w(mx1_config());
    const auto tls = client_tls();
    test_client c(w);
    outcome out;
    plan p = over_tls(*tls);
    p.bodies = {"Subject: one\r\n\r\n1\r\n", "Subject: two\r\n\r\n2\r\n"};
    auto script = [&]() -> asio::awaitable<void> { co_await converse(c, p, out); };
    w.run(script());

    BOOST_TEST(out.stopped_at == "");
    BOOST_TEST(reply_to(out, "RSET") == "250 2.0.0 Ok");
    BOOST_REQUIRE(w.receiver->received().size() == 2u);
    BOOST_TEST(w.receiver->received()[0].data == p.bodies[0]);
    BOOST_TEST(w.receiver->received()[1].data == p.bodies[1]);
    BOOST_TEST(w.receiver->received()[1].connection == 1u);
    BOOST_TEST(w.receiver->received()[1].over_tls);
    BOOST_TEST(w.receiver->connections() == 1u);
}

BOOST_AUTO_TEST_CASE(a_10_mb_command_line_gets_500_and_a_close) {
    world w(mx1_config());
    test_client c(w);
    std::string reply, after;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        co_await c.reply();
        co_await c.send(std::string(10 * 1024 * 1024, 'A') + "\r\n");
        reply = co_await c.reply();
        after = co_await c.reply();
        c.close();
    };
    w.run(script());

    BOOST_TEST(reply == "500 5.5.2 Error: line too long");
    BOOST_TEST(after == "");
    BOOST_TEST((c.read_error() == asio::error::eof));
    for (const auto& e : w.record.entries()) BOOST_TEST(e.text.size() < 1024u);
}

BOOST_AUTO_TEST_CASE(a_10_mb_message_line_gets_500_and_an_oversize_message_552) {
    auto config = mx1_config();
    config.message_bytes_max = 1000;
    world w(config);
    test_client c1(w), c2(w);
    std::string long_line, oversize, small;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c1.connect();
        co_await c1.reply();
        co_await c1.command("EHLO client.sender.test");
        co_await c1.command("MAIL FROM:<a@sender.test>");
        co_await c1.command("RCPT TO:<b@example.test>");
        co_await c1.command("DATA");
        long_line = co_await c1.command(std::string(10 * 1024 * 1024, 'x') + "\r\n.");
        c1.close();

        co_await c2.connect();
        co_await c2.reply();
        co_await c2.command("EHLO client.sender.test");
        co_await c2.command("MAIL FROM:<a@sender.test>");
        co_await c2.command("RCPT TO:<b@example.test>");
        co_await c2.command("DATA");
        std::string big;
        for (int i = 0; i < 50; ++i) big += std::string(98, 'y') + "\r\n";
        oversize = co_await c2.command(big + ".");
        co_await c2.command("MAIL FROM:<a@sender.test>");
        co_await c2.command("RCPT TO:<b@example.test>");
        co_await c2.command("DATA");
        small = co_await c2.command("small\r\n.");
        co_await c2.command("QUIT");
        c2.close();
    };
    w.run(script());

    BOOST_TEST(long_line == "500 5.5.2 Error: line too long");
    BOOST_TEST(oversize == "552 5.3.4 Error: message file too big");
    BOOST_TEST(small == "250 2.0.0 Ok: queued as M1");
    BOOST_REQUIRE(w.receiver->received().size() == 1u);
    BOOST_TEST(w.receiver->received().front().data == "small\r\n");
}

BOOST_AUTO_TEST_CASE(a_silent_client_is_dropped_after_the_idle_timeout) {
    world w(mx1_config());
    test_client c(w);
    c.reply_timeout = 1h;
    std::string greeting, next;
    time_point ended_at{};
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        greeting = co_await c.reply();
        next = co_await c.reply();  // the client says nothing and waits
        ended_at = w.sched.now();
        c.close();
    };
    w.run(script());

    BOOST_TEST(next == "");
    BOOST_TEST((c.read_error() == asio::error::eof));
    BOOST_TEST(!c.timed_out());
    // The receiver started waiting one link latency before the client saw its greeting, and
    // its close takes one latency to arrive.
    BOOST_TEST((ended_at == c.waited_from() + 5min));
    BOOST_TEST(w.transcript_has(transcript_kind::event, "idle timeout"));
}

BOOST_AUTO_TEST_CASE(stop_closes_the_listener_and_open_connections) {
    world w(mx1_config());
    test_client c(w);
    std::string greeting, next;
    auto script = [&]() -> asio::awaitable<void> {
        co_await c.connect();
        greeting = co_await c.reply();
        w.receiver->stop();
        next = co_await c.reply();
        c.close();
    };
    w.run(script());

    BOOST_TEST(greeting == "220 mx1.example.test ESMTP mock");
    BOOST_TEST((c.read_error() == asio::error::eof));
    BOOST_TEST(!c.timed_out());
    bool refused = false;
    w.network.async_connect("192.0.2.1", mx_endpoint, [&](sts::net::error_code ec, auto) {
        refused = ec == asio::error::connection_refused;
    });
    w.sched.run();
    BOOST_TEST(refused);
}

BOOST_AUTO_TEST_CASE(a_config_that_cannot_run_is_refused_by_start) {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    transcript record;
    mock_context ctx{sched.io(), network, sched, sched, record};
    auto bad_reply = mx1_config();
    bad_reply.overrides = {fail_at(smtp_step::mail, "oops")};
    smtp_receiver r1(ctx, bad_reply);
    const auto e1 = r1.start();
    BOOST_REQUIRE(!e1.has_value());
    BOOST_TEST(e1.error() == "override 1 (mail): reply does not start with a reply code 2xx to 5xx");
    auto bad_pem = mx1_config();
    bad_pem.tls.identity.private_key_pem = "not a key";
    smtp_receiver r2(ctx, bad_pem);
    const auto e2 = r2.start();
    BOOST_REQUIRE(!e2.has_value());
    BOOST_TEST(e2.error().rfind("TLS: private key", 0) == 0u);
    smtp_receiver r3(ctx, mx1_config()), r4(ctx, mx1_config());
    BOOST_REQUIRE(r3.start().has_value());
    const auto e4 = r4.start();
    BOOST_REQUIRE(!e4.has_value());
    BOOST_TEST(e4.error().rfind("listen on 192.0.2.25:25: ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(two_runs_of_one_world_produce_identical_transcripts) {
    auto run_once = [] {
        auto config = mx1_config();
        config.tls.max_version = tls_version::tls1_2;
        config.overrides = {fail_at(smtp_step::rcpt, "450 4.2.1 try later", 1)};
        config.starttls_injection = "250 injected\r\n";
        world w(config);
        const auto tls = client_tls();
        test_client c1(w), c2(w);
        outcome o1, o2;
        auto script = [&]() -> asio::awaitable<void> {
            co_await converse(c1, over_tls(*tls), o1);
            co_await converse(c2, over_tls(*tls), o2);
        };
        w.run(script());
        BOOST_TEST(w.receiver->received().size() == 1u);
        return w.record.render();
    };
    const auto first = run_once();
    const auto second = run_once();
    BOOST_TEST(first.find("established TLSv1.2") != std::string::npos);
    BOOST_TEST(first.find("smtp< 450 4.2.1 try later") != std::string::npos);
    BOOST_TEST(first == second);
}

BOOST_AUTO_TEST_SUITE_END()
