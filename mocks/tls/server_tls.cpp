#include "mocks/tls/server_tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <vector>

namespace sts::mocks {

namespace {

int openssl_version(tls_version v) {
    switch (v) {
        case tls_version::tls1_0: return TLS1_VERSION;
        case tls_version::tls1_1: return TLS1_1_VERSION;
        case tls_version::tls1_2: return TLS1_2_VERSION;
        case tls_version::tls1_3: return TLS1_3_VERSION;
    }
    return TLS1_3_VERSION;
}

std::string last_openssl_error(const char* what) {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return std::string(what) + ": " + buf;
}

// Loads `id` into `ctx` from its OpenSSL objects: the first certificate is the leaf, the
// rest the chain. The context takes its own references.
std::string load_parsed_identity(SSL_CTX* ctx, const tls_identity& id) {
    if (SSL_CTX_use_certificate(ctx, id.parsed_chain.front().get()) != 1) return last_openssl_error("certificate");
    for (std::size_t i = 1; i < id.parsed_chain.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(ctx, id.parsed_chain[i].get()) != 1)
            return last_openssl_error("chain certificate");
    }
    if (SSL_CTX_use_PrivateKey(ctx, id.parsed_key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        return last_openssl_error("private key");
    return {};
}

// Loads `id` into `ctx`: the first PEM certificate is the leaf, the rest the chain.
std::string load_identity(SSL_CTX* ctx, const tls_identity& id) {
    if (!id.parsed_chain.empty() && id.parsed_key) return load_parsed_identity(ctx, id);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(id.chain_pem.data(), static_cast<int>(id.chain_pem.size())),
                                                  &BIO_free);
    X509* leaf = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (leaf == nullptr) return last_openssl_error("certificate PEM");
    const int used = SSL_CTX_use_certificate(ctx, leaf);
    X509_free(leaf);
    if (used != 1) return last_openssl_error("certificate");
    while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            return last_openssl_error("chain certificate");
        }
    }
    ERR_clear_error();  // the loop ends on a "no start line" error
    std::unique_ptr<BIO, decltype(&BIO_free)> kbio(
        BIO_new_mem_buf(id.private_key_pem.data(), static_cast<int>(id.private_key_pem.size())), &BIO_free);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) return last_openssl_error("private key PEM");
    const int key_used = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (key_used != 1 || SSL_CTX_check_private_key(ctx) != 1) return last_openssl_error("private key");
    return {};
}

core::result<ssl_context_ptr, std::string> make_context(const tls_server_config& config, const tls_identity& id) {
    ssl_context_ptr ctx(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
    if (!ctx) return core::failure(last_openssl_error("SSL_CTX_new"));
    // Security level 0 lets a mock offer TLS 1.0/1.1 and weak keys when a scenario asks.
    SSL_CTX_set_security_level(ctx.get(), 0);
    auto max_version = config.max_version;
    if (config.ciphers == tls_cipher_offer::anonymous_only) {
        // RFC 7672 §8.2 [DANE-35]: only anonymous suites, which exist up to TLS 1.2 only.
        // The DH ones need parameters; the ECDH ones use the default groups.
        if (SSL_CTX_set_cipher_list(ctx.get(), "aNULL:@SECLEVEL=0") != 1) {
            return core::failure(last_openssl_error("anonymous cipher list"));
        }
        SSL_CTX_set_dh_auto(ctx.get(), 1);
        max_version = std::min(max_version, tls_version::tls1_2);
    } else {
        SSL_CTX_set_cipher_list(ctx.get(), "DEFAULT:@SECLEVEL=0");
    }
    SSL_CTX_set_min_proto_version(ctx.get(), openssl_version(config.min_version));
    SSL_CTX_set_max_proto_version(ctx.get(), openssl_version(max_version));
    // No session resumption: every delivery is a full handshake, as the scenarios assume.
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx.get(), 0);
    if (auto error = load_identity(ctx.get(), id); !error.empty()) return core::failure(std::move(error));
    return ctx;
}

struct sni_table {
    std::map<std::string, ssl_context_ptr> contexts;
    bool strict = false;
};

int select_by_sni(SSL* ssl, int* alert, void* arg) {
    const auto* table = static_cast<const sni_table*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name != nullptr) {
        std::string lower(name);
        for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        const auto it = table->contexts.find(lower);
        if (it != table->contexts.end()) {
            SSL_set_SSL_CTX(ssl, it->second.get());
            return SSL_TLSEXT_ERR_OK;
        }
    }
    if (table->strict) {
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;  // the default identity is the fallback chain
}

}  // namespace

core::result<ssl_context_ptr, std::string> make_server_context(const tls_server_config& config) {
    auto main = make_context(config, config.identity);
    if (!main) return main;
    if (config.by_sni.empty() && !config.strict_sni) return main;
    auto table = std::make_shared<sni_table>();
    table->strict = config.strict_sni;
    for (const auto& [name, id] : config.by_sni) {
        auto ctx = make_context(config, id);
        if (!ctx) return core::failure("SNI " + name + ": " + ctx.error());
        table->contexts.emplace(name, std::move(ctx).value());
    }
    SSL_CTX_set_tlsext_servername_callback(main->get(), select_by_sni);
    SSL_CTX_set_tlsext_servername_arg(main->get(), table.get());
    // The table lives as long as the context: the deleter owns it too.
    SSL_CTX* raw = main->get();
    SSL_CTX_up_ref(raw);
    return ssl_context_ptr(raw, [table](SSL_CTX* c) { SSL_CTX_free(c); });
}

const char* to_string(tls_version v) {
    switch (v) {
        case tls_version::tls1_0: return "TLSv1";
        case tls_version::tls1_1: return "TLSv1.1";
        case tls_version::tls1_2: return "TLSv1.2";
        case tls_version::tls1_3: return "TLSv1.3";
    }
    return "TLSv1.3";
}

}  // namespace sts::mocks
