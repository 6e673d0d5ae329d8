// mocks/certs/certificate.cpp
#include "mocks/certs/certificate.hpp"

#include "mocks/certs/openssl_access.hpp"
#include "mocks/certs/openssl_error.hpp"

#include <openssl/pem.h>

namespace sts::mocks {

namespace {

std::string bio_text(BIO& bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(&bio, &data);
    if (size < 0) throw_openssl_error("BIO_get_mem_data");
    return {data, static_cast<std::size_t>(size)};
}

ossl::bio_ptr memory_bio() {
    ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio) throw_openssl_error("BIO_new");
    return bio;
}

std::string name_text(const X509_NAME* name) {
    auto bio = memory_bio();
    if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0)
        throw_openssl_error("X509_NAME_print_ex");
    return bio_text(*bio);
}

}  // namespace

certificate::certificate(std::shared_ptr<const detail::certificate_native> native)
    : native_(std::move(native)) {}

const std::string& certificate::der() const {
    return native_->der;
}

std::string certificate::pem() const {
    auto bio = memory_bio();
    if (!PEM_write_bio_X509(bio.get(), native_->x509.get())) throw_openssl_error("PEM_write_bio_X509");
    return bio_text(*bio);
}

std::string certificate::key_pem() const {
    auto bio = memory_bio();
    if (!PEM_write_bio_PrivateKey(bio.get(), native_->key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
        throw_openssl_error("PEM_write_bio_PrivateKey");
    }
    return bio_text(*bio);
}

std::string certificate::subject_public_key_info_der() const {
    unsigned char* raw = nullptr;
    const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(native_->x509.get()), &raw);
    const ossl::buffer_ptr owned{raw};
    if (size <= 0) throw_openssl_error("i2d_X509_PUBKEY");
    return {reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size)};
}

std::string certificate::subject() const {
    return name_text(X509_get_subject_name(native_->x509.get()));
}

std::string certificate::issuer() const {
    return name_text(X509_get_issuer_name(native_->x509.get()));
}

}  // namespace sts::mocks
