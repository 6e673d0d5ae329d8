// Tests mocks/certs/tlsa.hpp: association data computed independently with OpenSSL for
// each selector and matching type, and the record fields.
#include "mocks/certs/tlsa.hpp"

#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/openssl_access.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sts::mocks;

namespace {

std::vector<std::uint8_t> digest(const std::vector<std::uint8_t>& data, const EVP_MD* md) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    BOOST_REQUIRE(EVP_Digest(data.data(), data.size(), out.data(), nullptr, md, nullptr) == 1);
    return out;
}

template <class Encode, class Object>
std::vector<std::uint8_t> encoded(Encode i2d, Object* object) {
    unsigned char* raw = nullptr;
    const int size = i2d(object, &raw);
    const ossl::buffer_ptr owned{raw};
    BOOST_REQUIRE(size > 0);
    return {raw, raw + size};
}

leaf_credentials leaf_of(const cert_factory& factory) {
    leaf_spec spec;
    spec.dns_names = {"mx1.example.test"};
    return factory.issue_leaf(spec).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_tlsa)

BOOST_AUTO_TEST_CASE(selector_1_sha256_is_the_sha256_of_the_der_public_key) {
    const cert_factory factory{7};
    const auto leaf = leaf_of(factory).leaf;
    const auto spki = encoded(i2d_PUBKEY, X509_get0_pubkey(x509_of(leaf)));
    BOOST_TEST(tlsa_data(leaf, tlsa_selector::subject_public_key_info, tlsa_matching::sha256) ==
                   digest(spki, EVP_sha256()),
               boost::test_tools::per_element());
    BOOST_TEST(tlsa_data(leaf, tlsa_selector::subject_public_key_info, tlsa_matching::sha512) ==
                   digest(spki, EVP_sha512()),
               boost::test_tools::per_element());
    BOOST_TEST(tlsa_data(leaf, tlsa_selector::subject_public_key_info, tlsa_matching::exact) == spki,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(selector_0_covers_the_whole_der_certificate) {
    const cert_factory factory{7};
    const auto root = factory.root();
    const auto der = encoded(i2d_X509, x509_of(root));
    BOOST_TEST(tlsa_data(root, tlsa_selector::full_certificate, tlsa_matching::exact) == der,
               boost::test_tools::per_element());
    BOOST_TEST(
        tlsa_data(root, tlsa_selector::full_certificate, tlsa_matching::sha256) == digest(der, EVP_sha256()),
        boost::test_tools::per_element());
    BOOST_TEST(
        tlsa_data(root, tlsa_selector::full_certificate, tlsa_matching::sha512) == digest(der, EVP_sha512()),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_record_carries_its_usage_selector_and_matching_type) {
    const cert_factory factory{7};
    const auto credentials = leaf_of(factory);
    const auto ee = tlsa_record(credentials.leaf, tlsa_usage::dane_ee, tlsa_selector::subject_public_key_info,
                                tlsa_matching::sha256);
    BOOST_TEST(ee.usage == 3);
    BOOST_TEST(ee.selector == 1);
    BOOST_TEST(ee.matching_type == 1);
    BOOST_TEST(ee.association_data.size() == 32u);
    const auto ta = tlsa_record(credentials.issuer, tlsa_usage::dane_ta, tlsa_selector::full_certificate,
                                tlsa_matching::sha512);
    BOOST_TEST(ta.usage == 2);
    BOOST_TEST(ta.selector == 0);
    BOOST_TEST(ta.matching_type == 2);
    BOOST_TEST(ta.association_data ==
                   tlsa_data(factory.intermediate(1), tlsa_selector::full_certificate, tlsa_matching::sha512),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
