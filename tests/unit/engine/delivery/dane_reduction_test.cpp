// Tests engine/delivery/dane_reduction.hpp: which TLSA records are usable (every usage,
// selector, matching type and digest length around the valid ones), and the outcome for
// every combination of status and DNSSEC security of the MX, address and TLSA lookups.
#include "engine/delivery/dane_reduction.hpp"

#include "tests/support/covers.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <vector>

namespace sts::tls {
inline std::ostream& boost_test_print_type(std::ostream& os, dane_outcome o) { return os << to_string(o); }
}  // namespace sts::tls

namespace {

using namespace sts::delivery;
using sts::dns::dnssec_status;
using sts::dns::lookup_status;
using sts::dns::tlsa_rdata;
using sts::tls::dane_outcome;

constexpr std::array all_statuses{lookup_status::answer, lookup_status::nodata, lookup_status::nxdomain,
                                  lookup_status::servfail, lookup_status::timeout, lookup_status::malformed};
constexpr std::array all_securities{dnssec_status::insecure, dnssec_status::secure, dnssec_status::bogus};

tlsa_rdata record(std::uint8_t usage, std::uint8_t selector, std::uint8_t matching, std::size_t bytes) {
    return tlsa_rdata{usage, selector, matching, std::vector<std::uint8_t>(bytes, 0xab)};
}

const tlsa_rdata usable_ee = record(3, 1, 1, 32);
const tlsa_rdata unusable_pkix = record(1, 0, 1, 32);

constexpr lookup_facts secure_answer{lookup_status::answer, dnssec_status::secure};

bool failed(lookup_facts f) {
    return f.security == dnssec_status::bogus || f.status == lookup_status::servfail ||
           f.status == lookup_status::timeout || f.status == lookup_status::malformed;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_dane_reduction)

BOOST_AUTO_TEST_CASE(only_dane_ta_and_dane_ee_with_known_selector_and_well_sized_digest_are_usable,
                     *sts::test::covers("DANE-29"))
{
    const std::array<std::size_t, 7> lengths{0, 1, 31, 32, 33, 64, 65};
    std::size_t usable_count = 0;
    for (unsigned usage = 0; usage <= 255; ++usage) {
        for (unsigned selector = 0; selector <= 3; ++selector) {
            for (unsigned matching = 0; matching <= 3; ++matching) {
                for (const std::size_t len : lengths) {
                    const bool usage_ok = usage == 2 || usage == 3;
                    const bool selector_ok = selector <= 1;
                    const bool data_ok = (matching == 0 && len > 0) || (matching == 1 && len == 32) ||
                                         (matching == 2 && len == 64);
                    const auto r = record(static_cast<std::uint8_t>(usage), static_cast<std::uint8_t>(selector),
                                          static_cast<std::uint8_t>(matching), len);
                    BOOST_TEST(is_usable_tlsa(r) == (usage_ok && selector_ok && data_ok),
                               "usage " << usage << " selector " << selector << " matching " << matching
                                        << " length " << len);
                    usable_count += is_usable_tlsa(r) ? 1u : 0u;
                }
            }
        }
    }
    // 2 usages x 2 selectors x (6 full lengths + one SHA-256 + one SHA-512).
    BOOST_TEST(usable_count == 2u * 2u * 8u);
}

BOOST_AUTO_TEST_CASE(every_combination_of_mx_address_and_tlsa_lookups_reduces_by_the_rfc_7672_rules,
                     *sts::test::covers("DANE-02", "DANE-04", "DANE-05", "DANE-08", "DANE-10", "DANE-11",
                                        "DANE-12", "DANE-13", "DANE-17", "DANE-19", "DANE-20"))
{
    const std::vector<std::vector<tlsa_rdata>> rrsets{{}, {usable_ee}, {unusable_pkix}, {unusable_pkix, usable_ee}};
    std::size_t checked = 0;
    for (const auto ms : all_statuses) {
        for (const auto mq : all_securities) {
            const lookup_facts mx{ms, mq};
            for (const auto as : all_statuses) {
                for (const auto aq : all_securities) {
                    const lookup_facts address{as, aq};
                    const bool wanted = tlsa_lookup_wanted(mx, address);
                    // DANE-07, DANE-20: TLSA only after a secure MX and a secure address answer.
                    BOOST_TEST(wanted == (!failed(mx) && mq == dnssec_status::secure && !failed(address) &&
                                          as == lookup_status::answer && aq == dnssec_status::secure));
                    std::vector<std::optional<tlsa_lookup>> tlsas{std::nullopt};
                    for (const auto ts : all_statuses) {
                        for (const auto tq : all_securities) {
                            for (const auto& rs : rrsets) tlsas.push_back(tlsa_lookup{{ts, tq}, rs});
                        }
                    }
                    for (const auto& t : tlsas) {
                        const dane_result r = reduce_dane(mx, address, t);
                        dane_outcome expected = dane_outcome::not_applicable;
                        if (failed(mx)) {
                            expected = dane_outcome::mx_lookup_failed;
                        } else if (mq != dnssec_status::secure) {
                            expected = dane_outcome::mx_insecure;
                        } else if (failed(address)) {
                            expected = dane_outcome::lookup_failed;
                        } else if (!wanted) {
                            expected = dane_outcome::not_applicable;
                        } else if (!t || failed(t->facts)) {
                            expected = dane_outcome::lookup_failed;
                        } else if (t->facts.status != lookup_status::answer ||
                                   t->facts.security != dnssec_status::secure || t->records.empty()) {
                            expected = dane_outcome::not_applicable;
                        } else {
                            bool any_usable = false;
                            for (const auto& rec : t->records) any_usable = any_usable || is_usable_tlsa(rec);
                            expected = any_usable ? dane_outcome::tlsa_usable : dane_outcome::tlsa_unusable;
                        }
                        BOOST_TEST(r.outcome == expected);
                        BOOST_TEST(r.usable.empty() == (expected != dane_outcome::tlsa_usable));
                        ++checked;
                    }
                }
            }
        }
    }
    BOOST_TEST(checked == 18u * 18u * (1u + 18u * 4u));
}

BOOST_AUTO_TEST_CASE(secure_denial_of_tlsa_means_no_dane_for_the_host, *sts::test::covers("DANE-04"))
{
    const auto r = reduce_dane(secure_answer, secure_answer, tlsa_lookup{{lookup_status::nodata, dnssec_status::secure}, {}});
    BOOST_TEST(r.outcome == dane_outcome::not_applicable);
}

BOOST_AUTO_TEST_CASE(insecure_tlsa_rrset_means_pre_dane_tls, *sts::test::covers("DANE-12"))
{
    const auto r = reduce_dane(secure_answer, secure_answer,
                               tlsa_lookup{{lookup_status::answer, dnssec_status::insecure}, {usable_ee}});
    BOOST_TEST(r.outcome == dane_outcome::not_applicable);
}

BOOST_AUTO_TEST_CASE(usable_records_are_kept_and_unusable_ones_dropped, *sts::test::covers("DANE-10"))
{
    const auto r = reduce_dane(secure_answer, secure_answer,
                               tlsa_lookup{secure_answer, {unusable_pkix, usable_ee, record(2, 0, 2, 64)}});
    BOOST_TEST(r.outcome == dane_outcome::tlsa_usable);
    BOOST_REQUIRE(r.usable.size() == 2u);
    BOOST_TEST(r.usable[0].usage == 3);
    BOOST_TEST(r.usable[1].usage == 2);
}

BOOST_AUTO_TEST_CASE(only_unusable_records_make_encryption_mandatory_without_authentication,
                     *sts::test::covers("DANE-11", "DANE-25"))
{
    const auto r = reduce_dane(secure_answer, secure_answer, tlsa_lookup{secure_answer, {unusable_pkix}});
    BOOST_TEST(r.outcome == dane_outcome::tlsa_unusable);
}

BOOST_AUTO_TEST_CASE(a_secure_implicit_mx_denial_still_leads_to_a_tlsa_lookup, *sts::test::covers("DANE-19"))
{
    BOOST_TEST(tlsa_lookup_wanted({lookup_status::nodata, dnssec_status::secure}, secure_answer));
}

BOOST_AUTO_TEST_CASE(insecure_addresses_skip_the_tlsa_lookup, *sts::test::covers("DANE-20"))
{
    const lookup_facts insecure_a{lookup_status::answer, dnssec_status::insecure};
    BOOST_TEST(!tlsa_lookup_wanted(secure_answer, insecure_a));
    BOOST_TEST(reduce_dane(secure_answer, insecure_a, std::nullopt).outcome == dane_outcome::not_applicable);
}

BOOST_AUTO_TEST_CASE(a_tlsa_lookup_owed_but_missing_fails_closed, *sts::test::covers("DANE-08"))
{
    BOOST_TEST(reduce_dane(secure_answer, secure_answer, std::nullopt).outcome == dane_outcome::lookup_failed);
}

BOOST_AUTO_TEST_SUITE_END()
