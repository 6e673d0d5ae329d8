// Tests engine/delivery/destination_planner.hpp with table-driven fakes of the resolver and
// the policy fetcher (no network): MX handling (implicit, null, failures, order), MTA-STS
// discovery, fetch and cache outcomes, routes, DANE, and the mail-log lines in the order
// log-format.md documents. Every fake answers through one event loop, never inline, as the
// ports promise.
#include "engine/delivery/destination_planner.hpp"

#include "engine/delivery/mx_order.hpp"
#include "tests/support/covers.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace sts::tls {
inline std::ostream& boost_test_print_type(std::ostream& os, action a) { return os << to_string(a); }
inline std::ostream& boost_test_print_type(std::ostream& os, dane_outcome o) { return os << to_string(o); }
inline std::ostream& boost_test_print_type(std::ostream& os, sts_outcome o) { return os << to_string(o); }
inline std::ostream& boost_test_print_type(std::ostream& os, decision_rule r) { return os << to_string(r); }
}  // namespace sts::tls
namespace sts::mtasts {
inline std::ostream& boost_test_print_type(std::ostream& os, policy_origin o) { return os << to_string(o); }
}  // namespace sts::mtasts
namespace sts::tlsrpt {
inline std::ostream& boost_test_print_type(std::ostream& os, failure_reason r) { return os << to_string(r); }
}  // namespace sts::tlsrpt
namespace sts::delivery {
inline std::ostream& boost_test_print_type(std::ostream& os, plan_status s) {
    return os << (s == plan_status::ready ? "ready" : s == plan_status::transient ? "transient" : "permanent");
}
}  // namespace sts::delivery
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::tlsrpt::failure_reason>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::mtasts::mode>)

namespace {

using namespace sts;
using delivery::destination_plan;
using delivery::plan_status;
using dns::dnssec_status;
using dns::lookup_status;
using dns::rr_type;
using tls::action;
using tls::dane_outcome;
using tls::sts_outcome;

struct event_loop {
    std::deque<core::unique_function<void()>> queue;
    void post(core::unique_function<void()> f) { queue.push_back(std::move(f)); }
    void run() {
        while (!queue.empty()) {
            auto f = std::move(queue.front());
            queue.pop_front();
            f();
        }
    }
};

struct fake_clock final : core::clock {
    core::time_point t{std::chrono::hours(24 * 19600)};
    core::time_point now() const override { return t; }
};

// Answers from a table; a question the table lacks is NXDOMAIN.
struct fake_resolver final : dns::resolver {
    explicit fake_resolver(event_loop& l) : loop(l) {}
    event_loop& loop;
    std::map<std::pair<std::string, rr_type>, dns::lookup_result> table;
    std::vector<std::string> asked;  // "name TYPE", in order

    void lookup(std::string_view name, rr_type type, dns::lookup_handler handler) override {
        asked.push_back(std::string(name) + " " + dns::type_name(type));
        dns::lookup_result r;
        if (const auto it = table.find({std::string(name), type}); it != table.end()) {
            r = it->second;
        } else {
            r.name = std::string(name);
            r.type = type;
            r.status = lookup_status::nxdomain;
        }
        loop.post([h = std::move(handler), r = std::move(r)]() mutable { h(std::move(r)); });
    }

    dns::lookup_result& set(const std::string& name, rr_type type, lookup_status status,
                            dnssec_status security = dnssec_status::insecure) {
        dns::lookup_result& r = table[{name, type}];
        r = {};
        r.name = name;
        r.type = type;
        r.status = status;
        r.security = security;
        r.ttl = 300;
        return r;
    }
    void mx(const std::string& name, std::vector<std::pair<std::uint16_t, std::string>> hosts,
            dnssec_status security = dnssec_status::insecure) {
        auto& r = set(name, rr_type::mx, lookup_status::answer, security);
        for (auto& [pref, host] : hosts) r.records.push_back({name, dns::rr_class::in, 300, dns::mx_rdata{pref, host}});
    }
    void a(const std::string& name, const std::string& address, dnssec_status security = dnssec_status::insecure) {
        auto& r = set(name, rr_type::a, lookup_status::answer, security);
        r.records.push_back({name, dns::rr_class::in, 300, dns::a_rdata{address}});
    }
    void txt(const std::string& name, std::vector<std::string> records) {
        auto& r = set(name, rr_type::txt, lookup_status::answer);
        for (auto& s : records) r.records.push_back({name, dns::rr_class::in, 300, dns::txt_rdata{{s}}});
    }
    void tlsa(const std::string& name, std::vector<dns::tlsa_rdata> records, dnssec_status security) {
        auto& r = set(name, rr_type::tlsa, lookup_status::answer, security);
        for (auto& t : records) r.records.push_back({name, dns::rr_class::in, 300, t});
    }
    std::size_t count(const std::string& question) const {
        std::size_t n = 0;
        for (const auto& q : asked) n += q == question ? 1u : 0u;
        return n;
    }
};

// Serves one report per Policy Domain; a domain the table lacks fails to connect.
struct fake_fetcher final : mtasts::policy_fetcher {
    explicit fake_fetcher(event_loop& l) : loop(l) {}
    event_loop& loop;
    std::map<std::string, std::function<mtasts::fetch_report()>> table;
    std::vector<mtasts::fetch_request> requests;

    void fetch(const mtasts::fetch_request& request, mtasts::fetch_handler handler) override {
        requests.push_back(request);
        mtasts::fetch_report report;
        if (const auto it = table.find(request.domain); it != table.end()) {
            report = it->second();
        } else {
            report.reason = tlsrpt::failure_reason::policy_host_connect_refused;
        }
        report.via_proxy = request.proxy.has_value();
        loop.post([h = std::move(handler), r = std::move(report)]() mutable { h(std::move(r)); });
    }
    void serve(const std::string& domain, mtasts::policy p) {
        table[domain] = [p] {
            mtasts::fetch_report r;
            r.outcome = mtasts::fetch_outcome(p);
            return r;
        };
    }
    void fail(const std::string& domain, mtasts::fetch_failure_kind kind, tlsrpt::failure_reason reason) {
        table[domain] = [kind, reason] {
            mtasts::fetch_report r;
            r.outcome = core::failure(mtasts::fetch_failure{kind, "our words"});
            r.reason = reason;
            return r;
        };
    }
};

mtasts::policy make_policy(mtasts::mode m, std::vector<std::string> mx) {
    mtasts::policy p;
    p.policy_mode = m;
    p.max_age = std::chrono::seconds(86400);
    p.mx_patterns = std::move(mx);
    return p;
}

const dns::tlsa_rdata usable_tlsa{3, 1, 1, std::vector<std::uint8_t>(32, 0x11)};

struct fixture {
    event_loop loop;
    fake_clock clock;
    fake_resolver dns{loop};
    fake_fetcher fetcher{loop};
    mtasts::policy_cache cache;
    log::memory_sink sink;
    log::mail_log mail_log{sink, clock, log::level::debug};
    tls::profile_table profiles;
    delivery::route_table routes;
    tls::route_semantics route_mode = tls::route_semantics::gateway_bypass;
    std::optional<net::endpoint> proxy;
    std::map<std::string, net::endpoint, std::less<>> profile_proxy;
    std::unique_ptr<delivery::destination_planner> planner;

    fixture() {
        // example.com: one MX, a TXT record, an enforce policy listing the MX.
        dns.mx("example.com", {{10, "mx1.example.com"}});
        dns.a("mx1.example.com", "192.0.2.10");
        dns.txt("_mta-sts.example.com", {"v=STSv1; id=one"});
        fetcher.serve("example.com", make_policy(mtasts::mode::enforce, {"mx1.example.com"}));
    }

    void profile(const std::string& key, tls::tls_setting t, tls::dane_setting d, bool sts) {
        BOOST_REQUIRE(!profiles.add(key, tls::profile{t, d, sts}));
    }

    delivery::destination_planner& make() {
        delivery::planner_config config(profiles, routes);
        config.route_mode = route_mode;
        config.policy_proxy = proxy;
        config.profile_policy_proxy = profile_proxy;
        config.smtp_port = 25;
        config.seed = 7;
        config.post = [this](core::unique_function<void()> f) { loop.post(std::move(f)); };
        planner = std::make_unique<delivery::destination_planner>(dns, fetcher, cache, mail_log, clock,
                                                                  std::move(config));
        return *planner;
    }

    destination_plan plan(const std::string& domain) {
        if (!planner) make();
        std::optional<destination_plan> out;
        planner->plan(domain, [&out](destination_plan p) { out = std::move(p); });
        BOOST_REQUIRE_MESSAGE(!out, "the handler ran inside plan()");
        loop.run();
        BOOST_REQUIRE(out);
        return std::move(*out);
    }

    // "Level: text" of every line written so far, then forgets them.
    std::vector<std::string> take_lines() {
        std::vector<std::string> out;
        for (const auto& e : sink.entries()) out.push_back(std::string(log::to_string(e.sev)) + ": " + e.text);
        sink.clear();
        return out;
    }
    bool logged(const std::string& line) {
        for (const auto& e : sink.entries()) {
            if (std::string(log::to_string(e.sev)) + ": " + e.text == line) return true;
        }
        return false;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_destination_planner)

BOOST_AUTO_TEST_CASE(first_delivery_fetches_the_policy_and_logs_the_documented_sequence,
                     *sts::test::covers("STS-DISC-01", "STS-MX-01", "STS-APPLY-01"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    const auto p = f.plan("Example.COM");
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_TEST(p.domain == "example.com");
    BOOST_TEST(p.profile_entry == "example.com");
    BOOST_TEST(p.policy_domain == "example.com");
    BOOST_TEST(p.policy.enforces());
    BOOST_TEST(!p.policy_failure);
    BOOST_REQUIRE(p.hosts.size() == 1u);
    BOOST_TEST(p.hosts[0].mx_host == "mx1.example.com");
    BOOST_TEST(p.hosts[0].address == "192.0.2.10");
    BOOST_TEST(p.hosts[0].sts == sts_outcome::enforce_mx_match);
    BOOST_TEST(p.hosts[0].requirement.what == action::require_pkix);
    BOOST_TEST(p.hosts[0].requirement.reference_names == std::vector<std::string>{"mx1.example.com"},
               boost::test_tools::per_element());
    BOOST_TEST(f.fetcher.requests.size() == 1u);
    BOOST_TEST(f.dns.count("_mta-sts.example.com TXT") == 1u);
    const std::vector<std::string> expected{
        "Debug: DNS query: Q(_mta-sts.example.com, 'TXT')",
        "Debug: DNS encache (_mta-sts.example.com, TXT, [(" +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(f.clock.t.time_since_epoch()).count() +
                           300) +
            "L, 0, 'insecure', ('v=STSv1; id=one',))])",
        "Info: Successfully fetched MTA-STS TXT record for domain(example.com)",
        "Debug: Fetching MTA-STS policy for domain(example.com)",
        "Debug: Fetched MTA-STS policy for domain(example.com) mode enforce max_age 86400",
        "Info: Applying MTA-STS policy for the domain (example.com)",
    };
    BOOST_TEST(f.take_lines() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(second_delivery_uses_the_cache_and_logs_the_cache_hit,
                     *sts::test::covers("STS-CACHE-02"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    (void)f.plan("example.com");
    f.take_lines();
    const auto p = f.plan("example.com");
    BOOST_TEST(f.fetcher.requests.size() == 1u);
    BOOST_TEST(p.policy.origin == mtasts::policy_origin::cache);
    const auto lines = f.take_lines();
    BOOST_REQUIRE(lines.size() == 5u);
    BOOST_TEST(lines[2] == "Info: Successfully fetched MTA-STS TXT record for domain(example.com)");
    BOOST_TEST(lines[3] == "Debug: Valid cache entry found for the domain (example.com).");
    BOOST_TEST(lines[4] == "Info: Applying MTA-STS policy for the domain (example.com)");
}

BOOST_AUTO_TEST_CASE(without_mx_records_the_domain_itself_is_the_mx_host, *sts::test::covers("STS-MX-10"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.set("example.com", rr_type::mx, lookup_status::nodata);
    f.dns.a("example.com", "192.0.2.20");
    f.fetcher.serve("example.com", make_policy(mtasts::mode::enforce, {"example.com"}));
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_REQUIRE(p.hosts.size() == 1u);
    BOOST_TEST(p.hosts[0].mx_host == "example.com");
    BOOST_TEST(p.hosts[0].address == "192.0.2.20");
    BOOST_TEST(p.hosts[0].sts == sts_outcome::enforce_mx_match);
}

BOOST_AUTO_TEST_CASE(implicit_mx_without_address_is_permanent)
{
    fixture f;
    f.dns.set("example.com", rr_type::mx, lookup_status::nodata);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::permanent);
    BOOST_TEST(f.logged("Info: DNS Hard Error looking up example.com (A): NXDomain"));
}

BOOST_AUTO_TEST_CASE(null_mx_bounces_without_any_further_lookup)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::opportunistic, true);
    f.dns.mx("example.com", {{0, "."}});
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::permanent);
    BOOST_TEST(p.failure == std::optional(tlsrpt::failure_reason::mx_null));
    BOOST_TEST(p.hosts.empty());
    BOOST_TEST(f.dns.asked == std::vector<std::string>{"example.com MX"}, boost::test_tools::per_element());
    BOOST_TEST(f.logged("Info: Null MX for the domain (example.com): the domain accepts no mail"));
}

BOOST_AUTO_TEST_CASE(mx_servfail_defers_with_the_products_temporary_failure_line)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.set("example.com", rr_type::mx, lookup_status::servfail);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::transient);
    BOOST_TEST(p.failure == std::optional(tlsrpt::failure_reason::mx_lookup_failed));
    BOOST_TEST(f.dns.count("_mta-sts.example.com TXT") == 0u);
    BOOST_TEST(f.logged("Info: DNS Temporary Failure example.com MX - ServFail"));
}

BOOST_AUTO_TEST_CASE(mx_nxdomain_bounces)
{
    fixture f;
    f.dns.table.clear();
    const auto p = f.plan("nowhere.example");
    BOOST_TEST(p.status == plan_status::permanent);
    BOOST_TEST(f.logged("Info: DNS Hard Error looking up nowhere.example (MX): NXDomain"));
}

BOOST_AUTO_TEST_CASE(hosts_come_in_preference_order_with_the_seeded_tie_break,
                     *sts::test::covers("STS-MX-08", "DANE-16"))
{
    fixture f;
    f.dns.mx("example.com", {{20, "c.example.com"}, {10, "b.example.com"}, {10, "a.example.com"}});
    for (const char* h : {"a.example.com", "b.example.com", "c.example.com"}) f.dns.a(h, "192.0.2.1");
    const auto p = f.plan("example.com");
    const auto expected = delivery::order_mx(
        {{"a.example.com", 10}, {"b.example.com", 10}, {"c.example.com", 20}}, "example.com", 7);
    BOOST_REQUIRE(p.hosts.size() == 3u);
    for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(p.hosts[i].mx_host == expected[i].host);
    BOOST_TEST(p.hosts[2].mx_host == "c.example.com");
    // The same planner seed gives the same order again.
    const auto again = f.plan("example.com");
    for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(again.hosts[i].mx_host == p.hosts[i].mx_host);
}

BOOST_AUTO_TEST_CASE(enforce_policy_skips_an_unlisted_mx_and_keeps_the_listed_one,
                     *sts::test::covers("STS-MX-01", "STS-MX-08", "STS-APPLY-09", "STS-APPLY-10"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.mx("example.com", {{10, "a.example.net"}, {20, "mx1.example.com"}});
    f.dns.a("a.example.net", "192.0.2.9");
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_REQUIRE(p.hosts.size() == 2u);
    BOOST_TEST(p.hosts[0].mx_host == "a.example.net");
    BOOST_TEST(p.hosts[0].sts == sts_outcome::enforce_mx_mismatch);
    BOOST_TEST(p.hosts[0].requirement.what == action::skip_mx);
    BOOST_TEST(p.hosts[1].requirement.what == action::require_pkix);
    BOOST_TEST(f.logged("Warning: MX host a.example.net is not listed in the MTA-STS policy for the domain "
                        "(example.com), skipping it"));
}

BOOST_AUTO_TEST_CASE(testing_policy_reports_an_unlisted_mx_and_delivers_under_the_tls_setting,
                     *sts::test::covers("STS-APPLY-12"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.fetcher.serve("example.com", make_policy(mtasts::mode::testing, {"other.example.com"}));
    const auto p = f.plan("example.com");
    BOOST_REQUIRE(p.hosts.size() == 1u);
    BOOST_TEST(p.hosts[0].sts == sts_outcome::testing_mx_mismatch);
    BOOST_TEST(p.hosts[0].requirement.what == action::try_tls);
    BOOST_TEST(p.hosts[0].requirement.report_reason ==
               std::optional(tlsrpt::failure_reason::mx_not_listed_in_policy));
    BOOST_TEST(f.logged("Info: Applying MTA-STS policy for the domain (example.com)"));
    BOOST_TEST(f.logged("Info: MX host mx1.example.com is not listed in the MTA-STS policy for the domain "
                        "(example.com), testing mode, delivering anyway"));
}

BOOST_AUTO_TEST_CASE(mode_none_delivers_as_without_a_policy_and_says_so,
                     *sts::test::covers("STS-APPLY-13", "STS-CACHE-10"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.fetcher.serve("example.com", make_policy(mtasts::mode::none, {}));
    const auto p = f.plan("example.com");
    BOOST_TEST(p.policy.has_policy());
    BOOST_TEST(p.hosts[0].sts == sts_outcome::mode_none);
    BOOST_TEST(p.hosts[0].requirement.what == action::try_tls);
    BOOST_TEST(f.logged(
        "Info: MTA-STS policy for the domain (example.com) has mode none, delivering without MTA-STS"));
    BOOST_TEST(!f.logged("Info: Applying MTA-STS policy for the domain (example.com)"));
}

BOOST_AUTO_TEST_CASE(fetch_failure_without_cache_delivers_without_mta_sts_and_reports,
                     *sts::test::covers("STS-FETCH-16", "STS-CACHE-06", "STS-RPT-01"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.fetcher.fail("example.com", mtasts::fetch_failure_kind::http_status,
                   tlsrpt::failure_reason::policy_http_status_not_200);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_TEST(!p.policy.has_policy());
    BOOST_TEST(p.policy_failure == std::optional(tlsrpt::failure_reason::policy_http_status_not_200));
    BOOST_TEST(p.hosts[0].sts == sts_outcome::no_policy);
    BOOST_TEST(p.hosts[0].requirement.what == action::try_tls);
    const auto lines = f.take_lines();
    BOOST_REQUIRE(lines.size() == 6u);
    BOOST_TEST(lines[3] == "Debug: Fetching MTA-STS policy for domain(example.com)");
    BOOST_TEST(lines[4] == "Debug: Request to fetch STS policy failed due to our words. For domain example.com");
    BOOST_TEST(lines[5] == "Info: Encountered failure while fetching MTA-STS policy for domain(example.com)");
}

BOOST_AUTO_TEST_CASE(fetch_timeout_via_proxy_logs_the_products_lines,
                     *sts::test::covers("STS-FETCH-16"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.profile_proxy["example.com"] = net::endpoint{"10.0.0.8", 3128};
    f.proxy = net::endpoint{"10.0.0.9", 8080};
    f.fetcher.fail("example.com", mtasts::fetch_failure_kind::timeout, tlsrpt::failure_reason::proxy_stalled);
    const auto p = f.plan("example.com");
    BOOST_REQUIRE(f.fetcher.requests.size() == 1u);
    BOOST_TEST(f.fetcher.requests[0].proxy->address == "10.0.0.8");  // the profile's own proxy wins
    BOOST_TEST(p.policy_failure == std::optional(tlsrpt::failure_reason::proxy_stalled));
    const auto lines = f.take_lines();
    BOOST_REQUIRE(lines.size() == 7u);
    BOOST_TEST(lines[3] == "Debug: Fetching MTA-STS policy for domain(example.com)");
    BOOST_TEST(lines[4] == "Debug: Requesting MTA-STS policy fetch via proxy");
    BOOST_TEST(lines[5] ==
               "Debug: Request to fetch STS policy failed due to connection timeout. For domain example.com");
    BOOST_TEST(lines[6] == "Info: Encountered failure while fetching MTA-STS policy for domain(example.com)");
}

BOOST_AUTO_TEST_CASE(fetch_failure_with_a_valid_cache_applies_the_cached_policy,
                     *sts::test::covers("STS-FETCH-17", "STS-CACHE-04", "STS-RPT-02"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    (void)f.plan("example.com");
    f.dns.txt("_mta-sts.example.com", {"v=STSv1; id=two"});
    f.fetcher.fail("example.com", mtasts::fetch_failure_kind::policy_invalid,
                   tlsrpt::failure_reason::policy_body_invalid);
    f.take_lines();
    const auto p = f.plan("example.com");
    BOOST_TEST(f.fetcher.requests.size() == 2u);
    BOOST_TEST(p.policy.enforces());
    BOOST_TEST(p.policy.origin == mtasts::policy_origin::cache);
    BOOST_TEST(p.policy_failure == std::optional(tlsrpt::failure_reason::policy_body_invalid));
    BOOST_TEST(p.hosts[0].requirement.what == action::require_pkix);
    BOOST_TEST(f.logged("Info: Invalid MTA-STS policy for domain(example.com): our words"));
    BOOST_TEST(f.logged("Debug: Valid cache entry found for the domain (example.com)."));
}

BOOST_AUTO_TEST_CASE(a_vanished_txt_record_leaves_the_cached_enforce_policy_in_force,
                     *sts::test::covers("STS-CACHE-05", "STS-DISC-16", "STS-CACHE-04", "STS-SEC-13"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    (void)f.plan("example.com");
    f.dns.table.erase({"_mta-sts.example.com", rr_type::txt});
    f.take_lines();
    const auto p = f.plan("example.com");
    BOOST_TEST(p.policy.enforces());
    BOOST_TEST(p.hosts[0].requirement.what == action::require_pkix);
    BOOST_TEST(p.policy_failure.has_value());
    BOOST_TEST(f.fetcher.requests.size() == 1u);
    BOOST_TEST(f.logged("Debug: No MTA-STS TXT record found for domain(example.com)"));
    BOOST_TEST(f.logged("Debug: Valid cache entry found for the domain (example.com)."));
}

BOOST_AUTO_TEST_CASE(an_expired_cache_entry_is_logged_and_fetched_again, *sts::test::covers("STS-CACHE-01"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    (void)f.plan("example.com");
    f.clock.t += std::chrono::seconds(86400);
    f.take_lines();
    (void)f.plan("example.com");
    BOOST_TEST(f.fetcher.requests.size() == 2u);
    BOOST_TEST(f.logged("Info: Cached MTA-STS policy for the domain (example.com) has expired."));
}

BOOST_AUTO_TEST_CASE(several_sts_records_mean_no_policy_and_no_fetch, *sts::test::covers("STS-DISC-11"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.txt("_mta-sts.example.com", {"v=STSv1; id=a", "v=STSv1; id=b"});
    const auto p = f.plan("example.com");
    BOOST_TEST(f.fetcher.requests.empty());
    BOOST_TEST(!p.policy.has_policy());
    BOOST_TEST(f.logged("Info: Multiple MTA-STS TXT records for domain(example.com), none is used"));
}

BOOST_AUTO_TEST_CASE(an_invalid_sts_record_means_no_policy_and_no_fetch, *sts::test::covers("STS-DISC-12"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.txt("_mta-sts.example.com", {"v=STSv1; id=a b"});
    const auto p = f.plan("example.com");
    BOOST_TEST(f.fetcher.requests.empty());
    BOOST_TEST(!p.policy.has_policy());
    BOOST_TEST(f.take_lines()[2].rfind("Info: Invalid MTA-STS TXT record for domain(example.com): ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(txt_lookup_failure_defers_when_the_cache_is_configured_to,
                     *sts::test::covers("STS-SEC-06"))
{
    fixture f;
    f.cache = mtasts::policy_cache(mtasts::cache_config{mtasts::txt_error_handling::defer});
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.set("_mta-sts.example.com", rr_type::txt, lookup_status::timeout);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::transient);
    BOOST_TEST(p.failure == std::optional(tlsrpt::failure_reason::txt_lookup_failed));
    BOOST_TEST(f.logged("Info: DNS Temporary Failure _mta-sts.example.com TXT - Timeout"));
}

BOOST_AUTO_TEST_CASE(plans_in_flight_together_share_one_fetch)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.make();
    std::vector<destination_plan> done;
    for (int i = 0; i < 3; ++i) f.planner->plan("example.com", [&done](destination_plan p) { done.push_back(std::move(p)); });
    f.loop.run();
    BOOST_REQUIRE(done.size() == 3u);
    BOOST_TEST(f.fetcher.requests.size() == 1u);
    for (const auto& p : done) BOOST_TEST(p.policy.enforces());
}

BOOST_AUTO_TEST_CASE(a_profile_without_mta_sts_makes_no_txt_lookup)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::required, tls::dane_setting::none, false);
    const auto p = f.plan("example.com");
    BOOST_TEST(f.dns.count("_mta-sts.example.com TXT") == 0u);
    BOOST_TEST(f.fetcher.requests.empty());
    BOOST_TEST(p.policy_domain.empty());
    BOOST_TEST(p.hosts[0].requirement.what == action::require_tls);
}

BOOST_AUTO_TEST_CASE(tls_no_ignores_mta_sts_even_when_it_is_on)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::no, tls::dane_setting::none, true);
    const auto p = f.plan("example.com");
    BOOST_TEST(f.dns.count("_mta-sts.example.com TXT") == 0u);
    BOOST_TEST(p.hosts[0].requirement.what == action::no_tls);
}

BOOST_AUTO_TEST_CASE(mta_sts_on_the_default_profile_writes_a_warning_once)
{
    fixture f;
    f.profile("default", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.make();
    BOOST_TEST(f.take_lines() ==
                   std::vector<std::string>{"Warning: MTA-STS is enabled on the default destination-control "
                                            "profile; every recipient domain is looked up"},
               boost::test_tools::per_element());
    const auto p = f.plan("example.com");
    BOOST_TEST(p.profile_entry == "default");
    BOOST_TEST(!f.logged("Warning: MTA-STS is enabled on the default destination-control profile; every recipient "
                         "domain is looked up"));
}

BOOST_AUTO_TEST_CASE(no_warning_when_only_a_domain_profile_has_mta_sts)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.make();
    BOOST_TEST(f.take_lines().empty());
}

BOOST_AUTO_TEST_CASE(an_smtp_route_bypasses_mta_sts_and_the_mx_lookup)
{
    fixture f;
    f.profile("example.com", tls::tls_setting::required_verify, tls::dane_setting::mandatory, true);
    f.routes["example.com"] = delivery::smtp_route{{{"relay.corp.example", 2525}, {"192.0.2.77", 25}}};
    f.dns.a("relay.corp.example", "192.0.2.70");
    const auto p = f.plan("example.com");
    BOOST_TEST(p.via_route);
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_TEST(f.dns.asked == std::vector<std::string>{"relay.corp.example A"}, boost::test_tools::per_element());
    BOOST_TEST(f.fetcher.requests.empty());
    BOOST_REQUIRE(p.hosts.size() == 2u);
    BOOST_TEST(p.hosts[0].port == 2525);
    BOOST_TEST(p.hosts[0].requirement.rule == tls::decision_rule::route_bypass);
    BOOST_TEST(p.hosts[0].requirement.what == action::require_pkix);
    BOOST_TEST(p.hosts[1].address == "192.0.2.77");
    BOOST_TEST(f.logged("Info: SMTP route configured for the domain (example.com), MTA-STS not applied"));
}

BOOST_AUTO_TEST_CASE(smart_host_semantics_look_up_the_relay_domains_policy,
                     *sts::test::covers("STS-DISC-17", "DANE-22"))
{
    fixture f;
    f.route_mode = tls::route_semantics::rfc8461_smart_host;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::opportunistic, true);
    f.routes["example.com"] = delivery::smtp_route{{{"smtp.relay.example", 2525}}};
    f.dns.a("smtp.relay.example", "192.0.2.70", dnssec_status::secure);
    f.dns.txt("_mta-sts.relay.example", {"v=STSv1; id=r1"});
    f.fetcher.serve("relay.example", make_policy(mtasts::mode::enforce, {"*.relay.example"}));
    const auto p = f.plan("example.com");
    BOOST_TEST(p.policy_domain == "relay.example");
    BOOST_TEST(f.dns.count("_mta-sts.relay.example TXT") == 1u);
    BOOST_TEST(f.dns.count("_mta-sts.example.com TXT") == 0u);
    BOOST_TEST(f.dns.count("_2525._tcp.smtp.relay.example TLSA") == 1u);
    BOOST_REQUIRE(p.hosts.size() == 1u);
    BOOST_TEST(p.hosts[0].sts == sts_outcome::enforce_mx_match);
    BOOST_TEST(p.hosts[0].requirement.what == action::require_pkix);
}

BOOST_AUTO_TEST_CASE(relay_policy_domain_is_the_parent_of_a_three_label_host)
{
    using delivery::destination_planner;
    BOOST_TEST(destination_planner::relay_policy_domain("smtp.relay.example") == "relay.example");
    BOOST_TEST(destination_planner::relay_policy_domain("Relay.Example.") == "relay.example");
    BOOST_TEST(destination_planner::relay_policy_domain("192.0.2.1").empty());
}

BOOST_AUTO_TEST_CASE(usable_dane_overrides_an_mta_sts_mismatch,
                     *sts::test::covers("DANE-07", "DANE-10", "STS-DANE-03"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::opportunistic, true);
    f.dns.mx("example.com", {{10, "mx1.example.com"}}, dnssec_status::secure);
    f.dns.a("mx1.example.com", "192.0.2.10", dnssec_status::secure);
    f.dns.tlsa("_25._tcp.mx1.example.com", {usable_tlsa}, dnssec_status::secure);
    f.fetcher.serve("example.com", make_policy(mtasts::mode::enforce, {"elsewhere.example.com"}));
    const auto p = f.plan("example.com");
    BOOST_REQUIRE(p.hosts.size() == 1u);
    BOOST_TEST(p.hosts[0].dane == dane_outcome::tlsa_usable);
    BOOST_TEST(p.hosts[0].tlsa.size() == 1u);
    BOOST_TEST(p.hosts[0].requirement.what == action::require_dane);
    BOOST_TEST(p.hosts[0].requirement.rule == tls::decision_rule::dane_usable_over_sts_mx_mismatch);
    BOOST_TEST(f.logged("Info: DANE: usable TLSA records for MX host mx1.example.com of the domain (example.com), "
                        "MTA-STS is skipped"));
    // The A lookup came before the TLSA lookup (DANE-20).
    const auto& q = f.dns.asked;
    const bool a_first = std::find(q.begin(), q.end(), "mx1.example.com A") <
                         std::find(q.begin(), q.end(), "_25._tcp.mx1.example.com TLSA");
    BOOST_TEST(a_first);
}

BOOST_AUTO_TEST_CASE(mandatory_dane_without_tlsa_skips_the_host, *sts::test::covers("DANE-14", "DANE-04"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::mandatory, false);
    f.dns.mx("example.com", {{10, "mx1.example.com"}}, dnssec_status::secure);
    f.dns.a("mx1.example.com", "192.0.2.10", dnssec_status::secure);
    f.dns.set("_25._tcp.mx1.example.com", rr_type::tlsa, lookup_status::nodata, dnssec_status::secure);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.hosts[0].dane == dane_outcome::not_applicable);
    BOOST_TEST(p.hosts[0].requirement.what == action::skip_mx);
    BOOST_TEST(p.hosts[0].requirement.report_reason ==
               std::optional(tlsrpt::failure_reason::dane_required_no_usable_tlsa));
}

BOOST_AUTO_TEST_CASE(an_insecure_mx_rrset_gives_mx_insecure_and_no_tlsa_lookup,
                     *sts::test::covers("DANE-17", "DANE-19"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::opportunistic, false);
    f.dns.mx("example.com", {{10, "mx1.example.com"}, {20, "mx2.example.com"}}, dnssec_status::insecure);
    f.dns.a("mx1.example.com", "192.0.2.10", dnssec_status::secure);
    f.dns.a("mx2.example.com", "192.0.2.11", dnssec_status::secure);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.hosts[0].dane == dane_outcome::mx_insecure);
    BOOST_TEST(p.hosts[0].requirement.what == action::try_tls);
    BOOST_TEST(f.dns.count("_25._tcp.mx1.example.com TLSA") == 0u);
    // Logged once for the domain, not once per host.
    std::size_t n = 0;
    for (const auto& l : f.take_lines()) n += l.find("are not DNSSEC-secure") != std::string::npos ? 1u : 0u;
    BOOST_TEST(n == 1u);
}

BOOST_AUTO_TEST_CASE(mandatory_dane_with_an_insecure_mx_rrset_defers, *sts::test::covers("DANE-17"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::mandatory, false);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.hosts[0].requirement.what == action::defer);
}

BOOST_AUTO_TEST_CASE(a_failed_tlsa_lookup_makes_the_host_unusable_but_not_the_others,
                     *sts::test::covers("DANE-08", "STS-DANE-02"))
{
    fixture f;
    f.profile("example.com", tls::tls_setting::preferred, tls::dane_setting::opportunistic, true);
    f.dns.mx("example.com", {{10, "mx1.example.com"}, {20, "mx2.example.com"}}, dnssec_status::secure);
    f.dns.a("mx1.example.com", "192.0.2.10", dnssec_status::secure);
    f.dns.a("mx2.example.com", "192.0.2.11", dnssec_status::secure);
    f.dns.set("_25._tcp.mx1.example.com", rr_type::tlsa, lookup_status::servfail);
    f.dns.set("_25._tcp.mx2.example.com", rr_type::tlsa, lookup_status::nodata, dnssec_status::secure);
    f.fetcher.serve("example.com", make_policy(mtasts::mode::enforce, {"*.example.com"}));
    const auto p = f.plan("example.com");
    BOOST_REQUIRE(p.hosts.size() == 2u);
    BOOST_TEST(p.hosts[0].dane == dane_outcome::lookup_failed);
    BOOST_TEST(p.hosts[0].requirement.what == action::skip_mx);
    BOOST_TEST(p.hosts[1].requirement.what == action::require_pkix);
    BOOST_TEST(f.logged("Warning: DANE: TLSA or address lookup failed for MX host mx1.example.com of the domain "
                        "(example.com), skipping it"));
}

BOOST_AUTO_TEST_CASE(a_host_whose_address_lookup_fails_stays_listed_and_the_others_are_used,
                     *sts::test::covers("DANE-06"))
{
    fixture f;
    f.dns.mx("example.com", {{10, "mx1.example.com"}, {20, "mx2.example.com"}});
    f.dns.set("mx1.example.com", rr_type::a, lookup_status::servfail);
    f.dns.a("mx2.example.com", "192.0.2.11");
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_TEST(p.hosts[0].address.empty());
    BOOST_TEST(p.hosts[0].address_failure == std::optional(tlsrpt::failure_reason::mx_address_lookup_failed));
    BOOST_TEST(p.hosts[1].address == "192.0.2.11");
}

BOOST_AUTO_TEST_CASE(no_host_address_because_of_dns_failures_is_transient)
{
    fixture f;
    f.dns.set("mx1.example.com", rr_type::a, lookup_status::timeout);
    const auto p = f.plan("example.com");
    BOOST_TEST(p.status == plan_status::transient);
    BOOST_TEST(p.failure == std::optional(tlsrpt::failure_reason::mx_address_lookup_failed));
}

BOOST_AUTO_TEST_CASE(an_address_literal_needs_no_lookup_and_no_policy,
                     *sts::test::covers("STS-DISC-18", "DANE-15"))
{
    fixture f;
    f.profile("default", tls::tls_setting::preferred, tls::dane_setting::opportunistic, true);
    const auto p = f.plan("[192.0.2.7]");
    BOOST_TEST(f.dns.asked.empty());
    BOOST_TEST(p.status == plan_status::ready);
    BOOST_REQUIRE(p.hosts.size() == 1u);
    BOOST_TEST(p.hosts[0].address == "192.0.2.7");
    BOOST_TEST(p.hosts[0].requirement.what == action::try_tls);
}

BOOST_AUTO_TEST_CASE(a_hostile_recipient_domain_is_refused_without_lookups)
{
    fixture f;
    const auto p = f.plan(std::string("evil\r\n") + std::string(5000, 'x'));
    BOOST_TEST(p.status == plan_status::permanent);
    BOOST_TEST(f.dns.asked.empty());
    BOOST_TEST(p.detail.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_subdomain_never_consults_the_parents_policy, *sts::test::covers("STS-DISC-19"))
{
    fixture f;
    f.profile(".example.com", tls::tls_setting::preferred, tls::dane_setting::none, true);
    f.dns.mx("mail.example.com", {{10, "mx1.example.com"}});
    const auto p = f.plan("mail.example.com");
    BOOST_TEST(p.profile_entry == ".example.com");
    BOOST_TEST(f.dns.count("_mta-sts.mail.example.com TXT") == 1u);
    BOOST_TEST(f.dns.count("_mta-sts.example.com TXT") == 0u);
    BOOST_TEST(!p.policy.has_policy());
}

BOOST_AUTO_TEST_SUITE_END()
