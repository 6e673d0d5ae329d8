// Keeps the example suite honest: every scenario file under scenarios/ loads without a
// mistake, passes, and runs identically twice. A scenario whose expectations stop
// matching the engine fails here, in the unit tests, not only in a CI run of the tool.
#include "sim/catalogue/requirement_catalogue.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace {

// The first mistake, for a failure message; Boost evaluates the message even on success.
template <class Result>
std::string first_error(const Result& r) {
    return r.has_value() ? std::string() : r.error().front().to_string();
}

namespace fs = std::filesystem;

std::vector<std::string> scenario_files() {
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(STS_SOURCE_DIR) / "scenarios"))
        if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_suite)

BOOST_AUTO_TEST_CASE(every_scenario_file_loads_passes_and_is_deterministic) {
    const auto files = scenario_files();
    BOOST_TEST_REQUIRE(files.size() >= 5u);
    for (const auto& f : files) {
        BOOST_TEST_CONTEXT(f) {
            auto loaded = sts::sim::load_scenario_file(f);
            BOOST_TEST_REQUIRE(loaded.has_value(), first_error(loaded));
            // Folders group scenarios by area, and a scenario's name starts with its folder.
            const auto folder = fs::path(f).parent_path().filename().string();
            BOOST_TEST(loaded->name.starts_with(folder + "/"), loaded->name);
            const auto r = sts::sim::run_scenario(*loaded);
            BOOST_TEST(r.error == "");
            BOOST_TEST(r.passed, (r.first_failure ? r.expectations[*r.first_failure].description + ": " +
                                                        r.expectations[*r.first_failure].detail
                                                  : std::string()));
            const auto difference = sts::sim::check_determinism(*loaded);
            BOOST_TEST(!difference.has_value(), difference.value_or(""));
        }
    }
}

// Issue 5's promise: the suite covers the whole catalogue. A scenario removed or an id
// dropped from every `covers` fails here, naming the id.
BOOST_AUTO_TEST_CASE(every_catalogue_requirement_is_covered_by_some_scenario) {
    std::set<std::string> covered;
    for (const auto& f : scenario_files()) {
        auto loaded = sts::sim::load_scenario_file(f);
        BOOST_TEST_REQUIRE(loaded.has_value(), first_error(loaded));
        covered.insert(loaded->covers.begin(), loaded->covers.end());
    }
    for (const auto& requirement : sts::sim::builtin_catalogue().all())
        BOOST_TEST(covered.count(requirement.id) == 1u, requirement.id << " is covered by no scenario");
}

BOOST_AUTO_TEST_SUITE_END()
