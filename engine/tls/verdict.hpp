// engine/tls/verdict.hpp
//
// The second half of the TLS decision: once STARTTLS has run (or failed), what the
// connection_requirement from engine/tls/requirement.hpp makes of it. evaluate() is pure:
// the SMTP client and the TLS layer reduce what they saw to handshake_facts (was STARTTLS
// offered and accepted, which TLS version, did the chain verify at the engine's virtual
// time, did a DNS-ID match the requirement's names, did the chain match a usable TLSA
// record), and the verdict says whether to send the message, send it and report, continue
// in clear text, or give this host up.
//
// Two questions are answered separately, because the gateway and the RFCs ask them
// separately: the enforced one (does the profile, DANE or an enforce policy allow delivery
// here?) and the policy's one (what failure, if any, goes into the TLS-RPT report for
// requirement.report_policy, RFC 8460 §4.3). A testing policy can fail while the message
// is still delivered (RFC 8461 §5 [STS-APPLY-12]); Preferred-Verify logs a failure and
// delivers.
//
// Failures are tlsrpt::failure_reason values, so the mail log and the TLS-RPT report name
// them alike; which result type each one is reported as is tlsrpt::classify()'s decision
// (engine/tlsrpt/failure_reason.hpp), not this file's.
//
// Not here: name matching itself (the caller asks OpenSSL with the requirement's names),
// certificate expiry rules of DANE-EE (folded into tlsa_match by the caller, RFC 7672
// §3.1.1), and what to do after a refusal (next MX, defer; requirement.hpp says).
#pragma once

#include "engine/tls/requirement.hpp"
#include "engine/tlsrpt/failure_reason.hpp"

#include <optional>
#include <string_view>

namespace sts::tls {

enum class starttls_result {
    not_offered,        // no STARTTLS in the EHLO reply
    refused_transient,  // STARTTLS answered with a 4xx reply
    refused_permanent,  // STARTTLS answered with any other reply but 220 (5xx, or nonsense)
    handshake_failed,   // 220 received, then the TLS handshake failed
    established,
};

enum class tls_version { ssl3, tls1_0, tls1_1, tls1_2, tls1_3 };

enum class chain_status { trusted, expired, untrusted };

struct handshake_facts {
    starttls_result starttls = starttls_result::established;
    // The remaining facts mean something only when starttls is established.
    tls_version version = tls_version::tls1_3;
    chain_status chain = chain_status::trusted;  // PKIX, at the engine's virtual time
    bool reference_name_match = true;  // a DNS-ID matches one of requirement.reference_names
    bool audit_name_match = true;      // a DNS-ID matches one of requirement.audit_names
    bool tlsa_match = true;            // the chain matches a usable TLSA record (RFC 7672 §3)
};

enum class next_step {
    deliver,
    deliver_and_report,  // deliver; a report-only check failed (log or TLS-RPT)
    fall_back_to_clear,  // STARTTLS failed before its 220; continue in clear on this session
    refuse,              // send nothing through this host (next MX, or defer)
};

struct connection_verdict {
    next_step what = next_step::refuse;
    // Why the session refused or fell back, or what the report-only check found. For a host
    // decide() refused before connecting (skip_mx, defer): requirement.report_reason.
    std::optional<tlsrpt::failure_reason> failure;
    // The failure the policy named in requirement.report_policy saw, for its TLS-RPT
    // report, or nothing when it saw none (or there is no policy, or the failure was
    // recorded before connecting). It differs from `failure` when the profile's check and
    // the policy's check disagree, e.g. Required-Verify under a testing policy.
    std::optional<tlsrpt::failure_reason> reported;

    // The RFC 8460 result-type to record: tlsrpt::classify() of `reported`, or nothing.
    std::optional<tlsrpt::result_type> tlsrpt_result() const noexcept;

    friend bool operator==(const connection_verdict&, const connection_verdict&) = default;
};

connection_verdict evaluate(const connection_requirement& req, const handshake_facts& facts);

// Mail-log wording: the product's where it has one ("peer cert does not match domain"),
// otherwise the reason's stable name (tlsrpt::to_string).
std::string_view log_wording(tlsrpt::failure_reason reason) noexcept;
std::string_view to_string(next_step s);
std::string_view to_string(starttls_result s);
std::string_view to_string(tls_version v);
std::string_view to_string(chain_status c);

}  // namespace sts::tls
