// mocks/proxy/interception_ca.hpp
//
// The forging side of a TLS-intercepting proxy: given a CA certificate and key as PEM, it
// issues on demand a server certificate for whatever name a client asked to CONNECT to,
// as corporate "SSL inspection" boxes do. The certificate is well formed (SAN dNSName =
// the name, serverAuth, validity of the CA) so the only thing wrong with it is its issuer,
// which no WebPKI trust store holds; a client that validates properly rejects it
// (RFC 8461 §3.3, STS-FETCH-03), one that trusts the interception CA accepts it.
//
// Deterministic: the leaf key, serial and signature are pure functions of the CA and the
// name (mocks/certs/deterministic_key.hpp, deterministic_signing.hpp), so two runs of a
// world forge byte-identical certificates. It does not cache; the proxy does.
#pragma once

#include "engine/core/result.hpp"
#include "mocks/tls/server_tls.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace sts::mocks {

class interception_ca {
public:
    // The CA from PEM (certificate, then its private key); the error says which is unusable.
    static core::result<interception_ca, std::string> load(const tls_identity& ca);

    // A leaf for `host_name` (a DNS name: letters, digits, '-', '.', at most 253 bytes),
    // without the CA in its chain. The error names what is wrong with the name.
    core::result<tls_identity, std::string> forge(std::string_view host_name) const;

    struct native;

private:
    explicit interception_ca(std::shared_ptr<const native> n) : native_(std::move(n)) {}
    std::shared_ptr<const native> native_;
};

}  // namespace sts::mocks
