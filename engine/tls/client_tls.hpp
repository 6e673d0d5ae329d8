// engine/tls/client_tls.hpp
//
// The engine's OpenSSL client side, for the SMTP client and the policy fetcher alike: one
// SSL_CTX holding the configured trust store, and per connection the settings a
// connection_requirement asks for and the observations the verdict needs.
//
// Verification never aborts a handshake here: the chain is verified at the world's clock
// (X509_VERIFY_PARAM_set_time, so a virtual 2031 sees a certificate as expired), names
// are checked on the leaf afterwards (X509_check_host against the reference and audit
// names separately, RFC 6125 DNS-IDs, CN only without SAN dNSNames), and DANE-EE/DANE-TA
// matching uses OpenSSL's own DANE support (SSL_dane_enable, SSL_dane_tlsa_add,
// RFC 7672 §3). The caller (engine/tls/verdict.hpp through the session, or the policy
// fetcher) decides what the observations mean, so Preferred-Verify and testing policies
// can deliver and still report.
//
// Version floor: OpenSSL 3 at security level 1 refuses TLS 1.0/1.1 by itself; the context
// runs at level 0 so opportunistic sessions can still use them, and every connection with
// version_floor::tls1_2 sets the minimum to TLS 1.2 explicitly (RFC 8461 §4.2, RFC 7672 §6).
//
// OpenSSL types are forward-declared: include <openssl/ssl.h> only in .cpp files.
#pragma once

#include "engine/core/result.hpp"
#include "engine/dns/record.hpp"
#include "engine/tls/requirement.hpp"
#include "engine/tls/verdict.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

struct ssl_ctx_st;
struct ssl_st;

namespace sts::core {
class clock;
}

namespace sts::tls {

// What to ask of one connection.
struct peer_check {
    std::string sni;                           // empty: no SNI
    std::vector<std::string> reference_names;  // names that decide (empty: none checked)
    std::vector<std::string> audit_names;      // names checked for the log / TLS-RPT only
    // RFC 6125 §6.4.4: whether a subject CN counts when the certificate has no SAN
    // dNSName. Never for MTA-STS (RFC 8461 §4.2, §3.3 [STS-APPLY-04, STS-FETCH-04]); yes
    // for the gateway's own Required-Verify / Preferred-Verify checks (seg-behaviour.md)
    // and for DANE-TA names (RFC 7672 §3.2.3 [DANE-32], which OpenSSL applies itself).
    bool reference_cn_fallback = false;
    bool audit_cn_fallback = false;
    version_floor min_version = version_floor::none;
    bool dane = false;  // match `tlsa` (RFC 7672); reference_names are the DANE-TA names
    std::vector<dns::tlsa_rdata> tlsa;
};

// What one finished handshake showed.
struct peer_observation {
    tls_version version = tls_version::tls1_3;
    std::string protocol;  // "TLSv1.3"
    std::string cipher;    // OpenSSL's name
    chain_status chain = chain_status::untrusted;
    // The precise chain problem for the log and TLS-RPT (expired, self-signed, missing
    // intermediate, ...); empty when the chain is trusted.
    std::optional<tlsrpt::failure_reason> chain_failure;
    std::string chain_detail;  // OpenSSL's X509_verify_cert_error_string wording
    bool reference_name_match = false;
    bool audit_name_match = false;
    bool tlsa_match = false;
    std::string leaf_subject;
};

class client_tls {
public:
    // The trust store is PEM (one or more CA certificates). An empty store trusts nothing.
    static core::result<std::unique_ptr<client_tls>, std::string> create(std::string_view trust_store_pem,
                                                                         const core::clock& clock);
    ~client_tls();
    client_tls(const client_tls&) = delete;
    client_tls& operator=(const client_tls&) = delete;

    ssl_ctx_st* context() const;
    // Configures a fresh SSL object (made from context()) before its handshake: SNI, the
    // version floor, verification time, DANE. An error names what OpenSSL refused.
    core::result<std::monostate, std::string> prepare(ssl_st* ssl, const peer_check& check) const;
    // After a successful handshake.
    peer_observation observe(ssl_st* ssl, const peer_check& check) const;
    // Why a handshake failed, from OpenSSL's error queue (cleared): the reason for TLS-RPT
    // (tls_version_too_old when the peer only speaks an older protocol than the floor,
    // tls_handshake_failed otherwise) and OpenSSL's words. `reported_error` is an error
    // the transport already took off the queue (Asio's ssl category error_code value), or 0.
    std::pair<tlsrpt::failure_reason, std::string> handshake_failure(ssl_st* ssl,
                                                                     unsigned long reported_error = 0) const;

private:
    client_tls(ssl_ctx_st* ctx, const core::clock& clock);
    ssl_ctx_st* ctx_;
    const core::clock* clock_;
};

}  // namespace sts::tls
