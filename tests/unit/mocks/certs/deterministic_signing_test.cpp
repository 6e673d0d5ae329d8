// Tests mocks/certs/deterministic_signing.hpp: the RFC 6979 §A.2.5 P-256/SHA-256 vectors,
// and certificate signatures that repeat byte for byte and verify.
#include "mocks/certs/deterministic_signing.hpp"

#include "mocks/certs/deterministic_key.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <array>
#include <stdexcept>
#include <string>

using namespace sts::mocks;

namespace {

std::string hex_of(const BIGNUM* bn) {
    std::array<unsigned char, 32> bytes{};
    BOOST_REQUIRE(BN_bn2binpad(bn, bytes.data(), static_cast<int>(bytes.size())) == 32);
    std::string out;
    for (const auto b : bytes) out += fmt::format("{:02X}", b);
    return out;
}

ossl::evp_pkey_ptr rfc6979_key() {
    BIGNUM* raw = nullptr;
    BOOST_REQUIRE(BN_hex2bn(&raw, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721") > 0);
    const ossl::bn_ptr x{raw};
    return ec_p256_key_from_scalar(*x);
}

std::array<std::uint8_t, 32> sha256_of(std::string_view text) {
    std::array<std::uint8_t, 32> digest{};
    BOOST_REQUIRE(EVP_Digest(text.data(), text.size(), digest.data(), nullptr, EVP_sha256(), nullptr) == 1);
    return digest;
}

std::pair<std::string, std::string> r_and_s(const std::vector<std::uint8_t>& der) {
    const unsigned char* p = der.data();
    const ossl::ecdsa_sig_ptr sig{d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()))};
    BOOST_REQUIRE(sig);
    BOOST_TEST(p == der.data() + der.size());
    return {hex_of(ECDSA_SIG_get0_r(sig.get())), hex_of(ECDSA_SIG_get0_s(sig.get()))};
}

ossl::x509_ptr unsigned_certificate(EVP_PKEY& subject_key) {
    ossl::x509_ptr x{X509_new()};
    BOOST_REQUIRE(x);
    BOOST_REQUIRE(X509_set_version(x.get(), X509_VERSION_3) == 1);
    BOOST_REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 42) == 1);
    BOOST_REQUIRE(X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_ASC,
                                             reinterpret_cast<const unsigned char*>("signing test"), -1, -1,
                                             0) == 1);
    BOOST_REQUIRE(X509_set_issuer_name(x.get(), X509_get_subject_name(x.get())) == 1);
    BOOST_REQUIRE(ASN1_TIME_set(X509_getm_notBefore(x.get()), 1'700'000'000) != nullptr);
    BOOST_REQUIRE(ASN1_TIME_set(X509_getm_notAfter(x.get()), 1'800'000'000) != nullptr);
    BOOST_REQUIRE(X509_set_pubkey(x.get(), &subject_key) == 1);
    return x;
}

std::string der_of(X509& cert) {
    unsigned char* raw = nullptr;
    const int size = i2d_X509(&cert, &raw);
    const ossl::buffer_ptr owned{raw};
    BOOST_REQUIRE(size > 0);
    return {reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_deterministic_signing)

BOOST_AUTO_TEST_CASE(the_rfc6979_p256_sha256_vectors_are_reproduced) {
    const auto key = rfc6979_key();
    // RFC 6979 §A.2.5, curve P-256, with SHA-256.
    const auto sample = r_and_s(ecdsa_p256_sign_digest(*key, sha256_of("sample")));
    BOOST_TEST(sample.first == "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716");
    BOOST_TEST(sample.second == "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    const auto test = r_and_s(ecdsa_p256_sign_digest(*key, sha256_of("test")));
    BOOST_TEST(test.first == "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367");
    BOOST_TEST(test.second == "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083");
}

BOOST_AUTO_TEST_CASE(a_deterministic_signature_verifies_with_openssl) {
    const auto key = rfc6979_key();
    const auto digest = sha256_of("a message");
    const auto signature = ecdsa_p256_sign_digest(*key, digest);
    const ossl::evp_pkey_ctx_ptr ctx{EVP_PKEY_CTX_new(key.get(), nullptr)};
    BOOST_REQUIRE(EVP_PKEY_verify_init(ctx.get()) == 1);
    BOOST_TEST(EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size()) ==
               1);
    auto other = digest;
    other[0] ^= 1;
    BOOST_TEST(EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), other.data(), other.size()) !=
               1);
}

BOOST_AUTO_TEST_CASE(signing_the_same_certificate_twice_gives_the_same_bytes_for_ec_and_rsa_issuers) {
    for (const auto type : {key_type::ec_p256, key_type::rsa_1024}) {
        const auto issuer = derive_key(3, "signing issuer", type);
        const auto subject = derive_key(3, "signing subject", key_type::ec_p256);
        auto first = unsigned_certificate(*subject);
        auto second = unsigned_certificate(*subject);
        const auto a = sign_certificate(*first, *issuer);
        const auto b = sign_certificate(*second, *issuer);
        BOOST_TEST(der_of(*a) == der_of(*b));
        BOOST_TEST(X509_verify(a.get(), issuer.get()) == 1);
        BOOST_TEST(X509_verify(a.get(), subject.get()) != 1);
    }
}

BOOST_AUTO_TEST_CASE(a_key_on_another_curve_is_refused) {
    const ossl::evp_pkey_ptr p384{EVP_EC_gen("P-384")};
    BOOST_REQUIRE(p384);
    const auto digest = sha256_of("x");
    BOOST_CHECK_THROW(ecdsa_p256_sign_digest(*p384, digest), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
