// engine/tls/verdict.cpp
#include "engine/tls/verdict.hpp"

namespace sts::tls {

namespace {

using tlsrpt::failure_reason;
// A failure, or nothing when the check passed.
using outcome = std::optional<failure_reason>;

bool below(tls_version v, version_floor floor) {
    return floor == version_floor::tls1_2 && v < tls_version::tls1_2;
}

// RFC 3207 §4, RFC 8461 §4(2) [STS-APPLY-19]: every way STARTTLS can fail before a TLS
// session exists. How each is reported is tlsrpt::classify()'s decision.
outcome starttls_failure(starttls_result s) {
    switch (s) {
        case starttls_result::not_offered: return failure_reason::starttls_not_offered;
        case starttls_result::refused_transient: return failure_reason::starttls_refused_transient;
        case starttls_result::refused_permanent: return failure_reason::starttls_refused_permanent;
        case starttls_result::handshake_failed: return failure_reason::tls_handshake_failed;
        case starttls_result::established: return std::nullopt;
    }
    return failure_reason::tls_handshake_failed;
}

// PKIX checks in the order a verifier reports them: the chain first, then the name. RFC
// 8461 §7.2 [STS-APPLY-08] and A16 for the version floor.
outcome pkix_failure(const handshake_facts& f, version_floor floor, bool name_match) {
    if (below(f.version, floor)) return failure_reason::tls_version_too_old;
    if (f.chain == chain_status::untrusted) return failure_reason::mx_certificate_untrusted;
    if (f.chain == chain_status::expired) return failure_reason::mx_certificate_expired;
    if (!name_match) return failure_reason::mx_certificate_host_mismatch;
    return std::nullopt;
}

// What the enforced part of the requirement says.
outcome enforced_failure(const connection_requirement& r, const handshake_facts& f) {
    if (f.starttls != starttls_result::established) return starttls_failure(f.starttls);
    switch (r.what) {
        case action::require_pkix:
            return pkix_failure(f, r.tls_version_min, f.reference_name_match);
        case action::require_dane:
            if (below(f.version, r.tls_version_min)) return failure_reason::tls_version_too_old;
            // RFC 7672 §3.2 [DANE-30, STS-DANE-01]: no usable TLSA record matched, so this
            // host gets nothing, whatever MTA-STS would have said.
            if (!f.tlsa_match) return failure_reason::dane_no_tlsa_match;
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

// What the policy named in report_policy saw: the failure for the TLS-RPT report.
outcome policy_failure(const connection_requirement& r, const handshake_facts& f) {
    // No policy, or the session's failure (MX mismatch under testing) was recorded before
    // connecting.
    if (r.report_policy == tlsrpt::policy_type::no_policy_found || r.report_reason) return std::nullopt;
    if (f.starttls != starttls_result::established) return starttls_failure(f.starttls);
    if (r.report_policy == tlsrpt::policy_type::tlsa) {
        // Usable TLSA: the chain must match. Only unusable TLSA: encryption was all it asked.
        return r.what == action::require_dane ? enforced_failure(r, f) : std::nullopt;
    }
    // MTA-STS: under testing the policy's check is the audit; under enforce it is the
    // enforced check itself (RFC 8461 §4.2, §7.2).
    if (r.audit == audit_kind::tlsrpt) {
        return pkix_failure(f, r.audit_tls_version_min, f.audit_name_match);
    }
    return pkix_failure(f, r.tls_version_min, f.reference_name_match);
}

}  // namespace

std::optional<tlsrpt::result_type> connection_verdict::tlsrpt_result() const noexcept {
    if (!reported) return std::nullopt;
    return tlsrpt::classify(*reported).result;
}

connection_verdict evaluate(const connection_requirement& req, const handshake_facts& facts) {
    switch (req.what) {
        case action::skip_mx:
        case action::defer:
            // Not to be contacted at all: the caller should not have connected. The reason is
            // the one decide() gave, already recorded before connecting.
            return {next_step::refuse, req.report_reason, std::nullopt};
        case action::no_tls:
            return {next_step::deliver, std::nullopt, std::nullopt};
        default:
            break;
    }

    const outcome reported = policy_failure(req, facts);

    if (facts.starttls != starttls_result::established) {
        const outcome failure = starttls_failure(facts.starttls);
        // seg-behaviour.md, Preferred: clear text only when negotiation failed before the
        // server's 220 answer to STARTTLS; after the 220 there is no clear-text fallback.
        // RFC 8461 §5 [STS-APPLY-12] and A24: under testing the same fallback holds.
        const bool before_220 = facts.starttls != starttls_result::handshake_failed;
        if (req.what == action::try_tls && before_220) {
            return {next_step::fall_back_to_clear, failure, reported};
        }
        return {next_step::refuse, failure, reported};
    }

    if (const outcome failure = enforced_failure(req, facts)) return {next_step::refuse, failure, reported};
    if (reported) return {next_step::deliver_and_report, reported, reported};
    if (req.audit == audit_kind::log_only) {
        // seg-behaviour.md, Preferred-Verify: a failed verification still delivers over TLS;
        // the outcome goes to the mail log only.
        if (const outcome logged = pkix_failure(facts, req.audit_tls_version_min, facts.audit_name_match)) {
            return {next_step::deliver_and_report, logged, std::nullopt};
        }
    }
    return {next_step::deliver, std::nullopt, std::nullopt};
}

std::string_view log_wording(tlsrpt::failure_reason reason) noexcept {
    // The product's wording where log-format.md and seg-behaviour.md quote it ("STARTTLS
    // command not supported", "peer cert does not match domain"); certificate failures
    // otherwise follow OpenSSL's verify messages, which the product quotes after "verify
    // error:".
    switch (reason) {
        case failure_reason::starttls_not_offered: return "STARTTLS command not supported";
        case failure_reason::starttls_refused_transient:
        case failure_reason::starttls_refused_permanent: return "STARTTLS command rejected";
        case failure_reason::tls_handshake_failed: return "TLS handshake failed";
        case failure_reason::tls_version_too_old: return "TLS version below 1.2";
        case failure_reason::mx_certificate_expired: return "certificate has expired";
        case failure_reason::mx_certificate_not_yet_valid: return "certificate is not yet valid";
        // A missing intermediate and an unknown root are one verify error to OpenSSL; the
        // TLS-RPT result types tell them apart, the log quotes the verifier.
        case failure_reason::mx_certificate_chain_incomplete:
        case failure_reason::mx_certificate_untrusted: return "unable to get local issuer certificate";
        case failure_reason::mx_certificate_self_signed: return "self-signed certificate";
        case failure_reason::mx_certificate_host_mismatch: return "peer cert does not match domain";
        case failure_reason::dane_no_tlsa_match: return "no TLSA record matches the certificate chain";
        default: return tlsrpt::to_string(reason);
    }
}

std::string_view to_string(next_step s) {
    switch (s) {
        case next_step::deliver: return "deliver";
        case next_step::deliver_and_report: return "deliver_and_report";
        case next_step::fall_back_to_clear: return "fall_back_to_clear";
        case next_step::refuse: return "refuse";
    }
    return "?";
}

std::string_view to_string(starttls_result s) {
    switch (s) {
        case starttls_result::not_offered: return "not-offered";
        case starttls_result::refused_transient: return "refused-transient";
        case starttls_result::refused_permanent: return "refused-permanent";
        case starttls_result::handshake_failed: return "handshake-failed";
        case starttls_result::established: return "established";
    }
    return "?";
}

std::string_view to_string(tls_version v) {
    switch (v) {
        case tls_version::ssl3: return "SSLv3";
        case tls_version::tls1_0: return "TLSv1";
        case tls_version::tls1_1: return "TLSv1.1";
        case tls_version::tls1_2: return "TLSv1.2";
        case tls_version::tls1_3: return "TLSv1.3";
    }
    return "?";
}

std::string_view to_string(chain_status c) {
    switch (c) {
        case chain_status::trusted: return "trusted";
        case chain_status::expired: return "expired";
        case chain_status::untrusted: return "untrusted";
    }
    return "?";
}

}  // namespace sts::tls
