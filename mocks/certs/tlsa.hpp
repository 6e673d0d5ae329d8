// mocks/certs/tlsa.hpp
//
// TLSA certificate association data (RFC 6698 §2.1) computed from the test CA's
// certificates, so a DANE scenario's DNS records always match the certificates its
// servers present: usage 3 (DANE-EE) on a leaf, usage 2 (DANE-TA) on an intermediate or
// root (RFC 7671 §5). The association data is the full DER certificate or its DER
// SubjectPublicKeyInfo (selector), as is or hashed with SHA-256 or SHA-512 (matching
// type). Deliberately wrong records are the scenario's business: it can alter the bytes.
#pragma once

#include "engine/dns/record.hpp"
#include "mocks/certs/certificate.hpp"

#include <cstdint>
#include <vector>

namespace sts::mocks {

// RFC 6698 §2.1.1 (mnemonics from RFC 7218 §2).
enum class tlsa_usage : std::uint8_t { pkix_ta = 0, pkix_ee = 1, dane_ta = 2, dane_ee = 3 };
// RFC 6698 §2.1.2.
enum class tlsa_selector : std::uint8_t { full_certificate = 0, subject_public_key_info = 1 };
// RFC 6698 §2.1.3.
enum class tlsa_matching : std::uint8_t { exact = 0, sha256 = 1, sha512 = 2 };

std::vector<std::uint8_t> tlsa_data(const certificate& cert, tlsa_selector selector, tlsa_matching matching);

dns::tlsa_rdata tlsa_record(const certificate& cert, tlsa_usage usage, tlsa_selector selector,
                            tlsa_matching matching);

}  // namespace sts::mocks
