// Tests sim/toml/table_reader.hpp: every getter's accepted forms, the error it records for
// each wrong one (with the line, the dotted key and the expected form), durations and
// times, and unknown-key detection.
#include "sim/toml/table_reader.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <string>

namespace {

using sts::sim::input_errors;
using sts::sim::parse_duration;
using sts::sim::table_reader;
using namespace std::chrono_literals;

struct doc {
    toml::table root;
    input_errors errors;
    explicit doc(std::string_view text) : root(toml::parse(text, std::string_view{"w.toml"})) {}
    table_reader reader(std::string path = "t") { return table_reader(*root["t"].as_table(), std::move(path), "w.toml", errors); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(toml_table_reader)

BOOST_AUTO_TEST_CASE(durations_take_every_unit_and_a_sign_only_when_allowed) {
    BOOST_TEST(parse_duration("250ms", false).value().count() == 250);
    BOOST_TEST(parse_duration("90s", false).value().count() == 90'000);
    BOOST_TEST(parse_duration("5m", false).value().count() == 300'000);
    BOOST_TEST(parse_duration("1h", false).value().count() == 3'600'000);
    BOOST_TEST(parse_duration("-1d", true).value().count() == -86'400'000);
    BOOST_TEST(!parse_duration("-1d", false).has_value());
    for (const char* bad : {"", "s", "10", "10x", "1.5h", "--1d", "1 h", "99999999999999999999d", "-", "h1"})
        BOOST_TEST(!parse_duration(bad, true).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(a_wrong_type_is_reported_with_line_key_and_expected_form) {
    doc d("[t]\nname = 5\n");
    auto r = d.reader();
    BOOST_TEST(!r.text("name").has_value());
    BOOST_TEST_REQUIRE(d.errors.size() == 1u);
    BOOST_TEST(d.errors[0].line == 2u);
    BOOST_TEST(d.errors[0].key == "t.name");
    BOOST_TEST(d.errors[0].to_string() == "w.toml:2:8: t.name: expected a string, found an integer");
}

BOOST_AUTO_TEST_CASE(a_missing_required_key_is_reported_at_its_table) {
    doc d("[t]\nother = 1\n");
    auto r = d.reader();
    BOOST_TEST(!r.integer("port", 1, 65535, true).has_value());
    BOOST_TEST_REQUIRE(d.errors.size() == 1u);
    BOOST_TEST(d.errors[0].key == "t.port");
    BOOST_TEST(d.errors[0].message.find("missing") != std::string::npos);
    BOOST_TEST(d.errors[0].line == 1u);
}

BOOST_AUTO_TEST_CASE(integers_outside_their_range_are_refused) {
    doc d("[t]\nport = 70000\n");
    auto r = d.reader();
    BOOST_TEST(!r.integer("port", 1, 65535).has_value());
    BOOST_TEST_REQUIRE(d.errors.size() == 1u);
    BOOST_TEST(d.errors[0].message == "expected an integer from 1 to 65535, found 70000");
}

BOOST_AUTO_TEST_CASE(a_bad_duration_names_the_accepted_forms) {
    doc d("[t]\na = \"90 seconds\"\nb = \"-1d\"\nc = \"-1d\"\n");
    auto r = d.reader();
    BOOST_TEST(!r.duration("a").has_value());
    BOOST_TEST(!r.duration("b").has_value());
    BOOST_TEST(r.duration("c", true).value() == -24h);
    BOOST_TEST_REQUIRE(d.errors.size() == 2u);
    BOOST_TEST(d.errors[0].message.find("\"90s\"") != std::string::npos);
    BOOST_TEST(d.errors[1].line == 3u);
}

BOOST_AUTO_TEST_CASE(times_are_read_from_toml_date_times_and_strings_with_an_offset) {
    doc d("[t]\na = 2024-09-26T15:23:39Z\nb = \"2024-09-26T17:23:39+02:00\"\nc = 2024-09-26T15:23:39\n");
    auto r = d.reader();
    const auto a = r.time("a");
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(a->time_since_epoch().count() == 1'727'364'219'000);
    BOOST_TEST((r.time("b") == a));
    BOOST_TEST(!r.time("c").has_value());  // no offset: ambiguous
    BOOST_TEST(d.errors.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_choice_outside_its_list_lists_every_choice) {
    doc d("[t]\nmode = \"Enforce\"\n");
    auto r = d.reader();
    BOOST_TEST(!r.choice("mode", {"enforce", "testing", "none"}).has_value());
    BOOST_TEST_REQUIRE(d.errors.size() == 1u);
    BOOST_TEST(d.errors[0].message == "expected one of \"enforce\", \"testing\", \"none\", found \"Enforce\"");
}

BOOST_AUTO_TEST_CASE(text_lists_take_one_string_or_an_array_of_strings_only) {
    doc d("[t]\na = \"x\"\nb = [\"x\", \"y\"]\nc = [\"x\", 1]\n");
    auto r = d.reader();
    BOOST_TEST(r.text_list("a").value() == std::vector<std::string>{"x"});
    BOOST_TEST(r.text_list("b").value().size() == 2u);
    BOOST_TEST(!r.text_list("c").has_value());
    BOOST_TEST(d.errors.size() == 1u);
}

BOOST_AUTO_TEST_CASE(finish_reports_every_key_nobody_read) {
    doc d("[t]\nname = \"a\"\nnmae = \"b\"\n\"odd key\" = 1\n");
    auto r = d.reader();
    r.text("name");
    r.finish();
    BOOST_TEST_REQUIRE(d.errors.size() == 2u);
    std::vector<std::string> keys{d.errors[0].key, d.errors[1].key};
    std::sort(keys.begin(), keys.end());
    BOOST_TEST(keys[0] == "t.\"odd key\"");
    BOOST_TEST(keys[1] == "t.nmae");
    BOOST_TEST(d.errors[0].message == "unknown key");
}

BOOST_AUTO_TEST_CASE(a_key_read_with_the_wrong_getter_is_not_also_unknown) {
    doc d("[t]\nx = 1\n");
    auto r = d.reader();
    r.table("x");
    r.finish();
    BOOST_TEST(d.errors.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
