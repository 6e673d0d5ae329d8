// engine/tls/client_tls.cpp
//
// OpenSSL glue for client_tls.hpp. Every connection verifies in "report, don't abort"
// mode: SSL_VERIFY_NONE lets the handshake finish whatever the chain looks like, and
// observe() reads what the verifier found afterwards. That is what lets the verdict
// (engine/tls/verdict.hpp), not OpenSSL, decide between delivering, reporting and refusing.
#include "engine/tls/client_tls.hpp"

#include "engine/core/clock.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdint>

namespace sts::tls {

namespace {

std::string openssl_error_text(unsigned long code) {
    if (code == 0) return "unknown OpenSSL error";
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return buffer;
}

std::string drain_error_queue() {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        if (text.empty()) text = openssl_error_text(code);
    }
    return text;
}

// RFC 6125 §6.4.1: names compare as DNS names, so the absolute form of a reference
// identifier ("mx1.example.com.") matches the same DNS-ID as the relative one.
std::string without_trailing_dot(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return std::string(name);
}

// RFC 6125 §6.4.3 as RFC 8461 §4.1 and RFC 7672 §3.2.3 apply it: a wildcard is a whole
// left-most label ("*.example.com"), never part of one ("mx*.example.com").
constexpr unsigned int host_check_flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;

bool leaf_matches_any(X509* leaf, const std::vector<std::string>& names, bool cn_fallback) {
    if (leaf == nullptr) return false;
    // RFC 6125 §6.4.4: the CN is consulted only when the certificate has no DNS-ID, which is
    // what X509_check_host does by default; rules that accept DNS-IDs only switch it off.
    const unsigned int flags = host_check_flags | (cn_fallback ? 0U : X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    for (const auto& raw : names) {
        const std::string name = without_trailing_dot(raw);
        if (name.empty()) continue;
        if (X509_check_host(leaf, name.data(), name.size(), flags, nullptr) == 1) return true;
    }
    return false;
}

tls_version version_of(const SSL* ssl) {
    switch (SSL_version(ssl)) {
        case SSL3_VERSION:
            return tls_version::ssl3;
        case TLS1_VERSION:
            return tls_version::tls1_0;
        case TLS1_1_VERSION:
            return tls_version::tls1_1;
        case TLS1_2_VERSION:
            return tls_version::tls1_2;
        default:
            return tls_version::tls1_3;
    }
}

struct chain_outcome {
    chain_status status = chain_status::untrusted;
    std::optional<tlsrpt::failure_reason> reason;
};

// The verifier's error reduced to the verdict's three states and the precise reason for
// the log and TLS-RPT.
chain_outcome classify_verify_result(long code, int peer_chain_length) {
    using tlsrpt::failure_reason;
    switch (code) {
        case X509_V_OK:
            return {chain_status::trusted, std::nullopt};
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return {chain_status::expired, failure_reason::mx_certificate_expired};
        // A certificate that is not yet valid is outside its validity period like an
        // expired one (see engine/tlsrpt/failure_reason.hpp).
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return {chain_status::expired, failure_reason::mx_certificate_not_yet_valid};
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return {chain_status::untrusted, failure_reason::mx_certificate_self_signed};
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            // interpretation: a leaf sent alone whose issuer is unknown is reported as a
            // missing intermediate, the usual cause on the public Internet; a chain that was
            // sent but ends below no trusted root is an untrusted issuer. OpenSSL cannot
            // tell a missing intermediate from an unknown root without fetching (AIA),
            // which a sender does not do.
            if (peer_chain_length <= 1) {
                return {chain_status::untrusted, failure_reason::mx_certificate_chain_incomplete};
            }
            return {chain_status::untrusted, failure_reason::mx_certificate_untrusted};
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_CERT_UNTRUSTED:
            return {chain_status::untrusted, failure_reason::mx_certificate_untrusted};
        default:
            return {chain_status::untrusted, failure_reason::mx_certificate_invalid};
    }
}

}  // namespace

core::result<std::unique_ptr<client_tls>, std::string> client_tls::create(std::string_view trust_store_pem,
                                                                          const core::clock& clock) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) return core::failure("SSL_CTX_new: " + drain_error_queue());
    std::unique_ptr<client_tls> self(new client_tls(ctx, clock));

    // Security level 0 and the lowest protocol: an opportunistic session may use TLS 1.0
    // rather than clear text (RFC 7435 §3); prepare() raises the floor where a policy asks.
    SSL_CTX_set_security_level(ctx, 0);
    if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1 ||
        SSL_CTX_set_min_proto_version(ctx, 0) != 1) {
        return core::failure("cipher or protocol setup: " + drain_error_queue());
    }
    // Verification results are read after the handshake (observe()); they never abort it.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    if (SSL_CTX_dane_enable(ctx) <= 0) return core::failure("SSL_CTX_dane_enable: " + drain_error_queue());

    if (!trust_store_pem.empty()) {
        if (trust_store_pem.size() > static_cast<std::size_t>(INT32_MAX))
            return core::failure("trust store too large");
        BIO* bio = BIO_new_mem_buf(trust_store_pem.data(), static_cast<int>(trust_store_pem.size()));
        if (bio == nullptr) return core::failure("BIO_new_mem_buf: " + drain_error_queue());
        X509_STORE* store = SSL_CTX_get_cert_store(ctx);
        int added = 0;
        while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
            const int ok = X509_STORE_add_cert(store, cert);
            X509_free(cert);
            if (ok != 1) {
                BIO_free(bio);
                return core::failure("X509_STORE_add_cert: " + drain_error_queue());
            }
            ++added;
        }
        BIO_free(bio);
        // The loop ends on "no start line" at the end of the text; anything else is bad PEM.
        const unsigned long last = ERR_peek_last_error();
        if (last != 0 && !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
            return core::failure("trust store PEM: " + drain_error_queue());
        }
        ERR_clear_error();
        if (added == 0) return core::failure(std::string("trust store PEM holds no certificate"));
    }
    return self;
}

client_tls::client_tls(ssl_ctx_st* ctx, const core::clock& clock) : ctx_(ctx), clock_(&clock) {}

client_tls::~client_tls() {
    SSL_CTX_free(ctx_);
}

ssl_ctx_st* client_tls::context() const {
    return ctx_;
}

core::result<std::monostate, std::string> client_tls::prepare(ssl_st* ssl, const peer_check& check) const {
    ERR_clear_error();
    if (!check.sni.empty()) {
        const std::string sni = without_trailing_dot(check.sni);
        if (SSL_set_tlsext_host_name(ssl, sni.c_str()) != 1)
            return core::failure("SNI: " + drain_error_queue());
    }
    // RFC 8461 §7.2 [STS-APPLY-07, STS-APPLY-08] and RFC 7672 §6: TLS 1.2 or later where a
    // policy authenticates the peer (interpretation A16: older versions are refused).
    if (check.min_version == version_floor::tls1_2 && SSL_set_min_proto_version(ssl, TLS1_2_VERSION) != 1) {
        return core::failure("minimum protocol: " + drain_error_queue());
    }
    // Certificates are judged at the world's time, so a virtual clock past a certificate's
    // notAfter sees it expired.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    const auto seconds = std::chrono::floor<std::chrono::seconds>(clock_->now()).time_since_epoch().count();
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(seconds));
    X509_VERIFY_PARAM_set_hostflags(param, host_check_flags);

    if (check.dane) {
        // RFC 7672 §3.2.2: the TLSA base domain is the first reference identifier for
        // DANE-TA(2); the others (the next-hop domain...) follow.
        const std::string base = check.reference_names.empty()
                                     ? without_trailing_dot(check.sni)
                                     : without_trailing_dot(check.reference_names.front());
        if (SSL_dane_enable(ssl, base.c_str()) <= 0)
            return core::failure("SSL_dane_enable: " + drain_error_queue());
        for (std::size_t i = 1; i < check.reference_names.size(); ++i) {
            const std::string name = without_trailing_dot(check.reference_names[i]);
            if (!name.empty() && SSL_add1_host(ssl, name.c_str()) != 1) {
                return core::failure("SSL_add1_host: " + drain_error_queue());
            }
        }
        // RFC 7672 §3.1.1: a DANE-EE(3) match authenticates the server key by itself: no
        // name check and (OpenSSL does this for DANE-EE always) no expiry check.
        SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
        for (const auto& record : check.tlsa) {
            const int added =
                SSL_dane_tlsa_add(ssl, record.usage, record.selector, record.matching_type,
                                  record.association_data.data(), record.association_data.size());
            // 0 is an unusable record (unknown usage, selector or matching type, RFC 7672
            // §3.1): skipped, as the caller should already have done. < 0 is an internal error.
            if (added < 0) return core::failure("SSL_dane_tlsa_add: " + drain_error_queue());
        }
        ERR_clear_error();
    }
    return std::monostate{};
}

peer_observation client_tls::observe(ssl_st* ssl, const peer_check& check) const {
    peer_observation out;
    out.version = version_of(ssl);
    out.protocol = SSL_get_version(ssl);
    if (const char* cipher = SSL_get_cipher_name(ssl)) out.cipher = cipher;

    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (leaf != nullptr) {
        if (BIO* bio = BIO_new(BIO_s_mem())) {
            X509_NAME_print_ex(bio, X509_get_subject_name(leaf), 0, XN_FLAG_RFC2253);
            char* data = nullptr;
            const long n = BIO_get_mem_data(bio, &data);
            if (n > 0 && data != nullptr) out.leaf_subject.assign(data, static_cast<std::size_t>(n));
            BIO_free(bio);
        }
    }
    const STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl);
    const int sent_count = sent == nullptr ? 0 : sk_X509_num(sent);

    if (leaf == nullptr) {
        out.chain = chain_status::untrusted;
        out.chain_failure = tlsrpt::failure_reason::mx_certificate_invalid;
        out.chain_detail = "no peer certificate";
    } else if (check.dane) {
        // With DANE enabled the verifier judged the chain against the TLSA records only
        // (RFC 7672 §3: PKIX-TA/PKIX-EE are unusable for SMTP), so its result is the
        // DANE result; the PKIX state is not meaningful here.
        const long code = SSL_get_verify_result(ssl);
        out.tlsa_match = code == X509_V_OK && SSL_get0_dane_authority(ssl, nullptr, nullptr) >= 0;
        out.chain = out.tlsa_match ? chain_status::trusted : chain_status::untrusted;
        if (!out.tlsa_match) {
            out.chain_failure = tlsrpt::failure_reason::dane_no_tlsa_match;
            out.chain_detail = X509_verify_cert_error_string(code);
        }
    } else {
        const long code = SSL_get_verify_result(ssl);
        const chain_outcome chain = classify_verify_result(code, sent_count);
        out.chain = chain.status;
        out.chain_failure = chain.reason;
        if (code != X509_V_OK) out.chain_detail = X509_verify_cert_error_string(code);
    }
    // RFC 7672 §3.2.3 [DANE-32]: DANE-TA names use the CN when there is no SAN dNSName.
    out.reference_name_match =
        leaf_matches_any(leaf, check.reference_names, check.reference_cn_fallback || check.dane);
    out.audit_name_match = leaf_matches_any(leaf, check.audit_names, check.audit_cn_fallback);
    return out;
}

std::pair<tlsrpt::failure_reason, std::string> client_tls::handshake_failure(
    ssl_st* ssl, unsigned long reported_error) const {
    // The transport may already have taken the first error off the queue (Asio does); it
    // is passed in and judged together with what is left.
    std::vector<unsigned long> codes;
    if (reported_error != 0) codes.push_back(reported_error);
    while (const unsigned long code = ERR_get_error()) {
        if (codes.size() < 16) codes.push_back(code);
    }
    const bool floor_set = ssl != nullptr && SSL_get_min_proto_version(ssl) >= TLS1_2_VERSION;
    for (const unsigned long code : codes) {
        if (ERR_GET_LIB(code) != ERR_LIB_SSL) continue;
        const int reason = ERR_GET_REASON(code);
        // RFC 8461 §4.2, RFC 7672 §6: the peer offered only a protocol below our floor,
        // either by choosing it in its ServerHello or by refusing ours with an alert.
        const bool version_refused = reason == SSL_R_UNSUPPORTED_PROTOCOL ||
                                     reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
                                     reason == SSL_R_NO_PROTOCOLS_AVAILABLE;
        if (version_refused && floor_set) {
            return {tlsrpt::failure_reason::tls_version_too_old, openssl_error_text(code)};
        }
    }
    std::string detail = codes.empty() ? std::string("connection closed during the TLS handshake")
                                       : openssl_error_text(codes.front());
    return {tlsrpt::failure_reason::tls_handshake_failed, std::move(detail)};
}

}  // namespace sts::tls
