// mocks/certs/openssl_access.cpp
#include "mocks/certs/openssl_access.hpp"

#include "mocks/certs/openssl_error.hpp"

#include <openssl/err.h>

namespace sts::mocks {

namespace {

// The most specific reason OpenSSL queued (the last one), then a clean queue.
std::string take_reason(std::string_view call) {
    const unsigned long code = ERR_peek_last_error();
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    ERR_clear_error();
    return reason != nullptr ? std::string{reason} : std::string{call} + " failed";
}

}  // namespace

certificate make_certificate(ossl::x509_ptr x509, std::shared_ptr<EVP_PKEY> key) {
    auto native = std::make_shared<detail::certificate_native>();
    unsigned char* raw = nullptr;
    const int size = i2d_X509(x509.get(), &raw);
    const ossl::buffer_ptr owned{raw};
    if (size <= 0) throw_openssl_error("i2d_X509");
    native->der.assign(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size));
    native->x509 = std::move(x509);
    native->key = std::move(key);
    return certificate{std::move(native)};
}

X509* x509_of(const certificate& cert) {
    return cert.native().x509.get();
}

EVP_PKEY* private_key_of(const certificate& cert) {
    return cert.native().key.get();
}

core::result<std::monostate, std::string> use_credentials(SSL_CTX& ctx, const leaf_credentials& credentials) {
    ERR_clear_error();
    if (SSL_CTX_use_certificate(&ctx, x509_of(credentials.leaf)) != 1) {
        return core::failure(take_reason("SSL_CTX_use_certificate"));
    }
    if (SSL_CTX_use_PrivateKey(&ctx, private_key_of(credentials.leaf)) != 1) {
        return core::failure(take_reason("SSL_CTX_use_PrivateKey"));
    }
    if (SSL_CTX_clear_chain_certs(&ctx) != 1) return core::failure(take_reason("SSL_CTX_clear_chain_certs"));
    for (const auto& cert : credentials.chain) {
        if (SSL_CTX_add1_chain_cert(&ctx, x509_of(cert)) != 1) {
            return core::failure(take_reason("SSL_CTX_add1_chain_cert"));
        }
    }
    if (SSL_CTX_check_private_key(&ctx) != 1) return core::failure(take_reason("SSL_CTX_check_private_key"));
    return std::monostate{};
}

ossl::x509_store_ptr make_trust_store(const cert_factory& factory) {
    ossl::x509_store_ptr store{X509_STORE_new()};
    if (!store || X509_STORE_add_cert(store.get(), x509_of(factory.root())) != 1) {
        throw_openssl_error("X509_STORE_add_cert");
    }
    return store;
}

}  // namespace sts::mocks
