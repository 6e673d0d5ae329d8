// mocks/certs/tlsa.cpp
#include "mocks/certs/tlsa.hpp"

#include "mocks/certs/openssl_error.hpp"

#include <openssl/evp.h>

#include <string>

namespace sts::mocks {

namespace {

std::vector<std::uint8_t> digest(const std::string& data, const EVP_MD* md) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned int size = 0;
    if (!EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) || size != out.size()) {
        throw_openssl_error("EVP_Digest");
    }
    return out;
}

}  // namespace

std::vector<std::uint8_t> tlsa_data(const certificate& cert, tlsa_selector selector, tlsa_matching matching) {
    const std::string selected =
        selector == tlsa_selector::full_certificate ? cert.der() : cert.subject_public_key_info_der();
    switch (matching) {
        case tlsa_matching::exact:
            return {selected.begin(), selected.end()};
        case tlsa_matching::sha256:
            return digest(selected, EVP_sha256());
        case tlsa_matching::sha512:
            return digest(selected, EVP_sha512());
    }
    return {};
}

dns::tlsa_rdata tlsa_record(const certificate& cert, tlsa_usage usage, tlsa_selector selector,
                            tlsa_matching matching) {
    return dns::tlsa_rdata{static_cast<std::uint8_t>(usage), static_cast<std::uint8_t>(selector),
                           static_cast<std::uint8_t>(matching), tlsa_data(cert, selector, matching)};
}

}  // namespace sts::mocks
