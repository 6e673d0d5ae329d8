// Tests sim/report/suite_digest.hpp: the digest names the set of files by relative name and
// content, whatever order they come in, and no two different suites share it.
#include "sim/report/suite_digest.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

namespace {

using sts::sim::suite_digest;
using sts::sim::suite_file;

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_report_suite_digest)

BOOST_AUTO_TEST_CASE(order_of_files_does_not_change_the_digest) {
    const std::vector<suite_file> a{{"a.toml", "1"}, {"b/c.toml", "2"}};
    const std::vector<suite_file> b{{"b/c.toml", "2"}, {"a.toml", "1"}};
    BOOST_TEST(suite_digest(a) == suite_digest(b));
    BOOST_TEST(suite_digest(a).size() == 64U);
}

BOOST_AUTO_TEST_CASE(content_names_and_the_set_of_files_all_change_the_digest) {
    const std::vector<suite_file> base{{"a.toml", "1"}, {"b.toml", "2"}};
    const auto d = suite_digest(base);
    BOOST_TEST(suite_digest(std::vector<suite_file>{{"a.toml", "1"}, {"b.toml", "3"}}) != d);
    BOOST_TEST(suite_digest(std::vector<suite_file>{{"a.toml", "1"}, {"c.toml", "2"}}) != d);
    BOOST_TEST(suite_digest(std::vector<suite_file>{{"a.toml", "1"}}) != d);
    BOOST_TEST(suite_digest(std::vector<suite_file>{{"a.toml", "1"}, {"b.toml", "2"}, {"c.toml", ""}}) != d);
}

BOOST_AUTO_TEST_CASE(moving_bytes_between_name_and_content_changes_the_digest) {
    BOOST_TEST(suite_digest(std::vector<suite_file>{{"a", "bc"}}) != suite_digest(std::vector<suite_file>{{"ab", "c"}}));
    BOOST_TEST(suite_digest(std::vector<suite_file>{{"a", "1\nb\n1\nx"}}) !=
               suite_digest(std::vector<suite_file>{{"a", "1"}, {"b", "x"}}));
}

BOOST_AUTO_TEST_SUITE_END()
