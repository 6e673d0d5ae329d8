// Tests reports/requirement_verdict.hpp: the verdict rules of docs/reports.md for every
// strength, declared deviations, publisher-side rows, and the summary figures.
#include "reports/requirement_verdict.hpp"

#include "tests/unit/reports/sample_suite.hpp"

#include <boost/test/unit_test.hpp>

namespace {

using sts::reports::judge;
using sts::reports::verdict;
using sts::test::row;
using sts::test::scenario;

sts::reports::suite_record suite_of(std::vector<sts::reports::requirement_row> rows,
                                    std::vector<sts::reports::scenario_record> scenarios,
                                    std::vector<sts::reports::deviation> deviations = {}) {
    sts::reports::suite_record s;
    s.requirements = std::move(rows);
    s.scenarios = std::move(scenarios);
    s.deviations = std::move(deviations);
    return s;
}

verdict only_verdict(const sts::reports::suite_record& s) { return judge(s).requirements.at(0).result; }

}  // namespace

BOOST_AUTO_TEST_SUITE(reports_requirement_verdict)

BOOST_AUTO_TEST_CASE(must_passes_when_every_covering_scenario_passes) {
    const auto s = suite_of({row("STS-MX-01", "must")},
                            {scenario("a", true, {"STS-MX-01"}), scenario("b", true, {"STS-MX-01"})});
    const auto v = judge(s);
    BOOST_TEST((v.requirements[0].result == verdict::pass));
    BOOST_TEST(v.requirements[0].scenarios == (std::vector<std::size_t>{0, 1}), boost::test_tools::per_element());
    BOOST_TEST(v.summary.must_failed == 0U);
    BOOST_TEST(v.summary.must_uncovered == 0U);
    BOOST_TEST(sts::reports::certifiable(v.summary));
}

BOOST_AUTO_TEST_CASE(must_fails_when_any_covering_scenario_fails) {
    const auto s = suite_of({row("STS-MX-01", "must")},
                            {scenario("a", true, {"STS-MX-01"}), scenario("b", false, {"STS-MX-01"})});
    const auto v = judge(s);
    BOOST_TEST((v.requirements[0].result == verdict::fail));
    BOOST_TEST(v.summary.must_failed == 1U);
    BOOST_TEST(!sts::reports::certifiable(v.summary));
}

BOOST_AUTO_TEST_CASE(must_without_a_covering_scenario_is_not_covered_and_denies_certification) {
    const auto s = suite_of({row("STS-MX-01", "must")}, {scenario("a", true, {"STS-DISC-01"})});
    const auto v = judge(s);
    BOOST_TEST((v.requirements[0].result == verdict::not_covered));
    BOOST_TEST(v.summary.must_uncovered == 1U);
    BOOST_TEST(v.summary.covered == 0U);
    BOOST_TEST(!sts::reports::certifiable(v.summary));
}

BOOST_AUTO_TEST_CASE(definition_rows_are_judged_and_counted_like_must) {
    const auto failing = judge(suite_of({row("STS-DISC-01", "def")}, {scenario("a", false, {"STS-DISC-01"})}));
    BOOST_TEST((failing.requirements[0].result == verdict::fail));
    BOOST_TEST(failing.summary.must_failed == 1U);
    const auto uncovered = judge(suite_of({row("STS-DISC-01", "def")}, {}));
    BOOST_TEST((uncovered.requirements[0].result == verdict::not_covered));
    BOOST_TEST(uncovered.summary.must_uncovered == 1U);
    BOOST_TEST((only_verdict(suite_of({row("STS-DISC-01", "def")}, {scenario("a", true, {"STS-DISC-01"})})) ==
                verdict::pass));
}

BOOST_AUTO_TEST_CASE(should_without_deviation_passes_fails_or_is_uncovered_but_never_counts_as_must) {
    BOOST_TEST((only_verdict(suite_of({row("STS-FETCH-11", "should")}, {scenario("a", true, {"STS-FETCH-11"})})) ==
                verdict::pass));
    const auto failing = judge(suite_of({row("STS-FETCH-11", "should")}, {scenario("a", false, {"STS-FETCH-11"})}));
    BOOST_TEST((failing.requirements[0].result == verdict::fail));
    const auto uncovered = judge(suite_of({row("STS-FETCH-11", "should")}, {}));
    BOOST_TEST((uncovered.requirements[0].result == verdict::not_covered));
    BOOST_TEST(failing.summary.must_failed == 0U);
    BOOST_TEST(uncovered.summary.must_uncovered == 0U);
    BOOST_TEST(sts::reports::certifiable(failing.summary));
}

BOOST_AUTO_TEST_CASE(declared_deviation_replaces_a_failing_should_with_its_reason) {
    const auto v = judge(suite_of({row("STS-CACHE-07", "should")}, {scenario("a", false, {"STS-CACHE-07"})},
                                  {{.id = "STS-CACHE-07", .reason = "not in a simulated run"}}));
    BOOST_TEST((v.requirements[0].result == verdict::deviation));
    BOOST_TEST(v.requirements[0].deviation_reason == "not in a simulated run");
    BOOST_TEST(v.requirements[0].scenarios.size() == 1U);
}

BOOST_AUTO_TEST_CASE(declared_deviation_replaces_an_uncovered_should) {
    const auto v = judge(suite_of({row("STS-CACHE-07", "should")}, {}, {{.id = "STS-CACHE-07", .reason = "why"}}));
    BOOST_TEST((v.requirements[0].result == verdict::deviation));
    BOOST_TEST(v.requirements[0].deviation_reason == "why");
}

BOOST_AUTO_TEST_CASE(passing_should_stays_pass_even_when_a_deviation_is_declared) {
    const auto v = judge(suite_of({row("STS-CACHE-07", "should")}, {scenario("a", true, {"STS-CACHE-07"})},
                                  {{.id = "STS-CACHE-07", .reason = "why"}}));
    BOOST_TEST((v.requirements[0].result == verdict::pass));
    BOOST_TEST(v.requirements[0].deviation_reason.empty());
}

BOOST_AUTO_TEST_CASE(deviation_never_excuses_a_must) {
    const auto v = judge(suite_of({row("STS-MX-01", "must")}, {scenario("a", false, {"STS-MX-01"})},
                                  {{.id = "STS-MX-01", .reason = "why"}}));
    BOOST_TEST((v.requirements[0].result == verdict::fail));
    BOOST_TEST(v.summary.must_failed == 1U);
}

BOOST_AUTO_TEST_CASE(may_and_informative_rows_are_observed_when_covered_whatever_the_result) {
    for (const char* strength : {"may", "informative"}) {
        BOOST_TEST_CONTEXT(strength) {
            const auto v = judge(suite_of({row("STS-FETCH-05", strength)},
                                          {scenario("a", true, {"STS-FETCH-05"}), scenario("b", false, {"STS-FETCH-05"})}));
            BOOST_TEST((v.requirements[0].result == verdict::observed));
            BOOST_TEST(v.requirements[0].scenarios.size() == 2U);
            BOOST_TEST(v.summary.must_failed == 0U);
            BOOST_TEST((only_verdict(suite_of({row("STS-FETCH-05", strength)}, {})) == verdict::not_covered));
            BOOST_TEST(judge(suite_of({row("STS-FETCH-05", strength)}, {})).summary.must_uncovered == 0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(publisher_rows_are_judged_like_sender_rows) {
    const auto failing =
        judge(suite_of({row("STS-DISC-02", "must", "publisher")}, {scenario("a", false, {"STS-DISC-02"})}));
    BOOST_TEST((failing.requirements[0].result == verdict::fail));
    BOOST_TEST(failing.summary.must_failed == 1U);
    const auto uncovered = judge(suite_of({row("STS-DISC-02", "must", "publisher")}, {}));
    BOOST_TEST(uncovered.summary.must_uncovered == 1U);
    BOOST_TEST((only_verdict(suite_of({row("STS-FETCH-19", "should", "publisher")},
                                      {scenario("a", true, {"STS-FETCH-19"})})) == verdict::pass));
}

BOOST_AUTO_TEST_CASE(a_scenario_naming_an_id_twice_counts_once) {
    const auto v = judge(suite_of({row("STS-MX-01", "must")}, {scenario("a", true, {"STS-MX-01", "STS-MX-01"})}));
    BOOST_TEST(v.requirements[0].scenarios.size() == 1U);
}

BOOST_AUTO_TEST_CASE(summary_counts_scenarios_results_rows_and_coverage) {
    const auto v = judge(sts::test::sample_suite());
    BOOST_TEST(v.summary.scenarios == 2U);
    BOOST_TEST(v.summary.passed == 1U);
    BOOST_TEST(v.summary.failed == 1U);
    BOOST_TEST(v.summary.requirements == 7U);
    // STS-MX-01, STS-DISC-01, STS-FETCH-05, STS-FETCH-11 are named by a scenario.
    BOOST_TEST(v.summary.covered == 4U);
    // STS-DISC-01 (def) is covered by the failing scenario.
    BOOST_TEST(v.summary.must_failed == 1U);
    // STS-DISC-02 (must, publisher) is named by no scenario.
    BOOST_TEST(v.summary.must_uncovered == 1U);
    BOOST_TEST((v.requirements[3].result == verdict::fail));       // STS-FETCH-11, no deviation
    BOOST_TEST((v.requirements[4].result == verdict::deviation));  // STS-CACHE-07
    BOOST_TEST((v.requirements[5].result == verdict::observed));   // STS-FETCH-05
    BOOST_TEST((v.requirements[6].result == verdict::not_covered));
}

BOOST_AUTO_TEST_CASE(verdict_names_are_the_report_words) {
    BOOST_TEST(sts::reports::to_string(verdict::not_covered) == "not-covered");
    BOOST_TEST(sts::reports::to_string(verdict::deviation) == "deviation");
    BOOST_TEST(sts::reports::to_string(verdict::observed) == "observed");
}

BOOST_AUTO_TEST_SUITE_END()
