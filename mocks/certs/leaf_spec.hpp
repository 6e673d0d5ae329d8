// mocks/certs/leaf_spec.hpp
//
// What a scenario may ask of a server certificate: its DNS names (RFC 6125 reference
// identifiers in subjectAltName, wildcards allowed), an optional subject CN, its validity
// window, who signs it, its key and its key usage. Each field maps to one fault of the
// field: expired / not yet valid, untrusted or self-signed issuer, interception CA, missing
// intermediate, wrong key usage, weak RSA key, CN-only names.
//
// The validity is absolute: the world turns "-1d" into a time point relative to the
// scenario's virtual start before it asks. X.509 keeps whole seconds, so milliseconds are
// dropped. canonical_form() is the spec's identity: the factory caches by it and derives
// the serial number and (unless key_label is set) the key from it, which is what makes a
// certificate a pure function of seed and spec.
//
// validate() bounds everything that comes from a world file; the factory refuses a spec
// that fails it. It does not judge whether DNS names are sensible host names: hostile
// certificates (NUL bytes, "*.*.example") are part of the test surface. A common name
// must be printable ASCII, since no test needs more.
#pragma once

#include "engine/core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sts::mocks {

enum class key_type : std::uint8_t {
    ec_p256,   // the default, as most of today's MX and HTTPS certificates
    rsa_2048,  // for realism
    rsa_1024,  // the "weak key" fault: refused at OpenSSL security level 2 and above
};

enum class issuer_kind : std::uint8_t {
    root,          // signed directly by the trusted root
    intermediate,  // signed by the last of `intermediate_count` chained intermediates
    untrusted_root,
    self_signed,
    interception,  // the CA a TLS-intercepting proxy signs with; never trusted
};

enum class usage_profile : std::uint8_t {
    tls_server,            // keyUsage digitalSignature (+ keyEncipherment for RSA), EKU serverAuth
    no_digital_signature,  // keyUsage keyAgreement (EC) or keyEncipherment (RSA) only
    cert_sign_only,        // keyUsage keyCertSign, cRLSign: fails the TLS-server purpose
    client_auth_only,      // EKU clientAuth only: fails the TLS-server purpose
};

// 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z: the CAs' validity, and the default for a
// leaf whose scenario does not care about time.
inline constexpr core::time_point wide_not_before{core::duration{946'684'800'000}};
inline constexpr core::time_point wide_not_after{core::duration{4'102'444'800'000}};

struct leaf_spec {
    std::vector<std::string> dns_names;  // subjectAltName dNSName entries; may be empty
    std::optional<std::string> common_name;
    core::time_point not_before = wide_not_before;
    core::time_point not_after = wide_not_after;
    issuer_kind issuer = issuer_kind::intermediate;
    int intermediate_count = 1;  // chain length below the root, for issuer_kind::intermediate
    // Set: the leaf hangs below a chain of intermediates of its own whose top one (signed
    // by the root) carries basicConstraints pathLenConstraint = this value (RFC 5280
    // §4.2.1.9), e.g. 0 with intermediate_count 2 for a chain that breaks its trust
    // anchor's constraint (RFC 7672 §3.1.2 [DANE-28]). Unset: the shared, unconstrained
    // intermediates. Only with issuer_kind::intermediate.
    std::optional<int> top_intermediate_path_length;
    key_type key = key_type::ec_p256;
    usage_profile usage = usage_profile::tls_server;
    // false: the server sends the leaf without its intermediates (the "missing
    // intermediate" fault). Does not change the leaf itself.
    bool include_intermediates = true;
    // Empty: the leaf gets a key of its own, derived from its canonical form. Otherwise
    // every leaf with the same label (and key type) shares one key, so a renewed
    // certificate keeps its "3 1 1" TLSA record.
    std::string key_label;
    // Revocation pointers (RFC 5280 §4.2.2.1 authorityInfoAccess OCSP, §4.2.1.13
    // cRLDistributionPoints), empty for none. Nothing in the world answers at them: they
    // show whether a client tries to check revocation (STS-APPLY-05, STS-FETCH-06).
    std::string ocsp_url;
    std::string crl_url;
};

// Bounds on a spec read from a world file.
// Thousands of names: a hostile world's huge SAN list (cert padding_names) must fit; a
// certificate of 5000 names is about 150 KB, beyond what TLS clients accept by default.
inline constexpr std::size_t leaf_dns_names_max = 10'000;
inline constexpr std::size_t leaf_dns_name_bytes_max = 255;    // RFC 1035 §3.1 name length
inline constexpr std::size_t leaf_common_name_bytes_max = 64;  // RFC 5280 ub-common-name
inline constexpr int leaf_intermediate_count_max = 64;         // "50 deep" hostile chains fit
inline constexpr std::size_t leaf_key_label_bytes_max = 256;
inline constexpr std::size_t leaf_url_bytes_max = 2048;

// An empty string when the spec can be issued, else what is wrong with it.
std::string validate(const leaf_spec& spec);

// Every field that shapes the leaf certificate, unambiguously (strings are length-
// prefixed); include_intermediates is left out because it changes only the chain.
std::string canonical_form(const leaf_spec& spec);

}  // namespace sts::mocks
