// tests/support/test_certificate.hpp
//
// A throw-away self-signed EC P-256 certificate for tests that need a TLS peer before the
// mock world's certificate factory exists (issue 3). Not deterministic: never let its
// bytes reach a log or a golden file.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sts::test {

struct pem_identity {
    std::string certificate_pem;
    std::string private_key_pem;
};

pem_identity make_self_signed(const std::vector<std::string>& dns_names, std::chrono::sys_seconds not_before,
                              std::chrono::sys_seconds not_after);

}  // namespace sts::test
