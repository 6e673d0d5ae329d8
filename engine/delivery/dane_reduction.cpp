// engine/delivery/dane_reduction.cpp
#include "engine/delivery/dane_reduction.hpp"

namespace sts::delivery {

lookup_facts facts_of(const dns::lookup_result& r) { return {r.status, r.security}; }

bool is_usable_tlsa(const dns::tlsa_rdata& record) {
    // RFC 7672 §3.1 [DANE-29]: only DANE-TA(2) and DANE-EE(3) are used for SMTP.
    if (record.usage != 2 && record.usage != 3) return false;
    // RFC 6698 §2.1.2: Cert(0) or SubjectPublicKeyInfo(1).
    if (record.selector > 1) return false;
    // RFC 6698 §2.1.3: Full(0), SHA2-256(1), SHA2-512(2); interpretation: a digest of the
    // wrong length never matches, so it is as unusable as an unknown type.
    switch (record.matching_type) {
        case 0: return !record.association_data.empty();
        case 1: return record.association_data.size() == 32;
        case 2: return record.association_data.size() == 64;
        default: return false;
    }
}

bool lookup_failed(lookup_facts f) {
    return f.security == dns::dnssec_status::bogus || f.status == dns::lookup_status::servfail ||
           f.status == dns::lookup_status::timeout || f.status == dns::lookup_status::malformed;
}

namespace {

// A secure answer, or a secure denial (the implicit MX of RFC 5321 §5.1 under a secure
// NODATA is as trustworthy as a signed MX RRset).
bool secure(lookup_facts f) { return !lookup_failed(f) && f.security == dns::dnssec_status::secure; }

}  // namespace

bool tlsa_lookup_wanted(lookup_facts mx, lookup_facts address) {
    return secure(mx) && secure(address) && address.status == dns::lookup_status::answer;
}

dane_result reduce_dane(lookup_facts mx, lookup_facts address, const std::optional<tlsa_lookup>& tlsa) {
    using tls::dane_outcome;
    // RFC 7672 §2.1.2 [DANE-05]: without a trustworthy MX RRset the engine does not know
    // which servers are the domain's.
    if (lookup_failed(mx)) return {dane_outcome::mx_lookup_failed, {}};
    // RFC 7672 §2.2.1 [DANE-17, DANE-03]: every insecure MX RRset is handled the same way.
    if (mx.security != dns::dnssec_status::secure) return {dane_outcome::mx_insecure, {}};
    // RFC 7672 §2.1.2, §2.2 [DANE-08, DANE-13]: a failed address lookup makes the host
    // unreachable.
    if (lookup_failed(address)) return {dane_outcome::lookup_failed, {}};
    // RFC 7672 §2.2.2 [DANE-20]: no address, or insecure addresses: no TLSA lookup, and
    // so no DANE for this host (a host without address is unusable for other reasons).
    if (!tlsa_lookup_wanted(mx, address)) return {dane_outcome::not_applicable, {}};
    if (!tlsa) return {dane_outcome::lookup_failed, {}};  // fail closed: the lookup was owed
    // RFC 7672 §2.1.2, §2.2 [DANE-02, DANE-08]: a failed TLSA lookup makes the host unreachable.
    if (lookup_failed(tlsa->facts)) return {dane_outcome::lookup_failed, {}};
    // RFC 7672 §2.1.1, §2.2 [DANE-04, DANE-12]: a denial (secure or insecure) or an
    // insecure RRset means pre-DANE opportunistic TLS.
    if (tlsa->facts.status != dns::lookup_status::answer || tlsa->facts.security != dns::dnssec_status::secure ||
        tlsa->records.empty()) {
        return {dane_outcome::not_applicable, {}};
    }
    dane_result r;
    for (const auto& record : tlsa->records) {
        if (is_usable_tlsa(record)) r.usable.push_back(record);
    }
    // RFC 7672 §2.2 [DANE-10, DANE-11]: usable records authenticate; a secure RRset of
    // unusable ones still makes encryption mandatory.
    r.outcome = r.usable.empty() ? dane_outcome::tlsa_unusable : dane_outcome::tlsa_usable;
    return r;
}

}  // namespace sts::delivery
