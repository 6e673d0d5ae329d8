// Tests mocks/dns/zone.hpp: the mock resolver's data model and its answer logic (lookup,
// CNAME chains, NXDOMAIN versus NODATA, DNSSEC status of the result), without a network.
#include "mocks/dns/zone.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace {

namespace dns = sts::dns;
using sts::mocks::dnssec_status;
using sts::mocks::resolution_kind;
using sts::mocks::zone;
using sts::mocks::zone_data;
using sts::mocks::zone_denial;
using sts::mocks::zone_record;

constexpr std::size_t hops_max = 8;

zone_record rec(std::string name, dns::rdata data, dnssec_status status = dnssec_status::secure) {
    return zone_record{dns::record{std::move(name), dns::rr_class::in, 300, std::move(data)}, status};
}

zone build(zone_data data) {
    auto z = zone::build(std::move(data));
    BOOST_TEST_REQUIRE(z.has_value(), (z.has_value() ? std::string() : z.error()));
    return std::move(z).value();
}

std::vector<std::string> owners(const sts::mocks::resolution& r) {
    std::vector<std::string> out;
    for (const auto& a : r.answers) out.push_back(a.name + " " + dns::type_name(a.type()));
    return out;
}

// _mta-sts.user.example → _mta-sts.hop1.example → _mta-sts.hop2.example → TXT at
// _mta-sts.provider.example, each link with the given status.
zone_data three_hop_chain(dnssec_status first, dnssec_status second, dnssec_status third, dnssec_status txt) {
    zone_data d;
    d.records.push_back(rec("_mta-sts.user.example", dns::cname_rdata{"_mta-sts.hop1.example"}, first));
    d.records.push_back(rec("_mta-sts.hop1.example", dns::cname_rdata{"_mta-sts.hop2.example"}, second));
    d.records.push_back(rec("_mta-sts.hop2.example", dns::cname_rdata{"_mta-sts.provider.example"}, third));
    d.records.push_back(rec("_mta-sts.provider.example", dns::txt_rdata{{"v=STSv1; id=1;"}}, txt));
    return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_dns_zone)

BOOST_AUTO_TEST_CASE(weakest_status_orders_bogus_below_insecure_below_secure) {
    using sts::mocks::weakest;
    BOOST_TEST((weakest(dnssec_status::secure, dnssec_status::insecure) == dnssec_status::insecure));
    BOOST_TEST((weakest(dnssec_status::insecure, dnssec_status::bogus) == dnssec_status::bogus));
    BOOST_TEST((weakest(dnssec_status::secure, dnssec_status::secure) == dnssec_status::secure));
}

BOOST_AUTO_TEST_CASE(a_query_returns_every_record_of_the_type_in_data_order) {
    zone_data d;
    d.records.push_back(rec("mx1.example.com", dns::a_rdata{"192.0.2.10"}));
    d.records.push_back(rec("mx1.example.com", dns::aaaa_rdata{"2001:db8::10"}));
    d.records.push_back(rec("mx1.example.com", dns::a_rdata{"192.0.2.11"}));
    const auto z = build(d);
    const auto r = z.resolve("mx1.example.com", dns::rr_type::a, hops_max);
    BOOST_TEST((r.kind == resolution_kind::answer));
    BOOST_REQUIRE_EQUAL(r.answers.size(), 2u);
    BOOST_TEST((r.answers[0].data == dns::rdata{dns::a_rdata{"192.0.2.10"}}));
    BOOST_TEST((r.answers[1].data == dns::rdata{dns::a_rdata{"192.0.2.11"}}));
    const auto aaaa = z.resolve("mx1.example.com", dns::rr_type::aaaa, hops_max);
    BOOST_REQUIRE_EQUAL(aaaa.answers.size(), 1u);
    BOOST_TEST((aaaa.answers[0].data == dns::rdata{dns::aaaa_rdata{"2001:db8::10"}}));
}

BOOST_AUTO_TEST_CASE(names_match_without_regard_to_case_and_answers_keep_the_askers_spelling) {
    zone_data d;
    d.records.push_back(rec("_mta-sts.Example.COM", dns::txt_rdata{{"v=STSv1; id=1;"}}));
    const auto z = build(d);
    const auto r = z.resolve("_MTA-sts.example.com.", dns::rr_type::txt, hops_max);
    BOOST_TEST((r.kind == resolution_kind::answer));
    BOOST_REQUIRE_EQUAL(r.answers.size(), 1u);
    BOOST_TEST(r.answers[0].name == "_MTA-sts.example.com.");
    BOOST_TEST(z.owns_records("_mta-sts.EXAMPLE.com"));
}

BOOST_AUTO_TEST_CASE(a_txt_record_keeps_each_of_its_strings, *sts::test::covers("STS-DISC-01")) {
    zone_data d;
    d.records.push_back(rec("_mta-sts.example.com", dns::txt_rdata{{"v=STSv1; ", "id=20240926T1;"}}));
    const auto z = build(d);
    const auto r = z.resolve("_mta-sts.example.com", dns::rr_type::txt, hops_max);
    BOOST_REQUIRE_EQUAL(r.answers.size(), 1u);
    const auto& txt = std::get<dns::txt_rdata>(r.answers[0].data);
    BOOST_TEST((txt.strings == std::vector<std::string>{"v=STSv1; ", "id=20240926T1;"}));
}

BOOST_AUTO_TEST_CASE(a_tlsa_record_is_returned_as_stored) {
    zone_data d;
    const dns::tlsa_rdata tlsa{3, 1, 1, std::vector<std::uint8_t>(32, 0xAB)};
    d.records.push_back(rec("_25._tcp.mx1.example.com", tlsa));
    const auto z = build(d);
    const auto r = z.resolve("_25._tcp.mx1.example.com", dns::rr_type::tlsa, hops_max);
    BOOST_REQUIRE_EQUAL(r.answers.size(), 1u);
    BOOST_TEST((r.answers[0].data == dns::rdata{tlsa}));
    BOOST_TEST((r.status == dnssec_status::secure));
}

BOOST_AUTO_TEST_CASE(a_three_hop_cname_chain_is_followed_and_returned_whole,
                     *sts::test::covers("STS-DISC-15")) {
    const auto z = build(three_hop_chain(dnssec_status::secure, dnssec_status::secure, dnssec_status::secure,
                                         dnssec_status::secure));
    const auto r = z.resolve("_mta-sts.user.example", dns::rr_type::txt, hops_max);
    BOOST_TEST((r.kind == resolution_kind::answer));
    BOOST_TEST((owners(r) ==
                std::vector<std::string>{"_mta-sts.user.example CNAME", "_mta-sts.hop1.example CNAME",
                                         "_mta-sts.hop2.example CNAME", "_mta-sts.provider.example TXT"}));
    BOOST_TEST((r.status == dnssec_status::secure));
}

BOOST_AUTO_TEST_CASE(an_insecure_link_makes_the_whole_chain_insecure, *sts::test::covers("DANE-09")) {
    const auto z = build(three_hop_chain(dnssec_status::secure, dnssec_status::insecure,
                                         dnssec_status::secure, dnssec_status::secure));
    const auto r = z.resolve("_mta-sts.user.example", dns::rr_type::txt, hops_max);
    BOOST_TEST((r.kind == resolution_kind::answer));
    BOOST_TEST((r.status == dnssec_status::insecure));
}

BOOST_AUTO_TEST_CASE(a_bogus_link_makes_the_whole_chain_bogus_even_after_an_insecure_one,
                     *sts::test::covers("DANE-09")) {
    const auto z = build(three_hop_chain(dnssec_status::insecure, dnssec_status::secure, dnssec_status::bogus,
                                         dnssec_status::secure));
    const auto r = z.resolve("_mta-sts.user.example", dns::rr_type::txt, hops_max);
    BOOST_TEST((r.status == dnssec_status::bogus));
    BOOST_TEST(r.answers.size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_cname_loop_is_reported_as_a_loop) {
    zone_data d;
    d.records.push_back(rec("a.example", dns::cname_rdata{"b.example"}));
    d.records.push_back(rec("b.example", dns::cname_rdata{"C.example"}));
    d.records.push_back(rec("c.example", dns::cname_rdata{"A.EXAMPLE"}));
    const auto z = build(d);
    const auto r = z.resolve("a.example", dns::rr_type::a, hops_max);
    BOOST_TEST((r.kind == resolution_kind::cname_loop));
    BOOST_TEST(r.answers.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_chain_longer_than_the_bound_is_reported_and_one_at_the_bound_is_followed) {
    zone_data d;
    for (int i = 0; i < 4; ++i) {
        d.records.push_back(rec("h" + std::to_string(i) + ".example",
                                dns::cname_rdata{"h" + std::to_string(i + 1) + ".example"}));
    }
    d.records.push_back(rec("h4.example", dns::a_rdata{"192.0.2.4"}));
    const auto z = build(d);
    BOOST_TEST((z.resolve("h0.example", dns::rr_type::a, 4).kind == resolution_kind::answer));
    BOOST_TEST((z.resolve("h0.example", dns::rr_type::a, 3).kind == resolution_kind::cname_chain_too_long));
}

BOOST_AUTO_TEST_CASE(a_name_without_records_is_nxdomain_and_one_without_the_type_is_nodata,
                     *sts::test::covers("STS-DISC-13")) {
    zone_data d;
    d.records.push_back(rec("example.com", dns::mx_rdata{10, "mx1.example.com"}));
    const auto z = build(d);
    BOOST_TEST(
        (z.resolve("_mta-sts.example.com", dns::rr_type::txt, hops_max).kind == resolution_kind::nxdomain));
    const auto nodata = z.resolve("example.com", dns::rr_type::txt, hops_max);
    BOOST_TEST((nodata.kind == resolution_kind::nodata));
    BOOST_TEST(nodata.answers.empty());
}

BOOST_AUTO_TEST_CASE(a_chain_ending_at_a_missing_name_is_nxdomain_with_the_chain,
                     *sts::test::covers("STS-DISC-15")) {
    zone_data d;
    d.records.push_back(rec("_mta-sts.user.example", dns::cname_rdata{"_mta-sts.gone.example"}));
    const auto z = build(d);
    const auto r = z.resolve("_mta-sts.user.example", dns::rr_type::txt, hops_max);
    BOOST_TEST((r.kind == resolution_kind::nxdomain));
    BOOST_TEST((owners(r) == std::vector<std::string>{"_mta-sts.user.example CNAME"}));
}

BOOST_AUTO_TEST_CASE(a_denial_takes_the_status_of_the_most_specific_denial_listed,
                     *sts::test::covers("DANE-04")) {
    zone_data d;
    d.records.push_back(rec("mx1.example.com", dns::a_rdata{"192.0.2.10"}));
    d.denials.push_back(zone_denial{"MX1.example.com", std::nullopt, dnssec_status::bogus});
    d.denials.push_back(zone_denial{"mx1.example.com", dns::rr_type::tlsa, dnssec_status::secure});
    d.denial_status = dnssec_status::insecure;
    const auto z = build(d);
    BOOST_TEST((z.resolve("mx1.example.com", dns::rr_type::tlsa, hops_max).status == dnssec_status::secure));
    BOOST_TEST((z.resolve("mx1.example.com", dns::rr_type::aaaa, hops_max).status == dnssec_status::bogus));
    BOOST_TEST((z.resolve("mx2.example.com", dns::rr_type::a, hops_max).status == dnssec_status::insecure));
}

BOOST_AUTO_TEST_CASE(a_denial_after_an_insecure_cname_is_insecure, *sts::test::covers("DANE-09")) {
    zone_data d;
    d.records.push_back(rec("_25._tcp.mx.user.example", dns::cname_rdata{"_25._tcp.mx.provider.example"},
                            dnssec_status::insecure));
    d.denial_status = dnssec_status::secure;
    const auto z = build(d);
    const auto r = z.resolve("_25._tcp.mx.user.example", dns::rr_type::tlsa, hops_max);
    BOOST_TEST((r.kind == resolution_kind::nxdomain));
    BOOST_TEST((r.status == dnssec_status::insecure));
}

BOOST_AUTO_TEST_CASE(a_denial_carries_the_soa_of_the_closest_enclosing_name) {
    zone_data d;
    d.records.push_back(
        rec("example.com", dns::soa_rdata{"ns.example.com", "hostmaster.example.com", 1, 2, 3, 4, 60}));
    d.records.push_back(rec("com", dns::soa_rdata{"ns.com", "hostmaster.com", 1, 2, 3, 4, 60}));
    const auto z = build(d);
    const auto r = z.resolve("_mta-sts.mail.example.com", dns::rr_type::txt, hops_max);
    BOOST_REQUIRE(r.soa.has_value());
    BOOST_TEST(r.soa->name == "example.com");
    BOOST_TEST(!z.resolve("example.org", dns::rr_type::txt, hops_max).soa.has_value());
}

BOOST_AUTO_TEST_CASE(a_cname_query_returns_the_cname_without_following_it) {
    zone_data d;
    d.records.push_back(rec("a.example", dns::cname_rdata{"b.example"}));
    d.records.push_back(rec("b.example", dns::a_rdata{"192.0.2.2"}));
    const auto z = build(d);
    const auto r = z.resolve("a.example", dns::rr_type::cname, hops_max);
    BOOST_TEST((owners(r) == std::vector<std::string>{"a.example CNAME"}));
}

BOOST_AUTO_TEST_CASE(an_any_query_returns_every_record_of_the_name) {
    zone_data d;
    d.records.push_back(rec("example.com", dns::mx_rdata{10, "mx1.example.com"}));
    d.records.push_back(rec("example.com", dns::txt_rdata{{"hello"}}, dnssec_status::insecure));
    const auto z = build(d);
    const auto r = z.resolve("example.com", dns::rr_type::any, hops_max);
    BOOST_TEST((owners(r) == std::vector<std::string>{"example.com MX", "example.com TXT"}));
    BOOST_TEST((r.status == dnssec_status::insecure));
}

BOOST_AUTO_TEST_CASE(build_refuses_a_cname_beside_other_data_and_a_second_cname) {
    zone_data beside;
    beside.records.push_back(rec("a.example", dns::cname_rdata{"b.example"}));
    beside.records.push_back(rec("A.example", dns::txt_rdata{{"x"}}));
    const auto first = zone::build(beside);
    BOOST_REQUIRE(!first.has_value());
    BOOST_TEST(first.error().find("CNAME and other records") != std::string::npos);
    zone_data twice;
    twice.records.push_back(rec("a.example", dns::cname_rdata{"b.example"}));
    twice.records.push_back(rec("a.example", dns::cname_rdata{"c.example"}));
    const auto second = zone::build(twice);
    BOOST_REQUIRE(!second.has_value());
    BOOST_TEST(second.error().find("more than one CNAME") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(build_refuses_records_the_wire_cannot_carry_and_names_the_record) {
    const std::vector<std::pair<zone_record, std::string>> bad = {
        {rec("mx1.example.com", dns::a_rdata{"192.0.2.300"}), "record 1 (mx1.example.com A)"},
        {rec("example.com", dns::txt_rdata{{std::string(256, 'x')}}), "record 1 (example.com TXT)"},
        {rec("bad..name", dns::a_rdata{"192.0.2.1"}), "record 1 (bad..name A)"},
    };
    for (const auto& [record, where] : bad) {
        zone_data d;
        d.records.push_back(record);
        const auto z = zone::build(d);
        BOOST_REQUIRE(!z.has_value());
        BOOST_TEST(z.error().find(where) == 0u, z.error());
    }
    zone_data chaos;
    chaos.records.push_back(rec("version.bind", dns::txt_rdata{{"9"}}));
    chaos.records.back().record.rclass = dns::rr_class::ch;
    BOOST_TEST(!zone::build(chaos).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
