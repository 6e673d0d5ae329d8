// Tests engine/dns/answer_cache.hpp: what is cached and for how long (TTL, caps, negative
// caching), case-insensitive keys, expiry on the given clock, and the entry bound.
#include "engine/dns/answer_cache.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace {

namespace dns = sts::dns;
using namespace std::chrono_literals;
using sts::core::time_point;

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};

dns::lookup_result answer(std::string name, std::uint32_t ttl, dns::rr_type type = dns::rr_type::a) {
    dns::lookup_result r;
    r.name = std::move(name);
    r.type = type;
    r.status = dns::lookup_status::answer;
    r.security = dns::dnssec_status::secure;
    r.records.push_back(dns::record{r.name, dns::rr_class::in, ttl, dns::a_rdata{"192.0.2.1"}});
    r.ttl = ttl;
    r.queries_sent = 1;
    return r;
}

dns::lookup_result with_status(dns::lookup_status status, std::uint32_t ttl) {
    auto r = answer("example.com", ttl);
    r.status = status;
    r.records.clear();
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_answer_cache)

BOOST_AUTO_TEST_CASE(an_answer_is_served_until_its_ttl_ends) {
    dns::answer_cache cache;
    BOOST_TEST(cache.store(answer("example.com", 300), t0));
    const auto hit = cache.find("example.com", dns::rr_type::a, t0 + 299s);
    BOOST_TEST_REQUIRE(hit.has_value());
    BOOST_TEST(hit->from_cache);
    BOOST_TEST(hit->queries_sent == 0u);
    BOOST_TEST(hit->ttl == 1u);
    BOOST_TEST((hit->security == dns::dnssec_status::secure));
    BOOST_TEST(hit->records.size() == 1u);
    BOOST_TEST(!cache.find("example.com", dns::rr_type::a, t0 + 300s).has_value());
    BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_remaining_ttl_counts_down) {
    dns::answer_cache cache;
    cache.store(answer("example.com", 300), t0);
    const auto hit = cache.find("example.com", dns::rr_type::a, t0 + 100s);
    BOOST_TEST_REQUIRE(hit.has_value());
    BOOST_TEST(hit->ttl == 200u);
}

BOOST_AUTO_TEST_CASE(names_are_keys_without_regard_to_case_or_a_root_dot) {
    dns::answer_cache cache;
    cache.store(answer("Example.COM", 300), t0);
    BOOST_TEST(cache.find("example.com.", dns::rr_type::a, t0).has_value());
    BOOST_TEST(cache.find("EXAMPLE.com", dns::rr_type::a, t0).has_value());
}

BOOST_AUTO_TEST_CASE(the_type_is_part_of_the_key) {
    dns::answer_cache cache;
    cache.store(answer("example.com", 300), t0);
    BOOST_TEST(!cache.find("example.com", dns::rr_type::aaaa, t0).has_value());
    BOOST_TEST(!cache.find("example.com", dns::rr_type::txt, t0).has_value());
}

BOOST_AUTO_TEST_CASE(denials_are_cached_for_their_negative_ttl,
                     *sts::test::covers("STS-DISC-13", "DANE-04")) {
    dns::answer_cache cache;
    BOOST_TEST(cache.store(with_status(dns::lookup_status::nxdomain, 60), t0));
    auto hit = cache.find("example.com", dns::rr_type::a, t0 + 59s);
    BOOST_TEST_REQUIRE(hit.has_value());
    BOOST_TEST((hit->status == dns::lookup_status::nxdomain));
    BOOST_TEST((hit->security == dns::dnssec_status::secure));
    BOOST_TEST(!cache.find("example.com", dns::rr_type::a, t0 + 60s).has_value());

    BOOST_TEST(cache.store(with_status(dns::lookup_status::nodata, 60), t0));
    hit = cache.find("example.com", dns::rr_type::a, t0);
    BOOST_TEST_REQUIRE(hit.has_value());
    BOOST_TEST((hit->status == dns::lookup_status::nodata));
}

BOOST_AUTO_TEST_CASE(failures_are_never_cached) {
    dns::answer_cache cache;
    for (const auto status :
         {dns::lookup_status::servfail, dns::lookup_status::timeout, dns::lookup_status::malformed}) {
        BOOST_TEST(!cache.store(with_status(status, 300), t0));
        BOOST_TEST(!dns::cache_lifetime(with_status(status, 300)).has_value());
    }
    BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_zero_ttl_is_not_kept) {
    dns::answer_cache cache;
    BOOST_TEST(!cache.store(answer("example.com", 0), t0));
    BOOST_TEST(!cache.find("example.com", dns::rr_type::a, t0).has_value());
}

BOOST_AUTO_TEST_CASE(ttls_are_capped_at_a_day_for_answers_and_three_hours_for_denials) {
    BOOST_TEST(
        (dns::cache_lifetime(answer("example.com", 7 * 86400)) == std::optional<sts::core::duration>(24h)));
    BOOST_TEST((dns::cache_lifetime(with_status(dns::lookup_status::nodata, 86400)) ==
                std::optional<sts::core::duration>(3h)));
    BOOST_TEST((dns::cache_lifetime(answer("example.com", 300)) == std::optional<sts::core::duration>(300s)));
    dns::answer_cache cache;
    cache.store(answer("example.com", 0xFFFFFFFFu), t0);
    BOOST_TEST(cache.find("example.com", dns::rr_type::a, t0 + 24h - 1s).has_value());
    BOOST_TEST(!cache.find("example.com", dns::rr_type::a, t0 + 24h).has_value());
}

BOOST_AUTO_TEST_CASE(storing_again_replaces_the_entry_and_its_expiry) {
    dns::answer_cache cache;
    cache.store(answer("example.com", 10), t0);
    auto longer = answer("example.com", 100);
    longer.records.front().data = dns::a_rdata{"192.0.2.2"};
    cache.store(longer, t0);
    BOOST_TEST(cache.size() == 1u);
    const auto hit = cache.find("example.com", dns::rr_type::a, t0 + 50s);
    BOOST_TEST_REQUIRE(hit.has_value());
    BOOST_TEST((hit->records.front().data == dns::rdata{dns::a_rdata{"192.0.2.2"}}));
}

BOOST_AUTO_TEST_CASE(a_full_cache_drops_expired_entries_first_then_the_one_closest_to_expiry) {
    dns::answer_cache cache(3);
    cache.store(answer("a.example", 10), t0);
    cache.store(answer("b.example", 1000), t0);
    cache.store(answer("c.example", 500), t0);
    // a.example has expired by now: it makes room.
    cache.store(answer("d.example", 800), t0 + 20s);
    BOOST_TEST(cache.size() == 3u);
    BOOST_TEST(!cache.find("a.example", dns::rr_type::a, t0 + 20s).has_value());
    // All live: c.example expires first and goes.
    cache.store(answer("e.example", 900), t0 + 20s);
    BOOST_TEST(cache.size() == 3u);
    BOOST_TEST(!cache.find("c.example", dns::rr_type::a, t0 + 20s).has_value());
    for (const char* kept : {"b.example", "d.example", "e.example"}) {
        BOOST_TEST(cache.find(kept, dns::rr_type::a, t0 + 20s).has_value(), kept);
    }
}

BOOST_AUTO_TEST_CASE(a_cache_bounded_at_zero_keeps_nothing) {
    dns::answer_cache cache(0);
    BOOST_TEST(!cache.store(answer("example.com", 300), t0));
    BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(purging_removes_exactly_the_expired_entries) {
    dns::answer_cache cache;
    cache.store(answer("a.example", 10), t0);
    cache.store(answer("b.example", 20), t0);
    cache.store(answer("c.example", 30), t0);
    cache.purge_expired(t0 + 20s);
    BOOST_TEST(cache.size() == 1u);
    BOOST_TEST(cache.find("c.example", dns::rr_type::a, t0 + 20s).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
