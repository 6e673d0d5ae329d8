// mocks/certs/deterministic_key.cpp
#include "mocks/certs/deterministic_key.hpp"

#include "mocks/certs/openssl_error.hpp"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <array>

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace sts::mocks {

namespace {

// A scalar is rejected with probability about 2^-32 per try; a thousand failures in a row
// means the hash is broken, not bad luck.
constexpr std::uint32_t scalar_tries_max = 1000;
// The gap to the next prime near 2^1024 averages about 710, i.e. 355 odd steps; a
// million steps without a prime means the primality test is broken.
constexpr std::uint32_t prime_steps_max = 1'000'000;
// Bounds the process-wide cache; a suite uses a few thousand keys at most. When full it is
// emptied: keys are recomputable, so only time is lost, never determinism.
constexpr std::size_t shared_keys_max = 65'536;
constexpr unsigned long rsa_public_exponent = 65537;

std::string_view name_of(key_type type) {
    switch (type) {
        case key_type::ec_p256:
            return "ec-p256";
        case key_type::rsa_2048:
            return "rsa-2048";
        case key_type::rsa_1024:
            return "rsa-1024";
    }
    return "?";
}

// Length-prefixing the label keeps (label, counter) pairs from colliding.
std::string stream_message(std::string_view purpose, std::string_view label, std::uint32_t counter) {
    return fmt::format("mtasts-sim key v1|{}|{}:{}|{}", purpose, label.size(), label, counter);
}

ossl::bn_ptr bn_from_bytes(const std::uint8_t* data, std::size_t size) {
    ossl::bn_ptr bn{BN_bin2bn(data, static_cast<int>(size), nullptr)};
    if (!bn) throw_openssl_error("BN_bin2bn");
    return bn;
}

ossl::evp_pkey_ptr derive_ec_p256(std::uint64_t seed, std::string_view label) {
    ossl::ec_group_ptr group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
    if (!group) throw_openssl_error("EC_GROUP_new_by_curve_name");
    const BIGNUM* order = EC_GROUP_get0_order(group.get());
    for (std::uint32_t counter = 0; counter < scalar_tries_max; ++counter) {
        const auto block = seeded_hash(seed, stream_message("ec-p256", label, counter));
        auto d = bn_from_bytes(block.data(), block.size());
        if (!BN_is_zero(d.get()) && BN_cmp(d.get(), order) < 0) return ec_p256_key_from_scalar(*d);
    }
    throw_openssl_error("no P-256 scalar below the group order");
}

// The odd primes below 2^16: a candidate divisible by one of them is composite, found with
// one division of a machine word instead of a modular exponentiation.
const std::vector<std::uint32_t>& sieve_primes() {
    static const std::vector<std::uint32_t> primes = [] {
        constexpr std::uint32_t limit = 1u << 16;
        std::vector<bool> composite(limit, false);
        std::vector<std::uint32_t> out;
        for (std::uint32_t n = 3; n < limit; n += 2) {
            if (composite[n]) continue;
            out.push_back(n);
            for (std::uint64_t m = std::uint64_t{n} * n; m < limit; m += 2 * n) composite[m] = true;
        }
        return out;
    }();
    return primes;
}

// The first twelve primes, the Miller-Rabin bases. Fixed bases keep the derivation free of
// process randomness; they prove primality below 3.3 * 10^24 (Sorenson and Webster 2015),
// and for the pseudo-random 512- and 1024-bit candidates here a composite passing all
// twelve has never been observed: the answer is the one BN_check_prime (64 random bases)
// gives, at a fraction of its cost.
constexpr std::array<unsigned long, 12> miller_rabin_bases{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

// Miller-Rabin (FIPS 186-5 §B.3.1 with the bases above) on an odd n > 37.
bool passes_miller_rabin(const BIGNUM& n, BN_CTX* ctx) {
    ossl::bn_ptr n1{BN_new()}, d{BN_new()}, a{BN_new()}, y{BN_new()};
    ossl::bn_mont_ctx_ptr mont{BN_MONT_CTX_new()};
    if (!n1 || !d || !a || !y || !mont || !BN_MONT_CTX_set(mont.get(), &n, ctx) ||
        !BN_sub(n1.get(), &n, BN_value_one())) {
        throw_openssl_error("Miller-Rabin set-up");
    }
    int s = 0;  // n - 1 = d * 2^s with d odd
    while (!BN_is_bit_set(n1.get(), s)) ++s;
    if (!BN_rshift(d.get(), n1.get(), s)) throw_openssl_error("BN_rshift");
    for (const auto base : miller_rabin_bases) {
        if (!BN_set_word(a.get(), base) || !BN_mod_exp_mont(y.get(), a.get(), d.get(), &n, ctx, mont.get()))
            throw_openssl_error("BN_mod_exp_mont");
        if (BN_is_one(y.get()) || BN_cmp(y.get(), n1.get()) == 0) continue;
        bool composite = true;
        for (int r = 1; r < s; ++r) {
            if (!BN_mod_sqr(y.get(), y.get(), &n, ctx)) throw_openssl_error("BN_mod_sqr");
            if (BN_cmp(y.get(), n1.get()) == 0) {
                composite = false;
                break;
            }
            if (BN_is_one(y.get())) break;  // 1 without passing n - 1: composite
        }
        if (composite) return false;
    }
    return true;
}

// A probable prime of exactly `bits` bits (bits a multiple of 8) with gcd(p-1, e) = 1: the
// first one at or above the seeded start, stepping by 2. The small-prime sieve and the
// Miller-Rabin test only decide faster which candidate that is.
ossl::bn_ptr derive_prime(std::uint64_t seed, std::string_view purpose, std::string_view label, int bits,
                          BN_CTX* ctx) {
    std::vector<std::uint8_t> bytes;
    const auto size = static_cast<std::size_t>(bits / 8);
    for (std::uint32_t block = 0; bytes.size() < size; ++block) {
        const auto chunk = seeded_hash(seed, stream_message(purpose, label, block));
        bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    }
    auto start = bn_from_bytes(bytes.data(), size);
    // The top two bits make the product of two such primes exactly 2*bits long.
    if (!BN_set_bit(start.get(), bits - 1) || !BN_set_bit(start.get(), bits - 2) || !BN_set_bit(start.get(), 0)) {
        throw_openssl_error("BN_set_bit");
    }
    const auto& primes = sieve_primes();
    std::vector<std::uint64_t> residues(primes.size());
    for (std::size_t i = 0; i < primes.size(); ++i) {
        const BN_ULONG r = BN_mod_word(start.get(), primes[i]);
        if (r == static_cast<BN_ULONG>(-1)) throw_openssl_error("BN_mod_word");
        residues[i] = r;
    }
    const BN_ULONG start_mod_e = BN_mod_word(start.get(), rsa_public_exponent);
    if (start_mod_e == static_cast<BN_ULONG>(-1)) throw_openssl_error("BN_mod_word");
    ossl::bn_ptr p{BN_new()};
    if (!p) throw_openssl_error("BN_new");
    for (std::uint64_t step = 0; step < prime_steps_max; ++step) {
        const std::uint64_t offset = 2 * step;
        // e is prime, so gcd(p-1, e) = 1 unless p = 1 (mod e).
        if ((start_mod_e + offset) % rsa_public_exponent == 1) continue;
        bool divisible = false;
        for (std::size_t i = 0; i < primes.size() && !divisible; ++i) divisible = (residues[i] + offset) % primes[i] == 0;
        if (divisible) continue;
        if (!BN_copy(p.get(), start.get()) || !BN_add_word(p.get(), static_cast<BN_ULONG>(offset)))
            throw_openssl_error("BN_add_word");
        if (!passes_miller_rabin(*p, ctx)) continue;
        if (BN_num_bits(p.get()) != bits) break;
        return p;
    }
    throw_openssl_error("no prime found from the seed");
}

ossl::evp_pkey_ptr derive_rsa(std::uint64_t seed, std::string_view label, key_type type, int modulus_bits) {
    ossl::bn_ctx_ptr ctx{BN_CTX_new()};
    if (!ctx) throw_openssl_error("BN_CTX_new");
    const auto purpose = name_of(type);
    auto p = derive_prime(seed, fmt::format("{}/p", purpose), label, modulus_bits / 2, ctx.get());
    auto q = derive_prime(seed, fmt::format("{}/q", purpose), label, modulus_bits / 2, ctx.get());
    const int order = BN_cmp(p.get(), q.get());
    if (order == 0) throw_openssl_error("p equals q");
    if (order < 0) std::swap(p, q);  // p > q, as RFC 8017 §3.2 qInv = q^-1 mod p assumes

    ossl::bn_ptr n{BN_new()}, e{BN_new()}, d{BN_new()}, p1{BN_new()}, q1{BN_new()}, gcd{BN_new()},
        lcm{BN_new()}, phi{BN_new()}, dp{BN_new()}, dq{BN_new()}, qinv{BN_new()};
    for (const auto* bn : {&n, &e, &d, &p1, &q1, &gcd, &lcm, &phi, &dp, &dq, &qinv}) {
        if (!*bn) throw_openssl_error("BN_new");
    }
    BN_CTX* c = ctx.get();
    // RFC 8017 §3.2: d = e^-1 mod lcm(p-1, q-1), dP = d mod (p-1), dQ = d mod (q-1),
    // qInv = q^-1 mod p.
    const bool ok = BN_mul(n.get(), p.get(), q.get(), c) && BN_set_word(e.get(), rsa_public_exponent) &&
                    BN_sub(p1.get(), p.get(), BN_value_one()) && BN_sub(q1.get(), q.get(), BN_value_one()) &&
                    BN_gcd(gcd.get(), p1.get(), q1.get(), c) && BN_mul(phi.get(), p1.get(), q1.get(), c) &&
                    BN_div(lcm.get(), nullptr, phi.get(), gcd.get(), c) &&
                    BN_mod_inverse(d.get(), e.get(), lcm.get(), c) != nullptr &&
                    BN_mod(dp.get(), d.get(), p1.get(), c) && BN_mod(dq.get(), d.get(), q1.get(), c) &&
                    BN_mod_inverse(qinv.get(), q.get(), p.get(), c) != nullptr;
    if (!ok || BN_num_bits(n.get()) != modulus_bits) throw_openssl_error("RSA key arithmetic");

    ossl::param_bld_ptr bld{OSSL_PARAM_BLD_new()};
    if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get())) {
        throw_openssl_error("OSSL_PARAM_BLD_push_BN");
    }
    ossl::param_ptr params{OSSL_PARAM_BLD_to_param(bld.get())};
    ossl::evp_pkey_ctx_ptr pctx{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
    EVP_PKEY* key = nullptr;
    if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) <= 0 ||
        EVP_PKEY_fromdata(pctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) <= 0) {
        throw_openssl_error("EVP_PKEY_fromdata (RSA)");
    }
    return ossl::evp_pkey_ptr{key};
}

}  // namespace

std::array<std::uint8_t, 32> seeded_hash(std::uint64_t seed, std::string_view message) {
    std::array<std::uint8_t, 8> key{};
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<std::uint8_t>(seed >> (8 * (key.size() - 1 - i)));
    }
    std::array<std::uint8_t, 32> out{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
             &size) == nullptr ||
        size != out.size()) {
        throw_openssl_error("HMAC-SHA256");
    }
    return out;
}

ossl::evp_pkey_ptr ec_p256_key_from_scalar(const BIGNUM& d) {
    ossl::ec_group_ptr group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
    ossl::bn_ctx_ptr ctx{BN_CTX_new()};
    if (!group || !ctx) throw_openssl_error("EC_GROUP_new_by_curve_name");
    ossl::ec_point_ptr pub{EC_POINT_new(group.get())};
    if (!pub || !EC_POINT_mul(group.get(), pub.get(), &d, nullptr, nullptr, ctx.get())) {
        throw_openssl_error("EC_POINT_mul");
    }
    const std::size_t size =
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, nullptr, 0, ctx.get());
    std::vector<unsigned char> octets(size);
    if (size == 0 || EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, octets.data(),
                                        octets.size(), ctx.get()) != size) {
        throw_openssl_error("EC_POINT_point2oct");
    }
    ossl::param_bld_ptr bld{OSSL_PARAM_BLD_new()};
    // The scalar is padded to the group size so the encoding never depends on leading zeros.
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_BN_pad(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d, 32) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, octets.data(), octets.size())) {
        throw_openssl_error("OSSL_PARAM_BLD_push");
    }
    ossl::param_ptr params{OSSL_PARAM_BLD_to_param(bld.get())};
    ossl::evp_pkey_ctx_ptr pctx{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
    EVP_PKEY* key = nullptr;
    if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) <= 0 ||
        EVP_PKEY_fromdata(pctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) <= 0) {
        throw_openssl_error("EVP_PKEY_fromdata (EC)");
    }
    return ossl::evp_pkey_ptr{key};
}

ossl::evp_pkey_ptr derive_key(std::uint64_t seed, std::string_view label, key_type type) {
    switch (type) {
        case key_type::ec_p256:
            return derive_ec_p256(seed, label);
        case key_type::rsa_2048:
            return derive_rsa(seed, label, type, 2048);
        case key_type::rsa_1024:
            return derive_rsa(seed, label, type, 1024);
    }
    throw_openssl_error("unknown key type");
}

std::shared_ptr<EVP_PKEY> shared_key(std::uint64_t seed, std::string_view label, key_type type) {
    using cache_key = std::tuple<std::uint64_t, std::string, key_type>;
    static std::mutex mutex;
    static std::map<cache_key, std::shared_ptr<EVP_PKEY>, std::less<>> cache;

    const std::lock_guard lock{mutex};
    cache_key k{seed, std::string{label}, type};
    if (const auto it = cache.find(k); it != cache.end()) return it->second;
    if (cache.size() >= shared_keys_max) cache.clear();
    std::shared_ptr<EVP_PKEY> key{derive_key(seed, label, type).release(), EVP_PKEY_free};
    cache.emplace(std::move(k), key);
    return key;
}

std::string shared_key_pem(std::uint64_t seed, std::string_view label, key_type type) {
    const auto key = shared_key(seed, label, type);
    const ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio) throw_openssl_error("BIO_new");
    if (!PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
        throw_openssl_error("PEM_write_bio_PrivateKey");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    if (size < 0) throw_openssl_error("BIO_get_mem_data");
    return {data, static_cast<std::size_t>(size)};
}

}  // namespace sts::mocks
