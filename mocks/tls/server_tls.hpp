// mocks/tls/server_tls.hpp
//
// The TLS side of every mock server (SMTP receivers, HTTPS policy hosts, the intercepting
// proxy): an OpenSSL server context built from data. Certificates come as PEM (the world
// gets them from the certificate factory). Mocks are deliberately permissive about what
// they can be made to offer — TLS 1.0 and 1.1 need OpenSSL security level 0, weak keys
// too — because judging the peer is the engine's job, not theirs (toolchain.md §4).
//
// SNI: `by_sni` selects a certificate per server name (lower-case); with `strict_sni` an
// unknown or missing name aborts the handshake (STS-FETCH-20, the strict variant of
// STS-APPLY-21); otherwise the default identity is the fallback chain.
//
// Cipher suites: a server offers OpenSSL's usual list, or only the anonymous (aNULL)
// TLS 1.2 suites, the server half of RFC 7672 §8.2 [DANE-35]: a client that offers no
// anonymous suite can never complete a handshake with it.
#pragma once

#include "engine/core/result.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

struct ssl_ctx_st;
struct x509_st;
struct evp_pkey_st;

namespace sts::mocks {

struct tls_identity {
    std::string chain_pem;        // leaf first, then any intermediates to send
    std::string private_key_pem;
    // The same certificates and key as OpenSSL objects, when whoever built the identity
    // already holds them (the world, from the certificate factory): a context then takes
    // these and skips parsing the PEM, which under OpenSSL 3.0 costs more than a TLS
    // handshake (decoder set-up for every key and certificate). Empty: the PEM is parsed.
    // The objects are shared, never modified.
    std::vector<std::shared_ptr<x509_st>> parsed_chain = {};  // leaf first, as chain_pem
    std::shared_ptr<evp_pkey_st> parsed_key = {};
};

enum class tls_version { tls1_0, tls1_1, tls1_2, tls1_3 };

enum class tls_cipher_offer {
    usual,           // OpenSSL's DEFAULT list (at security level 0)
    anonymous_only,  // aNULL suites only; TLS 1.3 has none, so the version is capped at 1.2
};

struct tls_server_config {
    tls_identity identity;
    std::map<std::string, tls_identity> by_sni;
    bool strict_sni = false;
    tls_version min_version = tls_version::tls1_0;
    tls_version max_version = tls_version::tls1_3;
    tls_cipher_offer ciphers = tls_cipher_offer::usual;
};

using ssl_context_ptr = std::shared_ptr<ssl_ctx_st>;

// A server context for `config`, or a one-line reason (bad PEM, key mismatch).
core::result<ssl_context_ptr, std::string> make_server_context(const tls_server_config& config);

// "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" (OpenSSL's names, as the mail log prints them).
const char* to_string(tls_version v);

}  // namespace sts::mocks
