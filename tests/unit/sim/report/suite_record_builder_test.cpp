// Tests sim/report/suite_record_builder.hpp on scenarios loaded from files and run: the
// catalogue and deviations compiled into the tool, each scenario's verdict, file hash,
// rerun command and timeline, and the semantics profiles.
#include "sim/report/suite_record_builder.hpp"

#include "reports/sha256.hpp"
#include "sim/catalogue/deviation_list.hpp"
#include "sim/catalogue/requirement_catalogue.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "tests/unit/sim/report/scenario_text.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "suite-record-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct loaded_run {
    std::vector<sts::sim::scenario_spec> specs;
    std::vector<sts::sim::scenario_result> results;
    std::vector<std::string> texts;
};

loaded_run load_and_run(const temp_dir& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    loaded_run run;
    for (const auto& [name, text] : files) {
        const auto path = (dir.path / name).string();
        std::ofstream(path, std::ios::binary) << text;
        auto spec = sts::sim::load_scenario_file(path);
        BOOST_REQUIRE(spec.has_value());
        run.results.push_back(sts::sim::run_scenario(*spec));
        run.specs.push_back(std::move(*spec));
        run.texts.push_back(text);
    }
    return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_report_suite_record_builder)

BOOST_AUTO_TEST_CASE(record_carries_the_builtin_catalogue_and_deviations) {
    const auto suite = sts::sim::make_suite_record({}, {});
    const auto rows = sts::sim::builtin_catalogue().all();
    BOOST_REQUIRE(suite.requirements.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        BOOST_TEST(suite.requirements[i].id == rows[i].id);
        BOOST_TEST(suite.requirements[i].strength == sts::sim::to_string(rows[i].strength_));
        BOOST_TEST(suite.requirements[i].side == rows[i].side);
    }
    BOOST_TEST(suite.deviations.size() == sts::sim::builtin_deviations().size());
    BOOST_TEST(!suite.tool_version.empty());
    BOOST_TEST(suite.network == "simulated");
}

BOOST_AUTO_TEST_CASE(each_scenario_keeps_its_verdict_file_hash_rerun_command_and_timeline) {
    temp_dir dir;
    const auto run = load_and_run(dir, {{"good.toml", sts::test::enforce_scenario("apply/good", "delivered")},
                                        {"bad.toml", sts::test::enforce_scenario("apply/bad", "bounced")}});
    const auto suite = sts::sim::make_suite_record(run.specs, run.results, {.tool_version = "9.9", .build_id = "b",
                                                                            .network = "simulated", .seed = 7});
    BOOST_TEST(suite.tool_version == "9.9");
    BOOST_TEST(suite.build_id == "b");
    BOOST_TEST((suite.seed == std::optional<std::uint64_t>(7)));
    BOOST_TEST(suite.semantics == "gateway");
    BOOST_REQUIRE(suite.scenarios.size() == 2U);
    const auto& good = suite.scenarios[0];
    const auto& bad = suite.scenarios[1];
    BOOST_TEST(good.name == "apply/good");
    BOOST_TEST(good.passed);
    BOOST_TEST(!bad.passed);
    BOOST_TEST((bad.first_failure == std::optional<std::size_t>(0)));
    BOOST_TEST(bad.expectations[0].line != 0U);
    BOOST_TEST(good.file_sha256 == sts::reports::sha256_hex(run.texts[0]));
    BOOST_TEST(good.file == run.specs[0].file);
    BOOST_TEST(good.rerun == "mtasts-sim run " + run.specs[0].file);
    BOOST_TEST(good.covers == (std::vector<std::string>{"STS-APPLY-01", "STS-APPLY-10"}), boost::test_tools::per_element());
    BOOST_TEST(good.log_lines == run.results[0].log_lines, boost::test_tools::per_element());

    // The world's transcript, entry for entry, with the mocks' kind names.
    BOOST_REQUIRE(good.timeline.size() == run.results[0].timeline.size());
    BOOST_REQUIRE(!good.timeline.empty());
    const std::set<std::string> kinds{"dns", "http", "connect", "smtp>", "smtp<", "tls", "delivery", "event"};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < good.timeline.size(); ++i) {
        BOOST_TEST(kinds.count(good.timeline[i].kind) == 1U);
        BOOST_TEST((good.timeline[i].at == run.results[0].timeline[i].at));
        BOOST_TEST(good.timeline[i].text == run.results[0].timeline[i].text);
        seen.insert(good.timeline[i].kind);
    }
    for (const char* k : {"dns", "http", "smtp>", "delivery"}) BOOST_TEST(seen.count(k) == 1U, k);
    // One delivery, so one day's report for its domain, under the uncompressed file name.
    BOOST_REQUIRE(good.tlsrpt.size() == run.results[0].tlsrpt_reports.size());
    BOOST_REQUIRE(!good.tlsrpt.empty());
    BOOST_TEST(good.tlsrpt[0].json == run.results[0].tlsrpt_reports[0].json_text);
    BOOST_TEST(good.tlsrpt[0].name.ends_with(".json"));
}

BOOST_AUTO_TEST_CASE(rerun_command_quotes_paths_a_shell_would_split) {
    BOOST_TEST(sts::sim::rerun_command("scenarios/apply/x.toml") == "mtasts-sim run scenarios/apply/x.toml");
    BOOST_TEST(sts::sim::rerun_command("my scenarios/x.toml") == "mtasts-sim run 'my scenarios/x.toml'");
    BOOST_TEST(sts::sim::rerun_command("it's.toml") == "mtasts-sim run 'it'\\''s.toml'");
    BOOST_TEST(sts::sim::rerun_command("$(rm -rf x).toml") == "mtasts-sim run '$(rm -rf x).toml'");
}

BOOST_AUTO_TEST_CASE(semantics_profiles_are_distinct_and_sorted) {
    std::vector<sts::sim::scenario_spec> specs(3);
    specs[0].semantics = sts::sim::semantics_profile::rfc8461;
    specs[1].semantics = sts::sim::semantics_profile::gateway;
    specs[2].semantics = sts::sim::semantics_profile::rfc8461;
    BOOST_TEST(sts::sim::semantics_profiles(specs) == (std::vector<std::string>{"gateway", "rfc8461"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
