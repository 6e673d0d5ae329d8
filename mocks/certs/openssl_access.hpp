// mocks/certs/openssl_access.hpp
//
// The OpenSSL side of the test CA's certificates, for the few files that hand them to
// OpenSSL (mock TLS servers, DANE and verification tests): the X509* and EVP_PKEY* behind
// a certificate handle, loading a leaf and its chain into an SSL_CTX, and a trust store
// holding the factory's trusted root. The pointers are borrowed: they live as long as
// any copy of the certificate handle, and must not be modified.
#pragma once

#include "engine/core/result.hpp"
#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/certificate.hpp"
#include "mocks/certs/openssl_handles.hpp"

#include <memory>
#include <string>
#include <variant>

namespace sts::mocks {

namespace detail {
struct certificate_native {
    ossl::x509_ptr x509;
    std::shared_ptr<EVP_PKEY> key;
    std::string der;
};
}  // namespace detail

// Wraps a signed certificate and its private key; the DER is taken once, here.
certificate make_certificate(ossl::x509_ptr x509, std::shared_ptr<EVP_PKEY> key);

X509* x509_of(const certificate& cert);
EVP_PKEY* private_key_of(const certificate& cert);

// Installs the leaf, its key and the chain it is sent with into `ctx`. The error is
// OpenSSL's reason, e.g. "ee key too small" for an RSA-1024 leaf at security level 2.
core::result<std::monostate, std::string> use_credentials(SSL_CTX& ctx, const leaf_credentials& credentials);

// A store holding the factory's trusted root only, as trust_store_pem() describes.
ossl::x509_store_ptr make_trust_store(const cert_factory& factory);

}  // namespace sts::mocks
