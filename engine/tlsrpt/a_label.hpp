// engine/tlsrpt/a_label.hpp
//
// Domain names in the A-label form that TLS-RPT demands: RFC 8460 §4.4 says policy-domain
// MUST be an A-label [TLSRPT-23], and §5.1 says the same of both domains in a report file
// name [TLSRPT-15]. The engine's own names come from DNS and are A-labels already; this is
// the safety net for a name that arrives in Unicode (a configured submitter domain, say).
//
// to_a_label_domain() lower-cases ASCII letters, leaves ASCII labels as they are and turns
// each label with non-ASCII characters into "xn--" plus its Punycode (RFC 3492 §6.3).
// Deliberately not the full IDNA2008 mapping (RFC 5891 §5): no Unicode case folding and no
// NFC normalisation, which need the Unicode tables the engine does not carry. A label in
// upper-case or decomposed Unicode therefore gets a different, but still well-formed,
// A-label; the result is always checked to be a valid LDH domain.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sts::tlsrpt {

// The A-label form of `domain` (one trailing root dot dropped), or nothing when `domain`
// is not valid UTF-8 or the result is not an LDH domain (RFC 5321 §4.1.2, at most 253
// octets, labels of at most 63).
std::optional<std::string> to_a_label_domain(std::string_view domain);

}  // namespace sts::tlsrpt
