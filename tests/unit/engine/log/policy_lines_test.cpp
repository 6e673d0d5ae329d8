// Tests engine/log/policy_lines.hpp: the exact wording of the product's lines
// (../shared/spec/log-format.md, spacing quirks included) and of our own lines
// (docs/mail-log.md), and that names from outside are quoted and capped.
#include "engine/log/policy_lines.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <string>

namespace {

using namespace sts::log;
using sts::dns::dnssec_status;
using sts::dns::lookup_status;
using sts::dns::rr_type;

sts::core::time_point at_seconds(long long s) { return sts::core::time_point{std::chrono::seconds(s)}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(log_policy_lines)

BOOST_AUTO_TEST_CASE(product_mta_sts_lines_keep_their_documented_wording_and_spacing)
{
    BOOST_TEST(txt_record_fetched("example.com") == "Successfully fetched MTA-STS TXT record for domain(example.com)");
    BOOST_TEST(applying_policy("example.com") == "Applying MTA-STS policy for the domain (example.com)");
    BOOST_TEST(cache_entry_found("example.com") == "Valid cache entry found for the domain (example.com).");
    BOOST_TEST(fetching_policy("example.com") == "Fetching MTA-STS policy for domain(example.com)");
    BOOST_TEST(fetching_policy_via_proxy() == "Requesting MTA-STS policy fetch via proxy");
    BOOST_TEST(policy_fetch_connection_timeout("example.com") ==
               "Request to fetch STS policy failed due to connection timeout. For domain example.com");
    BOOST_TEST(policy_fetch_failed("example.com") ==
               "Encountered failure while fetching MTA-STS policy for domain(example.com)");
}

BOOST_AUTO_TEST_CASE(dns_query_lines_keep_the_product_spacing)
{
    BOOST_TEST(dns_query("_mta-sts.example.com", rr_type::txt) == "DNS query: Q(_mta-sts.example.com, 'TXT')");
    BOOST_TEST(dns_query_recursive("_mta-sts.example.com", rr_type::txt) ==
               "DNS query: QN(_mta-sts.example.com, 'TXT', 'recursive_nameserver0.parent')");
    sts::dns::query_trace t;
    t.name = "_mta-sts.example.com";
    t.type = rr_type::txt;
    t.nameserver = "10.0.0.53";
    t.timeout_seconds = 5;
    BOOST_TEST(dns_query_ip(t) == "DNS query: QIP (_mta-sts.example.com,'TXT','10.0.0.53',5)");
    BOOST_TEST(dns_temporary_failure("example.com", rr_type::mx, lookup_status::servfail) ==
               "DNS Temporary Failure example.com MX - ServFail");
    BOOST_TEST(dns_temporary_failure("example.com", rr_type::mx, lookup_status::timeout) ==
               "DNS Temporary Failure example.com MX - Timeout");
    BOOST_TEST(dns_temporary_failure("example.com", rr_type::a, lookup_status::malformed) ==
               "DNS Temporary Failure example.com A - Malformed");
}

BOOST_AUTO_TEST_CASE(encache_shows_expiry_security_and_rdata_as_a_python_tuple)
{
    sts::dns::lookup_result r;
    r.name = "_mta-sts.example.com";
    r.type = rr_type::txt;
    r.status = lookup_status::answer;
    r.security = dnssec_status::secure;
    r.ttl = 300;
    r.records.push_back({"_mta-sts.example.com", sts::dns::rr_class::in, 300,
                         sts::dns::txt_rdata{{"v=STSv1; id=", "20230906"}}});
    BOOST_TEST(dns_encache(r, at_seconds(1000)) ==
               "DNS encache (_mta-sts.example.com, TXT, [(1300L, 0, 'secure', ('v=STSv1; id=20230906',))])");

    r.security = dnssec_status::insecure;
    r.type = rr_type::mx;
    r.records = {{"example.com", sts::dns::rr_class::in, 300, sts::dns::mx_rdata{10, "mx1.example.com"}},
                 {"example.com", sts::dns::rr_class::in, 300, sts::dns::mx_rdata{20, "mx2.example.com"}}};
    BOOST_TEST(dns_encache(r, at_seconds(0)) ==
               "DNS encache (_mta-sts.example.com, MX, [(300L, 0, 'insecure', ('10 mx1.example.com', "
               "'20 mx2.example.com'))])");
}

BOOST_AUTO_TEST_CASE(encache_shows_at_most_a_few_records_of_a_huge_rrset)
{
    sts::dns::lookup_result r;
    r.name = "big.example";
    r.type = rr_type::a;
    r.status = lookup_status::answer;
    for (int i = 0; i < 5000; ++i) {
        r.records.push_back({"big.example", sts::dns::rr_class::in, 60, sts::dns::a_rdata{"192.0.2.1"}});
    }
    const std::string line = dns_encache(r, at_seconds(0));
    BOOST_TEST(line.size() < 400u);
    BOOST_TEST(line.find("'...'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(our_lines_read_in_the_product_style)
{
    BOOST_TEST(dns_hard_error("example.com", rr_type::mx, lookup_status::nxdomain) ==
               "DNS Hard Error looking up example.com (MX): NXDomain");
    BOOST_TEST(dns_hard_error("mx.example.com", rr_type::a, lookup_status::nodata) ==
               "DNS Hard Error looking up mx.example.com (A): NoData");
    BOOST_TEST(null_mx("example.com") == "Null MX for the domain (example.com): the domain accepts no mail");
    BOOST_TEST(txt_record_absent("example.com") == "No MTA-STS TXT record found for domain(example.com)");
    BOOST_TEST(txt_record_invalid("example.com", "id is not 1-32 letters and digits") ==
               "Invalid MTA-STS TXT record for domain(example.com): id is not 1-32 letters and digits");
    BOOST_TEST(txt_records_multiple("example.com") ==
               "Multiple MTA-STS TXT records for domain(example.com), none is used");
    BOOST_TEST(policy_fetched("example.com", sts::mtasts::mode::enforce, std::chrono::seconds(86400)) ==
               "Fetched MTA-STS policy for domain(example.com) mode enforce max_age 86400");
    BOOST_TEST(policy_invalid("example.com", "missing mode") ==
               "Invalid MTA-STS policy for domain(example.com): missing mode");
    BOOST_TEST(policy_fetch_failed_because("example.com", "HTTP status 404") ==
               "Request to fetch STS policy failed due to HTTP status 404. For domain example.com");
    BOOST_TEST(policy_fetch_backoff("example.com") ==
               "Skipping MTA-STS policy fetch for domain(example.com): the last attempt failed less than 5 "
               "minutes ago");
    BOOST_TEST(policy_mode_none("example.com") ==
               "MTA-STS policy for the domain (example.com) has mode none, delivering without MTA-STS");
    BOOST_TEST(cache_entry_expired("example.com") == "Cached MTA-STS policy for the domain (example.com) has expired.");
    BOOST_TEST(policy_lookup_deferred("example.com") ==
               "Deferring delivery for the domain (example.com): MTA-STS TXT lookup failed and no policy is cached");
    BOOST_TEST(mx_not_in_policy_enforce("example.com", "mx9.example.net") ==
               "MX host mx9.example.net is not listed in the MTA-STS policy for the domain (example.com), skipping "
               "it");
    BOOST_TEST(mx_not_in_policy_testing("example.com", "mx9.example.net") ==
               "MX host mx9.example.net is not listed in the MTA-STS policy for the domain (example.com), testing "
               "mode, delivering anyway");
    BOOST_TEST(route_bypass("example.com") ==
               "SMTP route configured for the domain (example.com), MTA-STS not applied");
    BOOST_TEST(route_smart_host("example.com", "relay.example") ==
               "SMTP route configured for the domain (example.com), applying MTA-STS for the relay domain "
               "(relay.example)");
    BOOST_TEST(default_profile_mta_sts_warning() ==
               "MTA-STS is enabled on the default destination-control profile; every recipient domain is looked up");
}

BOOST_AUTO_TEST_CASE(each_dane_outcome_has_its_own_line_and_level)
{
    using sts::tls::dane_outcome;
    BOOST_TEST(dane_outcome_line("example.com", "mx1.example.com", dane_outcome::tlsa_usable) ==
               "DANE: usable TLSA records for MX host mx1.example.com of the domain (example.com), MTA-STS is "
               "skipped");
    BOOST_TEST(dane_outcome_line("example.com", "mx1.example.com", dane_outcome::tlsa_unusable) ==
               "DANE: TLSA records for MX host mx1.example.com of the domain (example.com) are all unusable, TLS "
               "is mandatory");
    BOOST_TEST(dane_outcome_line("example.com", "mx1.example.com", dane_outcome::not_applicable) ==
               "DANE: no secure TLSA records for MX host mx1.example.com of the domain (example.com)");
    BOOST_TEST(dane_outcome_line("example.com", "mx1.example.com", dane_outcome::mx_insecure) ==
               "DANE: MX records of the domain (example.com) are not DNSSEC-secure, DANE not used");
    BOOST_TEST(dane_outcome_line("example.com", "mx1.example.com", dane_outcome::mx_lookup_failed) ==
               "DANE: MX lookup for the domain (example.com) failed DNSSEC validation, deferring");
    BOOST_TEST(dane_outcome_line("example.com", "mx1.example.com", dane_outcome::lookup_failed) ==
               "DANE: TLSA or address lookup failed for MX host mx1.example.com of the domain (example.com), "
               "skipping it");
    BOOST_TEST(dane_outcome_is_debug(dane_outcome::not_applicable));
    BOOST_TEST(dane_outcome_is_debug(dane_outcome::mx_insecure));
    BOOST_TEST(!dane_outcome_is_debug(dane_outcome::tlsa_usable));
    BOOST_TEST(dane_outcome_is_failure(dane_outcome::lookup_failed));
    BOOST_TEST(dane_outcome_is_failure(dane_outcome::mx_lookup_failed));
    BOOST_TEST(!dane_outcome_is_failure(dane_outcome::tlsa_unusable));
}

BOOST_AUTO_TEST_CASE(names_from_outside_are_escaped_and_capped)
{
    const std::string hostile = std::string("evil\r\nInfo: forged") + std::string(100000, 'x');
    const std::string line = applying_policy(hostile);
    BOOST_TEST(line.find('\n') == std::string::npos);
    BOOST_TEST(line.find('\r') == std::string::npos);
    BOOST_TEST(line.find("\\x0d\\x0a") != std::string::npos);
    BOOST_TEST(line.size() < 400u);
}

BOOST_AUTO_TEST_SUITE_END()
