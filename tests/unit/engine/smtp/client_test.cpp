// Tests engine/smtp/client.hpp against the mock SMTP receiver on the simulated network:
// deliveries over TLS and in clear, the TLS verdict applied at each point STARTTLS can fail
// (stripped, refused, broken handshake, old protocol, wrong name, injected plaintext), SMTP
// 4xx/5xx answers at each step, stalls timed out on virtual time, and the order of the
// observer's events. Requirements come from tls::decide(), as the engine gets them.
#include "engine/smtp/client.hpp"

#include "engine/tls/client_tls.hpp"
#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/tlsa.hpp"
#include "mocks/smtp/smtp_receiver.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using sts::core::time_point;
using sts::test::covers;
using sts::tlsrpt::failure_reason;
using namespace sts::smtp;
namespace tls = sts::tls;
namespace mocks = sts::mocks;

namespace sts::smtp {
// For Boost.Test's messages about recipient statuses.
inline std::ostream& operator<<(std::ostream& os, recipient_status s) {
    return os << static_cast<int>(s);
}
}  // namespace sts::smtp

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};
const sts::net::endpoint mx_endpoint{"192.0.2.25", 25};
const std::string mx_name = "mx1.example.test";

const mocks::cert_factory& factory() {
    static const mocks::cert_factory f(20240926);
    return f;
}

mocks::tls_identity identity_for(std::vector<std::string> names) {
    mocks::leaf_spec spec;
    spec.dns_names = std::move(names);
    const auto credentials = factory().issue_leaf(spec);
    BOOST_REQUIRE(credentials.has_value());
    return {credentials->chain_pem(), credentials->key_pem()};
}

mocks::receiver_config mx1() {
    mocks::receiver_config config;
    config.host_name = mx_name;
    config.listen = mx_endpoint;
    config.tls.identity = identity_for({mx_name});
    return config;
}

tls::connection_requirement requirement(tls::tls_setting setting, tls::sts_outcome sts) {
    tls::decision_input in;
    in.settings = tls::profile{setting, tls::dane_setting::none, true};
    in.sts = sts;
    in.mx_host = mx_name;
    in.next_hop_domain = "example.test";
    return tls::decide(in);
}

tls::connection_requirement sts_enforce() {
    return requirement(tls::tls_setting::preferred, tls::sts_outcome::enforce_mx_match);
}
tls::connection_requirement opportunistic() {
    return requirement(tls::tls_setting::preferred, tls::sts_outcome::no_policy);
}

outgoing_message message(std::uint64_t mid, std::vector<std::string> rcpts,
                         std::string data = "Subject: hi\r\n\r\nHello.\r\n") {
    outgoing_message m;
    m.mid = mid;
    m.mail_from = "alice@sender.test";
    m.rcpt_to = std::move(rcpts);
    for (unsigned i = 0; i < m.rcpt_to.size(); ++i) m.rids.push_back(i + 1);
    m.data = std::move(data);
    return m;
}

class recording_observer : public session_observer {
public:
    std::vector<std::string> events;
    std::optional<tls_report> tls;

    void on_connected(const sts::net::endpoint&, const sts::net::endpoint& remote) override {
        events.push_back("connected " + sts::net::to_string(remote));
    }
    void on_starttls_missing() override { events.push_back("starttls-missing"); }
    void on_tls(const tls_report& report) override {
        events.push_back("tls");
        tls = report;
    }
    void on_message_start(const outgoing_message& m) override {
        events.push_back("start " + std::to_string(m.mid));
    }
    void on_message_done(const outgoing_message& m, const std::vector<recipient_result>& r) override {
        events.push_back("done " + std::to_string(m.mid) + " " + std::to_string(r.size()));
    }
};

struct smtp_world {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network network{sched};
    mocks::transcript record;
    mocks::mock_context ctx{sched.io(), network, sched, sched, record};
    std::optional<mocks::smtp_receiver> receiver;
    std::unique_ptr<tls::client_tls> client_tls;
    recording_observer observer;

    explicit smtp_world(std::optional<mocks::receiver_config> config = mx1()) {
        network.set_latency(10ms);
        if (config) {
            receiver.emplace(ctx, std::move(*config));
            const auto started = receiver->start();
            BOOST_REQUIRE_MESSAGE(started.has_value(), (started.has_value() ? "" : started.error()));
        }
        auto made = tls::client_tls::create(factory().trust_store_pem(), sched);
        BOOST_REQUIRE(made.has_value());
        client_tls = std::move(*made);
    }

    session_request request(tls::connection_requirement req,
                            std::vector<outgoing_message> messages = {message(1, {"bob@example.test"})}) {
        session_request r;
        r.source_address = "192.0.2.1";
        r.server = mx_endpoint;
        r.server_name = mx_name;
        r.ehlo_name = "gateway.sender.test";
        r.requirement = std::move(req);
        r.messages = std::move(messages);
        return r;
    }

    session_result run(session_request req) {
        std::optional<session_result> result;
        int calls = 0;
        run_session(session_ports{sched.io(), network, sched, sched, *client_tls}, std::move(req), observer,
                    [&](session_result r) {
                        ++calls;
                        result = std::move(r);
                    });
        BOOST_TEST(calls == 0);  // never from inside the call
        sched.run();
        BOOST_TEST(calls == 1);
        BOOST_REQUIRE(result.has_value());
        return std::move(*result);
    }

    bool client_said(const std::string& prefix) const {
        return std::any_of(
            record.entries().begin(), record.entries().end(), [&](const mocks::transcript_entry& e) {
                return e.kind == mocks::transcript_kind::smtp_command && e.text.rfind(prefix, 0) == 0;
            });
    }
    std::size_t delivered() const { return receiver->received().size(); }
};

std::vector<recipient_status> statuses(const session_result& r) {
    std::vector<recipient_status> out;
    for (const auto& x : r.recipients) out.push_back(x.status);
    return out;
}

bool all(const session_result& r, recipient_status s) {
    return !r.recipients.empty() && std::all_of(r.recipients.begin(), r.recipients.end(),
                                                [s](const auto& x) { return x.status == s; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp_client)

BOOST_AUTO_TEST_CASE(a_message_is_delivered_over_verified_tls_1_3,
                     *covers("STS-APPLY-01", "STS-APPLY-06", "STS-APPLY-07")) {
    smtp_world w;
    const auto r = w.run(w.request(sts_enforce()));
    BOOST_TEST((r.end == session_end::completed));
    BOOST_TEST(!r.failure.has_value());
    BOOST_TEST(all(r, recipient_status::delivered));
    BOOST_REQUIRE(r.recipients.front().decisive_reply.has_value());
    BOOST_TEST(r.recipients.front().decisive_reply->code == 250);
    BOOST_TEST(r.tls.attempted);
    BOOST_TEST((r.tls.verdict.what == tls::next_step::deliver));
    BOOST_TEST(r.tls.protocol == "TLSv1.3");
    BOOST_TEST(!r.tls.plaintext_discarded);
    BOOST_TEST(r.local.address == "192.0.2.1");
    BOOST_REQUIRE(w.delivered() == 1u);
    const auto& got = w.receiver->received().front();
    BOOST_TEST(got.over_tls);
    BOOST_TEST(got.sni == mx_name);
    BOOST_TEST(got.mail_from == "alice@sender.test");
    BOOST_TEST(got.data == "Subject: hi\r\n\r\nHello.\r\n");
    BOOST_TEST(w.client_said("QUIT"));
    const std::vector<std::string> expected{"connected 192.0.2.25:25", "tls", "start 1", "done 1 1"};
    BOOST_TEST(w.observer.events == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(stripped_starttls_under_an_enforce_policy_sends_nothing,
                     *covers("STS-APPLY-09", "STS-APPLY-19", "STS-SEC-01")) {
    auto config = mx1();
    config.starttls_offered = false;
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce(), {message(1, {"bob@example.test", "carol@example.test"})}));
    BOOST_TEST((r.end == session_end::tls_refused));
    BOOST_TEST((r.failure == failure_reason::starttls_not_offered));
    BOOST_TEST(all(r, recipient_status::not_attempted));
    BOOST_TEST(r.recipients.size() == 2u);
    BOOST_TEST(!w.client_said("MAIL"));
    BOOST_TEST(!w.client_said("STARTTLS"));
    BOOST_TEST(w.delivered() == 0u);
    const std::vector<std::string> expected{"connected 192.0.2.25:25", "starttls-missing", "tls"};
    BOOST_TEST(w.observer.events == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_tls_1_1_only_receiver_under_the_floor_is_refused_as_too_old,
                     *covers("STS-APPLY-08", "STS-APPLY-09")) {
    auto config = mx1();
    config.tls.max_version = mocks::tls_version::tls1_1;
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce()));
    BOOST_TEST((r.end == session_end::tls_refused));
    BOOST_TEST((r.failure == failure_reason::tls_version_too_old));
    BOOST_TEST((r.tls.verdict.failure == failure_reason::tls_version_too_old));
    BOOST_TEST(!w.client_said("MAIL"));
    BOOST_TEST(w.delivered() == 0u);
}

BOOST_AUTO_TEST_CASE(plaintext_after_the_220_to_starttls_is_discarded_and_reported) {
    auto config = mx1();
    config.starttls_injection = "250 injected\r\n250 more";
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce()));
    BOOST_TEST((r.end == session_end::completed));
    BOOST_TEST(r.tls.plaintext_discarded);
    BOOST_TEST(all(r, recipient_status::delivered));
    BOOST_TEST(w.delivered() == 1u);
    BOOST_REQUIRE(w.observer.tls.has_value());
    BOOST_TEST(w.observer.tls->plaintext_discarded);
}

BOOST_AUTO_TEST_CASE(opportunistic_tls_refused_with_454_continues_in_clear_on_the_same_session,
                     *covers("STS-APPLY-19")) {
    auto config = mx1();
    config.overrides.push_back(mocks::refuse_starttls());
    smtp_world w(config);
    const auto r = w.run(w.request(opportunistic()));
    BOOST_TEST((r.end == session_end::completed));
    BOOST_TEST((r.tls.verdict.what == tls::next_step::fall_back_to_clear));
    BOOST_TEST((r.tls.facts.starttls == tls::starttls_result::refused_transient));
    BOOST_TEST(all(r, recipient_status::delivered));
    BOOST_REQUIRE(w.delivered() == 1u);
    BOOST_TEST(!w.receiver->received().front().over_tls);
    BOOST_TEST(w.receiver->connections() == 1u);
}

BOOST_AUTO_TEST_CASE(a_refused_starttls_under_enforce_sends_nothing,
                     *covers("STS-APPLY-09", "STS-APPLY-19")) {
    auto config = mx1();
    config.overrides.push_back(mocks::refuse_starttls("554 5.7.0 no TLS for you"));
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce()));
    BOOST_TEST((r.end == session_end::tls_refused));
    BOOST_TEST((r.failure == failure_reason::starttls_refused_permanent));
    BOOST_TEST(!w.client_said("MAIL"));
}

BOOST_AUTO_TEST_CASE(opportunistic_tls_failing_after_the_220_does_not_fall_back_to_clear,
                     *covers("STS-APPLY-19")) {
    for (const auto fault :
         {mocks::handshake_fault::close_after_reply, mocks::handshake_fault::garbage_reply}) {
        auto config = mx1();
        config.handshake = fault;
        smtp_world w(config);
        const auto r = w.run(w.request(opportunistic()));
        BOOST_TEST((r.end == session_end::protocol_failed));
        BOOST_TEST((r.failure == failure_reason::tls_handshake_failed));
        BOOST_TEST((r.tls.facts.starttls == tls::starttls_result::handshake_failed));
        BOOST_TEST((r.tls.verdict.what == tls::next_step::refuse));
        BOOST_TEST(all(r, recipient_status::not_attempted));
        BOOST_TEST(!w.client_said("MAIL"));
        BOOST_TEST(w.receiver->connections() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(a_wrong_certificate_name_under_enforce_is_refused_after_the_handshake,
                     *covers("STS-APPLY-04", "STS-APPLY-09", "STS-SEC-03")) {
    auto config = mx1();
    config.tls.identity = identity_for({"mx9.other.test"});
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce()));
    BOOST_TEST((r.end == session_end::tls_refused));
    BOOST_TEST((r.failure == failure_reason::mx_certificate_host_mismatch));
    BOOST_TEST(r.tls.failure_detail == "peer cert does not match domain");
    BOOST_TEST(r.tls.protocol == "TLSv1.3");
    BOOST_TEST(!w.client_said("MAIL"));
    BOOST_TEST(w.client_said("QUIT"));
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_under_enforce_is_refused_with_openssl_wording,
                     *covers("STS-APPLY-02")) {
    auto config = mx1();
    mocks::leaf_spec spec;
    spec.dns_names = {mx_name};
    spec.not_before = t0 - std::chrono::days{300};
    spec.not_after = t0 - std::chrono::days{2};
    const auto leaf = factory().issue_leaf(spec).value();
    config.tls.identity = {leaf.chain_pem(), leaf.key_pem()};
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce()));
    BOOST_TEST((r.end == session_end::tls_refused));
    BOOST_TEST((r.failure == failure_reason::mx_certificate_expired));
    BOOST_TEST(r.tls.failure_detail == "certificate has expired");
    BOOST_TEST(!w.client_said("MAIL"));
}

BOOST_AUTO_TEST_CASE(a_stall_times_out_after_exactly_the_configured_virtual_timeout) {
    auto config = mx1();
    config.overrides.push_back(mocks::stall_after(mocks::smtp_step::mail));
    smtp_world w(config);
    auto req = w.request(sts_enforce());
    req.timeouts.rcpt = 7min;
    time_point finished{};
    std::optional<session_result> result;
    run_session(session_ports{w.sched.io(), w.network, w.sched, w.sched, *w.client_tls}, std::move(req),
                w.observer, [&](session_result r) {
                    finished = w.sched.now();
                    result = std::move(r);
                });
    w.sched.run();
    BOOST_REQUIRE(result.has_value());
    BOOST_TEST((result->end == session_end::protocol_failed));
    BOOST_TEST((result->failure == failure_reason::smtp_timeout));
    BOOST_TEST(all(*result, recipient_status::transient));
    // The receiver answered MAIL and then read nothing more; the answer reached the client
    // one one-way latency (10 ms) later, RCPT went out at once, and the session gave up
    // exactly 7 virtual minutes after that.
    time_point mail_answered{};
    for (const auto& e : w.record.entries()) {
        if (e.kind == mocks::transcript_kind::smtp_reply) mail_answered = e.at;
    }
    BOOST_REQUIRE(mail_answered != time_point{});
    BOOST_TEST(!w.client_said("RCPT"));
    BOOST_TEST((finished - mail_answered == 7min + 10ms));
    const std::vector<std::string> expected{"connected 192.0.2.25:25", "tls", "start 1", "done 1 1"};
    BOOST_TEST(w.observer.events == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_silent_greeting_times_out_on_the_greeting_timeout) {
    auto config = mx1();
    config.overrides.push_back(mocks::stall_before_greeting());
    smtp_world w(config);
    auto req = w.request(opportunistic());
    req.timeouts.greeting = 90s;
    const auto r = w.run(std::move(req));
    BOOST_TEST((r.end == session_end::protocol_failed));
    BOOST_TEST((r.failure == failure_reason::smtp_timeout));
    BOOST_TEST(all(r, recipient_status::not_attempted));
    BOOST_TEST((w.sched.now() >= t0 + 90s));
    BOOST_TEST((w.sched.now() < t0 + 91s));
}

BOOST_AUTO_TEST_CASE(refused_and_unreachable_hosts_fail_to_connect, *covers("STS-APPLY-18")) {
    smtp_world refused(std::nullopt);
    refused.network.set_faults(mx_endpoint.address, {false, true});
    const auto a = refused.run(refused.request(sts_enforce()));
    BOOST_TEST((a.end == session_end::connect_failed));
    BOOST_TEST((a.failure == failure_reason::mx_connect_refused));
    BOOST_TEST(refused.observer.events.empty());

    smtp_world unreachable(std::nullopt);
    unreachable.network.set_faults(mx_endpoint.address, {true, false});
    auto req = unreachable.request(sts_enforce());
    req.timeouts.connect = 45s;
    const auto b = unreachable.run(std::move(req));
    BOOST_TEST((b.end == session_end::connect_failed));
    BOOST_TEST((b.failure == failure_reason::mx_connect_timeout));
    BOOST_TEST((unreachable.sched.now() == t0 + 45s));
}

BOOST_AUTO_TEST_CASE(rcpt_replies_decide_each_recipient) {
    auto config = mx1();
    config.overrides.push_back(mocks::fail_at(mocks::smtp_step::rcpt, "451 4.3.0 try later", 1));
    config.overrides.push_back(mocks::fail_at(mocks::smtp_step::rcpt, "550 5.1.1 no such user", 2));
    smtp_world w(config);
    const auto r =
        w.run(w.request(sts_enforce(), {message(1, {"a@example.test", "b@example.test", "c@example.test"})}));
    BOOST_TEST((r.end == session_end::completed));
    const std::vector<recipient_status> expected{recipient_status::transient, recipient_status::permanent,
                                                 recipient_status::delivered};
    BOOST_TEST(statuses(r) == expected, boost::test_tools::per_element());
    BOOST_TEST(r.recipients[0].decisive_reply->code == 451);
    BOOST_TEST(r.recipients[1].decisive_reply->code == 550);
    BOOST_TEST(r.recipients[2].decisive_reply->code == 250);
    BOOST_TEST(r.recipients[2].rid == 3u);
    BOOST_REQUIRE(w.delivered() == 1u);
    BOOST_TEST(w.receiver->received().front().rcpt_to == std::vector<std::string>{"c@example.test"});
}

BOOST_AUTO_TEST_CASE(a_message_with_every_recipient_refused_sends_no_data) {
    auto config = mx1();
    config.overrides.push_back(mocks::fail_at(mocks::smtp_step::rcpt, "550 5.1.1 no such user"));
    smtp_world w(config);
    const auto r = w.run(w.request(sts_enforce(), {message(1, {"a@example.test", "b@example.test"})}));
    BOOST_TEST((r.end == session_end::completed));
    BOOST_TEST(all(r, recipient_status::permanent));
    BOOST_TEST(!w.client_said("DATA"));
}

BOOST_AUTO_TEST_CASE(the_end_of_data_reply_decides_every_accepted_recipient) {
    for (const auto& [reply, status] :
         {std::pair{std::string("452 4.3.1 full"), recipient_status::transient},
          std::pair{std::string("554 5.6.0 rejected"), recipient_status::permanent}}) {
        auto config = mx1();
        config.overrides.push_back(mocks::fail_at(mocks::smtp_step::end_of_data, reply));
        smtp_world w(config);
        const auto r = w.run(w.request(sts_enforce(), {message(1, {"a@example.test", "b@example.test"})}));
        BOOST_TEST((r.end == session_end::completed));
        BOOST_TEST(all(r, status));
        BOOST_TEST(r.recipients[1].decisive_reply->code == std::stoi(reply.substr(0, 3)));
        BOOST_TEST(w.delivered() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(two_messages_share_one_session_with_rset_between_them) {
    smtp_world w;
    const auto r =
        w.run(w.request(sts_enforce(), {message(7, {"a@example.test"}),
                                        message(8, {"b@example.test", "c@example.test"},
                                                "Subject: dots\r\n\r\n.leading dot\r\n..two\r\n")}));
    BOOST_TEST((r.end == session_end::completed));
    BOOST_TEST(r.recipients.size() == 3u);
    BOOST_TEST(all(r, recipient_status::delivered));
    BOOST_TEST(r.recipients[0].mid == 7u);
    BOOST_TEST(r.recipients[2].mid == 8u);
    BOOST_REQUIRE(w.delivered() == 2u);
    BOOST_TEST(w.receiver->connections() == 1u);
    // Dot-stuffing (RFC 5321 §4.5.2) is undone by the receiver: the content arrives unchanged.
    BOOST_TEST(w.receiver->received()[1].data == "Subject: dots\r\n\r\n.leading dot\r\n..two\r\n");
    BOOST_TEST(w.client_said("RSET"));
    const std::vector<std::string> expected{
        "connected 192.0.2.25:25", "tls", "start 7", "done 7 1", "start 8", "done 8 2"};
    BOOST_TEST(w.observer.events == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_session_lost_mid_way_leaves_later_messages_not_attempted) {
    auto config = mx1();
    mocks::reply_override close_at_data = mocks::fail_at(mocks::smtp_step::data, "421 4.3.2 shutting down");
    config.overrides.push_back(close_at_data);
    smtp_world w(config);
    const auto r =
        w.run(w.request(sts_enforce(), {message(1, {"a@example.test"}), message(2, {"b@example.test"})}));
    // The 421 answers DATA (the first message's recipients get it), then the connection closes.
    BOOST_TEST((r.recipients[0].status == recipient_status::transient));
    BOOST_TEST((r.recipients[1].status == recipient_status::not_attempted));
    BOOST_TEST((r.end == session_end::protocol_failed));
}

BOOST_AUTO_TEST_CASE(a_greeting_refusal_ends_the_session_before_ehlo) {
    auto config = mx1();
    config.overrides.push_back(mocks::fail_at(mocks::smtp_step::greeting, "554 5.7.1 go away"));
    smtp_world w(config);
    const auto r = w.run(w.request(opportunistic()));
    BOOST_TEST((r.end == session_end::greeting_refused));
    BOOST_TEST((r.failure == failure_reason::smtp_command_permanent_failure));
    BOOST_TEST(!w.client_said("EHLO"));
}

BOOST_AUTO_TEST_CASE(usable_tlsa_decides_over_a_valid_enforce_policy, *covers("DANE-10", "STS-DANE-01")) {
    tls::decision_input in;
    in.settings = tls::profile{tls::tls_setting::preferred, tls::dane_setting::opportunistic, true};
    in.dane = tls::dane_outcome::tlsa_usable;
    in.sts = tls::sts_outcome::enforce_mx_match;
    in.mx_host = mx_name;
    in.next_hop_domain = "example.test";
    const auto dane = tls::decide(in);
    BOOST_REQUIRE((dane.what == tls::action::require_dane));

    mocks::leaf_spec spec;
    spec.dns_names = {mx_name};
    const auto served = factory().issue_leaf(spec).value();
    spec.dns_names = {"mx2.example.test"};
    const auto other = factory().issue_leaf(spec).value();
    const auto record_for = [](const mocks::certificate& c) {
        return mocks::tlsa_record(c, mocks::tlsa_usage::dane_ee,
                                  mocks::tlsa_selector::subject_public_key_info,
                                  mocks::tlsa_matching::sha256);
    };

    smtp_world matching;
    auto req = matching.request(dane);
    req.tlsa = {record_for(served.leaf)};
    const auto a = matching.run(std::move(req));
    BOOST_TEST((a.end == session_end::completed));
    BOOST_TEST(a.tls.facts.tlsa_match);
    BOOST_TEST(matching.delivered() == 1u);

    // The certificate is Web-PKI valid and the policy lists the MX, but the TLSA record is
    // for another key: nothing is sent.
    smtp_world mismatching;
    auto req2 = mismatching.request(dane);
    req2.tlsa = {record_for(other.leaf)};
    const auto b = mismatching.run(std::move(req2));
    BOOST_TEST((b.end == session_end::tls_refused));
    BOOST_TEST((b.failure == failure_reason::dane_no_tlsa_match));
    BOOST_TEST(!mismatching.client_said("MAIL"));
}

BOOST_AUTO_TEST_CASE(no_tls_never_sends_starttls) {
    smtp_world w;
    const auto r = w.run(w.request(requirement(tls::tls_setting::no, tls::sts_outcome::no_policy)));
    BOOST_TEST((r.end == session_end::completed));
    BOOST_TEST(!r.tls.attempted);
    BOOST_TEST(!w.client_said("STARTTLS"));
    BOOST_REQUIRE(w.delivered() == 1u);
    BOOST_TEST(!w.receiver->received().front().over_tls);
}

BOOST_AUTO_TEST_SUITE_END()
