// mocks/certs/certificate.hpp
//
// One certificate of the test CA together with its private key: an immutable, cheaply
// copied handle. Most of the world only needs bytes (DER for TLSA hashes and reports, PEM
// for the servers and for `curl --cacert`), so this header names no OpenSSL type; the TLS
// code that needs the X509* and EVP_PKEY* includes mocks/certs/openssl_access.hpp.
//
// Equality is byte equality of the DER encoding, which is what "the same certificate"
// means to a TLSA record or a report.
#pragma once

#include <memory>
#include <string>

namespace sts::mocks {

namespace detail {
struct certificate_native;  // defined in mocks/certs/openssl_access.hpp
}

class certificate {
public:
    explicit certificate(std::shared_ptr<const detail::certificate_native> native);

    const std::string& der() const;
    std::string pem() const;
    // The private key as unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
    std::string key_pem() const;
    // The DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), what TLSA selector 1 hashes.
    std::string subject_public_key_info_der() const;
    // RFC 2253 form, e.g. "CN=mx1.example.test,O=mtasts-sim test"; for logs and tests.
    std::string subject() const;
    std::string issuer() const;

    const detail::certificate_native& native() const { return *native_; }

    friend bool operator==(const certificate& a, const certificate& b) { return a.der() == b.der(); }

private:
    std::shared_ptr<const detail::certificate_native> native_;
};

}  // namespace sts::mocks
