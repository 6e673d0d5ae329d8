// Negative scenarios (issue 5, item 6): the suite in scenarios/ must catch every bug that
// engine/core/planted_bug.hpp can plant. For each one `mtasts-sim run --plant BUG` runs the
// whole suite and at least one scenario must fail; with no bug planted every scenario
// passes. A bug the suite misses means a rule the suite claims to check is not checked.
#include "engine/core/planted_bug.hpp"

#include "sim/cli/cli.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

struct outcome {
    int status;
    std::string out;
};

outcome run_suite(sts::core::planted_bug bug) {
    std::vector<std::string> args{std::string(STS_SOURCE_DIR) + "/scenarios", "--jobs", "2", "--plant",
                                  std::string(sts::core::to_string(bug))};
    std::istringstream in;
    std::ostringstream out, err;
    const int status = sts::sim::cli::run_run(args, {in, out, err});
    return {status, out.str() + err.str()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(planted_bugs)

BOOST_AUTO_TEST_CASE(every_bug_has_a_name_that_names_it_back) {
    BOOST_TEST(sts::core::planted_bugs().size() >= 5u);
    for (const auto bug : sts::core::planted_bugs()) {
        BOOST_TEST(sts::core::to_string(bug) != "none");
        const auto back = sts::core::planted_bug_named(sts::core::to_string(bug));
        BOOST_TEST((back.has_value() && *back == bug), sts::core::to_string(bug));
    }
    const auto none = sts::core::planted_bug_named("none");
    BOOST_TEST((none.has_value() && *none == sts::core::planted_bug::none));
    BOOST_TEST(!sts::core::planted_bug_named("None").has_value());
    BOOST_TEST(!sts::core::planted_bug_named("").has_value());
}

BOOST_AUTO_TEST_CASE(the_suite_passes_with_no_bug_planted) {
    const auto r = run_suite(sts::core::planted_bug::none);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::ok, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_several_sts_records_taken_as_one, *sts::test::covers("STS-DISC-11")) {
    const auto r = run_suite(sts::core::planted_bug::multiple_txt_records_accepted);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_a_refetch_under_an_unchanged_id, *sts::test::covers("STS-CACHE-02")) {
    const auto r = run_suite(sts::core::planted_bug::refetch_on_same_id);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_an_mx_match_that_always_succeeds, *sts::test::covers("STS-MX-01")) {
    const auto r = run_suite(sts::core::planted_bug::skip_mx_match);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_enforce_applied_as_testing, *sts::test::covers("STS-APPLY-09")) {
    const auto r = run_suite(sts::core::planted_bug::enforce_treated_as_testing);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_testing_applied_as_enforce, *sts::test::covers("STS-APPLY-12")) {
    const auto r = run_suite(sts::core::planted_bug::testing_treated_as_enforce);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_ignored_tlsa_records, *sts::test::covers("STS-DANE-01")) {
    const auto r = run_suite(sts::core::planted_bug::dane_ignored);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_CASE(the_suite_catches_report_mail_held_to_the_rua_domains_policy, *sts::test::covers("TLSRPT-10")) {
    const auto r = run_suite(sts::core::planted_bug::report_mail_under_policy);
    BOOST_TEST(r.status == sts::sim::cli::exit_status::failed, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
