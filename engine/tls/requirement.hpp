// engine/tls/requirement.hpp
//
// The TLS requirement for one connection to one MX host: the single place that combines
// the destination-control profile (engine/tls/profile.hpp), an SMTP route, the DANE outcome
// for the host (RFC 7672 §2.2) and the MTA-STS outcome for the domain (RFC 8461 §4, §5)
// into what the SMTP client must do before and during STARTTLS. decide() is a pure total
// function over small closed enums; tests/golden/tls_decision.tsv lists its answer for
// every combination, and docs/tls-decision.md explains the precedence:
//
//   TLS "No" → route bypass → DANE (lookup failure, mandatory, usable TLSA) → MTA-STS
//   (enforce, testing) → the profile's TLS setting, with an encryption floor when the
//   host has only unusable TLSA records.
//
// Security levels are ordered in the Postfix manner (none < may < encrypt < verify < dane)
// and code asks questions through the named predicates, never by comparing levels ad hoc.
//
// Not here: DNS lookups and DNSSEC validation (the caller reduces them to dane_outcome),
// MX pattern matching (engine/mtasts/mx_pattern.hpp; the caller folds the result into
// sts_outcome), certificate checks (the caller reports them as handshake facts to
// engine/tls/verdict.hpp), retry or bounce policy after a skip or defer, and the TLS-RPT
// vocabulary: a failure known before connecting is a tlsrpt::failure_reason, and its
// result type and policy type come from tlsrpt::classify() (engine/tlsrpt/).
#pragma once

#include "engine/tls/profile.hpp"
#include "engine/tlsrpt/failure_reason.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::tls {

// What the client insists on, weakest first. `dane` is last because it is the one level
// no MTA-STS result may override (RFC 8461 §2 [STS-DANE-01]).
enum class level {
    none,     // no TLS at all
    may,      // opportunistic: STARTTLS when offered, clear text otherwise
    encrypt,  // TLS mandatory, peer not authenticated
    verify,   // TLS mandatory, PKIX chain and reference name checked
    dane,     // TLS mandatory, peer authenticated by its TLSA records
};

constexpr bool offers_tls(level l) { return l >= level::may; }
constexpr bool must_encrypt(level l) { return l >= level::encrypt; }
constexpr bool must_authenticate(level l) { return l >= level::verify; }
constexpr bool must_verify_pkix(level l) { return l == level::verify; }
constexpr bool dane_based(level l) { return l == level::dane; }
constexpr bool may_fall_back_to_clear(level l) { return l <= level::may; }

// The DANE situation of this MX host as known before connecting (RFC 7672 §2.1, §2.2).
// The caller reduces the DNSSEC statuses of the MX, address and TLSA lookups to one value.
enum class dane_outcome {
    // Secure MX RRset, but no DANE for this host: authenticated denial of TLSA (DANE-04),
    // insecure TLSA RRset, or insecure address records so TLSA is not looked up (DANE-20).
    not_applicable,
    // The MX RRset itself is insecure: no host of this domain gets DANE (DANE-17).
    // interpretation: RFC 7672 §2.2.1 allows DANE for hosts of an insecure MX RRset (MAY);
    // the engine does not use it, like Postfix.
    mx_insecure,
    // The MX RRset lookup was bogus or indeterminate (DANE-05): the hosts it named are not
    // known to be the domain's, so none of them may be used.
    mx_lookup_failed,
    // Secure TLSA RRset with at least one usable record (DANE-10).
    tlsa_usable,
    // Secure, non-empty TLSA RRset whose records are all unusable (DANE-11, DANE-25).
    tlsa_unusable,
    // The TLSA (or address) lookup failed: bogus, indeterminate, SERVFAIL, timeout,
    // malformed (DANE-02, DANE-08, DANE-13). The host is unreachable.
    lookup_failed,
};

// The MTA-STS situation for this MX host: the mode of the valid, unexpired policy (fresh
// or cached) and, for testing and enforce, whether the host matches its mx patterns
// (RFC 8461 §4.1). Mode none and "no policy" never look at the patterns, so they carry no
// match bit.
enum class sts_outcome {
    no_policy,  // no TXT record, no valid policy, fetch failed with nothing cached
    mode_none,
    testing_mx_match,
    testing_mx_mismatch,
    enforce_mx_match,
    enforce_mx_mismatch,
};

// What an SMTP route for the recipient domain means for MTA-STS (and DANE).
enum class route_semantics {
    // The gateway's documented behaviour: on a route only the profile's TLS setting counts.
    gateway_bypass,
    // RFC 8461 §3.4 smart host: the relay's own domain is the policy domain, so the DANE and
    // MTA-STS inputs describe the relay and apply as for any next hop.
    rfc8461_smart_host,
};

struct decision_input {
    profile settings;
    std::optional<route_semantics> smtp_route;  // empty: no route for the domain
    dane_outcome dane = dane_outcome::not_applicable;
    sts_outcome sts = sts_outcome::no_policy;
    std::string_view mx_host;           // the MX RDATA name (or the relay host on a route)
    std::string_view next_hop_domain;   // the recipient domain (or the relay's domain)
    std::string_view tlsa_base_domain;  // DANE-23; empty means mx_host
};

enum class action {
    no_tls,        // connect and never send STARTTLS
    try_tls,       // STARTTLS when offered; clear text only if it fails before the 220
    require_tls,   // STARTTLS must succeed; the certificate is not checked
    require_pkix,  // STARTTLS, a trusted chain and a DNS-ID matching reference_names
    require_dane,  // STARTTLS and a chain matching a usable TLSA record
    skip_mx,       // do not use this host; try the next MX (or defer when none is left)
    defer,         // no MX host of this domain may be used now; the message stays queued
};

enum class version_floor { none, tls1_2 };

// A check that is made and recorded but never decides delivery.
enum class audit_kind {
    none,
    log_only,  // Preferred-Verify: verification outcome goes to the mail log
    tlsrpt,    // MTA-STS testing: failures go to the TLS-RPT report (RFC 8461 §5)
};

// The precedence rule that decided; stable names, printed by `explain`.
enum class decision_rule {
    tls_no,
    route_bypass,
    dane_mx_lookup_failed,
    dane_lookup_failed,
    dane_mandatory_mx_insecure,
    dane_mandatory_no_tlsa,
    dane_mandatory_tlsa_unusable,
    dane_usable,
    dane_usable_sts_skipped,
    dane_usable_over_sts_mx_mismatch,
    sts_enforce,
    sts_enforce_mx_mismatch,
    sts_testing,
    sts_testing_mx_mismatch,
    sts_mode_none,
    tls_setting,
    dane_unusable_sts_enforce,
    dane_unusable_sts_enforce_mx_mismatch,
    dane_unusable_sts_testing,
    dane_unusable_sts_testing_mx_mismatch,
    dane_unusable_sts_mode_none,
    dane_unusable_tls_setting,
};

struct connection_requirement {
    action what = action::defer;
    // The enforced level. For skip_mx and defer: the level this host would have needed.
    level security = level::none;
    // Names the certificate must match: for require_pkix the MTA-STS MX host name, the
    // recipient domain (Required-Verify) or the MX host name (Required-Verify-Hosted); for
    // require_dane the DANE-TA reference identifiers (RFC 7672 §3.2.2), base domain first.
    std::vector<std::string> reference_names;
    version_floor tls_version_min = version_floor::none;

    audit_kind audit = audit_kind::none;
    std::vector<std::string> audit_names;
    version_floor audit_tls_version_min = version_floor::none;

    // RFC 8460 §4.4 policy-type of the policy that governs this connection.
    tlsrpt::policy_type report_policy = tlsrpt::policy_type::no_policy_found;
    // The session's failure when it is known before connecting (an MX the policy does not
    // list, a failed DNSSEC lookup, mandatory DANE without usable TLSA); always set for
    // skip_mx and defer.
    std::optional<tlsrpt::failure_reason> report_reason;
    decision_rule rule = decision_rule::tls_no;

    // The RFC 8460 result-type recorded before connecting: tlsrpt::classify() of
    // report_reason, or nothing.
    std::optional<tlsrpt::result_type> report_result() const noexcept;

    friend bool operator==(const connection_requirement&, const connection_requirement&) = default;
};

// The requirement for one connection. Total and pure: every input has an answer.
//   no_tls / try_tls / require_*: connect and run STARTTLS as the action says, then judge
//     the handshake with engine/tls/verdict.hpp.
//   skip_mx: never connect to this host (RFC 7672 §10 [DANE-37], RFC 8461 §5 [STS-APPLY-09]);
//     move to the next MX in preference order; when none is left the message is deferred.
//   defer: connect to no host of this domain; keep the message queued (transient failure).
connection_requirement decide(const decision_input& in);

std::string_view to_string(level l);
std::string_view to_string(dane_outcome o);
std::string_view to_string(sts_outcome o);
std::string_view to_string(route_semantics r);
std::string_view to_string(action a);
std::string_view to_string(version_floor v);
std::string_view to_string(audit_kind a);
std::string_view to_string(decision_rule r);

}  // namespace sts::tls
