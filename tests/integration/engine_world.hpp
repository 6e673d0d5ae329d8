// tests/integration/engine_world.hpp
//
// What the trace, security, DANE and loopback integration suites share: one world written
// in TOML (docs/world-format.md) with the real engine and the real mocks, on the simulated
// network (virtual time: a 72-hour queue lifetime costs milliseconds, and every timestamp
// of the mail log is exact) or on loopback (real sockets on 127.x, real time).
//
// The suites ask a run what an operator and an auditor would: the recipients' outcomes, the
// mail log line for line (log-format.md), and what each SMTP receiver saw. The security
// question — did a receiver get MAIL FROM before TLS was up on that connection? — is
// answered from the world's transcript (mocks/transcript.hpp), not from the engine's own
// account, so an engine that lied in its log would still be caught. Every case ends with
// the conservation check (accepted = delivered + bounced + queued) and the absence of a
// Critical line, which the engine writes should its own check ever fail.
//
// Everything lives in its own namespace so these suites, compiled into one executable with
// every other test, never clash with other helpers.
#pragma once

#include "engine/delivery/engine.hpp"
#include "engine/log/mail_log.hpp"
#include "mocks/dns/server.hpp"
#include "mocks/policy_host/policy_host.hpp"
#include "mocks/proxy/connect_proxy.hpp"
#include "mocks/smtp/smtp_receiver.hpp"
#include "mocks/transcript.hpp"
#include "sim/harness/simulation.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_loader.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::test::engine_world {

inline constexpr std::string_view sender = "alice@sender.test";

class run {
public:
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

    sim::simulation& sim() { return *sim_; }
    delivery::engine& engine() { return sim_->engine(); }

    std::uint64_t send(std::string to) {
        return sim_->submit(delivery::message{std::string(sender), {std::move(to)},
                                              "From: alice@sender.test\r\nSubject: hi\r\n\r\nHello.\r\n"});
    }
    void run_for(core::duration d) { sim_->run_for(d); }

    delivery::recipient_outcome only_outcome() {
        const auto all = engine().outcomes();
        BOOST_TEST_REQUIRE(all.size() == 1u);
        return all.front();
    }

    // The whole mail log, one string per line, timestamps included.
    std::vector<std::string> lines() const { return sim_->log_lines(); }
    // The same without the timestamp: `<Level>: <text>` (real time on loopback).
    std::vector<std::string> lines_without_time() const {
        std::vector<std::string> out;
        for (const auto& e : sim_->log().entries())
            out.push_back(std::string(log::to_string(e.sev)) + ": " + e.text);
        return out;
    }
    bool logged_containing(std::string_view needle) const {
        const auto& es = sim_->log().entries();
        return std::any_of(es.begin(), es.end(),
                           [&](const log::entry& e) { return e.text.find(needle) != std::string::npos; });
    }

    std::vector<mocks::transcript_entry> transcript_of(std::string_view host) const {
        std::vector<mocks::transcript_entry> out;
        for (const auto& e : sim_->world().transcript().entries())
            if (e.host == host) out.push_back(e);
        return out;
    }
    std::size_t connections_to(std::string_view host) const {
        const auto es = transcript_of(host);
        return static_cast<std::size_t>(std::count_if(es.begin(), es.end(), [](const mocks::transcript_entry& e) {
            return e.kind == mocks::transcript_kind::event && e.text.rfind("accept connection", 0) == 0;
        }));
    }
    // RFC 5321 §3.3: a transaction starts with MAIL. Counted per connection of the receiver
    // (a new "accept connection" starts clear), before or after "established" TLS.
    std::size_t mail_commands(std::string_view host, bool over_tls) const {
        std::size_t n = 0;
        bool tls = false;
        for (const auto& e : transcript_of(host)) {
            if (e.kind == mocks::transcript_kind::event && e.text.rfind("accept connection", 0) == 0) tls = false;
            if (e.kind == mocks::transcript_kind::tls && e.text.rfind("established", 0) == 0) tls = true;
            if (e.kind == mocks::transcript_kind::smtp_command && tls == over_tls && e.text.size() >= 4 &&
                (e.text.compare(0, 4, "MAIL") == 0 || e.text.compare(0, 4, "mail") == 0))
                ++n;
        }
        return n;
    }
    std::size_t clear_text_mail_commands(std::string_view host) const { return mail_commands(host, false); }
    // Messages the receiver accepted, and of those the ones that came in clear.
    std::size_t received(const std::string& host) {
        auto* h = sim_->world().smtp_host(host);
        BOOST_TEST_REQUIRE(h != nullptr);
        return h->received().size();
    }
    std::size_t received_in_clear(const std::string& host) {
        auto* h = sim_->world().smtp_host(host);
        BOOST_TEST_REQUIRE(h != nullptr);
        const auto& rs = h->received();
        return static_cast<std::size_t>(
            std::count_if(rs.begin(), rs.end(), [](const mocks::received_message& m) { return !m.over_tls; }));
    }

    void check_conservation() {
        BOOST_TEST(engine().counts().conserved());
        for (const auto& e : sim_->log().entries()) BOOST_TEST((e.sev != log::severity::critical), e.text);
    }

private:
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

}  // namespace sts::test::engine_world
