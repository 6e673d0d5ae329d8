// Tests mocks/dns/responder.hpp: the bytes the mock resolver sends back for a query, from
// the data, the DNSSEC statuses, the transport limits and the faults, without a network.
#include "mocks/dns/responder.hpp"

#include "engine/dns/query.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

namespace dns = sts::dns;
using sts::mocks::dns_fault;
using sts::mocks::dns_fault_kind;
using sts::mocks::dns_reply_plan;
using sts::mocks::dns_responder_options;
using sts::mocks::dns_transport;
using sts::mocks::dnssec_status;
using sts::mocks::zone;
using sts::mocks::zone_data;
using sts::mocks::zone_record;
using bytes = std::vector<std::uint8_t>;

zone_record rec(std::string name, dns::rdata data, dnssec_status status = dnssec_status::secure) {
    return zone_record{dns::record{std::move(name), dns::rr_class::in, 300, std::move(data)}, status};
}

// TXT records of `count` strings of 200 bytes each: 4 make an answer over 512 bytes and
// under 1232, 7 one over 1232.
std::vector<zone_record> bulky_txt(const std::string& name, int count) {
    std::vector<zone_record> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(rec(name, dns::txt_rdata{{std::string(200, static_cast<char>('a' + i))}}));
    }
    return out;
}

const zone& world() {
    static const zone z = [] {
        zone_data d;
        d.records.push_back(
            rec("example.com", dns::soa_rdata{"ns.example.com", "hostmaster.example.com", 1, 2, 3, 4, 60}));
        d.records.push_back(rec("example.com", dns::mx_rdata{10, "mx1.example.com"}));
        d.records.push_back(rec("example.com", dns::mx_rdata{20, "mx2.example.com"}));
        d.records.push_back(rec("mx1.example.com", dns::a_rdata{"192.0.2.10"}));
        d.records.push_back(rec("mx2.example.com", dns::a_rdata{"192.0.2.20"}, dnssec_status::insecure));
        d.records.push_back(rec("_mta-sts.example.com", dns::txt_rdata{{"v=STSv1; ", "id=20240926T1;"}}));
        d.records.push_back(rec("_25._tcp.mx1.example.com", dns::tlsa_rdata{3, 1, 1, bytes(32, 0x5A)}));
        d.records.push_back(
            rec("bogus.example.com", dns::mx_rdata{10, "mx1.example.com"}, dnssec_status::bogus));
        d.records.push_back(rec("loop1.example.com", dns::cname_rdata{"loop2.example.com"}));
        d.records.push_back(rec("loop2.example.com", dns::cname_rdata{"loop1.example.com"}));
        d.records.push_back(rec("_mta-sts.user.example", dns::cname_rdata{"_mta-sts.hop.example"}));
        d.records.push_back(rec("_mta-sts.hop.example", dns::cname_rdata{"_mta-sts.provider.example"},
                                dnssec_status::insecure));
        d.records.push_back(rec("_mta-sts.provider.example", dns::txt_rdata{{"v=STSv1; id=2;"}}));
        d.records.push_back(rec("_mta-sts.broken.example", dns::cname_rdata{"_mta-sts.bad-hop.example"}));
        d.records.push_back(rec("_mta-sts.bad-hop.example", dns::cname_rdata{"_mta-sts.provider.example"},
                                dnssec_status::bogus));
        for (auto& r : bulky_txt("medium.example.com", 4)) d.records.push_back(std::move(r));
        for (auto& r : bulky_txt("big.example.com", 7)) d.records.push_back(std::move(r));
        d.denials.push_back({"_mta-sts.signed.example", std::nullopt, dnssec_status::secure});
        d.denials.push_back({"mx1.example.com", dns::rr_type::aaaa, dnssec_status::secure});
        auto built = zone::build(std::move(d));
        BOOST_TEST_REQUIRE(built.has_value());
        return std::move(built).value();
    }();
    return z;
}

dns::message query(const std::string& name, dns::rr_type type, dns::query_flags flags = {},
                   std::uint16_t id = 0x1234) {
    return dns::make_query(id, name, type, flags);
}

dns::query_flags asking_ad() {
    return {.rd = true, .ad = true};
}

dns_reply_plan answer(const dns::message& q, const dns_fault* fault = nullptr,
                      dns_transport t = dns_transport::udp, const dns_responder_options& options = {}) {
    return sts::mocks::answer_query(world(), q, fault, t, options);
}

dns::message decoded(const bytes& wire) {
    auto m = dns::decode(wire);
    BOOST_TEST_REQUIRE(m.has_value(), (m.has_value() ? std::string() : m.error().rule));
    return std::move(m).value();
}

// The one reply of a plan, decoded.
dns::message only_reply(const dns_reply_plan& plan) {
    BOOST_TEST_REQUIRE(plan.replies.size() == 1u);
    return decoded(plan.replies.front());
}

bytes wire_of(const dns::message& m) {
    auto w = dns::encode(m);
    BOOST_TEST_REQUIRE(w.has_value());
    return std::move(w).value();
}

dns_fault fault_of(dns_fault_kind kind) {
    dns_fault f;
    f.name = "example.com";
    f.kind = kind;
    return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_dns_responder)

BOOST_AUTO_TEST_CASE(a_reply_echoes_id_question_and_rd_and_sets_ra_but_not_aa) {
    const auto q = query("EXAMPLE.com", dns::rr_type::mx);
    const auto r = only_reply(answer(q));
    BOOST_TEST(r.header.id == 0x1234);
    BOOST_TEST(r.header.qr);
    BOOST_TEST(r.header.rd);
    BOOST_TEST(r.header.ra);
    BOOST_TEST(!r.header.aa);
    BOOST_TEST((r.questions == q.questions));
    BOOST_TEST(r.answers.front().name == "EXAMPLE.com");
}

BOOST_AUTO_TEST_CASE(a_secure_answer_sets_ad_when_the_query_asks_with_ad_or_do,
                     *sts::test::covers("DANE-01")) {
    const auto with_ad = only_reply(answer(query("example.com", dns::rr_type::mx, asking_ad())));
    BOOST_TEST((with_ad.header.rcode == dns::rcode::noerror));
    BOOST_TEST(with_ad.header.ad);
    BOOST_TEST(with_ad.answers.size() == 2u);
    const auto with_do = only_reply(answer(query("example.com", dns::rr_type::mx, {.dnssec_ok = true})));
    BOOST_TEST(with_do.header.ad);
    BOOST_TEST(dns::dnssec_ok(with_do));  // RFC 6891 §7: the OPT record and its DO bit come back
}

BOOST_AUTO_TEST_CASE(a_secure_answer_to_a_query_that_did_not_ask_has_no_ad_unless_configured) {
    const auto q = query("example.com", dns::rr_type::mx);
    BOOST_TEST(!only_reply(answer(q)).header.ad);
    dns_responder_options always;
    always.ad_only_when_asked = false;
    BOOST_TEST(only_reply(answer(q, nullptr, dns_transport::udp, always)).header.ad);
}

BOOST_AUTO_TEST_CASE(an_insecure_answer_never_sets_ad, *sts::test::covers("DANE-01", "DANE-03")) {
    const auto r = only_reply(answer(query("mx2.example.com", dns::rr_type::a, asking_ad())));
    BOOST_TEST((r.header.rcode == dns::rcode::noerror));
    BOOST_TEST(r.answers.size() == 1u);
    BOOST_TEST(!r.header.ad);
}

BOOST_AUTO_TEST_CASE(a_bogus_answer_is_servfail_without_data,
                     *sts::test::covers("DANE-01", "DANE-02", "DANE-05")) {
    const auto plan = answer(query("bogus.example.com", dns::rr_type::mx, asking_ad()));
    const auto r = only_reply(plan);
    BOOST_TEST((r.header.rcode == dns::rcode::servfail));
    BOOST_TEST(r.answers.empty());
    BOOST_TEST(!r.header.ad);
    BOOST_TEST(plan.entry.note == "bogus, withheld");
}

BOOST_AUTO_TEST_CASE(a_bogus_answer_to_a_query_with_cd_carries_the_data_without_ad,
                     *sts::test::covers("DANE-01")) {
    const auto r = only_reply(answer(query("bogus.example.com", dns::rr_type::mx, {.ad = true, .cd = true})));
    BOOST_TEST((r.header.rcode == dns::rcode::noerror));
    BOOST_TEST(r.header.cd);
    BOOST_TEST(r.answers.size() == 1u);
    BOOST_TEST(!r.header.ad);
}

BOOST_AUTO_TEST_CASE(a_chain_with_an_insecure_link_is_answered_whole_without_ad,
                     *sts::test::covers("DANE-09", "STS-DISC-15")) {
    const auto r = only_reply(answer(query("_mta-sts.user.example", dns::rr_type::txt, asking_ad())));
    BOOST_TEST((r.header.rcode == dns::rcode::noerror));
    BOOST_TEST(r.answers.size() == 3u);
    BOOST_TEST(!r.header.ad);
}

BOOST_AUTO_TEST_CASE(a_chain_with_a_bogus_link_is_servfail, *sts::test::covers("DANE-09")) {
    const auto r = only_reply(answer(query("_mta-sts.broken.example", dns::rr_type::txt, asking_ad())));
    BOOST_TEST((r.header.rcode == dns::rcode::servfail));
    BOOST_TEST(r.answers.empty());
}

BOOST_AUTO_TEST_CASE(a_cname_loop_is_servfail_even_with_cd) {
    const auto plan = answer(query("loop1.example.com", dns::rr_type::a, {.cd = true}));
    BOOST_TEST((only_reply(plan).header.rcode == dns::rcode::servfail));
    BOOST_TEST(plan.entry.note == "cname loop");
}

BOOST_AUTO_TEST_CASE(a_denial_is_nxdomain_or_nodata_with_the_soa_and_ad_only_when_secure,
                     *sts::test::covers("STS-DISC-13", "DANE-04")) {
    const auto nx =
        only_reply(answer(query("_mta-sts.example.com.example.com", dns::rr_type::txt, asking_ad())));
    BOOST_TEST((nx.header.rcode == dns::rcode::nxdomain));
    BOOST_TEST(!nx.header.ad);  // the default denial status is insecure
    BOOST_REQUIRE_EQUAL(nx.authorities.size(), 1u);
    BOOST_TEST((nx.authorities.front().type() == dns::rr_type::soa));
    const auto nodata = only_reply(answer(query("example.com", dns::rr_type::txt, asking_ad())));
    BOOST_TEST((nodata.header.rcode == dns::rcode::noerror));
    BOOST_TEST(nodata.answers.empty());
    BOOST_TEST(nodata.authorities.size() == 1u);
    const auto secure_nx =
        only_reply(answer(query("_mta-sts.signed.example", dns::rr_type::txt, asking_ad())));
    BOOST_TEST((secure_nx.header.rcode == dns::rcode::nxdomain));
    BOOST_TEST(secure_nx.header.ad);
    const auto secure_nodata = only_reply(answer(query("mx1.example.com", dns::rr_type::aaaa, asking_ad())));
    BOOST_TEST((secure_nodata.header.rcode == dns::rcode::noerror));
    BOOST_TEST(secure_nodata.header.ad);
}

BOOST_AUTO_TEST_CASE(an_mx_answer_is_compressed) {
    const auto plan = answer(query("example.com", dns::rr_type::mx));
    const auto r = only_reply(plan);
    BOOST_REQUIRE_EQUAL(r.answers.size(), 2u);
    BOOST_TEST((r.answers[0].data == dns::rdata{dns::mx_rdata{10, "mx1.example.com"}}));
    BOOST_TEST((r.answers[1].data == dns::rdata{dns::mx_rdata{20, "mx2.example.com"}}));
    // Without compression the same message is longer: owners and exchanges repeat example.com.
    const auto plain = dns::encode(r, {.compress = false});
    BOOST_REQUIRE(plain.has_value());
    BOOST_TEST(plan.replies.front().size() < plain.value().size());
    const auto& w = plan.replies.front();
    BOOST_TEST(std::count_if(w.begin(), w.end(), [](std::uint8_t b) { return (b & 0xC0) == 0xC0; }) >= 4);
}

BOOST_AUTO_TEST_CASE(a_txt_answer_keeps_its_strings_and_a_tlsa_answer_its_fields,
                     *sts::test::covers("STS-DISC-01")) {
    const auto txt = only_reply(answer(query("_mta-sts.example.com", dns::rr_type::txt)));
    BOOST_REQUIRE_EQUAL(txt.answers.size(), 1u);
    BOOST_TEST((std::get<dns::txt_rdata>(txt.answers[0].data).strings ==
                std::vector<std::string>{"v=STSv1; ", "id=20240926T1;"}));
    const auto tlsa = only_reply(answer(query("_25._tcp.mx1.example.com", dns::rr_type::tlsa, asking_ad())));
    BOOST_REQUIRE_EQUAL(tlsa.answers.size(), 1u);
    BOOST_TEST((tlsa.answers[0].data == dns::rdata{dns::tlsa_rdata{3, 1, 1, bytes(32, 0x5A)}}));
    BOOST_TEST(tlsa.header.ad);
}

BOOST_AUTO_TEST_CASE(an_answer_over_512_bytes_is_truncated_over_udp_and_sent_whole_over_tcp) {
    const auto q = query("medium.example.com", dns::rr_type::txt);
    const auto udp = answer(q);
    const auto truncated = only_reply(udp);
    BOOST_TEST(truncated.header.tc);
    BOOST_TEST(truncated.answers.empty());
    BOOST_TEST(udp.replies.front().size() <= 512u);
    BOOST_TEST(udp.entry.tc_set);
    const auto tcp = only_reply(answer(q, nullptr, dns_transport::tcp));
    BOOST_TEST(!tcp.header.tc);
    BOOST_TEST(tcp.answers.size() == 4u);
}

BOOST_AUTO_TEST_CASE(edns_raises_the_udp_limit_to_the_clients_size_capped_at_our_own) {
    const auto medium =
        only_reply(answer(query("medium.example.com", dns::rr_type::txt, {.dnssec_ok = true})));
    BOOST_TEST(!medium.header.tc);
    BOOST_TEST(medium.answers.size() == 4u);
    auto q = query("big.example.com", dns::rr_type::txt, {.dnssec_ok = true});
    q.additionals.front().rclass = static_cast<dns::rr_class>(4096);
    const auto big = answer(q);
    BOOST_TEST(only_reply(big).header.tc);
    BOOST_TEST(dns::dnssec_ok(only_reply(big)));  // the OPT record survives the truncation
    BOOST_TEST(sts::mocks::udp_reply_bytes_max(q, {}) == 1232u);
    q.additionals.front().rclass = static_cast<dns::rr_class>(100);
    BOOST_TEST(sts::mocks::udp_reply_bytes_max(q, {}) == 512u);  // RFC 6891 §6.2.5
    BOOST_TEST(sts::mocks::udp_reply_bytes_max(query("a.example", dns::rr_type::a), {}) == 512u);
}

BOOST_AUTO_TEST_CASE(rcode_faults_replace_the_answer, *sts::test::covers("STS-DISC-13")) {
    const auto q = query("example.com", dns::rr_type::mx, asking_ad());
    const std::vector<std::pair<dns_fault_kind, dns::rcode>> cases = {
        {dns_fault_kind::nxdomain, dns::rcode::nxdomain},
        {dns_fault_kind::nodata, dns::rcode::noerror},
        {dns_fault_kind::servfail, dns::rcode::servfail},
        {dns_fault_kind::refused, dns::rcode::refused},
    };
    for (const auto& [kind, code] : cases) {
        const auto f = fault_of(kind);
        const auto plan = answer(q, &f);
        const auto r = only_reply(plan);
        BOOST_TEST((r.header.rcode == code), sts::mocks::to_string(kind));
        BOOST_TEST(r.answers.empty());
        BOOST_TEST(!r.header.ad);
        BOOST_TEST((plan.entry.fault == kind));
    }
}

BOOST_AUTO_TEST_CASE(a_denial_fault_with_a_secure_status_sets_ad, *sts::test::covers("DANE-04")) {
    auto f = fault_of(dns_fault_kind::nodata);
    f.denial_status = dnssec_status::secure;
    const auto r = only_reply(answer(query("example.com", dns::rr_type::mx, asking_ad()), &f));
    BOOST_TEST(r.header.ad);
    f.denial_status = dnssec_status::bogus;
    BOOST_TEST((only_reply(answer(query("example.com", dns::rr_type::mx, asking_ad()), &f)).header.rcode ==
                dns::rcode::servfail));
}

BOOST_AUTO_TEST_CASE(a_drop_fault_sends_nothing) {
    const auto f = fault_of(dns_fault_kind::drop);
    const auto plan = answer(query("example.com", dns::rr_type::mx), &f);
    BOOST_TEST(plan.replies.empty());
    BOOST_TEST(!plan.entry.answered);
}

BOOST_AUTO_TEST_CASE(a_truncate_fault_sets_tc_over_udp_and_answers_fully_over_tcp) {
    const auto f = fault_of(dns_fault_kind::truncate);
    const auto q = query("example.com", dns::rr_type::mx);
    const auto udp = only_reply(answer(q, &f));
    BOOST_TEST(udp.header.tc);
    BOOST_TEST(udp.answers.empty());
    const auto tcp = only_reply(answer(q, &f, dns_transport::tcp));
    BOOST_TEST(!tcp.header.tc);
    BOOST_TEST(tcp.answers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_wrong_id_fault_sends_the_answer_under_another_id) {
    const auto f = fault_of(dns_fault_kind::wrong_id);
    const auto r = only_reply(answer(query("example.com", dns::rr_type::mx), &f));
    BOOST_TEST(r.header.id != 0x1234);
    BOOST_TEST(r.answers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_wrong_id_then_answer_fault_sends_the_spoof_first_then_the_answer) {
    const auto f = fault_of(dns_fault_kind::wrong_id_then_answer);
    const auto plan = answer(query("example.com", dns::rr_type::mx), &f);
    BOOST_REQUIRE_EQUAL(plan.replies.size(), 2u);
    BOOST_TEST(decoded(plan.replies[0]).header.id != 0x1234);
    BOOST_TEST(decoded(plan.replies[1]).header.id == 0x1234);
    BOOST_TEST(decoded(plan.replies[1]).answers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_garbage_fault_sends_deterministic_bytes_with_the_id_that_never_decode) {
    const auto f = fault_of(dns_fault_kind::garbage);
    const auto q = query("example.com", dns::rr_type::mx);
    const auto first = answer(q, &f);
    BOOST_REQUIRE_EQUAL(first.replies.size(), 1u);
    const auto& g = first.replies.front();
    BOOST_TEST(g[0] == 0x12);
    BOOST_TEST(g[1] == 0x34);
    BOOST_TEST(!dns::decode(g).has_value());
    BOOST_TEST((answer(q, &f).replies.front() == g));
    dns_responder_options reseeded;
    reseeded.seed = 7;
    BOOST_TEST((answer(q, &f, dns_transport::udp, reseeded).replies.front() != g));
}

BOOST_AUTO_TEST_CASE(a_compression_loop_fault_sends_an_answer_name_pointing_at_itself) {
    const auto f = fault_of(dns_fault_kind::compression_loop);
    const auto plan = answer(query("example.com", dns::rr_type::mx), &f);
    BOOST_REQUIRE_EQUAL(plan.replies.size(), 1u);
    const auto& wire = plan.replies.front();
    BOOST_TEST(wire[0] == 0x12);
    BOOST_TEST(wire[1] == 0x34);
    BOOST_TEST(wire[7] == 1);  // ANCOUNT
    // The answer starts right after the question: two bytes of pointer to its own offset.
    const std::size_t at = wire.size() - 16;
    BOOST_TEST(wire[at] == (0xC0 | (at >> 8)));
    BOOST_TEST(wire[at + 1] == (at & 0xFF));
    const auto result = dns::decode(wire);
    BOOST_REQUIRE(!result.has_value());
    BOOST_TEST(plan.entry.answered);
    BOOST_TEST(plan.entry.note == "compression loop");
}

BOOST_AUTO_TEST_CASE(a_truncate_always_fault_sets_tc_over_tcp_too) {
    const auto f = fault_of(dns_fault_kind::truncate_always);
    for (const auto t : {dns_transport::udp, dns_transport::tcp}) {
        const auto r = only_reply(answer(query("example.com", dns::rr_type::mx), &f, t));
        BOOST_TEST(r.header.tc);
        BOOST_TEST(r.header.id == 0x1234);
        BOOST_TEST(r.answers.empty());
    }
}

BOOST_AUTO_TEST_CASE(a_delay_fault_keeps_the_answer_and_says_how_long_to_wait) {
    auto f = fault_of(dns_fault_kind::none);
    f.delay = std::chrono::seconds{3};
    const auto plan = answer(query("example.com", dns::rr_type::mx), &f);
    BOOST_TEST((plan.delay == std::chrono::seconds{3}));
    BOOST_TEST(only_reply(plan).answers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(short_messages_and_responses_are_ignored) {
    const bytes short_one = {0x12, 0x34, 0x01};
    BOOST_TEST(!sts::mocks::read_query(short_one).has_value());
    BOOST_TEST(sts::mocks::read_query(short_one).error().replies.empty());
    auto response = dns::make_response(query("example.com", dns::rr_type::a));
    const auto ignored = sts::mocks::read_query(wire_of(response));
    BOOST_REQUIRE(!ignored.has_value());
    BOOST_TEST(ignored.error().replies.empty());
    BOOST_TEST(ignored.error().entry.note == "ignored: a response, not a query");
}

BOOST_AUTO_TEST_CASE(an_undecodable_query_gets_formerr_with_its_id) {
    auto w = wire_of(query("example.com", dns::rr_type::a, {}, 0xBEEF));
    w.push_back(0x00);  // a trailing byte the codec refuses
    const auto refused = sts::mocks::read_query(w);
    BOOST_REQUIRE(!refused.has_value());
    const auto r = only_reply(refused.error());
    BOOST_TEST(r.header.id == 0xBEEF);
    BOOST_TEST((r.header.rcode == dns::rcode::formerr));
    BOOST_TEST(r.questions.empty());
}

BOOST_AUTO_TEST_CASE(queries_without_exactly_one_in_question_or_with_another_opcode_are_refused) {
    auto two = query("example.com", dns::rr_type::a);
    two.questions.push_back(two.questions.front());
    auto none = query("example.com", dns::rr_type::a);
    none.questions.clear();
    auto notify = query("example.com", dns::rr_type::a);
    notify.header.opcode = dns::opcode::notify;
    auto chaos = query("version.bind", dns::rr_type::txt);
    chaos.questions.front().qclass = dns::rr_class::ch;
    const std::vector<std::pair<dns::message, dns::rcode>> cases = {
        {two, dns::rcode::formerr},
        {none, dns::rcode::formerr},
        {notify, dns::rcode::notimp},
        {chaos, dns::rcode::refused},
    };
    for (const auto& [m, code] : cases) {
        const auto refused = sts::mocks::read_query(wire_of(m));
        BOOST_REQUIRE(!refused.has_value());
        BOOST_TEST((only_reply(refused.error()).header.rcode == code));
        BOOST_TEST((refused.error().entry.rcode == code));
    }
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash_and_every_reply_decodes_or_is_garbage) {
    std::mt19937 rng(20240926);  // fixed seed: the same inputs every run
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 300);
    sts::mocks::dns_fault_table faults({});
    std::size_t formerr = 0;
    for (int i = 0; i < 3000; ++i) {
        bytes w(static_cast<std::size_t>(length(rng)));
        for (auto& b : w) b = static_cast<std::uint8_t>(byte(rng));
        // Half of the inputs start as a plausible query header, so decoding gets further.
        if (i % 2 == 0 && w.size() >= 12) {
            w[2] = 0x01;
            w[3] = 0x00;
            w[4] = 0x00;
            w[5] = 0x01;
        }
        const auto plan = sts::mocks::respond(world(), faults, w, dns_transport::udp, {});
        for (const auto& reply : plan.replies) {
            BOOST_TEST_REQUIRE(dns::decode(reply).has_value());
            BOOST_TEST_REQUIRE(reply.size() <= 512u);
        }
        if (plan.entry.rcode == dns::rcode::formerr) ++formerr;
    }
    BOOST_TEST(formerr > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
