// Tests engine/tls/profile.hpp: setting spellings, the most-specific-entry lookup and the
// configuration warnings.
#include "engine/tls/profile.hpp"

#include "tests/support/covers.hpp"
#include "tests/unit/engine/tls/enum_printing.hpp"

#include <string>

using namespace sts::tls;

namespace {

profile with_tls(tls_setting tls, bool mta_sts = false) { return profile{tls, dane_setting::none, mta_sts}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_profile)

BOOST_AUTO_TEST_CASE(every_setting_round_trips_through_its_scenario_spelling) {
    for (auto s : {tls_setting::no, tls_setting::preferred, tls_setting::required, tls_setting::preferred_verify,
                   tls_setting::required_verify, tls_setting::required_verify_hosted}) {
        BOOST_TEST((tls_setting_from_string(to_string(s)) == s));
    }
    for (auto s : {dane_setting::none, dane_setting::opportunistic, dane_setting::mandatory}) {
        BOOST_TEST((dane_setting_from_string(to_string(s)) == s));
    }
    BOOST_TEST(to_string(tls_setting::required_verify_hosted) == "required-verify-hosted");
    BOOST_TEST(to_string(tls_setting::preferred_verify) == "preferred-verify");
}

BOOST_AUTO_TEST_CASE(unknown_or_differently_spelled_settings_are_refused) {
    for (std::string_view text : {"", "Preferred", "preferred_verify", "required-verify-hosted-domains", "yes"}) {
        BOOST_TEST(!tls_setting_from_string(text).has_value(), text);
    }
    BOOST_TEST(!dane_setting_from_string("Mandatory").has_value());
    BOOST_TEST(!dane_setting_from_string("off").has_value());
}

BOOST_AUTO_TEST_CASE(exact_entry_beats_subdomain_entry_beats_default) {
    profile_table table;
    BOOST_TEST(!table.add("default", with_tls(tls_setting::preferred)));
    BOOST_TEST(!table.add(".example.com", with_tls(tls_setting::required)));
    BOOST_TEST(!table.add("example.com", with_tls(tls_setting::required_verify)));

    const auto exact = table.find("example.com");
    BOOST_TEST(exact.entry == "example.com");
    BOOST_TEST((exact.settings->tls == tls_setting::required_verify));

    const auto sub = table.find("mail.example.com");
    BOOST_TEST(sub.entry == ".example.com");
    BOOST_TEST((sub.settings->tls == tls_setting::required));

    const auto other = table.find("example.org");
    BOOST_TEST(other.entry == "default");
    BOOST_TEST((other.settings->tls == tls_setting::preferred));
}

BOOST_AUTO_TEST_CASE(subdomain_entry_does_not_cover_the_domain_itself_or_lookalikes) {
    profile_table table;
    BOOST_TEST(!table.add(".example.com", with_tls(tls_setting::required)));
    BOOST_TEST(table.find("example.com").entry == "default");
    BOOST_TEST(table.find("badexample.com").entry == "default");
    BOOST_TEST(table.find("example.com.evil.net").entry == "default");
    BOOST_TEST(table.find("a.b.example.com").entry == ".example.com");
}

BOOST_AUTO_TEST_CASE(longest_subdomain_entry_wins) {
    profile_table table;
    BOOST_TEST(!table.add(".example.com", with_tls(tls_setting::required)));
    BOOST_TEST(!table.add(".eu.example.com", with_tls(tls_setting::required_verify_hosted)));
    BOOST_TEST(table.find("mx.eu.example.com").entry == ".eu.example.com");
    BOOST_TEST(table.find("mx.us.example.com").entry == ".example.com");
    BOOST_TEST(table.find("eu.example.com").entry == ".example.com");
}

BOOST_AUTO_TEST_CASE(lookup_ignores_case_and_one_trailing_dot) {
    profile_table table;
    BOOST_TEST(!table.add("Example.COM.", with_tls(tls_setting::required)));
    BOOST_TEST(!table.add(".Sub.Example.Net", with_tls(tls_setting::preferred_verify)));
    BOOST_TEST(table.find("EXAMPLE.com").entry == "example.com");
    BOOST_TEST(table.find("example.com.").entry == "example.com");
    BOOST_TEST(table.find("MX.sub.example.NET.").entry == ".sub.example.net");
}

BOOST_AUTO_TEST_CASE(table_without_default_entry_uses_the_products_factory_default) {
    profile_table table;
    const auto m = table.find("anything.example");
    BOOST_TEST(m.entry == "default");
    BOOST_TEST((*m.settings == profile{tls_setting::no, dane_setting::none, false}));
}

BOOST_AUTO_TEST_CASE(malformed_or_duplicate_keys_are_findings_and_leave_the_table_unchanged) {
    profile_table table;
    BOOST_TEST(!table.add("example.com", with_tls(tls_setting::required)));
    const std::string long_label(64, 'a');
    for (std::string_view bad : {std::string_view(""), std::string_view("."), std::string_view(".."),
                                 std::string_view("a..b"), std::string_view("exa mple.com"),
                                 std::string_view("*.example.com"), std::string_view(long_label)}) {
        const auto f = table.add(bad, with_tls(tls_setting::preferred));
        BOOST_TEST(f.has_value(), "accepted '" << bad << "'");
    }
    const auto dup = table.add("EXAMPLE.com.", with_tls(tls_setting::preferred));
    BOOST_REQUIRE(dup.has_value());
    BOOST_TEST(dup->rule == "a profile entry appears only once");
    BOOST_TEST(dup->detail.find("EXAMPLE.com.") != std::string::npos);
    BOOST_TEST(!table.add("default", with_tls(tls_setting::preferred)));
    BOOST_TEST(table.add("DEFAULT", with_tls(tls_setting::preferred)).has_value());
    BOOST_TEST(table.size() == 1u);
    BOOST_TEST((table.find("example.com").settings->tls == tls_setting::required));
}

BOOST_AUTO_TEST_CASE(hostile_keys_are_refused_with_quoted_detail) {
    profile_table table;
    const std::string huge(10 * 1024 * 1024, 'a');
    const auto f = table.add(huge, with_tls(tls_setting::preferred));
    BOOST_REQUIRE(f.has_value());
    BOOST_TEST(f->detail.size() < 400u);
    const auto g = table.add(std::string_view("ex\x00\xff.com", 8), with_tls(tls_setting::preferred));
    BOOST_REQUIRE(g.has_value());
    BOOST_TEST(g->detail.find("\\x00") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(table_refuses_entries_beyond_its_limit) {
    profile_table table;
    std::optional<sts::core::finding> last;
    for (int i = 0; i <= 4096 && !last; ++i) {
        last = table.add("d" + std::to_string(i) + ".example", with_tls(tls_setting::preferred));
    }
    BOOST_REQUIRE(last.has_value());
    BOOST_TEST(table.size() == 4096u);
}

BOOST_AUTO_TEST_CASE(mta_sts_on_the_default_profile_deserves_a_warning) {
    profile_table quiet;
    BOOST_TEST(!quiet.add("example.com", with_tls(tls_setting::preferred, true)));
    BOOST_TEST(!quiet.add("default", with_tls(tls_setting::preferred, false)));
    BOOST_TEST(!quiet.mta_sts_on_default_profile());
    BOOST_TEST(quiet.warnings().empty());

    profile_table loud;
    BOOST_TEST(!loud.add("default", with_tls(tls_setting::preferred, true)));
    BOOST_TEST(loud.mta_sts_on_default_profile());
    const auto w = loud.warnings();
    BOOST_REQUIRE_EQUAL(w.size(), 1u);
    BOOST_TEST((w[0] == profile_warning{profile_warning_kind::mta_sts_on_default_profile, "default"}));
}

BOOST_AUTO_TEST_CASE(mta_sts_or_dane_with_tls_no_is_flagged_as_ignored) {
    profile_table table;
    BOOST_TEST(!table.add("example.com", profile{tls_setting::no, dane_setting::opportunistic, true}));
    const auto w = table.warnings();
    BOOST_REQUIRE_EQUAL(w.size(), 2u);
    BOOST_TEST((w[0] == profile_warning{profile_warning_kind::mta_sts_ignored_with_tls_no, "example.com"}));
    BOOST_TEST((w[1] == profile_warning{profile_warning_kind::dane_ignored_with_tls_no, "example.com"}));
}

BOOST_AUTO_TEST_SUITE_END()
