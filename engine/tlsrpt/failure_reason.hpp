// engine/tlsrpt/failure_reason.hpp
//
// Every reason the engine can give for failing while it discovers and fetches an MTA-STS
// policy (RFC 8461 §3) or delivers to an MX (RFC 8461 §4-§5, RFC 7672 §2-§3, RFC 5321),
// as one closed enum, and classify(): what each reason means for TLS-RPT (RFC 8460 §4.3):
// the result type, if the failure is reported at all; the policy type it belongs to; and
// the failure-reason-code that goes with it. to_string() gives each reason a stable
// kebab-case name (the enumerator with "-" for "_", except for A17 below); the same name is
// the failure-reason-code, so a report entry can be found in the mail log by grepping for
// it.
//
// classify() is one exhaustive switch with no default: adding an enumerator without
// deciding its mapping does not compile (-Wswitch under -Werror).
//
// Deliberately not decided here: whether a failure is reported for a given session. The
// caller still applies RFC 8461 §6 / STS-RPT-02, STS-RPT-03 (nothing is reported under a
// policy in mode "none"), chooses the reporting domain, and counts sessions (RFC 8460
// §4.2). Which reason a TLS handshake or a certificate verification produced is decided by
// engine/tls, which maps OpenSSL's verify codes onto these enumerators.
//
// Choices where the RFCs leave room (requirements.md §13):
//
// A17: RFC 8460 has no result type for "MX host not listed in the policy". Like mox, it is
// reported as validation-failure (the §4.3.3 catch-all) with failure-reason-code
// "mtasts-policy-mx-mismatch", under policy type sts.
//
// A21: a failure to discover or fetch the policy (sts-policy-fetch-error,
// sts-webpki-invalid, sts-policy-invalid) is filed under policy type sts, not
// no-policy-found: a valid _mta-sts TXT record proves the domain publishes a policy we
// failed to get, and the entry then carries an empty policy-string (or the cached policy's
// lines when one is in use). dane-required is filed under tlsa with an empty
// policy-string, since the destination's required policy is DANE. Which domain's
// _smtp._tls record receives DANE results is the report writer's decision, not this file's.
//
// Other interpretations:
// - STS-APPLY-19: a failed TLS handshake after STARTTLS counts as "does not support
//   STARTTLS": starttls-not-supported, like a missing or refused STARTTLS.
// - A16: a session that negotiated TLS below 1.2 (RFC 8461 §7.2) did support STARTTLS, and
//   RFC 8460 has no type for an old protocol version: validation-failure with code
//   tls-version-too-old. engine/tls/verdict.cpp yields the reason and relies on this
//   mapping; it keeps none of its own.
// - A certificate that is not yet valid is outside its validity period like an expired one:
//   certificate-expired (with code mx-certificate-not-yet-valid), as Go's x509, and so
//   mox, does.
// - A malformed, duplicated or unreachable _mta-sts TXT record, and a fetch skipped because
//   of the STS-FETCH-15 back-off, are sts-policy-fetch-error (as mox reports them): the
//   policy itself was never obtained, so sts-policy-invalid would be wrong.
// - A wrong media type (STS-FETCH-11) is judged on the HTTP response, like the status code,
//   before any body is read as a policy: sts-policy-fetch-error.
// - Plain text that follows the 220 answer to STARTTLS (RFC 3207 §4.2; CVE-2011-0411) is an
//   attack or a broken server, neither a missing STARTTLS nor a certificate problem:
//   validation-failure with its own code.
// - TLSRPT-30 / RFC 8460 §4.3.4: connection refusals, timeouts, lost connections, DNS
//   timeouts and ordinary SMTP 4xx/5xx replies are transient or unrelated to TLS and are not
//   reported; a DNSSEC failure (bogus, or SERVFAIL from the validating resolver) is
//   dnssec-invalid.
#pragma once

#include "engine/tlsrpt/policy_type.hpp"
#include "engine/tlsrpt/result_type.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace sts::tlsrpt {

enum class failure_reason {
    // Policy discovery: the _mta-sts TXT record (RFC 8461 §3.1).
    txt_lookup_failed,     // SERVFAIL or timeout
    txt_record_invalid,    // the one v=STSv1 record does not parse
    txt_records_multiple,  // more than one v=STSv1 record

    // Policy fetch (RFC 8461 §3.3), directly or through the configured HTTP proxy.
    policy_fetch_backoff,  // not attempted: a fetch for this id failed < 5 min ago
    policy_host_not_found,  // mta-sts.<domain> NXDOMAIN or no address
    policy_host_dns_failed,  // SERVFAIL or timeout resolving mta-sts.<domain>
    policy_host_connect_refused,
    policy_host_connect_timeout,
    policy_host_connection_reset,
    proxy_connect_refused,
    proxy_connect_timeout,
    proxy_auth_required,  // CONNECT answered 407
    proxy_bad_gateway,    // CONNECT answered 502
    proxy_refused,        // CONNECT answered with another non-2xx status
    proxy_stalled,        // no answer to CONNECT in time
    policy_tls_handshake_failed,
    policy_certificate_expired,
    policy_certificate_not_yet_valid,
    policy_certificate_untrusted,
    policy_certificate_self_signed,
    policy_certificate_chain_incomplete,
    policy_certificate_name_mismatch,
    policy_certificate_invalid,  // any other verification failure
    policy_http_malformed,
    policy_http_status_not_200,
    policy_http_redirect,
    policy_media_type_wrong,
    policy_body_too_large,
    policy_fetch_timeout,
    policy_body_invalid,  // the body is not a valid policy (RFC 8461 §3.2)

    // MX resolution (RFC 5321 §5.1, RFC 7505, RFC 7672 §2.1-§2.2).
    mx_lookup_failed,  // SERVFAIL or timeout
    mx_rrset_bogus,
    mx_null,  // "MX 0 ." : the domain accepts no mail
    mx_address_lookup_failed,
    mx_address_bogus,

    // Connection and SMTP session, outside TLS.
    mx_connect_refused,
    mx_connect_timeout,
    mx_connection_lost,
    smtp_timeout,
    smtp_reply_malformed,
    smtp_command_transient_failure,  // 4xx to a command other than STARTTLS
    smtp_command_permanent_failure,  // 5xx to a command other than STARTTLS

    // STARTTLS and the TLS session with the MX (RFC 3207, RFC 8461 §4.2, §7.2).
    starttls_not_offered,
    starttls_refused_transient,  // 4xx to STARTTLS
    starttls_refused_permanent,  // 5xx to STARTTLS
    starttls_response_injection,  // bytes after the 220 answer to STARTTLS
    tls_handshake_failed,
    tls_version_too_old,  // below TLS 1.2
    mx_certificate_expired,
    mx_certificate_not_yet_valid,
    mx_certificate_untrusted,
    mx_certificate_self_signed,
    mx_certificate_chain_incomplete,  // missing intermediate
    mx_certificate_host_mismatch,
    mx_certificate_invalid,  // any other verification failure

    // MTA-STS policy application (RFC 8461 §4.1).
    mx_not_listed_in_policy,

    // DANE (RFC 7672).
    dane_no_tlsa_match,
    dane_tlsa_lookup_bogus,
    dane_tlsa_lookup_failed,  // SERVFAIL, indeterminate or malformed
    dane_tlsa_lookup_timeout,
    dane_required_no_usable_tlsa,  // mandatory DANE, no secure usable TLSA (§2.2, §6)
    dane_required_mx_insecure,     // mandatory DANE, insecure MX RRset (§2.2.1)
};

// Every enumerator, in declaration order.
inline constexpr std::array all_failure_reasons{
    failure_reason::txt_lookup_failed,
    failure_reason::txt_record_invalid,
    failure_reason::txt_records_multiple,
    failure_reason::policy_fetch_backoff,
    failure_reason::policy_host_not_found,
    failure_reason::policy_host_dns_failed,
    failure_reason::policy_host_connect_refused,
    failure_reason::policy_host_connect_timeout,
    failure_reason::policy_host_connection_reset,
    failure_reason::proxy_connect_refused,
    failure_reason::proxy_connect_timeout,
    failure_reason::proxy_auth_required,
    failure_reason::proxy_bad_gateway,
    failure_reason::proxy_refused,
    failure_reason::proxy_stalled,
    failure_reason::policy_tls_handshake_failed,
    failure_reason::policy_certificate_expired,
    failure_reason::policy_certificate_not_yet_valid,
    failure_reason::policy_certificate_untrusted,
    failure_reason::policy_certificate_self_signed,
    failure_reason::policy_certificate_chain_incomplete,
    failure_reason::policy_certificate_name_mismatch,
    failure_reason::policy_certificate_invalid,
    failure_reason::policy_http_malformed,
    failure_reason::policy_http_status_not_200,
    failure_reason::policy_http_redirect,
    failure_reason::policy_media_type_wrong,
    failure_reason::policy_body_too_large,
    failure_reason::policy_fetch_timeout,
    failure_reason::policy_body_invalid,
    failure_reason::mx_lookup_failed,
    failure_reason::mx_rrset_bogus,
    failure_reason::mx_null,
    failure_reason::mx_address_lookup_failed,
    failure_reason::mx_address_bogus,
    failure_reason::mx_connect_refused,
    failure_reason::mx_connect_timeout,
    failure_reason::mx_connection_lost,
    failure_reason::smtp_timeout,
    failure_reason::smtp_reply_malformed,
    failure_reason::smtp_command_transient_failure,
    failure_reason::smtp_command_permanent_failure,
    failure_reason::starttls_not_offered,
    failure_reason::starttls_refused_transient,
    failure_reason::starttls_refused_permanent,
    failure_reason::starttls_response_injection,
    failure_reason::tls_handshake_failed,
    failure_reason::tls_version_too_old,
    failure_reason::mx_certificate_expired,
    failure_reason::mx_certificate_not_yet_valid,
    failure_reason::mx_certificate_untrusted,
    failure_reason::mx_certificate_self_signed,
    failure_reason::mx_certificate_chain_incomplete,
    failure_reason::mx_certificate_host_mismatch,
    failure_reason::mx_certificate_invalid,
    failure_reason::mx_not_listed_in_policy,
    failure_reason::dane_no_tlsa_match,
    failure_reason::dane_tlsa_lookup_bogus,
    failure_reason::dane_tlsa_lookup_failed,
    failure_reason::dane_tlsa_lookup_timeout,
    failure_reason::dane_required_no_usable_tlsa,
    failure_reason::dane_required_mx_insecure,
};

// The stable kebab-case name, e.g. "policy-http-status-not-200"; empty for a value that is
// no enumerator.
std::string_view to_string(failure_reason reason) noexcept;

// The reason whose to_string() is exactly `text`, or nothing.
std::optional<failure_reason> parse_failure_reason(std::string_view text) noexcept;

struct classification {
    // The RFC 8460 result type; nothing when the failure is not reported (RFC 8460 §4.3.4).
    std::optional<result_type> result;
    // The policy type the entry belongs to; nothing means "the policy applied to the
    // session" (a certificate failure is sts under MTA-STS and tlsa under DANE).
    std::optional<policy_type> policy;
    // RFC 8460 §4.4 failure-reason-code: to_string(reason).
    std::string_view failure_reason_code;

    bool reportable() const noexcept { return result.has_value(); }

    friend bool operator==(const classification&, const classification&) = default;
};

classification classify(failure_reason reason) noexcept;

}  // namespace sts::tlsrpt
