// mocks/certs/openssl_handles.hpp
//
// Owning handles for the OpenSSL objects the test CA works with: std::unique_ptr with a
// deleter that calls the matching *_free function, so every early return releases what was
// allocated. This header includes OpenSSL; only the certificate factory's own sources and
// mocks/certs/openssl_access.hpp (for the TLS code that needs X509* and EVP_PKEY*) include
// it. It deliberately wraps nothing else: calls go to the OpenSSL API directly.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sts::mocks::ossl {

template <auto Free>
struct deleter {
    template <class T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

template <class T, auto Free>
using handle = std::unique_ptr<T, deleter<Free>>;

using bio_ptr = handle<BIO, BIO_free_all>;
using bn_ptr = handle<BIGNUM, BN_free>;
using bn_ctx_ptr = handle<BN_CTX, BN_CTX_free>;
using bn_mont_ctx_ptr = handle<BN_MONT_CTX, BN_MONT_CTX_free>;
using ec_group_ptr = handle<EC_GROUP, EC_GROUP_free>;
using ec_point_ptr = handle<EC_POINT, EC_POINT_free>;
using ecdsa_sig_ptr = handle<ECDSA_SIG, ECDSA_SIG_free>;
using evp_pkey_ptr = handle<EVP_PKEY, EVP_PKEY_free>;
using evp_pkey_ctx_ptr = handle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using param_bld_ptr = handle<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using param_ptr = handle<OSSL_PARAM, OSSL_PARAM_free>;
using x509_ptr = handle<X509, X509_free>;
using x509_name_ptr = handle<X509_NAME, X509_NAME_free>;
using x509_extension_ptr = handle<X509_EXTENSION, X509_EXTENSION_free>;
using x509_store_ptr = handle<X509_STORE, X509_STORE_free>;
using x509_store_ctx_ptr = handle<X509_STORE_CTX, X509_STORE_CTX_free>;
using general_names_ptr = handle<GENERAL_NAMES, GENERAL_NAMES_free>;
using ssl_ctx_ptr = handle<SSL_CTX, SSL_CTX_free>;

// OPENSSL_free is a macro, so buffers that OpenSSL allocates (i2d_* output) need a function.
inline void free_buffer(unsigned char* p) noexcept {
    OPENSSL_free(p);
}
using buffer_ptr = handle<unsigned char, free_buffer>;

}  // namespace sts::mocks::ossl
