// engine/mtasts/fetch_outcome.hpp
//
// What one HTTPS GET of https://mta-sts.<domain>/.well-known/mta-sts.txt gave (RFC 8461
// §3.3): a valid policy, or the reason there is none. Every reason is the same event for
// the policy cache: "no policy can be fetched" (STS-FETCH-18), so a cached unexpired
// policy still applies and otherwise the domain is treated as having no MTA-STS
// (STS-FETCH-16, STS-FETCH-17). The kinds stay apart because the mail log names them and
// TLS-RPT reports them with different result types (RFC 8460 §4.3.2.2: policy-fetch-error,
// webpki-invalid, policy-invalid; the mapping lives in engine/tlsrpt/).
//
// Not here: the fetch itself (the policy fetcher port), the HTTP rules that produce these
// kinds, or policy parsing (engine/mtasts/policy_parser.hpp).
#pragma once

#include "engine/core/result.hpp"
#include "engine/mtasts/policy.hpp"

#include <string>
#include <string_view>

namespace sts::mtasts {

enum class fetch_failure_kind {
    host_unresolved,  // no address for mta-sts.<domain>
    connect_failed,   // TCP connect refused, reset or unreachable
    tls_failed,       // the TLS handshake failed for a reason other than the certificate
    webpki_invalid,   // certificate untrusted, expired or not for mta-sts.<domain>
    timeout,          // the GET did not finish within limits::policy_fetch_timeout
    http_status,      // any status but 200, redirects included (STS-FETCH-08, STS-FETCH-09)
    body_too_large,   // more than limits::policy_body_bytes_max
    media_type,       // not text/plain (STS-FETCH-11)
    policy_invalid,   // the body is not a valid policy (STS-PARSE-18)
};

std::string_view to_string(fetch_failure_kind kind);

struct fetch_failure {
    fetch_failure_kind kind = fetch_failure_kind::connect_failed;
    // Our own words for the log, e.g. "HTTP status 503". Anything the peer sent has
    // already passed through core::quote_peer_text.
    std::string detail;

    friend bool operator==(const fetch_failure&, const fetch_failure&) = default;
};

using fetch_outcome = core::result<policy, fetch_failure>;

inline std::string_view to_string(fetch_failure_kind kind) {
    switch (kind) {
        case fetch_failure_kind::host_unresolved:
            return "host_unresolved";
        case fetch_failure_kind::connect_failed:
            return "connect_failed";
        case fetch_failure_kind::tls_failed:
            return "tls_failed";
        case fetch_failure_kind::webpki_invalid:
            return "webpki_invalid";
        case fetch_failure_kind::timeout:
            return "timeout";
        case fetch_failure_kind::http_status:
            return "http_status";
        case fetch_failure_kind::body_too_large:
            return "body_too_large";
        case fetch_failure_kind::media_type:
            return "media_type";
        case fetch_failure_kind::policy_invalid:
            return "policy_invalid";
    }
    return "connect_failed";
}

}  // namespace sts::mtasts
