// Tests sim/replay/scenario_writer.hpp: the scenario text written for an inferred world
// loads without a single mistake through the scenario loader for every kind of world the
// inference builds (each policy fetch outcome, certificate faults, a warm cache, routes,
// DANE, unreachable hosts, DNS faults), the same world always gives the same bytes, and
// text from the customer's log (replies, file names, facts) is escaped so that the file
// still loads and the value reads back unchanged.
#include "sim/replay/scenario_writer.hpp"

#include "sim/scenario/scenario_loader.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace {

using namespace sts;
using namespace std::chrono_literals;
using sim::cert_fault;

// Mon 4 March 2024 09:00:00 UTC.
core::time_point trace_start() {
    return core::time_point{std::chrono::seconds{1709542800}};
}

// One domain, one MX host that delivers, one message: the plainest world.
sim::inferred_world plain_world() {
    sim::inferred_world w;
    w.source = "case.log";
    w.start = trace_start();
    w.span = std::chrono::duration_cast<core::duration>(2s);
    sim::inferred_domain d;
    d.name = "x.example";
    sim::inferred_mx m;
    m.host = "mx1.x.example";
    m.trace_address = "203.0.113.7";
    d.mx.push_back(m);
    w.domains.push_back(d);
    sim::inferred_message msg;
    msg.trace_mid = 1;
    msg.sender = "s@gw.example";
    msg.recipients = {"r@x.example"};
    msg.outcome = "delivered";
    msg.attempts = 1;
    w.messages.push_back(msg);
    w.facts.push_back({"x.example profile TLS", "Preferred", 0, "a default"});
    return w;
}

sim::inferred_world with_mta_sts(std::function<void(sim::inferred_domain&)> change) {
    auto w = plain_world();
    auto& d = w.domains[0];
    d.mta_sts = true;
    d.txt = "present";
    change(d);
    if (d.fetch == "cached") w.warm_cache = true;
    return w;
}

struct world_case {
    std::string name;
    sim::inferred_world world;
};
std::ostream& operator<<(std::ostream& out, const world_case& c) {
    return out << c.name;
}

std::vector<world_case> worlds() {
    std::vector<world_case> out;
    out.push_back({"plain", plain_world()});
    out.push_back({"fetch ok", with_mta_sts([](auto& d) { d.fetch = "ok"; })});
    out.push_back({"fetch ok testing", with_mta_sts([](auto& d) {
                       d.mode = "testing";
                       d.max_age = 604800;
                   })});
    out.push_back({"fetch ok mode none", with_mta_sts([](auto& d) { d.mode = "none"; })});
    out.push_back({"cached (warm cache)", with_mta_sts([](auto& d) { d.fetch = "cached"; })});
    out.push_back({"timeout", with_mta_sts([](auto& d) { d.fetch = "timeout"; })});
    out.push_back({"status 404", with_mta_sts([](auto& d) {
                       d.fetch = "status";
                       d.http_status = 404;
                   })});
    out.push_back({"status 301", with_mta_sts([](auto& d) {
                       d.fetch = "status";
                       d.http_status = 301;
                   })});
    for (auto f : {cert_fault::expired, cert_fault::not_yet_valid, cert_fault::untrusted,
                   cert_fault::self_signed, cert_fault::name_mismatch}) {
        out.push_back({"policy cert " + std::to_string(static_cast<int>(f)), with_mta_sts([f](auto& d) {
                           d.fetch = "cert";
                           d.policy_cert = f;
                       })});
    }
    out.push_back({"dns", with_mta_sts([](auto& d) { d.fetch = "dns"; })});
    for (const char* fault : {"stall", "auth-required", "bad-gateway"}) {
        out.push_back({std::string("proxy ") + fault, with_mta_sts([fault](auto& d) {
                           d.fetch = "proxy";
                           d.proxy = true;
                           d.proxy_fault = fault;
                       })});
    }
    out.push_back({"proxy without fault", with_mta_sts([](auto& d) {
                       d.proxy = true;
                       d.fetch = "timeout";
                   })});
    out.push_back({"content-type", with_mta_sts([](auto& d) {
                       d.fetch = "content-type";
                       d.content_type = "text/html";
                   })});
    out.push_back({"no content-type", with_mta_sts([](auto& d) {
                       d.fetch = "content-type";
                       d.content_type = "-";
                   })});
    for (const char* why : {"policy: no version line", "policy: no mode line", "policy: no max_age line",
                            "policy: mode enforce needs at least one mx", "line 2: unknown mode"}) {
        out.push_back({std::string("invalid: ") + why, with_mta_sts([why](auto& d) {
                           d.fetch = "invalid";
                           d.invalid_detail = why;
                       })});
    }
    out.push_back({"failed", with_mta_sts([](auto& d) { d.fetch = "failed"; })});
    for (const char* txt : {"absent", "invalid", "multiple", "servfail"}) {
        out.push_back({std::string("txt ") + txt, with_mta_sts([txt](auto& d) { d.txt = txt; })});
    }
    {
        auto w = with_mta_sts([](auto& d) { d.txt = "servfail"; });
        w.txt_defers = true;
        out.push_back({"txt servfail defers", w});
    }
    for (auto f : {cert_fault::expired, cert_fault::not_yet_valid, cert_fault::untrusted,
                   cert_fault::self_signed, cert_fault::name_mismatch}) {
        auto w = plain_world();
        w.domains[0].tls = "required-verify";
        w.domains[0].mx[0].cert = f;
        out.push_back({"mx cert " + std::to_string(static_cast<int>(f)), w});
    }
    {
        auto w = plain_world();
        auto& m = w.domains[0].mx[0];
        m.key = "rsa-2048";
        m.tls_max = "1.2";
        m.cert = cert_fault::expired;
        out.push_back({"rsa key, TLS 1.2, expired", w});
    }
    {
        auto w = plain_world();
        w.domains[0].tls = "required";
        w.domains[0].mx[0].starttls = false;
        out.push_back({"no starttls", w});
    }
    {
        auto w = plain_world();
        w.domains[0].mx[0].starttls_reply = "454 4.7.0 TLS not available";
        out.push_back({"starttls refused", w});
    }
    {
        auto w = plain_world();
        w.domains[0].mx[0].handshake_fails = true;
        out.push_back({"handshake fails", w});
    }
    {
        auto w = plain_world();
        auto& m = w.domains[0].mx[0];
        m.failing_replies = {{"rcpt", "452 4.2.2 mailbox full"}, {"rcpt", "451 4.3.0 try later"}};
        m.final_reply = "250 2.0.0 Ok: queued as ABC";
        w.retry = {std::chrono::duration_cast<core::duration>(5min), core::duration{1500}};
        w.queue_lifetime = std::chrono::duration_cast<core::duration>(1h);
        out.push_back({"failing then delivering, retry, lifetime", w});
    }
    {
        auto w = plain_world();
        w.domains[0].mx[0].failing_replies = {{"rcpt", "550 5.1.1 no such user"}};
        w.messages[0].outcome = "bounced";
        out.push_back({"always failing", w});
    }
    {
        auto w = plain_world();
        w.domains[0].routed = true;
        w.domains[0].mx[0].host = "relay1.x.example";
        out.push_back({"routed", w});
    }
    {
        auto w = plain_world();
        auto& d = w.domains[0];
        d.dane = "opportunistic";
        d.dane_usable = true;
        d.dnssec_mx = true;
        out.push_back({"DANE usable", w});
    }
    {
        auto w = plain_world();
        auto& d = w.domains[0];
        d.dane = "opportunistic";
        d.dnssec_mx = true;
        out.push_back({"DANE not secure", w});
    }
    {
        auto w = plain_world();
        sim::inferred_mx dead;
        dead.host = "mx2.x.example";
        dead.trace_address = "203.0.113.9";
        dead.reachable = false;
        w.domains[0].mx.insert(w.domains[0].mx.begin(), dead);
        out.push_back({"unreachable MX first", w});
    }
    {
        auto w = plain_world();
        w.domains[0].mx[0].reachable = false;
        w.messages[0].outcome = "deferred";
        out.push_back({"only MX unreachable", w});
    }
    for (const char* lookup : {"servfail", "nxdomain", "null"}) {
        auto w = plain_world();
        w.domains[0].mx.clear();
        w.domains[0].mx_lookup = lookup;
        w.messages[0].outcome = "deferred";
        out.push_back({std::string("mx lookup ") + lookup, w});
    }
    {
        auto w = with_mta_sts([](auto& d) { d.mx[0].listed_in_policy = false; });
        out.push_back({"mx not listed", w});
    }
    {
        auto w = with_mta_sts([](auto& d) {
            d.fetch = "cached";
            d.proxy = true;
        });
        auto second = w.domains[0];
        second.name = "y.example";
        second.fetch = "timeout";
        second.mx[0].host = "mx1.y.example";
        w.domains.push_back(second);
        sim::inferred_message later = w.messages[0];
        later.trace_mid = 2;
        later.recipients = {"a@y.example", "b@y.example"};
        later.offset = std::chrono::duration_cast<core::duration>(90s);
        later.outcome = "deferred";
        w.messages.push_back(later);
        w.span = std::chrono::duration_cast<core::duration>(95s);
        out.push_back({"two domains, warm cache, two messages", w});
    }
    for (const char* tls :
         {"no", "preferred", "required", "preferred-verify", "required-verify", "required-verify-hosted"}) {
        auto w = plain_world();
        w.domains[0].tls = tls;
        out.push_back({std::string("profile tls ") + tls, w});
    }
    for (const char* dane : {"opportunistic", "mandatory"}) {
        auto w = plain_world();
        w.domains[0].dane = dane;
        out.push_back({std::string("profile dane ") + dane, w});
    }
    {
        auto w = plain_world();
        w.log_level = "debug";
        w.open_choices = {"x.example: Preferred picked"};
        out.push_back({"debug with open choices", w});
    }
    return out;
}

std::string all_errors(const sim::input_errors& errors) {
    std::string out;
    for (const auto& e : errors) out += e.to_string() + "\n";
    return out;
}

sim::scenario_spec load(const std::string& text) {
    auto spec = sim::load_scenario_text(text, "written.toml");
    if (!spec) BOOST_FAIL("the written scenario has mistakes:\n" << all_errors(spec.error()) << "\n" << text);
    return spec.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replay_scenario_writer)

BOOST_DATA_TEST_CASE(the_written_scenario_loads_without_mistakes, boost::unit_test::data::make(worlds()), c) {
    const std::string text = sim::write_scenario(c.world);
    const auto spec = load(text);
    std::size_t recipients = 0;
    for (const auto& m : c.world.messages) recipients += m.recipients.size();
    const auto sends = std::count_if(spec.steps.begin(), spec.steps.end(), [](const sim::scenario_step& s) {
        return s.what == sim::scenario_step::kind::send;
    });
    const std::size_t warm_ups = c.world.warm_cache ? 1 : 0;
    BOOST_TEST(static_cast<std::size_t>(sends) == c.world.messages.size() + warm_ups);
    BOOST_TEST(spec.expectations.size() == recipients, "one per recipient (conservation is always checked)");
    BOOST_TEST(text.find("conserved = true") != std::string::npos);
}

BOOST_DATA_TEST_CASE(the_same_world_gives_the_same_bytes, boost::unit_test::data::make(worlds()), c) {
    const auto copy = c.world;
    BOOST_TEST(sim::write_scenario(c.world) == sim::write_scenario(copy));
}

BOOST_AUTO_TEST_CASE(the_scenario_starts_at_the_trace_start_or_a_warm_up_lead_before_it) {
    auto w = plain_world();
    BOOST_TEST((sim::scenario_start(w) == trace_start()));
    BOOST_TEST(sim::write_scenario(w).find("start = 2024-03-04T09:00:00Z\n") != std::string::npos);
    w.warm_cache = true;
    w.domains[0].mta_sts = true;
    w.domains[0].fetch = "cached";
    BOOST_TEST((sim::scenario_start(w) == trace_start() - sim::warm_up_lead));
    const std::string text = sim::write_scenario(w);
    BOOST_TEST(text.find("start = 2024-03-04T08:50:00Z\n") != std::string::npos, text);
    const auto spec = load(text);
    BOOST_TEST_REQUIRE(spec.steps.size() >= 4u);
    BOOST_TEST((spec.steps[0].what == sim::scenario_step::kind::send));
    BOOST_TEST(spec.steps[0].to == std::vector<std::string>{"warmup@x.example"});
    BOOST_TEST((spec.steps[2].what == sim::scenario_step::kind::restart));
    // The warm-up's steps take exactly warm_up_lead: the trace's messages start on time.
    core::duration before_first_message{};
    for (const auto& s : spec.steps) {
        if (s.what == sim::scenario_step::kind::send && s.to.front().starts_with("warmup@")) continue;
        if (s.what == sim::scenario_step::kind::send) break;
        before_first_message += s.advance;
    }
    BOOST_TEST((before_first_message == sim::warm_up_lead));
}

BOOST_AUTO_TEST_CASE(messages_are_sent_at_their_offsets_and_the_story_runs_past_the_last_line) {
    auto w = plain_world();
    sim::inferred_message later = w.messages[0];
    later.trace_mid = 2;
    later.recipients = {"q@x.example"};
    later.offset = std::chrono::duration_cast<core::duration>(90s);
    w.messages.insert(w.messages.begin(), later);  // out of time order on purpose
    w.span = std::chrono::duration_cast<core::duration>(100s);
    const auto spec = load(sim::write_scenario(w));
    core::duration now{};
    std::vector<std::pair<std::string, core::duration>> sent;
    for (const auto& s : spec.steps) {
        if (s.what == sim::scenario_step::kind::advance) now += s.advance;
        if (s.what == sim::scenario_step::kind::send) sent.emplace_back(s.to.front(), now);
    }
    BOOST_TEST_REQUIRE(sent.size() == 2u);
    BOOST_TEST(sent[0].first == "r@x.example");
    BOOST_TEST((sent[0].second == core::duration{}));
    BOOST_TEST(sent[1].first == "q@x.example");
    BOOST_TEST((sent[1].second == std::chrono::duration_cast<core::duration>(90s)));
    BOOST_TEST((now == std::chrono::duration_cast<core::duration>(101s)));
}

BOOST_AUTO_TEST_CASE(each_recipient_is_expected_to_have_its_traced_outcome) {
    auto w = plain_world();
    w.messages[0].outcome = "bounced";
    w.messages[0].recipients = {"a@x.example", "b@x.example"};
    const auto spec = load(sim::write_scenario(w));
    std::vector<std::string> subjects;
    for (const auto& e : spec.expectations) {
        if (e.what != sim::scenario_expectation::kind::recipient) continue;
        subjects.push_back(e.subject);
        BOOST_TEST((e.outcome == sim::expected_outcome::bounced));
    }
    BOOST_TEST(subjects == (std::vector<std::string>{"a@x.example", "b@x.example"}));
}

BOOST_AUTO_TEST_CASE(the_world_tables_say_what_the_inference_found) {
    auto w = with_mta_sts([](auto& d) {
        d.tls = "required-verify";
        d.mode = "testing";
        d.max_age = 604800;
        d.txt_id = "20240301T000000";
        d.fetch = "status";
        d.http_status = 503;
        d.mx[0].tls_max = "1.2";
    });
    w.retry = {std::chrono::duration_cast<core::duration>(30min)};
    w.queue_lifetime = std::chrono::duration_cast<core::duration>(1h);
    const auto spec = load(sim::write_scenario(w));
    const auto& world = spec.world;
    BOOST_TEST(world.engine.retry_delays ==
               std::vector<core::duration>{std::chrono::duration_cast<core::duration>(30min)});
    BOOST_TEST((world.engine.queue_lifetime == std::chrono::duration_cast<core::duration>(1h)));
    BOOST_TEST_REQUIRE(world.policy_hosts.size() == 1u);
    BOOST_TEST(world.policy_hosts[0].host_name == "mta-sts.x.example");
    BOOST_TEST(world.policy_hosts[0].config.response.body.find("mode: testing\n") != std::string::npos,
               world.policy_hosts[0].config.response.body);
    BOOST_TEST(world.policy_hosts[0].config.response.body.find("max_age: 604800\n") != std::string::npos);
    BOOST_TEST(world.policy_hosts[0].config.response.body.find("mx: mx1.x.example\n") != std::string::npos);
    BOOST_TEST(world.policy_hosts[0].config.response.status == 503u);
    BOOST_TEST_REQUIRE(world.smtp_hosts.size() == 1u);
    BOOST_TEST(world.smtp_hosts[0].host_name == "mx1.x.example");
    bool txt_seen = false;
    for (const auto& e : world.dns) {
        if (e.record && e.record->record.name == "_mta-sts.x.example") txt_seen = true;
    }
    BOOST_TEST(txt_seen);
    BOOST_TEST(world.profiles.contains("x.example"));
}

BOOST_AUTO_TEST_CASE(peer_text_with_quotes_newlines_and_triple_quotes_is_escaped_and_reads_back) {
    // (No CR: the reader refuses a line with one, and a receiver reply cannot hold one.)
    const std::string reply =
        "250 it's \"fine\"\nline two \"\"\" and ''' and a \\ backslash\n\ttab # not a comment";
    const std::string failing = "550 5.1.1 \"\"\"]\n[scenario]\nname = \"injected\"";
    auto w = plain_world();
    w.source = "we\"ird\n[scenario]\nname.log";
    w.domains[0].mx[0].final_reply = reply;
    const std::string one_line = "451 4.3.0 it''' s \"odd\" \\ too";
    const std::string controls = "452 4.2.2 a\x01b\x7f\nc\td";
    w.domains[0].mx[0].failing_replies = {{"rcpt", failing}, {"rcpt", one_line}, {"rcpt", controls}};
    w.facts.push_back({"peer said \"\"\"", "x\ny = 1\n[engine]", 3, "because\n[[step]]\nrestart = true"});
    w.open_choices.push_back("choice\n[profile.default]\ntls = \"no\"");
    w.messages[0].sender = "odd\"sen\rder\"@gw.example";
    const std::string text = sim::write_scenario(w);
    const auto spec = load(text);
    std::vector<std::string> replies;
    for (const auto& o : spec.world.smtp_hosts.at(0).config.overrides) {
        if (o.reply) replies.push_back(*o.reply);
    }
    BOOST_TEST((std::find(replies.begin(), replies.end(), reply) != replies.end()), text);
    BOOST_TEST((std::find(replies.begin(), replies.end(), failing) != replies.end()), text);
    BOOST_TEST((std::find(replies.begin(), replies.end(), one_line) != replies.end()), text);
    BOOST_TEST((std::find(replies.begin(), replies.end(), controls) != replies.end()), text);
    BOOST_TEST(spec.name.find("\n") == std::string::npos);
    BOOST_TEST(spec.summary.find("we\"ird") != std::string::npos, spec.summary);
    BOOST_TEST(spec.steps.size() == 2u, "no step was injected");
    BOOST_TEST(!spec.world.profiles.contains("default"), "no profile was injected");
    const auto send = std::find_if(spec.steps.begin(), spec.steps.end(), [](const sim::scenario_step& s) {
        return s.what == sim::scenario_step::kind::send;
    });
    BOOST_TEST_REQUIRE((send != spec.steps.end()));
    BOOST_TEST(send->from == "odd\"sen\rder\"@gw.example");
}

BOOST_AUTO_TEST_CASE(facts_and_open_choices_are_comments_at_the_top) {
    auto w = plain_world();
    w.facts = {{"x.example MX mx1.x.example", "TLS 1.2 at most", 7, "TLSv1.2"}};
    w.open_choices = {"x.example: Preferred picked"};
    const std::string text = sim::write_scenario(w);
    BOOST_TEST(text.starts_with("# Written by `mtasts-sim replay` from case.log"), text);
    BOOST_TEST(text.find("#   line 7: x.example MX mx1.x.example = TLS 1.2 at most (TLSv1.2)\n") !=
                   std::string::npos,
               text);
    BOOST_TEST(
        text.find("# Choices the trace leaves open:\n#   x.example: Preferred picked\n") != std::string::npos,
        text);
    BOOST_TEST(load(text).name == "traces/case");
}

BOOST_AUTO_TEST_SUITE_END()
