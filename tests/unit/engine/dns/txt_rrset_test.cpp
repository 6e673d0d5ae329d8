// Tests engine/dns/txt_rrset.hpp: joining and bounding the records of a TXT RRset.
#include "engine/dns/txt_rrset.hpp"

#include "engine/core/limits.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using sts::dns::join_txt_rrset;

BOOST_AUTO_TEST_SUITE(dns_txt_rrset)

BOOST_AUTO_TEST_CASE(strings_of_one_record_are_joined_without_a_separator,
                     *sts::test::covers("STS-DISC-14") * sts::test::covers("TLSRPT-05")) {
    const std::vector<std::vector<std::string>> rrset{{"v=STSv1; ", "id=1;"}, {"other"}};
    const auto joined = join_txt_rrset(rrset);
    BOOST_TEST(!joined.refused.has_value());
    BOOST_TEST(joined.records == (std::vector<std::string>{"v=STSv1; id=1;", "other"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(too_many_records_refuse_the_whole_rrset) {
    const std::vector<std::vector<std::string>> rrset(sts::core::limits::txt_records_max + 1, {"x"});
    const auto joined = join_txt_rrset(rrset);
    BOOST_REQUIRE(joined.refused.has_value());
    BOOST_TEST(joined.refused_record == 0u);
    BOOST_TEST(joined.records.empty());
}

BOOST_AUTO_TEST_CASE(a_record_too_long_once_joined_is_named_by_its_position) {
    const std::string half(sts::core::limits::txt_record_bytes_max / 2 + 1, 'a');
    const std::vector<std::vector<std::string>> rrset{{"short"}, {half, half}};
    const auto joined = join_txt_rrset(rrset);
    BOOST_REQUIRE(joined.refused.has_value());
    BOOST_TEST(joined.refused_record == 2u);
    BOOST_TEST(joined.records.empty());
}

BOOST_AUTO_TEST_SUITE_END()
