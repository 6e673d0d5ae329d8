// tests/support/engine_world.hpp
//
// What the integration suites (tests/integration/) and the engine's own end-to-end cases
// share: one world written in TOML (docs/world-format.md), either whole or from a few
// replaceable parts, with the real engine and the real mocks (sim/harness/simulation.hpp)
// on the simulated network (virtual time: a 72-hour queue lifetime costs milliseconds, and
// every timestamp of the mail log is exact) or on loopback (real sockets on 127.x, real
// time).
//
// The usual world of world_parts is the recipient domain example.test with one MX,
// mx1.example.test, a `_mta-sts` TXT record with id 20240926T1 and a policy host serving an
// enforce policy that lists mx1; a case changes only the part its requirement is about.
//
// A case asks the run what an operator and an auditor would: the recipients' outcomes, the
// mail log line for line (docs/mail-log.md), the TLS-RPT records, and what the world saw
// (policy requests, DNS questions, SMTP commands and messages per host). The security
// question — did a receiver get MAIL FROM before TLS was up on that connection? — is
// answered from the world's transcript (mocks/transcript.hpp), not from the engine's own
// account, so an engine that lied in its log would still be caught. Every case ends with
// the conservation check (accepted = delivered + bounced + queued, after every line the
// engine wrote) and the absence of a Critical line. A failing case prints the mail log and
// the TLS-RPT records.
#pragma once

#include "engine/delivery/engine.hpp"
#include "engine/dns/record.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/tlsrpt/failure_reason.hpp"
#include "engine/tlsrpt/result_type.hpp"
#include "mocks/dns/server.hpp"
#include "mocks/policy_host/policy_host.hpp"
#include "mocks/proxy/connect_proxy.hpp"
#include "mocks/smtp/smtp_receiver.hpp"
#include "mocks/transcript.hpp"
#include "sim/harness/simulation.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_loader.hpp"

#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::test {

inline constexpr std::string_view sender = "alice@sender.test";

inline constexpr std::string_view enforce_mx1 =
    "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n";

// `text` as a TOML basic string, quotes included.
inline std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

struct world_parts {
    std::string engine;   // lines added to [engine] (log level debug, 2 h lifetime, 1 min retry)
    std::string profile;  // lines added to [profile."example.test"] (tls preferred, mta_sts on)
    std::vector<std::string> mx{"10 mx1.example.test"};  // MX RDATA of example.test
    // The TOML value of the `_mta-sts.example.test` TXT data (a string or an array of
    // strings); empty: no record at all.
    std::string txt = toml_string("v=STSv1; id=20240926T1;");
    int txt_ttl = 300;
    std::optional<std::string> policy_body = std::string(enforce_mx1);  // nullopt: no policy host
    std::string policy;  // lines added to [policy_host."example.test"]
    // SMTP receivers, with lines added to each one's table.
    std::vector<std::pair<std::string, std::string>> smtp{{"mx1.example.test", ""}};
    std::string more;  // further tables and [[dns]] entries, written last

    std::string render() const {
        std::string t = "[engine]\nlog_level = \"debug\"\nqueue_lifetime = \"2h\"\nretry = [\"1m\"]\n" + engine +
                        "\n[profile.\"example.test\"]\ntls = \"preferred\"\nmta_sts = true\n" + profile + "\n";
        for (const auto& m : mx) t += "[[dns]]\nname = \"example.test\"\ntype = \"MX\"\ndata = " + toml_string(m) + "\n";
        if (!txt.empty()) t += "[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\nttl = " + std::to_string(txt_ttl) +
                 "\ndata = " + txt + "\n";
        if (policy_body)
            t += "[policy_host.\"example.test\"]\nbody = " + toml_string(*policy_body) + "\n" + policy + "\n";
        for (const auto& [host, lines] : smtp) t += "[smtp.\"" + host + "\"]\n" + lines + "\n";
        return t + more + "\n";
    }
};

class run {
public:
    explicit run(const world_parts& parts) : run(parts.render()) {}
    explicit run(const std::string& toml, sim::simulation_options options = {}) {
        auto spec = sim::load_world_text(toml, "integration.toml");
        if (!spec.has_value()) {
            std::string why;
            for (const auto& e : spec.error()) why += e.to_string() + "\n";
            BOOST_TEST_REQUIRE(spec.has_value(), why);
        }
        auto started = sim::simulation::start(std::move(spec).value(), options);
        BOOST_TEST_REQUIRE(started.has_value(), (started.has_value() ? std::string() : started.error()));
        sim_ = std::move(started).value();
    }
    run(const run&) = delete;
    run& operator=(const run&) = delete;

    sim::simulation& sim() { return *sim_; }
    delivery::engine& engine() { return sim_->engine(); }

    std::uint64_t send(std::string to = "bob@example.test") {
        return sim_->submit(delivery::message{std::string(sender), {std::move(to)},
                                              "From: alice@sender.test\r\nSubject: hi\r\n\r\nHello.\r\n"});
    }
    void run_for(core::duration d) { sim_->run_for(d); }
    void restart() {
        const auto restarted = sim_->restart_engine();
        BOOST_TEST_REQUIRE(restarted.has_value(), (restarted.has_value() ? std::string() : restarted.error()));
    }

    // The one recipient's outcome (the case sent one message to one recipient).
    delivery::recipient_outcome only_outcome() {
        const auto all = engine().outcomes();
        BOOST_TEST_REQUIRE(all.size() == 1u);
        return all.front();
    }
    delivery::recipient_outcome outcome_of(std::uint64_t mid) {
        const auto all = engine().outcomes();
        const auto it = std::find_if(all.begin(), all.end(), [&](const auto& o) { return o.mid == mid; });
        BOOST_TEST_REQUIRE((it != all.end()));
        return *it;
    }

    // --- the mail log ---
    // The whole mail log, one string per line, timestamps included.
    std::vector<std::string> lines() const { return sim_->log_lines(); }
    // The same without the timestamp: `<Level>: <text>` (real time on loopback).
    std::vector<std::string> lines_without_time() const {
        std::vector<std::string> out;
        for (const auto& e : sim_->log().entries()) out.push_back(std::string(log::to_string(e.sev)) + ": " + e.text);
        return out;
    }
    // The texts alone, without timestamp and level.
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& e : sim_->log().entries()) out.push_back(e.text);
        return out;
    }
    std::size_t count(std::string_view line, log::severity sev) const {
        const auto& es = sim_->log().entries();
        return static_cast<std::size_t>(
            std::count_if(es.begin(), es.end(), [&](const log::entry& e) { return e.text == line && e.sev == sev; }));
    }
    bool logged(std::string_view line, log::severity sev) const { return count(line, sev) > 0; }
    std::size_t count_containing(std::string_view needle) const {
        const auto& es = sim_->log().entries();
        return static_cast<std::size_t>(std::count_if(
            es.begin(), es.end(), [&](const log::entry& e) { return e.text.find(needle) != std::string::npos; }));
    }
    bool logged_containing(std::string_view needle) const { return count_containing(needle) > 0; }
    // The index of the first entry at or after `from` that contains `needle`, or npos.
    std::size_t find(std::string_view needle, std::size_t from = 0) const {
        const auto& es = sim_->log().entries();
        for (std::size_t i = from; i < es.size(); ++i)
            if (es[i].text.find(needle) != std::string::npos) return i;
        return std::string::npos;
    }

    // --- what the world saw ---
    std::size_t policy_requests(const std::string& domain = "example.test") {
        auto* host = sim_->world().policy_host(domain);
        BOOST_TEST_REQUIRE(host != nullptr);
        return host->requests().size();
    }
    std::size_t dns_queries(std::string_view name, dns::rr_type type) {
        return sim_->world().dns_server().queries().count(name, type);
    }
    std::size_t txt_queries(std::string_view domain = "example.test") {
        return dns_queries("_mta-sts." + std::string(domain), dns::rr_type::txt);
    }
    std::vector<mocks::transcript_entry> transcript_of(std::string_view host) const {
        std::vector<mocks::transcript_entry> out;
        for (const auto& e : sim_->world().transcript().entries())
            if (e.host == host) out.push_back(e);
        return out;
    }
    std::vector<std::string> transcript_of(std::string_view host, mocks::transcript_kind kind) const {
        std::vector<std::string> out;
        for (const auto& e : transcript_of(host))
            if (e.kind == kind) out.push_back(e.text);
        return out;
    }
    // RFC 5321: the message itself starts with MAIL; a host that never saw one never got it.
    bool got_mail(std::string_view host) const { return mail_commands(host, false) + mail_commands(host, true) > 0; }
    // Something reached the host: a connection, a command, a request (the host's own
    // events, such as starting to listen, do not count).
    bool contacted(std::string_view host) const {
        const auto es = transcript_of(host);
        return std::any_of(es.begin(), es.end(), [](const mocks::transcript_entry& e) {
            return e.kind != mocks::transcript_kind::event || is_accept(e);
        });
    }
    std::size_t connections_to(std::string_view host) const {
        const auto es = transcript_of(host);
        return static_cast<std::size_t>(std::count_if(es.begin(), es.end(), is_accept));
    }
    // RFC 5321 §3.3: a transaction starts with MAIL. Counted per connection of the receiver
    // (a new "accept connection" starts clear), before or after "established" TLS.
    std::size_t mail_commands(std::string_view host, bool over_tls) const {
        std::size_t n = 0;
        bool tls = false;
        for (const auto& e : transcript_of(host)) {
            if (is_accept(e)) tls = false;
            if (e.kind == mocks::transcript_kind::tls && e.text.rfind("established", 0) == 0) tls = true;
            if (e.kind == mocks::transcript_kind::smtp_command && tls == over_tls &&
                (e.text.rfind("MAIL", 0) == 0 || e.text.rfind("mail", 0) == 0))
                ++n;
        }
        return n;
    }
    std::size_t clear_text_mail_commands(std::string_view host) const { return mail_commands(host, false); }
    // Messages the receiver accepted, and of those the ones that came in clear.
    std::size_t received(const std::string& host) { return smtp_host(host).received().size(); }
    std::size_t received_in_clear(const std::string& host) {
        const auto& rs = smtp_host(host).received();
        return static_cast<std::size_t>(
            std::count_if(rs.begin(), rs.end(), [](const mocks::received_message& m) { return !m.over_tls; }));
    }

    // --- TLS-RPT ---
    std::vector<delivery::tlsrpt_record> rpt_failures() {
        std::vector<delivery::tlsrpt_record> out;
        for (const auto& r : engine().tlsrpt_records())
            if (!r.success) out.push_back(r);
        return out;
    }
    std::size_t rpt_successes() {
        const auto& rs = engine().tlsrpt_records();
        return static_cast<std::size_t>(std::count_if(rs.begin(), rs.end(), [](const auto& r) { return r.success; }));
    }

    // Conservation (accepted = delivered + bounced + queued) now and after every line the
    // engine wrote, and no Critical line, which the engine writes should its own check
    // after a transition ever fail.
    void check_conservation() {
        BOOST_TEST(engine().counts().conserved());
        BOOST_TEST(sim_->conservation_violations() == 0u);
        BOOST_TEST(!logged_containing("conservation violated"));
        for (const auto& e : sim_->log().entries()) BOOST_TEST((e.sev != log::severity::critical), e.text);
    }

    // A failing case prints the mail log and the TLS-RPT records: most of the diagnosis.
    ~run() {
        if (!sim_) return;
        const auto id = boost::unit_test::framework::current_test_case().p_id;
        if (boost::unit_test::results_collector.results(id).passed()) return;
        std::cerr << "--- mail log:\n";
        for (const auto& line : sim_->log_lines()) std::cerr << line << '\n';
        std::cerr << "--- TLS-RPT records:\n";
        for (const auto& x : engine().tlsrpt_records())
            std::cerr << x.policy_domain << " mx=" << x.mx_host << (x.success ? " success" : " failure")
                      << " reason=" << (x.reason ? tlsrpt::to_string(*x.reason) : "-")
                      << " result=" << (x.result ? tlsrpt::to_string(*x.result) : "-") << '\n';
    }

private:
    static bool is_accept(const mocks::transcript_entry& e) {
        return e.kind == mocks::transcript_kind::event && e.text.rfind("accept connection", 0) == 0;
    }
    mocks::smtp_receiver& smtp_host(const std::string& host) {
        auto* h = sim_->world().smtp_host(host);
        BOOST_TEST_REQUIRE(h != nullptr);
        return *h;
    }

    std::unique_ptr<sim::simulation> sim_;
};

// Compares two lists of log lines and names the first difference, so a failing trace says
// which line moved rather than dumping both lists.
inline void check_lines(const std::vector<std::string>& got, const std::vector<std::string>& expected) {
    const auto n = std::min(got.size(), expected.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (got[i] != expected[i]) {
            BOOST_ERROR("line " << i << " differs:\n  got:      " << got[i] << "\n  expected: " << expected[i]);
            return;
        }
    }
    if (got.size() != expected.size()) {
        std::string extra;
        const auto& longer = got.size() > expected.size() ? got : expected;
        for (std::size_t i = n; i < longer.size(); ++i) extra += "\n  " + longer[i];
        BOOST_ERROR((got.size() > expected.size() ? "extra lines:" : "missing lines:") << extra);
    }
}

}  // namespace sts::test
