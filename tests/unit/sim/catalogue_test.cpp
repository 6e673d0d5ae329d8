// Tests sim/catalogue/requirement_catalogue.hpp and the rule that every requirement id a
// test or scenario names exists in docs/requirements.toml.
#include "sim/catalogue/requirement_catalogue.hpp"

#include "tests/support/covers.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace fs = std::filesystem;
using sts::sim::requirement_catalogue;

BOOST_AUTO_TEST_SUITE(sim_catalogue)

BOOST_AUTO_TEST_CASE(builtin_catalogue_loads_and_names_every_row) {
    const auto& catalogue = sts::sim::builtin_catalogue();
    BOOST_TEST(!catalogue.all().empty());
    for (const auto& r : catalogue.all()) {
        BOOST_TEST(catalogue.find(r.id) == &r);
        BOOST_TEST(!r.rule.empty());
    }
}

BOOST_AUTO_TEST_CASE(unknown_key_and_duplicate_id_are_reported_with_their_lines) {
    const auto parsed = requirement_catalogue::parse(
        "[[requirement]]\nid = \"STS-MX-01\"\nlevel = \"MUST\"\nstrength = \"must\"\nside = \"sender\"\n"
        "section = \"RFC 8461 §4.1\"\nrule = \"r\"\n"
        "[[requirement]]\nid = \"STS-MX-01\"\nlevel = \"MUST\"\nstrength = \"must\"\nside = \"sender\"\n"
        "section = \"RFC 8461 §4.1\"\nrule = \"r\"\n"
        "[[requirement]]\nid = \"STS-MX-02\"\nlevel = \"MUST\"\nstrength = \"strong\"\nside = \"sender\"\n"
        "section = \"s\"\nrule = \"r\"\ncolour = \"red\"\n",
        "inline.toml");
    BOOST_REQUIRE(!parsed.has_value());
    const auto& problems = parsed.error();
    BOOST_REQUIRE_EQUAL(problems.size(), 2u);
    BOOST_TEST(problems[0].rule == "duplicate id");
    BOOST_TEST(problems[0].line == 8u);
    BOOST_TEST(problems[1].rule == "unknown key 'colour'");
    BOOST_TEST(problems[1].line == 22u);
}

BOOST_AUTO_TEST_CASE(strength_outside_the_closed_set_is_reported) {
    const auto parsed = requirement_catalogue::parse(
        "[[requirement]]\nid = \"STS-MX-02\"\nlevel = \"MUST\"\nstrength = \"strong\"\nside = \"sender\"\n"
        "section = \"s\"\nrule = \"r\"\n",
        "inline.toml");
    BOOST_REQUIRE(!parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed.error().size(), 1u);
    BOOST_TEST(parsed.error()[0].rule == "strength must be one of must, should, may, def, informative");
    BOOST_TEST(parsed.error()[0].detail == "strong");
    BOOST_TEST(parsed.error()[0].line == 1u);
}

BOOST_AUTO_TEST_CASE(id_scanner_finds_catalogue_shaped_tokens_only) {
    const auto ids = sts::sim::requirement_ids_named_in(
        "covers: STS-DISC-06 STS-FETCH-15, DANE-31; TLSRPT-04 XSTS-DISC-01 STS-DISC-1a ADANE-02 STS-FOO-01");
    const std::vector<std::string> want{"STS-DISC-06", "STS-FETCH-15", "DANE-31", "TLSRPT-04"};
    BOOST_TEST(ids == want, boost::test_tools::per_element());
}

// Every id named anywhere in tests/ or scenarios/ must be in the catalogue: a typo in a
// `covers` list would otherwise make a report claim coverage of nothing.
BOOST_AUTO_TEST_CASE(every_id_named_by_tests_and_scenarios_exists) {
    const auto& catalogue = sts::sim::builtin_catalogue();
    const fs::path root = STS_SOURCE_DIR;
    std::size_t files = 0;
    std::size_t mentions = 0;
    for (const char* dir : {"tests", "scenarios"}) {
        if (!fs::exists(root / dir)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
            const auto ext = entry.path().extension();
            if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".toml")) continue;
            if (entry.path().string().find("fixtures") != std::string::npos) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            ++files;
            for (const auto& id : sts::sim::requirement_ids_named_in(text.str())) {
                ++mentions;
                BOOST_TEST(catalogue.find(id) != nullptr, id << " named in "
                                                             << fs::relative(entry.path(), root)
                                                             << " is not in the catalogue");
            }
        }
    }
    BOOST_TEST(files > 0u);
    BOOST_TEST(mentions > 0u);
}

namespace {

// The table of ../shared/spec/requirements.md §0.2, copied by hand: these are the spec's
// numbers, not something computed from the catalogue.
const std::map<std::string, std::size_t, std::less<>> spec_rows_per_prefix{
    {"STS-DISC", 21}, {"STS-FETCH", 20}, {"STS-PARSE", 19}, {"STS-CACHE", 14},
    {"STS-MX", 10},   {"STS-APPLY", 21}, {"STS-DANE", 4},   {"DANE", 38},
    {"STS-SEC", 14},  {"STS-RPT", 4},    {"TLSRPT", 32},
};
constexpr std::size_t spec_rows_total = 197;

std::string prefix_of(std::string_view id) {
    return std::string(id.substr(0, id.rfind('-')));
}

std::size_t number_of(std::string_view id) {
    return std::stoul(std::string(id.substr(id.rfind('-') + 1)));
}

std::string id_of(std::string_view prefix, std::size_t number) {
    return std::string(prefix) + (number < 10 ? "-0" : "-") + std::to_string(number);
}

}  // namespace

BOOST_AUTO_TEST_CASE(builtin_catalogue_has_one_row_per_requirement_of_the_spec) {
    BOOST_TEST(sts::sim::builtin_catalogue().all().size() == spec_rows_total);
}

BOOST_AUTO_TEST_CASE(rows_per_prefix_equal_the_counts_table_of_the_spec) {
    std::map<std::string, std::size_t, std::less<>> counted;
    for (const auto& r : sts::sim::builtin_catalogue().all()) ++counted[prefix_of(r.id)];
    for (const auto& [prefix, rows] : spec_rows_per_prefix) {
        BOOST_TEST(counted[prefix] == rows, prefix);
    }
    for (const auto& [prefix, rows] : counted) {
        BOOST_TEST(spec_rows_per_prefix.contains(prefix), prefix << " is not a prefix of the spec");
    }
}

BOOST_AUTO_TEST_CASE(ids_of_each_prefix_are_numbered_from_one_without_gaps) {
    std::map<std::string, std::vector<std::size_t>, std::less<>> numbers;
    for (const auto& r : sts::sim::builtin_catalogue().all()) {
        BOOST_TEST(r.id == id_of(prefix_of(r.id), number_of(r.id)),
                   r.id << " is not zero-padded to two digits");
        numbers[prefix_of(r.id)].push_back(number_of(r.id));
    }
    for (auto& [prefix, seen] : numbers) {
        std::sort(seen.begin(), seen.end());
        for (std::size_t i = 0; i < seen.size(); ++i) {
            BOOST_TEST(seen[i] == i + 1, prefix << " numbering breaks at position " << i + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_row_cites_one_of_the_three_rfcs) {
    for (const auto& r : sts::sim::builtin_catalogue().all()) {
        const std::string_view section = r.section;
        const bool cites = section.starts_with("RFC 8461") || section.starts_with("RFC 8460") ||
                           section.starts_with("RFC 7672");
        BOOST_TEST(cites, r.id << " has section '" << r.section << "'");
    }
}

BOOST_AUTO_TEST_CASE(keyword_rows_and_informative_rows_get_the_documented_strength) {
    const auto& catalogue = sts::sim::builtin_catalogue();
    auto strength_of = [&](std::string_view id) {
        const auto* r = catalogue.find(id);
        BOOST_TEST_REQUIRE(r != nullptr, id << " is missing");
        return to_string(r->strength_);
    };
    for (const char* id : {"STS-DISC-11", "STS-FETCH-09", "STS-APPLY-09", "DANE-10"}) {
        BOOST_TEST(strength_of(id) == "must", id);
    }
    for (const char* id : {"STS-CACHE-12", "STS-APPLY-11"}) {
        BOOST_TEST(strength_of(id) == "informative", id);
    }
}

BOOST_AUTO_TEST_CASE(publisher_only_obligations_are_on_the_publisher_side) {
    const auto& catalogue = sts::sim::builtin_catalogue();
    for (const char* id : {"STS-FETCH-19", "STS-FETCH-20", "STS-PARSE-06", "STS-PARSE-07", "STS-CACHE-14",
                           "STS-APPLY-21", "DANE-38", "TLSRPT-31"}) {
        const auto* r = catalogue.find(id);
        BOOST_TEST_REQUIRE(r != nullptr, id << " is missing");
        BOOST_TEST(r->side == "publisher", id);
    }
    // Mixed rows with a sender-side keyword stay with the sender.
    for (const char* id : {"STS-DISC-15", "STS-FETCH-03", "TLSRPT-17"}) {
        const auto* r = catalogue.find(id);
        BOOST_TEST_REQUIRE(r != nullptr, id << " is missing");
        BOOST_TEST(r->side == "sender", id);
    }
}

BOOST_AUTO_TEST_SUITE_END()
