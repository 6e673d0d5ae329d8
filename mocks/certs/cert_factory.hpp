// mocks/certs/cert_factory.hpp
//
// The test CA of one world (issue 3, item 7): a trusted root with a chain of intermediates
// below it, an untrusted root, and the CA a TLS-intercepting proxy signs with; and server
// certificates issued from a leaf_spec. Everything is a pure function of the seed and the
// spec (keys from deterministic_key.hpp, signatures from deterministic_signing.hpp,
// serial numbers from a seeded hash), so two runs of a world produce byte-identical
// certificates, TLSA records, logs and reports on any machine.
//
// The hierarchy (all EC P-256, valid from 2000 to 2100):
//   root ─ intermediate 1 ─ intermediate 2 ─ … ─ intermediate N   (N <= 64, made on demand)
//   untrusted root        (same shape as the root, never in the trust store)
//   interception CA       (a root of its own, never in the trust store)
//   root ─ constrained intermediate 1 (pathLenConstraint P) ─ 2 ─ … (made on demand, one
//          chain per P, only for specs that set top_intermediate_path_length)
// A leaf signed by intermediate N is sent with intermediates N … 1 (leaf first), unless the
// spec asks for the "missing intermediate" fault. Leaves under a root, the untrusted root,
// the interception CA, or self-signed, are sent alone.
//
// Issued leaves are cached by their canonical form, and keys are shared process-wide, so a
// suite pays key generation once per distinct key. A factory is safe to use from several
// threads. It does not revoke, publish CRLs or OCSP, or model expired CAs.
#pragma once

#include "engine/core/result.hpp"
#include "mocks/certs/certificate.hpp"
#include "mocks/certs/leaf_spec.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sts::mocks {

// What a server presents, and what a DANE record or a client may anchor on.
struct leaf_credentials {
    certificate leaf;
    std::vector<certificate> chain;  // sent after the leaf, nearest issuer first
    certificate issuer;              // the signer; the leaf itself when self-signed
    certificate anchor;              // top of the leaf's hierarchy; the leaf when self-signed

    // The leaf followed by `chain`, as a server's certificate file holds them.
    std::string chain_pem() const;
    std::string key_pem() const { return leaf.key_pem(); }
};

class cert_factory {
public:
    explicit cert_factory(std::uint64_t seed);
    ~cert_factory();
    cert_factory(const cert_factory&) = delete;
    cert_factory& operator=(const cert_factory&) = delete;

    std::uint64_t seed() const;

    certificate root() const;
    certificate untrusted_root() const;
    certificate interception_ca() const;
    // Depth 1 is signed by the root, depth k by depth k-1. A depth outside 1..64
    // (leaf_intermediate_count_max) is a programming error: std::out_of_range.
    certificate intermediate(int depth = 1) const;

    // What clients trust: the root only, as PEM.
    std::string trust_store_pem() const;

    // The error says which field of the spec is unusable (see validate()).
    core::result<leaf_credentials, std::string> issue_leaf(const leaf_spec& spec) const;

    // Distinct leaf certificates issued so far (the cache size).
    std::size_t issued_count() const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace sts::mocks
