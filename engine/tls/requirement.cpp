// engine/tls/requirement.cpp
//
// The precedence, top to bottom; the first rule that applies decides. Each step cites the
// requirement it implements. docs/tls-decision.md has the same order as a table.
#include "engine/tls/requirement.hpp"

namespace sts::tls {

namespace {

bool is_testing(sts_outcome o) {
    return o == sts_outcome::testing_mx_match || o == sts_outcome::testing_mx_mismatch;
}
bool is_enforce(sts_outcome o) {
    return o == sts_outcome::enforce_mx_match || o == sts_outcome::enforce_mx_mismatch;
}
bool is_mx_mismatch(sts_outcome o) {
    return o == sts_outcome::testing_mx_mismatch || o == sts_outcome::enforce_mx_mismatch;
}

// A host refused before connecting. Its failure is recorded at once, under the policy type
// tlsrpt::classify() files the reason under (A17: an unlisted MX under sts; A21: DNSSEC
// failures and dane-required under tlsa).
connection_requirement refuse(action what, level needed, tlsrpt::failure_reason reason,
                              decision_rule rule) {
    connection_requirement r;
    r.what = what;
    r.security = needed;
    r.report_policy = tlsrpt::classify(reason).policy.value_or(tlsrpt::policy_type::no_policy_found);
    r.report_reason = reason;
    r.rule = rule;
    return r;
}

// What the profile's TLS setting alone asks for (seg-behaviour.md, "Meaning of the TLS
// settings"). The caller has already handled tls_setting::no.
connection_requirement from_tls_setting(const decision_input& in, decision_rule rule) {
    connection_requirement r;
    r.rule = rule;
    switch (in.settings.tls) {
        case tls_setting::no:
            r.what = action::no_tls;
            r.security = level::none;
            break;
        case tls_setting::preferred:
            r.what = action::try_tls;
            r.security = level::may;
            break;
        case tls_setting::required:
            r.what = action::require_tls;
            r.security = level::encrypt;
            break;
        case tls_setting::preferred_verify:
            // Verification is made and logged, but a failure still delivers over TLS, and
            // a host without TLS still gets the message in clear text.
            r.what = action::try_tls;
            r.security = level::may;
            r.audit = audit_kind::log_only;
            r.audit_names = {std::string(in.next_hop_domain)};
            break;
        case tls_setting::required_verify:
            // The product's "Verify": the reference identity is the recipient domain; a
            // provider-hosted domain fails here with "peer cert does not match domain".
            r.what = action::require_pkix;
            r.security = level::verify;
            r.reference_names = {std::string(in.next_hop_domain)};
            break;
        case tls_setting::required_verify_hosted:
            r.what = action::require_pkix;
            r.security = level::verify;
            r.reference_names = {std::string(in.mx_host)};
            break;
    }
    return r;
}

// RFC 7672 §2.2 [DANE-11, DANE-25]: a secure TLSA RRset, even one with only unusable
// records, makes encryption mandatory; clear text is never allowed for this host.
void raise_to_encrypt(connection_requirement& r) {
    if (r.what == action::try_tls || r.what == action::no_tls) {
        r.what = action::require_tls;
        r.security = level::encrypt;
    }
}

// The requirement once DANE has not decided: MTA-STS when a policy applies, otherwise the
// TLS setting. `unusable_tlsa` adds the DANE-25 encryption floor and picks the rule names
// that say so.
connection_requirement after_dane(const decision_input& in, bool unusable_tlsa) {
    // MTA-STS is honoured only when the profile turns it on (the caller has already left
    // for TLS "No", where it is never honoured).
    const sts_outcome sts = in.settings.mta_sts ? in.sts : sts_outcome::no_policy;
    auto pick = [unusable_tlsa](decision_rule plain, decision_rule with_floor) {
        return unusable_tlsa ? with_floor : plain;
    };

    if (sts == sts_outcome::enforce_mx_mismatch) {
        // RFC 8461 §4.1, §5 [STS-MX-01, STS-APPLY-09]: under enforce a host that matches no
        // mx pattern never gets the message; it is treated like an unreachable host and
        // the next MX is tried (§5.1, App. B [STS-APPLY-10, STS-MX-08]).
        return refuse(action::skip_mx, level::verify, tlsrpt::failure_reason::mx_not_listed_in_policy,
                      pick(decision_rule::sts_enforce_mx_mismatch,
                           decision_rule::dane_unusable_sts_enforce_mx_mismatch));
    }
    if (sts == sts_outcome::enforce_mx_match) {
        // RFC 8461 §4.2, §7.2 [STS-APPLY-01, STS-APPLY-04, STS-APPLY-07]: STARTTLS, TLS 1.2
        // or later and a PKIX certificate valid for the MX host name.
        // interpretation: the policy's reference identity (the MX host) replaces the one
        // of Required-Verify (the recipient domain): the domain owner vouches for its MX
        // hosts in the policy, and hosted domains would otherwise fail (A11b).
        connection_requirement r;
        r.what = action::require_pkix;
        r.security = level::verify;
        r.reference_names = {std::string(in.mx_host)};
        r.tls_version_min = version_floor::tls1_2;
        r.report_policy = tlsrpt::policy_type::sts;
        r.rule = pick(decision_rule::sts_enforce, decision_rule::dane_unusable_sts_enforce);
        return r;
    }

    connection_requirement r;
    if (is_testing(sts)) {
        // RFC 8461 §5 [STS-APPLY-12]: testing validates and reports, and the message goes
        // out as if no MTA-STS failure had happened, i.e. under the TLS setting, clear
        // fallback included (A24).
        if (sts == sts_outcome::testing_mx_mismatch) {
            // interpretation: the mismatch is already the session's failure, reported
            // before connecting; the certificate is not audited on top of it.
            r = from_tls_setting(in, pick(decision_rule::sts_testing_mx_mismatch,
                                          decision_rule::dane_unusable_sts_testing_mx_mismatch));
            r.audit = audit_kind::none;
            r.audit_names.clear();
            r.report_reason = tlsrpt::failure_reason::mx_not_listed_in_policy;
        } else {
            r = from_tls_setting(
                in, pick(decision_rule::sts_testing, decision_rule::dane_unusable_sts_testing));
            // The policy's check replaces Preferred-Verify's log-only check of the domain.
            r.audit = audit_kind::tlsrpt;
            r.audit_names = {std::string(in.mx_host)};
            r.audit_tls_version_min = version_floor::tls1_2;
        }
        r.report_policy = tlsrpt::policy_type::sts;
    } else if (sts == sts_outcome::mode_none) {
        // RFC 8461 §5 [STS-APPLY-13, STS-RPT-03]: mode none behaves as if there were no
        // active policy and reports nothing.
        r = from_tls_setting(in, pick(decision_rule::sts_mode_none,
                                      decision_rule::dane_unusable_sts_mode_none));
    } else {
        // RFC 8461 §4, §5 [STS-APPLY-17]: without a valid policy, normal behaviour.
        r = from_tls_setting(
            in, pick(decision_rule::tls_setting, decision_rule::dane_unusable_tls_setting));
    }
    if (unusable_tlsa) {
        raise_to_encrypt(r);
        if (r.report_policy == tlsrpt::policy_type::no_policy_found) {
            r.report_policy = tlsrpt::policy_type::tlsa;
        }
    }
    return r;
}

}  // namespace

connection_requirement decide(const decision_input& in) {
    // seg-behaviour.md: TLS "No" never negotiates TLS; DANE is only offered, and MTA-STS
    // only honoured, with another TLS setting.
    if (in.settings.tls == tls_setting::no) {
        return from_tls_setting(in, decision_rule::tls_no);
    }
    // seg-behaviour.md: on an SMTP route MTA-STS is not applied and only the TLS setting
    // counts. interpretation: "only the TLS setting" excludes DANE too.
    if (in.smtp_route == route_semantics::gateway_bypass) {
        return from_tls_setting(in, decision_rule::route_bypass);
    }

    const dane_setting dane = in.settings.dane;
    const dane_outcome outcome = dane == dane_setting::none ? dane_outcome::not_applicable : in.dane;
    const sts_outcome sts = in.settings.mta_sts ? in.sts : sts_outcome::no_policy;

    switch (outcome) {
        case dane_outcome::mx_lookup_failed:
            // RFC 7672 §2.1.2 [DANE-05]: a failed MX lookup leaves the engine not knowing
            // which servers to use, so delivery is delayed with no connection at all.
            // interpretation: an indeterminate MX RRset is reported like a bogus one; both
            // are a failed DNSSEC lookup, dnssec-invalid in requirements.md §11.3.
            return refuse(action::defer, level::dane, tlsrpt::failure_reason::mx_rrset_bogus,
                          decision_rule::dane_mx_lookup_failed);
        case dane_outcome::lookup_failed:
            // RFC 7672 §2.1.2, §2.2 [DANE-08, DANE-13]: the host is unreachable and must
            // not be used. RFC 8461 §2 [STS-DANE-02]: no MTA-STS result rescues it.
            // interpretation: dane_outcome does not say which lookup failed or how, so the
            // general dane-tlsa-lookup-failed (dnssec-invalid) stands for all of them.
            return refuse(action::skip_mx, level::dane, tlsrpt::failure_reason::dane_tlsa_lookup_failed,
                          decision_rule::dane_lookup_failed);
        case dane_outcome::tlsa_usable: {
            // RFC 7672 §2.2 [DANE-10]: TLS is mandatory and the server is authenticated
            // through its TLSA records. seg-behaviour.md: DANE takes precedence and
            // MTA-STS is skipped. interpretation (A20, STS-DANE-03): that holds even when
            // the host is not in the policy's mx list, because usable TLSA implies a
            // DNSSEC-secure MX RRset, which already defeats the MX spoofing the list
            // guards against.
            connection_requirement r;
            r.what = action::require_dane;
            r.security = level::dane;
            const std::string_view base = in.tlsa_base_domain.empty() ? in.mx_host : in.tlsa_base_domain;
            // RFC 7672 §3.2.2 [DANE-31]: the TLSA base domain, then (the MX RRset being
            // secure) the next-hop domain, for DANE-TA name checks.
            r.reference_names = {std::string(base)};
            if (in.next_hop_domain != base) r.reference_names.emplace_back(in.next_hop_domain);
            // interpretation: the product requires TLS 1.2 wherever it authenticates the
            // peer for a policy; DANE gets the same floor as MTA-STS.
            r.tls_version_min = version_floor::tls1_2;
            r.report_policy = tlsrpt::policy_type::tlsa;
            r.rule = is_mx_mismatch(sts)                     ? decision_rule::dane_usable_over_sts_mx_mismatch
                     : (is_testing(sts) || is_enforce(sts)) ? decision_rule::dane_usable_sts_skipped
                                                            : decision_rule::dane_usable;
            return r;
        }
        case dane_outcome::mx_insecure:
            if (dane == dane_setting::mandatory) {
                // RFC 7672 §2.2.1 [DANE-17]: insecure MX RRset with mandatory DANE → delay;
                // every host of the domain comes from that RRset.
                return refuse(action::defer, level::dane, tlsrpt::failure_reason::dane_required_mx_insecure,
                              decision_rule::dane_mandatory_mx_insecure);
            }
            return after_dane(in, false);
        case dane_outcome::not_applicable:
            if (dane == dane_setting::mandatory) {
                // RFC 7672 §2.2, §6 [DANE-14]: mandatory DANE without usable TLSA → this
                // host cannot be used; another MX may still have TLSA.
                return refuse(action::skip_mx, level::dane,
                              tlsrpt::failure_reason::dane_required_no_usable_tlsa,
                              decision_rule::dane_mandatory_no_tlsa);
            }
            return after_dane(in, false);
        case dane_outcome::tlsa_unusable:
            if (dane == dane_setting::mandatory) {
                // [DANE-14]: mandatory DANE needs usable records; unusable ones authenticate
                // nothing (as Postfix's dane-only level).
                return refuse(action::skip_mx, level::dane,
                              tlsrpt::failure_reason::dane_required_no_usable_tlsa,
                              decision_rule::dane_mandatory_tlsa_unusable);
            }
            return after_dane(in, true);
    }
    // Unreachable while the switch covers every outcome; a value outside the enum fails
    // closed, like a lookup failure.
    return refuse(action::skip_mx, level::dane, tlsrpt::failure_reason::dane_tlsa_lookup_failed,
                  decision_rule::dane_lookup_failed);
}

std::optional<tlsrpt::result_type> connection_requirement::report_result() const noexcept {
    if (!report_reason) return std::nullopt;
    return tlsrpt::classify(*report_reason).result;
}

std::string_view to_string(level l) {
    switch (l) {
        case level::none: return "none";
        case level::may: return "may";
        case level::encrypt: return "encrypt";
        case level::verify: return "verify";
        case level::dane: return "dane";
    }
    return "?";
}

std::string_view to_string(dane_outcome o) {
    switch (o) {
        case dane_outcome::not_applicable: return "not-applicable";
        case dane_outcome::mx_insecure: return "mx-insecure";
        case dane_outcome::mx_lookup_failed: return "mx-lookup-failed";
        case dane_outcome::tlsa_usable: return "tlsa-usable";
        case dane_outcome::tlsa_unusable: return "tlsa-unusable";
        case dane_outcome::lookup_failed: return "lookup-failed";
    }
    return "?";
}

std::string_view to_string(sts_outcome o) {
    switch (o) {
        case sts_outcome::no_policy: return "no-policy";
        case sts_outcome::mode_none: return "none";
        case sts_outcome::testing_mx_match: return "testing+match";
        case sts_outcome::testing_mx_mismatch: return "testing+mismatch";
        case sts_outcome::enforce_mx_match: return "enforce+match";
        case sts_outcome::enforce_mx_mismatch: return "enforce+mismatch";
    }
    return "?";
}

std::string_view to_string(route_semantics r) {
    switch (r) {
        case route_semantics::gateway_bypass: return "gateway-bypass";
        case route_semantics::rfc8461_smart_host: return "rfc8461-smart-host";
    }
    return "?";
}

std::string_view to_string(action a) {
    switch (a) {
        case action::no_tls: return "no_tls";
        case action::try_tls: return "try_tls";
        case action::require_tls: return "require_tls";
        case action::require_pkix: return "require_pkix";
        case action::require_dane: return "require_dane";
        case action::skip_mx: return "skip_mx";
        case action::defer: return "defer";
    }
    return "?";
}

std::string_view to_string(version_floor v) {
    switch (v) {
        case version_floor::none: return "any";
        case version_floor::tls1_2: return "1.2";
    }
    return "?";
}

std::string_view to_string(audit_kind a) {
    switch (a) {
        case audit_kind::none: return "-";
        case audit_kind::log_only: return "log";
        case audit_kind::tlsrpt: return "tlsrpt";
    }
    return "?";
}

std::string_view to_string(decision_rule r) {
    switch (r) {
        case decision_rule::tls_no: return "tls_no";
        case decision_rule::route_bypass: return "route_bypass";
        case decision_rule::dane_mx_lookup_failed: return "dane_mx_lookup_failed";
        case decision_rule::dane_lookup_failed: return "dane_lookup_failed";
        case decision_rule::dane_mandatory_mx_insecure: return "dane_mandatory_mx_insecure";
        case decision_rule::dane_mandatory_no_tlsa: return "dane_mandatory_no_tlsa";
        case decision_rule::dane_mandatory_tlsa_unusable: return "dane_mandatory_tlsa_unusable";
        case decision_rule::dane_usable: return "dane_usable";
        case decision_rule::dane_usable_sts_skipped: return "dane_usable_sts_skipped";
        case decision_rule::dane_usable_over_sts_mx_mismatch: return "dane_usable_over_sts_mx_mismatch";
        case decision_rule::sts_enforce: return "sts_enforce";
        case decision_rule::sts_enforce_mx_mismatch: return "sts_enforce_mx_mismatch";
        case decision_rule::sts_testing: return "sts_testing";
        case decision_rule::sts_testing_mx_mismatch: return "sts_testing_mx_mismatch";
        case decision_rule::sts_mode_none: return "sts_mode_none";
        case decision_rule::tls_setting: return "tls_setting";
        case decision_rule::dane_unusable_sts_enforce: return "dane_unusable_sts_enforce";
        case decision_rule::dane_unusable_sts_enforce_mx_mismatch:
            return "dane_unusable_sts_enforce_mx_mismatch";
        case decision_rule::dane_unusable_sts_testing: return "dane_unusable_sts_testing";
        case decision_rule::dane_unusable_sts_testing_mx_mismatch:
            return "dane_unusable_sts_testing_mx_mismatch";
        case decision_rule::dane_unusable_sts_mode_none: return "dane_unusable_sts_mode_none";
        case decision_rule::dane_unusable_tls_setting: return "dane_unusable_tls_setting";
    }
    return "?";
}

}  // namespace sts::tls
