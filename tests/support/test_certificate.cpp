#include "tests/support/test_certificate.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace sts::test {

namespace {

template <class T, void (*Free)(T*)>
using handle = std::unique_ptr<T, decltype([](T* p) { Free(p); })>;

std::string to_pem(auto write) {
    handle<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
    if (!write(bio.get())) throw std::runtime_error("PEM write failed");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

pem_identity make_self_signed(const std::vector<std::string>& dns_names, std::chrono::sys_seconds not_before,
                              std::chrono::sys_seconds not_after) {
    handle<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
    handle<X509, X509_free> cert(X509_new());
    if (!key || !cert) throw std::runtime_error("key or certificate allocation failed");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before.time_since_epoch().count()));
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_after.time_since_epoch().count()));
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(dns_names.front().c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    std::string san;
    for (const auto& n : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    handle<X509_EXTENSION, X509_EXTENSION_free> ext(
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str()));
    X509_add_ext(cert.get(), ext.get(), -1);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
    return {to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()) == 1; }),
            to_pem([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; })};
}

}  // namespace sts::test
