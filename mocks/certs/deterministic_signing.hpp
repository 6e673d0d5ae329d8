// mocks/certs/deterministic_signing.hpp
//
// Certificate signatures that are a pure function of the key and the TBSCertificate.
// OpenSSL 3.0 only signs ECDSA with a random nonce, so for EC P-256 issuers the nonce is
// derived as RFC 6979 §3.2 specifies (HMAC_DRBG with HMAC-SHA256 over the private key
// and the message hash) and the signature is computed with the EC_POINT / BIGNUM API.
// The published RFC 6979 §A.2.5 vectors pin the implementation. RSA issuers use
// PKCS#1 v1.5 (RFC 8017 §8.2), which is deterministic already.
//
// sign_certificate() lets X509_sign fill in both AlgorithmIdentifiers (its own random
// signature is thrown away), replaces the signature over the re-encoded TBSCertificate,
// and re-parses the DER so no cached encoding of the old signature survives. Every result
// is checked with X509_verify against the issuer key. Low-s normalisation is not applied:
// RFC 6979 does not, and X.509 verifiers accept both halves.
#pragma once

#include "mocks/certs/openssl_handles.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace sts::mocks {

// The DER Ecdsa-Sig-Value (RFC 3279 §2.2.3) of a SHA-256 digest under a P-256 key.
std::vector<std::uint8_t> ecdsa_p256_sign_digest(EVP_PKEY& key, std::span<const std::uint8_t, 32> digest);

// Signs `cert` with SHA-256 under `issuer_key` (EC P-256 or RSA) and returns the re-parsed
// certificate. `cert` itself is left with a throw-away signature.
ossl::x509_ptr sign_certificate(X509& cert, EVP_PKEY& issuer_key);

}  // namespace sts::mocks
