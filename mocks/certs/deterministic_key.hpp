// mocks/certs/deterministic_key.hpp
//
// Private keys as pure functions of (seed, label, key type), so the same world with the
// same seed serves byte-identical certificates on every run and machine (docs/decisions.md
// D6): their hashes end up in TLSA records, logs and reports.
//
// The derivation is a keyed hash stream, HMAC-SHA256 keyed with the seed over a message
// that names the purpose, the label and a counter. An EC P-256 scalar is one block taken
// by rejection sampling (retry while it is 0 or not below the group order); RSA primes
// start at a candidate from the stream with the top two bits and the low bit set and step
// by 2 to the next probable prime whose p-1 is coprime with e = 65537. OpenSSL 3.0 cannot
// seed its own key generation, hence the keys are assembled here with EVP_PKEY_fromdata.
//
// These are test keys: nothing here tries to be constant-time or secret. shared_key()
// memoises keys process-wide (behind a mutex), so many factories and scenarios with one
// seed pay generation once; RSA-2048 costs a few hundred milliseconds, RSA-1024 tens.
#pragma once

#include "mocks/certs/leaf_spec.hpp"
#include "mocks/certs/openssl_handles.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sts::mocks {

// HMAC-SHA256 keyed with the seed (8 bytes, big-endian). Also the source of serial numbers.
std::array<std::uint8_t, 32> seeded_hash(std::uint64_t seed, std::string_view message);

// Always derives afresh.
ossl::evp_pkey_ptr derive_key(std::uint64_t seed, std::string_view label, key_type type);

// derive_key, memoised for the whole process. The key must be treated as read-only.
std::shared_ptr<EVP_PKEY> shared_key(std::uint64_t seed, std::string_view label, key_type type);

// shared_key's key as PKCS#8 PEM, for consumers outside the cert factory (the DKIM key
// a world gives the engine to sign TLS-RPT report mail with).
std::string shared_key_pem(std::uint64_t seed, std::string_view label, key_type type);

// The P-256 key pair with private scalar d (1 <= d < n); the public point is d·G.
ossl::evp_pkey_ptr ec_p256_key_from_scalar(const BIGNUM& d);

}  // namespace sts::mocks
