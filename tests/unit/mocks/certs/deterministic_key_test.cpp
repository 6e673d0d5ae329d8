// Tests mocks/certs/deterministic_key.hpp: keys are pure functions of seed, label and
// type, well-formed, and shared process-wide.
#include "mocks/certs/deterministic_key.hpp"

#include <boost/test/unit_test.hpp>

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using namespace sts::mocks;

namespace {

std::string private_pem(EVP_PKEY& key) {
    const ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
    BOOST_REQUIRE(PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

// The prime search as first written, before the sieve and the fixed Miller-Rabin bases:
// from the seeded start, step by 2 to the first number that is not 1 mod 65537 and that
// OpenSSL's BN_check_prime (trial division, 64 random Miller-Rabin rounds) calls prime.
ossl::bn_ptr reference_prime(std::uint64_t seed, const std::string& purpose, const std::string& label, int bits) {
    std::vector<std::uint8_t> bytes;
    for (std::uint32_t block = 0; bytes.size() < static_cast<std::size_t>(bits / 8); ++block) {
        const auto chunk = seeded_hash(seed, "mtasts-sim key v1|" + purpose + "|" + std::to_string(label.size()) + ":" +
                                                 label + "|" + std::to_string(block));
        bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    }
    ossl::bn_ptr p{BN_bin2bn(bytes.data(), bits / 8, nullptr)};
    BN_set_bit(p.get(), bits - 1);
    BN_set_bit(p.get(), bits - 2);
    BN_set_bit(p.get(), 0);
    const ossl::bn_ctx_ptr ctx{BN_CTX_new()};
    while (BN_mod_word(p.get(), 65537) == 1 || BN_check_prime(p.get(), ctx.get(), nullptr) != 1) BN_add_word(p.get(), 2);
    return p;
}

bool key_checks_out(EVP_PKEY& key) {
    const ossl::evp_pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, &key, nullptr)};
    return ctx && EVP_PKEY_check(ctx.get()) == 1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_deterministic_key)

BOOST_AUTO_TEST_CASE(the_same_seed_label_and_type_derive_the_same_key) {
    for (const auto type : {key_type::ec_p256, key_type::rsa_1024}) {
        const auto a = derive_key(7, "mx1", type);
        const auto b = derive_key(7, "mx1", type);
        BOOST_TEST(private_pem(*a) == private_pem(*b));
        BOOST_TEST(key_checks_out(*a));
    }
}

BOOST_AUTO_TEST_CASE(rsa_primes_are_the_ones_the_plain_search_with_openssl_primality_finds) {
    for (const std::uint64_t seed : {1u, 7u, 44u}) {
        const auto key = derive_key(seed, "dkim:example.test", key_type::rsa_1024);
        BIGNUM* raw_n = nullptr;
        BOOST_REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &raw_n) == 1);
        const ossl::bn_ptr n{raw_n};
        const auto p = reference_prime(seed, "rsa-1024/p", "dkim:example.test", 512);
        const auto q = reference_prime(seed, "rsa-1024/q", "dkim:example.test", 512);
        const ossl::bn_ctx_ptr ctx{BN_CTX_new()};
        const ossl::bn_ptr product{BN_new()};
        BOOST_REQUIRE(BN_mul(product.get(), p.get(), q.get(), ctx.get()) == 1);
        BOOST_TEST(BN_cmp(product.get(), n.get()) == 0, "seed " << seed);
    }
}

BOOST_AUTO_TEST_CASE(another_seed_label_or_type_derives_another_key) {
    const auto base = private_pem(*derive_key(7, "mx1", key_type::ec_p256));
    BOOST_TEST(private_pem(*derive_key(8, "mx1", key_type::ec_p256)) != base);
    BOOST_TEST(private_pem(*derive_key(7, "mx2", key_type::ec_p256)) != base);
    // Length-prefixed labels: "a|1" with counter 0 must not meet "a" with another counter.
    BOOST_TEST(private_pem(*derive_key(7, "a|1", key_type::ec_p256)) !=
               private_pem(*derive_key(7, "a", key_type::ec_p256)));
    BOOST_TEST(private_pem(*derive_key(7, "mx1", key_type::rsa_1024)) !=
               private_pem(*derive_key(7, "mx1", key_type::rsa_2048)));
}

BOOST_AUTO_TEST_CASE(rsa_keys_have_the_requested_modulus_and_exponent) {
    for (const auto& [type, bits] :
         {std::pair{key_type::rsa_1024, 1024}, std::pair{key_type::rsa_2048, 2048}}) {
        const auto started = std::chrono::steady_clock::now();
        const auto key = derive_key(5, "rsa", type);
        const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
        const double ms = elapsed.count();
        BOOST_TEST_MESSAGE("deriving an RSA-" << bits << " key took " << ms << " ms");
        BOOST_TEST(EVP_PKEY_is_a(key.get(), "RSA") == 1);
        BOOST_TEST(EVP_PKEY_get_bits(key.get()) == bits);
        BIGNUM* e = nullptr;
        BOOST_REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) == 1);
        BOOST_TEST(BN_get_word(e) == 65537u);
        BN_free(e);
        BOOST_TEST(key_checks_out(*key));
    }
}

BOOST_AUTO_TEST_CASE(the_rfc6979_scalar_gives_the_rfc6979_public_point) {
    BIGNUM* raw = nullptr;
    BOOST_REQUIRE(BN_hex2bn(&raw, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721") > 0);
    const ossl::bn_ptr x{raw};
    const auto key = ec_p256_key_from_scalar(*x);
    BIGNUM* ux = nullptr;
    BIGNUM* uy = nullptr;
    BOOST_REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, &ux) == 1);
    BOOST_REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &uy) == 1);
    const ossl::bn_ptr ux_owned{ux}, uy_owned{uy};
    char* ux_hex = BN_bn2hex(ux);
    char* uy_hex = BN_bn2hex(uy);
    // RFC 6979 §A.2.5.
    BOOST_TEST(std::string{ux_hex} == "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
    BOOST_TEST(std::string{uy_hex} == "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    OPENSSL_free(ux_hex);
    OPENSSL_free(uy_hex);
    BOOST_TEST(key_checks_out(*key));
}

BOOST_AUTO_TEST_CASE(shared_keys_are_derived_once_per_seed_label_and_type) {
    const auto a = shared_key(9, "shared", key_type::ec_p256);
    const auto b = shared_key(9, "shared", key_type::ec_p256);
    const auto c = shared_key(9, "shared", key_type::rsa_1024);
    BOOST_TEST(a.get() == b.get());
    BOOST_TEST(a.get() != c.get());
    BOOST_TEST(private_pem(*a) == private_pem(*derive_key(9, "shared", key_type::ec_p256)));
}

BOOST_AUTO_TEST_CASE(the_seeded_hash_is_hmac_sha256_keyed_with_the_big_endian_seed) {
    // HMAC-SHA256 computed independently, with the key written out byte by byte.
    const unsigned char key[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    std::array<std::uint8_t, 32> want{};
    std::size_t size = 0;
    BOOST_REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key, sizeof key,
                            reinterpret_cast<const unsigned char*>("abc"), 3, want.data(), want.size(),
                            &size) != nullptr);
    BOOST_TEST((seeded_hash(0x0102030405060708u, "abc") == want));
    BOOST_TEST((seeded_hash(0x0102030405060709u, "abc") != want));
}

BOOST_AUTO_TEST_SUITE_END()
