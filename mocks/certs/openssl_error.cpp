// mocks/certs/openssl_error.cpp
#include "mocks/certs/openssl_error.hpp"

#include <openssl/err.h>

#include <stdexcept>

namespace sts::mocks {

std::string drain_openssl_errors() {
    std::string out;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        if (!out.empty()) out += "; ";
        out += text;
    }
    return out;
}

void throw_openssl_error(std::string_view what) {
    std::string message{"test CA: "};
    message += what;
    const auto reasons = drain_openssl_errors();
    if (!reasons.empty()) message += " (" + reasons + ")";
    throw std::runtime_error(message);
}

}  // namespace sts::mocks
