// DANE's precedence over MTA-STS (seg-behaviour.md, "Precedence"; docs/tls-decision.md rows
// 3–7) with the whole engine on the simulated network: the stub resolver reads the AD bit
// and SERVFAIL of the mock DNS server's DNSSEC statuses, the planner reduces the TLSA
// records, and OpenSSL's DANE code judges the receiver's real certificate.
//
// What the cases pin down:
// - usable, matching TLSA → delivered over DANE-authenticated TLS and MTA-STS skipped for
//   the host (the domain's policy is still discovered and fetched: discovery is per
//   domain, the DANE verdict per host, and another MX may lack TLSA) — also when the
//   enforce policy does not list the host (A20, STS-DANE-03);
// - mandatory DANE without usable TLSA, or with an insecure MX RRset → never delivered;
// - opportunistic DANE with insecure DNS → MTA-STS applies when the domain has a policy,
//   otherwise the profile's TLS setting;
// - TLSA that matches nothing → not delivered, and neither MTA-STS nor clear text rescues
//   it; a bogus TLSA RRset → the host is never contacted.
#include "tests/support/engine_world.hpp"

#include "tests/support/covers.hpp"

#include "engine/dns/record.hpp"
#include "mocks/dns/server.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace {

using namespace std::chrono_literals;
using sts::test::run;
namespace delivery = sts::delivery;
namespace tlsrpt = sts::tlsrpt;

const std::string mx1 = "mx1.example.test";
const std::string mx2 = "mx2.example.test";

struct dane_world {
    std::string dane = "opportunistic";
    std::string dnssec = "secure";  // of the MX RRset and mx1's A record
    std::optional<std::string> tlsa = "3 1 1 cert:mx1.example.test";
    std::string tlsa_dnssec = "secure";
    // The policy's mode and mx line; nullopt: no `_mta-sts` record and no policy host.
    std::optional<std::string> policy = "mode: enforce\nmx: mx1.example.test";
    std::string mx1_lines;
    bool with_mx2 = false;  // MX 20 mx2, secure, without TLSA

    std::string render() const {
        std::string t = "[engine]\nlog_level = \"debug\"\nqueue_lifetime = \"1h\"\nretry = [\"20m\"]\n\n"
                        "[profile.\"example.test\"]\ntls = \"preferred\"\ndane = \"" +
                        dane + "\"\nmta_sts = true\n";
        t += "\n[[dns]]\nname = \"example.test\"\ntype = \"MX\"\ndata = \"10 mx1.example.test\"\ndnssec = \"" + dnssec +
             "\"\n";
        t += "\n[[dns]]\nname = \"mx1.example.test\"\ntype = \"A\"\ndata = \"10.25.0.1\"\ndnssec = \"" + dnssec + "\"\n";
        if (tlsa)
            t += "\n[[dns]]\nname = \"_25._tcp.mx1.example.test\"\ntype = \"TLSA\"\ndata = \"" + *tlsa +
                 "\"\ndnssec = \"" + tlsa_dnssec + "\"\n";
        if (with_mx2) {
            t += "\n[[dns]]\nname = \"example.test\"\ntype = \"MX\"\ndata = \"20 mx2.example.test\"\ndnssec = \"" +
                 dnssec + "\"\n";
            t += "\n[[dns]]\nname = \"mx2.example.test\"\ntype = \"A\"\ndata = \"10.25.0.2\"\ndnssec = \"" + dnssec +
                 "\"\n";
        }
        if (policy) {
            t += "\n[[dns]]\nname = \"_mta-sts.example.test\"\ntype = \"TXT\"\ndata = \"v=STSv1; id=20240926T1;\"\n";
            std::string body = "version: STSv1\\n" + *policy + "\\nmax_age: 86400\\n";
            std::string::size_type at = 0;
            while ((at = body.find('\n', at)) != std::string::npos) body.replace(at, 1, "\\n");
            t += "\n[policy_host.\"example.test\"]\nbody = \"" + body + "\"\n";
        }
        t += "\n[smtp.\"mx1.example.test\"]\n" + mx1_lines + "\n";
        if (with_mx2) t += "\n[smtp.\"mx2.example.test\"]\n";
        return t;
    }
};

std::size_t tlsa_queries(run& r, const std::string& host) {
    return r.sim().world().dns_server().queries().count("_25._tcp." + host, sts::dns::rr_type::tlsa);
}

std::size_t policy_fetches(run& r) {
    auto* host = r.sim().world().policy_host("example.test");
    return host == nullptr ? 0 : host->requests().size();
}

bool reported(run& r, tlsrpt::policy_type policy, std::optional<tlsrpt::result_type> result, bool success) {
    const auto& rs = r.engine().tlsrpt_records();
    return std::any_of(rs.begin(), rs.end(), [&](const delivery::tlsrpt_record& rec) {
        return rec.policy == policy && rec.success == success && (success || rec.result == result);
    });
}

// Not delivered on the first attempt and one retry: mx1 never got MAIL, in clear or not.
void check_not_delivered(run& r) {
    r.send("bob@example.test");
    r.run_for(30min);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(r.mail_commands(mx1, false) == 0u);
    BOOST_TEST(r.mail_commands(mx1, true) == 0u);
    BOOST_TEST(r.received(mx1) == 0u);
    BOOST_TEST(r.engine().dsns().empty());
    r.check_conservation();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(integration_dane)

// --- DANE usable and matching: delivered, MTA-STS skipped ---

BOOST_AUTO_TEST_CASE(usable_matching_tlsa_delivers_over_dane_and_skips_mta_sts_for_the_host,
                     *sts::test::covers("DANE-07", "DANE-10", "DANE-19", "STS-DANE-04"))
{
    run r(dane_world{}.render());
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == mx1);
    BOOST_TEST(!o.tls_protocol.empty());
    BOOST_TEST(r.received_in_clear(mx1) == 0u);
    BOOST_TEST(tlsa_queries(r, mx1) >= 1u);
    BOOST_TEST(r.logged_containing("DANE: usable TLSA records for MX host mx1.example.test of the domain "
                                   "(example.test), MTA-STS is skipped"));
    // The domain's policy is discovered (one fetch), but the host's connection is DANE's:
    // no MTA-STS success line and the session reports under tlsa.
    BOOST_TEST(policy_fetches(r) == 1u);
    BOOST_TEST(!r.logged_containing("MTA-STS policy for the domain (example.test) Successful."));
    BOOST_TEST(reported(r, tlsrpt::policy_type::tlsa, std::nullopt, true));
    BOOST_TEST(!reported(r, tlsrpt::policy_type::sts, std::nullopt, true));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(the_address_is_looked_up_before_the_tlsa_record, *sts::test::covers("DANE-20", "DANE-07"))
{
    run r(dane_world{}.render());
    r.send("bob@example.test");
    r.run_for(5min);
    // Positions in the DNS server's query log, 1-based; 0: never asked.
    std::size_t a_at = 0;
    std::size_t tlsa_at = 0;
    const auto& queries = r.sim().world().dns_server().queries().entries();
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (a_at == 0 && queries[i].qname == mx1 && queries[i].qtype == sts::dns::rr_type::a) a_at = i + 1;
        if (tlsa_at == 0 && queries[i].qname == "_25._tcp." + mx1 && queries[i].qtype == sts::dns::rr_type::tlsa)
            tlsa_at = i + 1;
    }
    BOOST_TEST(a_at != 0u);
    BOOST_TEST(tlsa_at != 0u);
    BOOST_TEST(a_at < tlsa_at);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(usable_tlsa_wins_over_an_enforce_policy_that_does_not_list_the_host,
                     *sts::test::covers("STS-DANE-03"))
{
    // A20: DANE takes precedence; the host is used with DANE, nothing is reported for sts.
    dane_world w;
    w.policy = "mode: enforce\nmx: mx9.example.test";
    run r(w.render());
    r.send("bob@example.test");
    r.run_for(5min);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::delivered));
    BOOST_TEST(!r.logged_containing("is not listed in the MTA-STS policy"));
    BOOST_TEST(!reported(r, tlsrpt::policy_type::sts, tlsrpt::result_type::validation_failure, false));
    BOOST_TEST(r.received_in_clear(mx1) == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(usable_matching_tlsa_delivers_under_mandatory_dane_without_any_mta_sts_policy,
                     *sts::test::covers("DANE-10", "DANE-14"))
{
    dane_world w;
    w.dane = "mandatory";
    w.policy.reset();
    run r(w.render());
    r.send("bob@example.test");
    r.run_for(5min);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::delivered));
    BOOST_TEST(r.received_in_clear(mx1) == 0u);
    BOOST_TEST(policy_fetches(r) == 0u);
    r.check_conservation();
}

// --- DANE mandatory fails: not delivered ---

BOOST_AUTO_TEST_CASE(mandatory_dane_without_tlsa_is_not_delivered_even_with_a_valid_enforce_policy,
                     *sts::test::covers("DANE-14", "DANE-37"))
{
    dane_world w;
    w.dane = "mandatory";
    w.tlsa.reset();
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.connections_to(mx1) == 0u);  // decided before connecting
    BOOST_TEST(r.logged_containing("dane-required-no-usable-tlsa"));
    BOOST_TEST(reported(r, tlsrpt::policy_type::tlsa, tlsrpt::result_type::dane_required, false));
    r.run_for(2h);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::bounced));
    BOOST_TEST(r.engine().dsns().size() == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(mandatory_dane_with_an_insecure_mx_rrset_is_deferred_without_any_connection,
                     *sts::test::covers("DANE-17", "DANE-37"))
{
    dane_world w;
    w.dane = "mandatory";
    w.dnssec = "insecure";
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.connections_to(mx1) == 0u);
}

// --- DANE opportunistic with insecure DNS: MTA-STS or the profile decides ---

BOOST_AUTO_TEST_CASE(opportunistic_dane_with_insecure_dns_falls_to_the_enforce_policy_which_applies,
                     *sts::test::covers("DANE-17", "DANE-20", "STS-APPLY-01"))
{
    dane_world w;
    w.dnssec = "insecure";
    w.tlsa_dnssec = "insecure";
    run r(w.render());
    r.send("bob@example.test");
    r.run_for(5min);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::delivered));
    BOOST_TEST(r.logged_containing("DANE: MX records of the domain (example.test) are not DNSSEC-secure, DANE not used"));
    BOOST_TEST(r.logged_containing("MTA-STS policy for the domain (example.test) Successful."));
    BOOST_TEST(!r.logged_containing("usable TLSA records"));
    BOOST_TEST(tlsa_queries(r, mx1) == 0u);
    BOOST_TEST(reported(r, tlsrpt::policy_type::sts, std::nullopt, true));
    BOOST_TEST(r.received_in_clear(mx1) == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(opportunistic_dane_with_insecure_dns_leaves_an_unlisted_mx_to_the_enforce_policy,
                     *sts::test::covers("STS-MX-01", "STS-APPLY-09"))
{
    dane_world w;
    w.dnssec = "insecure";
    w.tlsa_dnssec = "insecure";
    w.policy = "mode: enforce\nmx: mx9.example.test";
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.logged_containing("MX host mx1.example.test is not listed in the MTA-STS policy for the domain "
                                   "(example.test), skipping it"));
}

BOOST_AUTO_TEST_CASE(opportunistic_dane_with_insecure_dns_and_no_policy_uses_the_profiles_tls_setting,
                     *sts::test::covers("DANE-12", "STS-APPLY-17"))
{
    // Preferred: no STARTTLS offered → clear text, as before DANE.
    dane_world w;
    w.dnssec = "insecure";
    w.tlsa_dnssec = "insecure";
    w.policy.reset();
    w.mx1_lines = "starttls = false";
    run r(w.render());
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    BOOST_TEST(r.received_in_clear(mx1) == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(opportunistic_dane_with_secure_dns_but_insecure_tlsa_falls_to_the_enforce_policy,
                     *sts::test::covers("DANE-12", "DANE-19"))
{
    // The policy's verdict decides: mx1 offers no STARTTLS, so enforce keeps it queued
    // where the profile alone (Preferred) would have sent it in clear.
    dane_world w;
    w.tlsa_dnssec = "insecure";
    w.mx1_lines = "starttls = false";
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.logged_containing("DANE: no secure TLSA records for MX host mx1.example.test"));
    BOOST_TEST(reported(r, tlsrpt::policy_type::sts, tlsrpt::result_type::starttls_not_supported, false));
}

// --- TLSA mismatch: never rescued ---

BOOST_AUTO_TEST_CASE(a_tlsa_mismatch_is_not_delivered_although_the_enforce_policy_and_web_pki_would_accept,
                     *sts::test::covers("STS-DANE-01", "DANE-30", "DANE-36"))
{
    dane_world w;
    w.tlsa = "3 1 1 " + std::string(64, 'a');
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.connections_to(mx1) == 2u);
    BOOST_TEST(r.logged_containing("verify error: no TLSA record matches the certificate chain"));
    BOOST_TEST(reported(r, tlsrpt::policy_type::tlsa, tlsrpt::result_type::tlsa_invalid, false));
    BOOST_TEST(!r.logged_containing("MTA-STS policy for the domain (example.test) Successful."));
    r.run_for(2h);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::bounced));
    BOOST_TEST(r.mail_commands(mx1, false) == 0u);
    BOOST_TEST(r.received(mx1) == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_tlsa_mismatch_is_not_delivered_under_a_testing_policy_either,
                     *sts::test::covers("STS-DANE-01", "DANE-30"))
{
    dane_world w;
    w.tlsa = "3 1 1 " + std::string(64, 'a');
    w.policy = "mode: testing\nmx: mx1.example.test";
    run r(w.render());
    check_not_delivered(r);
}

BOOST_AUTO_TEST_CASE(a_tlsa_mismatch_never_falls_back_to_clear_text_under_a_preferred_profile,
                     *sts::test::covers("DANE-30", "DANE-36"))
{
    dane_world w;
    w.tlsa = "3 1 1 " + std::string(64, 'a');
    w.policy.reset();
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.connections_to(mx1) == 2u);
}

// --- bogus TLSA: the host is skipped ---

BOOST_AUTO_TEST_CASE(a_bogus_tlsa_rrset_skips_the_host_without_a_connection_and_the_policy_cannot_rescue_it,
                     *sts::test::covers("DANE-08", "DANE-13", "DANE-37", "STS-DANE-02"))
{
    dane_world w;
    w.tlsa_dnssec = "bogus";
    run r(w.render());
    check_not_delivered(r);
    BOOST_TEST(r.connections_to(mx1) == 0u);
    BOOST_TEST(r.logged_containing("DANE: TLSA or address lookup failed for MX host mx1.example.test of the domain "
                                   "(example.test), skipping it"));
    BOOST_TEST(reported(r, tlsrpt::policy_type::tlsa, tlsrpt::result_type::dnssec_invalid, false));
}

BOOST_AUTO_TEST_CASE(a_bogus_tlsa_rrset_on_one_mx_leaves_the_next_mx_to_deliver, *sts::test::covers("DANE-08"))
{
    dane_world w;
    w.tlsa_dnssec = "bogus";
    w.with_mx2 = true;
    w.policy = "mode: enforce\nmx: mx1.example.test\nmx: mx2.example.test";
    run r(w.render());
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == mx2);
    BOOST_TEST(r.connections_to(mx1) == 0u);
    BOOST_TEST(r.received_in_clear(mx2) == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
