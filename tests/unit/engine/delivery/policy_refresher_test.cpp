// Tests engine/delivery/policy_refresher.hpp on the scheduler's virtual clock with a
// scripted policy fetcher: a cached policy in use is refreshed before it expires, which
// restarts its lifetime; failed refreshes are logged, reported and, the third time in a
// row, raise the alert; a stopped refresher fetches nothing.
#include "engine/delivery/policy_refresher.hpp"

#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <deque>
#include <string>

namespace {

using namespace std::chrono_literals;
namespace mtasts = sts::mtasts;
namespace log = sts::log;

mtasts::policy enforce_policy(std::chrono::seconds max_age) {
    mtasts::policy p;
    p.policy_mode = mtasts::mode::enforce;
    p.max_age = max_age;
    p.mx_patterns = {"mx1.example.com"};
    p.policy_strings = {"version: STSv1", "mode: enforce", "mx: mx1.example.com",
                        "max_age: " + std::to_string(max_age.count())};
    return p;
}

// Answers each fetch with the next scripted outcome (success when the script is empty).
class scripted_fetcher final : public mtasts::policy_fetcher {
public:
    explicit scripted_fetcher(sts::sim::scheduler& s) : sched_(s) {}
    void fetch(const mtasts::fetch_request& request, mtasts::fetch_handler handler) override {
        requests.push_back(request);
        mtasts::fetch_report report;
        if (!failures_to_give.empty() && failures_to_give.front()) {
            report.outcome = sts::core::failure(mtasts::fetch_failure{mtasts::fetch_failure_kind::timeout, "timed out"});
            report.reason = sts::tlsrpt::failure_reason::policy_fetch_timeout;
        } else {
            report.outcome = enforce_policy(86400s);
        }
        if (!failures_to_give.empty()) failures_to_give.pop_front();
        sched_.post([h = std::move(handler), r = std::move(report)]() mutable { h(std::move(r)); });
    }
    std::vector<mtasts::fetch_request> requests;
    std::deque<bool> failures_to_give;  // true: fail that fetch

private:
    sts::sim::scheduler& sched_;
};

struct fixture {
    sts::sim::scheduler sched{sts::core::time_point{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26}}};
    scripted_fetcher fetcher{sched};
    mtasts::policy_cache cache;
    log::memory_sink sink;
    log::mail_log mail{sink, sched, log::level::debug};
    std::vector<std::string> reported;
    std::unique_ptr<sts::delivery::policy_refresher> refresher;

    fixture() {
        sts::delivery::refresh_hooks hooks;
        hooks.proxy_for = [](std::string_view) { return std::optional<sts::net::endpoint>(); };
        hooks.on_reported_failure = [this](const std::string& d, const mtasts::fetch_report&) { reported.push_back(d); };
        refresher = std::make_unique<sts::delivery::policy_refresher>(cache, fetcher, sched, sched, mail, std::move(hooks));
        // A delivery fetched and used the policy now.
        const auto first = cache.begin("example.com", mtasts::txt_outcome::found("id1"), sched.now());
        BOOST_TEST_REQUIRE((first.action() == mtasts::cache_action::fetch));
        cache.complete_fetch("example.com", "id1", enforce_policy(86400s), sched.now());
    }
    std::size_t lines_with(std::string_view text) const {
        std::size_t n = 0;
        for (const auto& l : sink.lines()) n += l.find(text) != std::string::npos ? 1u : 0u;
        return n;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_policy_refresher)

BOOST_AUTO_TEST_CASE(a_policy_in_use_is_refreshed_before_it_expires_and_its_lifetime_restarts,
                     *sts::test::covers("STS-CACHE-07", "STS-CACHE-08"))
{
    fixture f;
    const auto fetched_at = f.cache.find("example.com")->fetched_at;
    f.refresher->kick();
    // limits: refreshed min(1 day, max_age / 2) after the fetch, i.e. 12 h for a 1-day policy.
    f.sched.run_until(fetched_at + 12h - 1s);
    BOOST_TEST(f.fetcher.requests.empty());
    f.sched.run_until(fetched_at + 12h + 1s);
    BOOST_TEST_REQUIRE(f.fetcher.requests.size() == 1u);
    BOOST_TEST(f.fetcher.requests.front().domain == "example.com");
    const auto entry = f.cache.find("example.com");
    BOOST_TEST_REQUIRE(entry.has_value());
    BOOST_TEST((entry->fetched_at == fetched_at + 12h));
    BOOST_TEST((entry->expires_at() == fetched_at + 12h + 86400s));
    BOOST_TEST(f.lines_with("Refreshing MTA-STS policy for domain(example.com)") >= 1u);
    BOOST_TEST(f.lines_with("Refreshed MTA-STS policy for domain(example.com) mode enforce max_age 86400") >= 1u);
}

BOOST_AUTO_TEST_CASE(three_failed_refreshes_in_a_row_raise_the_alert_and_are_reported,
                     *sts::test::covers("STS-CACHE-09", "STS-RPT-02"))
{
    fixture f;
    f.fetcher.failures_to_give.assign(50, true);
    const auto expires = f.cache.find("example.com")->expires_at();
    f.refresher->kick();
    f.sched.run_until(expires - 1s);
    BOOST_TEST(f.fetcher.requests.size() >= 3u);
    BOOST_TEST(f.lines_with("Refresh of MTA-STS policy for domain(example.com) failed: timed out") >= 3u);
    BOOST_TEST(f.lines_with("MTA-STS policy for the domain (example.com) could not be refreshed 3 times in a row") == 1u);
    BOOST_TEST(f.reported.size() == f.fetcher.requests.size());
    // The cached policy still protects until its own expiry.
    BOOST_TEST(f.cache.find("example.com").has_value());
}

BOOST_AUTO_TEST_CASE(a_stopped_refresher_fetches_nothing) {
    fixture f;
    f.refresher->kick();
    f.refresher->stop();
    f.sched.run_until(f.sched.now() + 48h);
    BOOST_TEST(f.fetcher.requests.empty());
    BOOST_TEST(f.sched.pending_timers() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
