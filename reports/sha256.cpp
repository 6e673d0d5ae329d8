#include "reports/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <new>

namespace sts::reports {

struct sha256_stream::state {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    state() = default;
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() { EVP_MD_CTX_free(context); }
};

namespace {

std::string to_hex(const unsigned char* digest, unsigned int size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2U * size);
    for (unsigned int i = 0; i < size; ++i) {
        hex += digits[digest[i] >> 4U];
        hex += digits[digest[i] & 0x0FU];
    }
    return hex;
}

}  // namespace

// Only an allocation failure can make OpenSSL's digest calls fail; it is reported like one.
sha256_stream::sha256_stream() : state_(std::make_unique<state>()) {
    if (state_->context == nullptr || EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr) != 1) {
        throw std::bad_alloc();
    }
}

sha256_stream::~sha256_stream() = default;

void sha256_stream::add(std::string_view bytes) {
    if (EVP_DigestUpdate(state_->context, bytes.data(), bytes.size()) != 1) throw std::bad_alloc();
}

std::string sha256_stream::finish_hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(state_->context, digest.data(), &size) != 1) throw std::bad_alloc();
    return to_hex(digest.data(), size);
}

std::string sha256_hex(std::string_view bytes) {
    sha256_stream s;
    s.add(bytes);
    return s.finish_hex();
}

}  // namespace sts::reports
