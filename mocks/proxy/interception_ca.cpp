#include "mocks/proxy/interception_ca.hpp"

#include "mocks/certs/deterministic_key.hpp"
#include "mocks/certs/deterministic_signing.hpp"
#include "mocks/certs/openssl_error.hpp"
#include "mocks/certs/openssl_handles.hpp"

#include <openssl/pem.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace sts::mocks {

struct interception_ca::native {
    ossl::x509_ptr certificate;
    ossl::evp_pkey_ptr key;
    std::uint64_t seed = 0;  // derived from the CA, so forged leaves depend on it alone
};

namespace {

// RFC 1035 §2.3.4: at most 253 bytes in text form. Only the letters, digits, '-' and '.'
// of host names, so nothing odd reaches a certificate field.
std::string check_host_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return "a host name of 1 to 253 bytes";
    if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
        return "a host name without empty labels";
    }
    const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '.';
    });
    return ok ? std::string() : "a host name of letters, digits, '-' and '.'";
}

std::string to_pem(X509* x) {
    ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio || PEM_write_bio_X509(bio.get(), x) != 1) throw_openssl_error("PEM_write_bio_X509");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string key_to_pem(EVP_PKEY* key) {
    ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw_openssl_error("PEM_write_bio_PrivateKey");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::uint64_t first_eight_bytes(const std::array<std::uint8_t, 32>& hash) {
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | hash[i];
    return out;
}

void add_extension(X509* leaf, X509V3_CTX& ctx, int nid, const char* value) {
    ossl::x509_extension_ptr made{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
    if (!made || X509_add_ext(leaf, made.get(), -1) != 1) throw_openssl_error(value);
}

}  // namespace

core::result<interception_ca, std::string> interception_ca::load(const tls_identity& ca) {
    auto n = std::make_shared<native>();
    ossl::bio_ptr cert_bio{BIO_new_mem_buf(ca.chain_pem.data(), static_cast<int>(ca.chain_pem.size()))};
    n->certificate.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    if (!n->certificate) {
        drain_openssl_errors();
        return core::failure(std::string("interception CA: the certificate PEM does not parse"));
    }
    ossl::bio_ptr key_bio{
        BIO_new_mem_buf(ca.private_key_pem.data(), static_cast<int>(ca.private_key_pem.size()))};
    n->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!n->key) {
        drain_openssl_errors();
        return core::failure(std::string("interception CA: the private key PEM does not parse"));
    }
    if (X509_check_private_key(n->certificate.get(), n->key.get()) != 1) {
        drain_openssl_errors();
        return core::failure(std::string("interception CA: the key does not match the certificate"));
    }
    unsigned char* der = nullptr;
    const int der_size = i2d_X509(n->certificate.get(), &der);
    const ossl::buffer_ptr owned{der};
    if (der_size <= 0) throw_openssl_error("i2d_X509");
    n->seed = first_eight_bytes(seeded_hash(
        0, "interception-ca|" +
               std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_size))));
    return interception_ca(std::move(n));
}

core::result<tls_identity, std::string> interception_ca::forge(std::string_view host_name) const {
    if (auto problem = check_host_name(host_name); !problem.empty()) {
        return core::failure("cannot forge a certificate: expected " + problem);
    }
    std::string name(host_name);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    const auto& ca = *native_;
    const auto key = shared_key(ca.seed, "interception-leaf|" + name, key_type::ec_p256);

    ossl::x509_ptr x{X509_new()};
    if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) throw_openssl_error("X509_new");
    // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets.
    auto serial_bytes = seeded_hash(ca.seed, "interception-serial|" + name);
    serial_bytes[0] = static_cast<std::uint8_t>((serial_bytes[0] & 0x7f) | 0x40);
    ossl::bn_ptr serial{BN_bin2bn(serial_bytes.data(), 16, nullptr)};
    if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x.get())) == nullptr) {
        throw_openssl_error("serial number");
    }
    ossl::x509_name_ptr subject{X509_NAME_new()};
    if (!subject ||
        X509_NAME_add_entry_by_NID(subject.get(), NID_organizationName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("mtasts-sim interception"), -1, -1,
                                   0) != 1 ||
        X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(name.c_str()),
                                   static_cast<int>(std::min<std::size_t>(name.size(), 64)), -1, 0) != 1) {
        throw_openssl_error("subject name");
    }
    if (X509_set_subject_name(x.get(), subject.get()) != 1 ||
        X509_set_issuer_name(x.get(), X509_get_subject_name(ca.certificate.get())) != 1 ||
        X509_set1_notBefore(x.get(), X509_get0_notBefore(ca.certificate.get())) != 1 ||
        X509_set1_notAfter(x.get(), X509_get0_notAfter(ca.certificate.get())) != 1 ||
        X509_set_pubkey(x.get(), key.get()) != 1) {
        throw_openssl_error("certificate fields");
    }
    X509V3_CTX ctx{};
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca.certificate.get(), x.get(), nullptr, nullptr, 0);
    add_extension(x.get(), ctx, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(x.get(), ctx, NID_key_usage, "critical,digitalSignature");
    add_extension(x.get(), ctx, NID_ext_key_usage, "serverAuth");
    add_extension(x.get(), ctx, NID_subject_key_identifier, "hash");
    add_extension(x.get(), ctx, NID_authority_key_identifier, "keyid:always");
    // The name was checked above, so the configuration syntax cannot be subverted.
    const std::string san = "DNS:" + name;
    add_extension(x.get(), ctx, NID_subject_alt_name, san.c_str());
    const auto signed_leaf = sign_certificate(*x, *ca.key);
    // Sent alone, as most inspection boxes do: a client that trusts the CA needs nothing
    // more, and one that does not sees "unable to get local issuer certificate".
    return tls_identity{to_pem(signed_leaf.get()), key_to_pem(key.get())};
}

}  // namespace sts::mocks
