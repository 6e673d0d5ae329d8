// mocks/certs/deterministic_signing.cpp
#include "mocks/certs/deterministic_signing.hpp"

#include "mocks/certs/openssl_error.hpp"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>

#include <array>
#include <cstring>
#include <string>

namespace sts::mocks {

namespace {

using block = std::array<std::uint8_t, 32>;  // one HMAC-SHA256 output; also qlen for P-256

// RFC 6979 §3.2 step h loops until k is in [1, n-1] and r, s are non-zero; each miss has
// probability about 2^-32, so a long run of misses means a bug.
constexpr int nonce_tries_max = 1000;

block hmac(const block& key, std::initializer_list<std::span<const std::uint8_t>> parts) {
    std::vector<std::uint8_t> data;
    for (const auto part : parts) data.insert(data.end(), part.begin(), part.end());
    block out{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
             &size) == nullptr ||
        size != out.size()) {
        throw_openssl_error("HMAC-SHA256");
    }
    return out;
}

block to_octets(const BIGNUM& value) {
    block out{};
    if (BN_bn2binpad(&value, out.data(), static_cast<int>(out.size())) < 0)
        throw_openssl_error("BN_bn2binpad");
    return out;
}

ossl::bn_ptr from_octets(std::span<const std::uint8_t> bytes) {
    ossl::bn_ptr bn{BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr)};
    if (!bn) throw_openssl_error("BN_bin2bn");
    return bn;
}

bool is_p256(EVP_PKEY& key) {
    if (!EVP_PKEY_is_a(&key, "EC")) return false;
    char name[64] = {};
    std::size_t size = 0;
    if (!EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &size))
        return false;
    return OBJ_sn2nid(name) == NID_X9_62_prime256v1 || EC_curve_nist2nid(name) == NID_X9_62_prime256v1;
}

void append_der_length(std::vector<std::uint8_t>& out, std::size_t length) {
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
        return;
    }
    std::array<std::uint8_t, sizeof(std::size_t)> bytes{};
    std::size_t count = 0;
    for (std::size_t rest = length; rest != 0; rest >>= 8) bytes[count++] = static_cast<std::uint8_t>(rest);
    out.push_back(static_cast<std::uint8_t>(0x80 | count));
    while (count != 0) out.push_back(bytes[--count]);
}

template <class Encode, class Object>
std::vector<std::uint8_t> encode(Encode i2d, Object* object, const char* what) {
    unsigned char* raw = nullptr;
    const int size = i2d(object, &raw);
    ossl::buffer_ptr owned{raw};
    if (size <= 0) throw_openssl_error(what);
    return {raw, raw + size};
}

ossl::x509_ptr reparse(const std::vector<std::uint8_t>& der) {
    const unsigned char* p = der.data();
    ossl::x509_ptr cert{d2i_X509(nullptr, &p, static_cast<long>(der.size()))};
    if (!cert || p != der.data() + der.size()) throw_openssl_error("d2i_X509 of the signed certificate");
    return cert;
}

}  // namespace

std::vector<std::uint8_t> ecdsa_p256_sign_digest(EVP_PKEY& key, std::span<const std::uint8_t, 32> digest) {
    if (!is_p256(key)) throw_openssl_error("deterministic ECDSA needs a P-256 key");
    BIGNUM* raw_d = nullptr;
    if (!EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_PRIV_KEY, &raw_d)) throw_openssl_error("private scalar");
    const ossl::bn_ptr d{raw_d};
    ossl::ec_group_ptr group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
    ossl::bn_ctx_ptr ctx{BN_CTX_new()};
    if (!group || !ctx) throw_openssl_error("EC_GROUP_new_by_curve_name");
    const BIGNUM* n = EC_GROUP_get0_order(group.get());

    // RFC 6979 §2.3.2: with qlen = hlen = 256, bits2int(h1) is h1 itself; bits2octets
    // reduces it mod n once (h1 < 2^256 < 2n).
    const auto e = from_octets(digest);
    ossl::bn_ptr z{BN_dup(e.get())};
    if (!z) throw_openssl_error("BN_dup");
    if (BN_cmp(z.get(), n) >= 0 && !BN_sub(z.get(), z.get(), n)) throw_openssl_error("BN_sub");
    const block x_octets = to_octets(*d);
    const block h_octets = to_octets(*z);

    // RFC 6979 §3.2 steps b to f.
    block v;
    v.fill(0x01);
    block k_key{};
    const std::uint8_t zero = 0x00, one = 0x01;
    k_key = hmac(k_key, {v, {&zero, 1}, x_octets, h_octets});
    v = hmac(k_key, {v});
    k_key = hmac(k_key, {v, {&one, 1}, x_octets, h_octets});
    v = hmac(k_key, {v});

    ossl::ec_point_ptr point{EC_POINT_new(group.get())};
    ossl::bn_ptr x{BN_new()}, r{BN_new()}, s{BN_new()}, k_inverse{BN_new()}, rd{BN_new()}, sum{BN_new()};
    if (!point || !x || !r || !s || !k_inverse || !rd || !sum) throw_openssl_error("BN_new");
    for (int attempt = 0; attempt < nonce_tries_max; ++attempt) {
        // Step h: with tlen = qlen one HMAC block is the whole candidate T.
        v = hmac(k_key, {v});
        const auto k = from_octets(v);
        if (!BN_is_zero(k.get()) && BN_cmp(k.get(), n) < 0) {
            // r = (k·G).x mod n; s = k^-1 (e + r·d) mod n (SEC 1 §4.1.3).
            if (!EC_POINT_mul(group.get(), point.get(), k.get(), nullptr, nullptr, ctx.get()) ||
                !EC_POINT_get_affine_coordinates(group.get(), point.get(), x.get(), nullptr, ctx.get()) ||
                !BN_nnmod(r.get(), x.get(), n, ctx.get()) ||
                BN_mod_inverse(k_inverse.get(), k.get(), n, ctx.get()) == nullptr ||
                !BN_mod_mul(rd.get(), r.get(), d.get(), n, ctx.get()) ||
                !BN_mod_add(sum.get(), e.get(), rd.get(), n, ctx.get()) ||
                !BN_mod_mul(s.get(), k_inverse.get(), sum.get(), n, ctx.get())) {
                throw_openssl_error("ECDSA arithmetic");
            }
            if (!BN_is_zero(r.get()) && !BN_is_zero(s.get())) {
                ossl::ecdsa_sig_ptr sig{ECDSA_SIG_new()};
                if (!sig || !ECDSA_SIG_set0(sig.get(), r.get(), s.get()))
                    throw_openssl_error("ECDSA_SIG_set0");
                (void)r.release();  // now owned by sig
                (void)s.release();
                return encode(i2d_ECDSA_SIG, sig.get(), "i2d_ECDSA_SIG");
            }
        }
        k_key = hmac(k_key, {v, {&zero, 1}});
        v = hmac(k_key, {v});
    }
    throw_openssl_error("no usable RFC 6979 nonce");
}

ossl::x509_ptr sign_certificate(X509& cert, EVP_PKEY& issuer_key) {
    // Sets the signature AlgorithmIdentifier in the TBSCertificate and outside it.
    if (X509_sign(&cert, &issuer_key, EVP_sha256()) <= 0) throw_openssl_error("X509_sign");
    ossl::x509_ptr signed_cert;
    if (!EVP_PKEY_is_a(&issuer_key, "EC")) {
        // PKCS#1 v1.5 is deterministic: X509_sign's output is final.
        signed_cert = reparse(encode(i2d_X509, &cert, "i2d_X509"));
    } else {
        const auto tbs = encode(i2d_re_X509_tbs, &cert, "i2d_re_X509_tbs");
        const X509_ALGOR* algorithm = nullptr;
        X509_get0_signature(nullptr, &algorithm, &cert);
        const auto algorithm_der = encode(i2d_X509_ALGOR, algorithm, "i2d_X509_ALGOR");

        std::array<std::uint8_t, 32> digest{};
        unsigned int digest_size = 0;
        if (!EVP_Digest(tbs.data(), tbs.size(), digest.data(), &digest_size, EVP_sha256(), nullptr) ||
            digest_size != digest.size()) {
            throw_openssl_error("SHA-256 of the TBSCertificate");
        }
        const auto signature = ecdsa_p256_sign_digest(issuer_key, digest);

        // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
        // signatureValue BIT STRING }; the BIT STRING has no unused bits.
        std::vector<std::uint8_t> bits{0x03};
        append_der_length(bits, signature.size() + 1);
        bits.push_back(0x00);
        bits.insert(bits.end(), signature.begin(), signature.end());
        std::vector<std::uint8_t> der{0x30};
        append_der_length(der, tbs.size() + algorithm_der.size() + bits.size());
        der.insert(der.end(), tbs.begin(), tbs.end());
        der.insert(der.end(), algorithm_der.begin(), algorithm_der.end());
        der.insert(der.end(), bits.begin(), bits.end());
        signed_cert = reparse(der);
    }
    if (X509_verify(signed_cert.get(), &issuer_key) != 1)
        throw_openssl_error("X509_verify of a fresh certificate");
    return signed_cert;
}

}  // namespace sts::mocks
