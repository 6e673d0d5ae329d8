// Tests sim/replay/what_if.hpp: `--set KEY=VALUE` is read with errors that name the key and
// list what is accepted, and each key changes the part of the inferred world it names, in
// every replayed domain (and every MX host of them), recording the change as a fact.
#include "sim/replay/what_if.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {

using namespace sts;
using sim::cert_fault;

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Two domains with two MX hosts each, every setting away from what the cases change it to.
sim::inferred_world two_domains() {
    sim::inferred_world w;
    w.source = "case.log";
    for (const char* name : {"a.example", "b.example"}) {
        sim::inferred_domain d;
        d.name = name;
        d.tls = "required-verify";
        d.mta_sts = true;
        d.txt = "absent";
        d.fetch = "timeout";
        d.proxy_fault = "stall";
        d.policy_cert = cert_fault::expired;
        d.mode = "testing";
        for (int i = 1; i <= 2; ++i) {
            sim::inferred_mx m;
            m.host = "mx" + std::to_string(i) + "." + name;
            m.cert = cert_fault::name_mismatch;
            m.starttls = false;
            m.starttls_reply = "454 4.7.0 TLS not available";
            m.handshake_fails = true;
            m.tls_max = "1.1";
            d.mx.push_back(m);
        }
        w.domains.push_back(d);
    }
    return w;
}

sim::inferred_world changed(const std::string& text, sim::inferred_world w = two_domains()) {
    auto c = sim::parse_what_if(text);
    BOOST_TEST_REQUIRE(c.has_value(), text);
    return sim::apply_what_if(std::move(w), c.value());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replay_what_if)

BOOST_AUTO_TEST_CASE(a_known_key_and_value_is_read) {
    const auto c = sim::parse_what_if("profile.tls=required-verify-hosted");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c.value().key == "profile.tls");
    BOOST_TEST(c.value().value == "required-verify-hosted");
}

BOOST_AUTO_TEST_CASE(a_bad_value_names_the_key_and_lists_the_accepted_values) {
    const auto c = sim::parse_what_if("profile.tls=sometimes");
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(has(c.error(), "profile.tls"), c.error());
    BOOST_TEST(
        has(c.error(), "no preferred required preferred-verify required-verify required-verify-hosted"),
        c.error());
    const auto m = sim::parse_what_if("mx.tls_max=2.0");
    BOOST_TEST_REQUIRE(!m.has_value());
    BOOST_TEST(has(m.error(), "mx.tls_max"), m.error());
    BOOST_TEST(has(m.error(), "1.0 1.1 1.2 1.3"), m.error());
}

BOOST_AUTO_TEST_CASE(an_unknown_key_is_named_and_every_key_is_listed) {
    const auto c = sim::parse_what_if("profile.colour=blue");
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(has(c.error(), "profile.colour"), c.error());
    BOOST_TEST(has(c.error(), "unknown key"), c.error());
    BOOST_TEST(has(c.error(), std::string(sim::what_if_keys)), c.error());
}

BOOST_AUTO_TEST_CASE(text_without_an_equals_sign_asks_for_key_equals_value) {
    const auto c = sim::parse_what_if("profile.tls");
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(has(c.error(), "KEY=VALUE"), c.error());
}

BOOST_AUTO_TEST_CASE(values_are_matched_exactly) {
    BOOST_TEST(!sim::parse_what_if("profile.tls=Required").has_value());
    BOOST_TEST(!sim::parse_what_if("profile.tls= required").has_value());
    BOOST_TEST(!sim::parse_what_if("profile.tls=").has_value());
    BOOST_TEST(!sim::parse_what_if("=required").has_value());
}

BOOST_AUTO_TEST_CASE(every_listed_key_accepts_its_first_value) {
    for (const char* text :
         {"profile.tls=no", "profile.dane=none", "profile.mta_sts=on", "policy.mode=enforce",
          "policy.fetch=ok", "txt=present", "mx.cert=valid", "mx.starttls=on", "mx.tls_max=1.0"}) {
        BOOST_TEST(sim::parse_what_if(text).has_value(), text);
    }
}

BOOST_AUTO_TEST_CASE(profile_tls_changes_every_domain_and_is_recorded_as_a_fact) {
    const auto w = changed("profile.tls=required-verify-hosted");
    for (const auto& d : w.domains) BOOST_TEST(d.tls == "required-verify-hosted");
    BOOST_TEST_REQUIRE(!w.facts.empty());
    BOOST_TEST(w.facts.back().subject == "what-if");
    BOOST_TEST(w.facts.back().value == "profile.tls=required-verify-hosted");
}

BOOST_AUTO_TEST_CASE(profile_dane_and_mta_sts_change_the_profile) {
    const auto dane = changed("profile.dane=mandatory");
    for (const auto& d : dane.domains) BOOST_TEST(d.dane == "mandatory");
    const auto off = changed("profile.mta_sts=off");
    for (const auto& d : off.domains) BOOST_TEST(!d.mta_sts);
    const auto on = changed("profile.mta_sts=on", off);
    for (const auto& d : on.domains) BOOST_TEST(d.mta_sts);
}

BOOST_AUTO_TEST_CASE(policy_mode_changes_the_mode_and_publishes_a_txt_record_where_there_was_none) {
    const auto w = changed("policy.mode=none");
    for (const auto& d : w.domains) {
        BOOST_TEST(d.mode == "none");
        BOOST_TEST(d.txt == "present");
    }
}

BOOST_AUTO_TEST_CASE(policy_fetch_ok_makes_a_policy_host_that_answers) {
    const auto w = changed("policy.fetch=ok");
    for (const auto& d : w.domains) {
        BOOST_TEST(d.fetch == "ok");
        BOOST_TEST(d.proxy_fault.empty());
        BOOST_TEST((d.policy_cert == cert_fault::none));
    }
}

BOOST_AUTO_TEST_CASE(policy_fetch_ok_keeps_a_policy_that_was_cached_before_the_trace) {
    auto w = two_domains();
    w.domains[0].fetch = "cached";
    const auto after = changed("policy.fetch=ok", w);
    BOOST_TEST(after.domains[0].fetch == "cached");
    BOOST_TEST(after.domains[1].fetch == "ok");
}

BOOST_AUTO_TEST_CASE(policy_fetch_timeout_makes_a_policy_host_that_does_not_answer) {
    auto w = two_domains();
    for (auto& d : w.domains) d.fetch = "ok";
    const auto after = changed("policy.fetch=timeout", w);
    for (const auto& d : after.domains) BOOST_TEST(d.fetch == "timeout");
}

BOOST_AUTO_TEST_CASE(txt_changes_the_record) {
    const auto w = changed("txt=present");
    for (const auto& d : w.domains) BOOST_TEST(d.txt == "present");
    const auto back = changed("txt=absent", w);
    for (const auto& d : back.domains) BOOST_TEST(d.txt == "absent");
}

BOOST_AUTO_TEST_CASE(mx_cert_changes_every_mx_host_certificate) {
    const std::pair<const char*, cert_fault> cases[] = {{"valid", cert_fault::none},
                                                        {"expired", cert_fault::expired},
                                                        {"mismatch", cert_fault::name_mismatch},
                                                        {"untrusted", cert_fault::untrusted},
                                                        {"self-signed", cert_fault::self_signed}};
    for (const auto& [value, fault] : cases) {
        auto start = two_domains();
        for (auto& d : start.domains) {
            for (auto& m : d.mx) m.cert = fault == cert_fault::none ? cert_fault::expired : cert_fault::none;
        }
        const auto w = changed(std::string("mx.cert=") + value, start);
        for (const auto& d : w.domains) {
            for (const auto& m : d.mx) BOOST_TEST((m.cert == fault), value << " on " << m.host);
        }
    }
}

BOOST_AUTO_TEST_CASE(mx_starttls_on_offers_starttls_and_clears_its_refusals) {
    const auto w = changed("mx.starttls=on");
    for (const auto& d : w.domains) {
        for (const auto& m : d.mx) {
            BOOST_TEST(m.starttls);
            BOOST_TEST(m.starttls_reply.empty());
            BOOST_TEST(!m.handshake_fails);
        }
    }
    const auto off = changed("mx.starttls=off", w);
    for (const auto& d : off.domains) {
        for (const auto& m : d.mx) BOOST_TEST(!m.starttls);
    }
}

BOOST_AUTO_TEST_CASE(mx_tls_max_sets_the_highest_version_and_1_3_means_any) {
    const auto w = changed("mx.tls_max=1.2");
    for (const auto& d : w.domains) {
        for (const auto& m : d.mx) BOOST_TEST(m.tls_max == "1.2");
    }
    const auto any = changed("mx.tls_max=1.3", w);
    for (const auto& d : any.domains) {
        for (const auto& m : d.mx) BOOST_TEST(m.tls_max.empty());
    }
}

BOOST_AUTO_TEST_CASE(a_change_leaves_what_it_does_not_name_alone) {
    const auto before = two_domains();
    const auto w = changed("profile.dane=opportunistic");
    for (std::size_t k = 0; k < w.domains.size(); ++k) {
        BOOST_TEST(w.domains[k].tls == before.domains[k].tls);
        BOOST_TEST(w.domains[k].mode == before.domains[k].mode);
        BOOST_TEST(w.domains[k].fetch == before.domains[k].fetch);
        BOOST_TEST(w.domains[k].txt == before.domains[k].txt);
        BOOST_TEST(w.domains[k].mx.at(0).tls_max == "1.1");
        BOOST_TEST((w.domains[k].mx.at(0).cert == cert_fault::name_mismatch));
    }
}

BOOST_AUTO_TEST_SUITE_END()
