// engine/tlsrpt/dkim_signature.hpp
//
// The DKIM signature (RFC 6376) that a TLS-RPT report mail must carry: RFC 8460 §3
// [TLSRPT-11] requires a valid signature from the reporting domain without the l= tag, and
// §5.3 [TLSRPT-13] asks for TLS-Report-Domain and TLS-Report-Submitter to be signed.
//
// dkim_signature() signs a finished message with rsa-sha256 and relaxed/relaxed
// canonicalisation (RFC 6376 §3.4.2, §3.4.4) and returns the DKIM-Signature header field
// to put on top of it. It always covers the whole body (no l=) and names each signed
// header once; for a header the message does not have, the name still goes into h= so a
// later addition breaks the signature (RFC 6376 §5.4).
//
// Not here: the DNS key record (s=tlsrpt is the publisher's business, TLSRPT-11), key
// storage, and verification. No t= tag: the signature must be reproducible, and the
// message's Date header already says when it was written.
#pragma once

#include "engine/core/result.hpp"

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace sts::tlsrpt {

struct dkim_key {
    std::string domain;           // d=
    std::string selector;         // s=
    std::string private_key_pem;  // an RSA private key, PEM
    // Makes the PEM when private_key_pem is empty, at the first signature: an owner whose
    // key is costly to produce (a test key derived from a seed takes longer than a whole
    // simulated scenario) pays only when a report mail is actually signed. Called each
    // time it is needed, so it should remember its result itself.
    std::function<std::string()> private_key_pem_source = {};
};

// RFC 6376 §3.4.2 relaxed header canonicalisation of one field: "name:value" CRLF with
// the name lower-cased, the value unfolded, WSP runs made one SP, and WSP around the
// colon and at the end removed.
std::string dkim_relaxed_header(std::string_view name, std::string_view value);

// RFC 6376 §3.4.4 relaxed body canonicalisation: WSP runs made one SP, WSP at line ends
// removed, empty lines at the end removed, and a final CRLF unless the result is empty.
std::string dkim_relaxed_body(std::string_view body);

// The "DKIM-Signature: ..." field (ending in CRLF) for `message`, which is header fields,
// an empty line and the body, all lines ending in CRLF. Fails when the key cannot be read
// or is not RSA, or when the message has no empty line after its header.
core::result<std::string, std::string> dkim_signature(std::string_view message, const dkim_key& key,
                                                      std::span<const std::string> signed_header_names);

}  // namespace sts::tlsrpt
