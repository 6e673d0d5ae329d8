// mocks/certs/openssl_error.hpp
//
// What the test CA does when OpenSSL itself fails (out of memory, a broken build): it
// throws std::runtime_error naming the call and OpenSSL's queued reasons. Such a failure is
// an environment fault, never a property of the input; a spec the CA cannot honour is
// reported as a value by cert_factory::issue_leaf instead.
#pragma once

#include <string>
#include <string_view>

namespace sts::mocks {

// Drains OpenSSL's error queue of this thread into one line ("" when empty).
std::string drain_openssl_errors();

[[noreturn]] void throw_openssl_error(std::string_view what);

}  // namespace sts::mocks
