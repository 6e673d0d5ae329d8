#include "engine/tlsrpt/failure_reason.hpp"

namespace sts::tlsrpt {

std::string_view to_string(failure_reason reason) noexcept {
    switch (reason) {
        case failure_reason::txt_lookup_failed: return "txt-lookup-failed";
        case failure_reason::txt_record_invalid: return "txt-record-invalid";
        case failure_reason::txt_records_multiple: return "txt-records-multiple";
        case failure_reason::policy_fetch_backoff: return "policy-fetch-backoff";
        case failure_reason::policy_host_not_found: return "policy-host-not-found";
        case failure_reason::policy_host_dns_failed: return "policy-host-dns-failed";
        case failure_reason::policy_host_connect_refused: return "policy-host-connect-refused";
        case failure_reason::policy_host_connect_timeout: return "policy-host-connect-timeout";
        case failure_reason::policy_host_connection_reset: return "policy-host-connection-reset";
        case failure_reason::proxy_connect_refused: return "proxy-connect-refused";
        case failure_reason::proxy_connect_timeout: return "proxy-connect-timeout";
        case failure_reason::proxy_auth_required: return "proxy-auth-required";
        case failure_reason::proxy_bad_gateway: return "proxy-bad-gateway";
        case failure_reason::proxy_refused: return "proxy-refused";
        case failure_reason::proxy_stalled: return "proxy-stalled";
        case failure_reason::policy_tls_handshake_failed: return "policy-tls-handshake-failed";
        case failure_reason::policy_certificate_expired: return "policy-certificate-expired";
        case failure_reason::policy_certificate_not_yet_valid: return "policy-certificate-not-yet-valid";
        case failure_reason::policy_certificate_untrusted: return "policy-certificate-untrusted";
        case failure_reason::policy_certificate_self_signed: return "policy-certificate-self-signed";
        case failure_reason::policy_certificate_chain_incomplete: return "policy-certificate-chain-incomplete";
        case failure_reason::policy_certificate_name_mismatch: return "policy-certificate-name-mismatch";
        case failure_reason::policy_certificate_invalid: return "policy-certificate-invalid";
        case failure_reason::policy_http_malformed: return "policy-http-malformed";
        case failure_reason::policy_http_status_not_200: return "policy-http-status-not-200";
        case failure_reason::policy_http_redirect: return "policy-http-redirect";
        case failure_reason::policy_media_type_wrong: return "policy-media-type-wrong";
        case failure_reason::policy_body_too_large: return "policy-body-too-large";
        case failure_reason::policy_fetch_timeout: return "policy-fetch-timeout";
        case failure_reason::policy_body_invalid: return "policy-body-invalid";
        case failure_reason::mx_lookup_failed: return "mx-lookup-failed";
        case failure_reason::mx_rrset_bogus: return "mx-rrset-bogus";
        case failure_reason::mx_null: return "mx-null";
        case failure_reason::mx_address_lookup_failed: return "mx-address-lookup-failed";
        case failure_reason::mx_address_bogus: return "mx-address-bogus";
        case failure_reason::mx_connect_refused: return "mx-connect-refused";
        case failure_reason::mx_connect_timeout: return "mx-connect-timeout";
        case failure_reason::mx_connection_lost: return "mx-connection-lost";
        case failure_reason::smtp_timeout: return "smtp-timeout";
        case failure_reason::smtp_reply_malformed: return "smtp-reply-malformed";
        case failure_reason::smtp_command_transient_failure: return "smtp-command-transient-failure";
        case failure_reason::smtp_command_permanent_failure: return "smtp-command-permanent-failure";
        case failure_reason::starttls_not_offered: return "starttls-not-offered";
        case failure_reason::starttls_refused_transient: return "starttls-refused-transient";
        case failure_reason::starttls_refused_permanent: return "starttls-refused-permanent";
        case failure_reason::starttls_response_injection: return "starttls-response-injection";
        case failure_reason::tls_handshake_failed: return "tls-handshake-failed";
        case failure_reason::tls_version_too_old: return "tls-version-too-old";
        case failure_reason::mx_certificate_expired: return "mx-certificate-expired";
        case failure_reason::mx_certificate_not_yet_valid: return "mx-certificate-not-yet-valid";
        case failure_reason::mx_certificate_untrusted: return "mx-certificate-untrusted";
        case failure_reason::mx_certificate_self_signed: return "mx-certificate-self-signed";
        case failure_reason::mx_certificate_chain_incomplete: return "mx-certificate-chain-incomplete";
        case failure_reason::mx_certificate_host_mismatch: return "mx-certificate-host-mismatch";
        case failure_reason::mx_certificate_invalid: return "mx-certificate-invalid";
        case failure_reason::mx_not_listed_in_policy: return "mtasts-policy-mx-mismatch";
        case failure_reason::dane_no_tlsa_match: return "dane-no-tlsa-match";
        case failure_reason::dane_tlsa_lookup_bogus: return "dane-tlsa-lookup-bogus";
        case failure_reason::dane_tlsa_lookup_failed: return "dane-tlsa-lookup-failed";
        case failure_reason::dane_tlsa_lookup_timeout: return "dane-tlsa-lookup-timeout";
        case failure_reason::dane_required_no_usable_tlsa: return "dane-required-no-usable-tlsa";
        case failure_reason::dane_required_mx_insecure: return "dane-required-mx-insecure";
    }
    return {};
}

std::optional<failure_reason> parse_failure_reason(std::string_view text) noexcept {
    for (const auto reason : all_failure_reasons) {
        if (to_string(reason) == text) return reason;
    }
    return std::nullopt;
}

classification classify(failure_reason reason) noexcept {
    using enum failure_reason;
    const auto entry = [reason](std::optional<result_type> result, std::optional<policy_type> policy) {
        return classification{result, policy, to_string(reason)};
    };
    constexpr std::optional<policy_type> applied_policy = std::nullopt;
    constexpr std::optional<result_type> not_reported = std::nullopt;

    switch (reason) {
        // RFC 8460 §4.3.2.2 sts-policy-fetch-error: "a failure to retrieve an MTA-STS
        // policy, for example, because the policy host is unreachable". RFC 8461 §3.3
        // [STS-FETCH-18]: DNS, TCP and TLS failures, non-200 [STS-FETCH-08], redirects
        // [STS-FETCH-09], oversize bodies [STS-FETCH-14] and timeouts [STS-FETCH-13] are all
        // "no policy can be fetched". RFC 8461 §6 [STS-RPT-01, STS-RPT-02] asks for them to
        // be reported. TXT problems and the back-off: see the header.
        case txt_lookup_failed:
        case txt_record_invalid:
        case txt_records_multiple:
        case policy_fetch_backoff:
        case policy_host_not_found:
        case policy_host_dns_failed:
        case policy_host_connect_refused:
        case policy_host_connect_timeout:
        case policy_host_connection_reset:
        case proxy_connect_refused:
        case proxy_connect_timeout:
        case proxy_auth_required:
        case proxy_bad_gateway:
        case proxy_refused:
        case proxy_stalled:
        case policy_tls_handshake_failed:
        case policy_http_malformed:
        case policy_http_status_not_200:
        case policy_http_redirect:
        case policy_media_type_wrong:
        case policy_body_too_large:
        case policy_fetch_timeout:
            return entry(result_type::sts_policy_fetch_error, policy_type::sts);

        // RFC 8460 §4.3.2.2 sts-webpki-invalid: the policy host's certificate failed PKIX or
        // name validation. RFC 8461 §3.3 [STS-FETCH-03].
        case policy_certificate_expired:
        case policy_certificate_not_yet_valid:
        case policy_certificate_untrusted:
        case policy_certificate_self_signed:
        case policy_certificate_chain_incomplete:
        case policy_certificate_name_mismatch:
        case policy_certificate_invalid:
            return entry(result_type::sts_webpki_invalid, policy_type::sts);

        // RFC 8460 §4.3.2.2 sts-policy-invalid: "a validation error for the policy
        // retrieved" [STS-PARSE-18].
        case policy_body_invalid:
            return entry(result_type::sts_policy_invalid, policy_type::sts);

        // RFC 8460 §4.3.2.1 dnssec-invalid: the DNSSEC records (or the validating
        // resolver's verdict on them) made the DANE lookup fail [DANE-05, DANE-08].
        case mx_rrset_bogus:
        case mx_address_bogus:
        case dane_tlsa_lookup_bogus:
        case dane_tlsa_lookup_failed:
            return entry(result_type::dnssec_invalid, policy_type::tlsa);

        // RFC 8460 §4.3.4 [TLSRPT-30]: transient failures need not be reported, and RFC 8461
        // App. B [STS-APPLY-18] says a TCP failure to an MX is not an MTA-STS failure. SMTP
        // replies other than the one to STARTTLS and a null MX have nothing to do with TLS.
        case mx_lookup_failed:
        case mx_null:
        case mx_address_lookup_failed:
        case mx_connect_refused:
        case mx_connect_timeout:
        case mx_connection_lost:
        case smtp_timeout:
        case smtp_reply_malformed:
        case smtp_command_transient_failure:
        case smtp_command_permanent_failure:
        case dane_tlsa_lookup_timeout:
            return entry(not_reported, std::nullopt);

        // RFC 8460 §4.3.1 starttls-not-supported; RFC 8461 §4(2), §5(1) [STS-APPLY-19]: not
        // advertised, refused, or a handshake that fails are all "no STARTTLS"
        // [STS-SEC-01, DANE-10].
        case starttls_not_offered:
        case starttls_refused_transient:
        case starttls_refused_permanent:
        case tls_handshake_failed:
            return entry(result_type::starttls_not_supported, applied_policy);

        // RFC 8460 §4.3.1 certificate-expired [STS-APPLY-02]; not-yet-valid: see the header.
        case mx_certificate_expired:
        case mx_certificate_not_yet_valid:
            return entry(result_type::certificate_expired, applied_policy);

        // RFC 8460 §4.3.1 certificate-not-trusted [STS-APPLY-03], which SHOULD carry a
        // failure-reason-code [TLSRPT-29].
        case mx_certificate_untrusted:
        case mx_certificate_self_signed:
        case mx_certificate_chain_incomplete:
            return entry(result_type::certificate_not_trusted, applied_policy);

        // RFC 8460 §4.3.1 certificate-host-mismatch [STS-APPLY-04, DANE-31].
        case mx_certificate_host_mismatch:
            return entry(result_type::certificate_host_mismatch, applied_policy);

        // RFC 8460 §4.3.3 validation-failure: anything that fits no other type
        // [TLSRPT-29]; an old TLS version (A16) and the STARTTLS injection: see the header.
        case mx_certificate_invalid:
        case starttls_response_injection:
        case tls_version_too_old:
            return entry(result_type::validation_failure, applied_policy);

        // Ambiguity A17: no RFC 8460 type for an MX that the policy does not list
        // [STS-APPLY-09, STS-RPT-04].
        case mx_not_listed_in_policy:
            return entry(result_type::validation_failure, policy_type::sts);

        // RFC 8460 §4.3.2.1 tlsa-invalid: no usable TLSA record matched [DANE-30].
        case dane_no_tlsa_match:
            return entry(result_type::tlsa_invalid, policy_type::tlsa);

        // RFC 8460 §4.3.2.1 dane-required: DANE is required and could not be used
        // [DANE-14, DANE-17]; policy type: ambiguity A21 in the header.
        case dane_required_no_usable_tlsa:
        case dane_required_mx_insecure:
            return entry(result_type::dane_required, policy_type::tlsa);
    }
    return classification{};  // not an enumerator
}

}  // namespace sts::tlsrpt
