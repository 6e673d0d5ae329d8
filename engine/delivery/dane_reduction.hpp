// engine/delivery/dane_reduction.hpp
//
// RFC 7672 §2.1, §2.2: reduces what the DNS said about one MX host (the MX lookup, the
// host's address lookup and its TLSA lookup, each with its status and DNSSEC security) to
// the one tls::dane_outcome that tls::decide() reads, plus the usable TLSA records the
// SMTP client authenticates the server with. Pure; the planner does the lookups.
//
// Two questions, answered in one place each:
//   tlsa_lookup_wanted()  RFC 7672 §2.2.2 [DANE-07, DANE-20]: only once the MX RRset and
//                         the host's address records are both secure is TLSA looked up.
//   reduce_dane()         what the three lookups mean together, and which records are
//                         usable (RFC 7672 §2.2, §3.1, RFC 6698 §2.1).
//
// Usable records (RFC 7672 §3.1 [DANE-29]): certificate usage DANE-TA(2) or DANE-EE(3),
// selector Cert(0) or SPKI(1), matching type Full(0), SHA2-256(1) or SHA2-512(2). PKIX-TA(0)
// and PKIX-EE(1) are treated as unusable, as RFC 7672 §3.1.3 allows.
// interpretation: a digest whose length is not that of its matching type (32 bytes for
// SHA2-256, 64 for SHA2-512), or an empty Full(0) association, can never match a
// certificate, so such a record is unusable too (as Postfix and OpenSSL's DANE code treat it).
//
// Not here: CNAME-expanded TLSA base domains (DANE-21..24; the planner uses the MX host
// name as the base), matching records against a certificate (engine/tls/), and what an
// outcome means for delivery (engine/tls/requirement.hpp).
#pragma once

#include "engine/dns/record.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/tls/requirement.hpp"

#include <optional>
#include <vector>

namespace sts::delivery {

// The two facts of a lookup that DANE looks at.
struct lookup_facts {
    dns::lookup_status status = dns::lookup_status::timeout;
    dns::dnssec_status security = dns::dnssec_status::insecure;

    friend bool operator==(const lookup_facts&, const lookup_facts&) = default;
};

lookup_facts facts_of(const dns::lookup_result& r);

struct tlsa_lookup {
    lookup_facts facts;
    std::vector<dns::tlsa_rdata> records;  // the TLSA RRset, in answer order
};

struct dane_result {
    tls::dane_outcome outcome = tls::dane_outcome::not_applicable;
    std::vector<dns::tlsa_rdata> usable;  // non-empty exactly for tlsa_usable

    friend bool operator==(const dane_result&, const dane_result&) = default;
};

// RFC 7672 §3.1: whether the record can authenticate a server at all.
bool is_usable_tlsa(const dns::tlsa_rdata& record);

// RFC 7672 §2.1.1, §2.1.2: an error status, or a bogus answer (DANE-02: indeterminate is
// handled like bogus; the resolver reports both as SERVFAIL or bogus).
bool lookup_failed(lookup_facts f);

// RFC 7672 §2.2.1, §2.2.2 [DANE-07, DANE-19, DANE-20]: the TLSA lookup is made only when
// the MX RRset (or its secure denial, for an implicit MX) is secure and the host's address
// records are a secure answer.
bool tlsa_lookup_wanted(lookup_facts mx, lookup_facts address);

// The DANE outcome of one host. `tlsa` is the TLSA lookup when one was made; when
// tlsa_lookup_wanted() says one was needed and none is given, the result fails closed
// (lookup_failed). A TLSA lookup given when none was wanted is ignored.
dane_result reduce_dane(lookup_facts mx, lookup_facts address, const std::optional<tlsa_lookup>& tlsa);

}  // namespace sts::delivery
