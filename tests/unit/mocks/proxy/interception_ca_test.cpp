// Tests mocks/proxy/interception_ca.hpp: forged leaves name the requested host, chain to
// the interception CA and to nothing else, are identical on every call and every run, and
// odd names are refused rather than smuggled into a certificate.
#include "mocks/proxy/interception_ca.hpp"

#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/openssl_handles.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <chrono>

using namespace sts::mocks;

namespace {

cert_factory& certs() {
    static cert_factory factory{7};
    return factory;
}

ossl::x509_ptr first_certificate(const std::string& pem) {
    ossl::bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    return ossl::x509_ptr{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
}

// X509_V_OK or OpenSSL's error for `leaf` against a store holding `anchor`, in 2024.
int verify_against(X509* leaf, const certificate& anchor) {
    ossl::x509_store_ptr store{X509_STORE_new()};
    auto root = first_certificate(anchor.pem());
    X509_STORE_add_cert(store.get(), root.get());
    ossl::x509_store_ctx_ptr ctx{X509_STORE_CTX_new()};
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_STORE_CTX_set_time(ctx.get(), 0, 1'727'362'800);  // 2024-09-26T15:00:00Z
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    const int ok = X509_verify_cert(ctx.get());
    return ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
}

interception_ca load_ca() {
    auto ca = interception_ca::load({certs().interception_ca().pem(), certs().interception_ca().key_pem()});
    BOOST_REQUIRE(ca.has_value());
    return std::move(ca).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_interception_ca)

BOOST_AUTO_TEST_CASE(a_forged_leaf_names_the_host_and_chains_only_to_the_interception_ca,
                     *sts::test::covers("STS-FETCH-03")) {
    const auto ca = load_ca();
    const auto forged = ca.forge("MTA-STS.Example.com");
    BOOST_REQUIRE(forged.has_value());
    auto leaf = first_certificate(forged->chain_pem);
    BOOST_REQUIRE(leaf);
    BOOST_TEST(X509_check_host(leaf.get(), "mta-sts.example.com", 0, 0, nullptr) == 1);
    BOOST_TEST(X509_check_host(leaf.get(), "www.example.com", 0, 0, nullptr) == 0);
    BOOST_TEST(verify_against(leaf.get(), certs().interception_ca()) == X509_V_OK);
    BOOST_TEST(verify_against(leaf.get(), certs().root()) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    // The key belongs to the leaf.
    ossl::bio_ptr bio{
        BIO_new_mem_buf(forged->private_key_pem.data(), static_cast<int>(forged->private_key_pem.size()))};
    ossl::evp_pkey_ptr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
    BOOST_REQUIRE(key);
    BOOST_TEST(X509_check_private_key(leaf.get(), key.get()) == 1);
}

BOOST_AUTO_TEST_CASE(forging_is_deterministic_per_ca_and_name) {
    const auto first = load_ca().forge("mta-sts.example.com");
    const auto again = load_ca().forge("mta-sts.example.com");
    const auto other = load_ca().forge("mta-sts.example.org");
    BOOST_REQUIRE(first.has_value());
    BOOST_REQUIRE(again.has_value());
    BOOST_REQUIRE(other.has_value());
    BOOST_TEST(first->chain_pem == again->chain_pem);
    BOOST_TEST(first->private_key_pem == again->private_key_pem);
    BOOST_TEST(first->chain_pem != other->chain_pem);
}

BOOST_AUTO_TEST_CASE(odd_names_are_refused) {
    const auto ca = load_ca();
    const std::vector<std::string> names{"",
                                         "a,DNS:evil.example",
                                         "a..b",
                                         ".example.com",
                                         std::string(254, 'a'),
                                         std::string("a\0b", 3),
                                         "*.example.com"};
    for (const auto& name : names) {
        BOOST_TEST(!ca.forge(name).has_value());
    }
}

BOOST_AUTO_TEST_CASE(a_ca_whose_key_does_not_match_is_refused) {
    BOOST_TEST(
        !interception_ca::load({certs().interception_ca().pem(), certs().root().key_pem()}).has_value());
    BOOST_TEST(!interception_ca::load({"garbage", certs().root().key_pem()}).has_value());
    BOOST_TEST(!interception_ca::load({certs().interception_ca().pem(), "garbage"}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
